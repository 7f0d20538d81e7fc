"""Compiled lexicons kept on disk, so that a warm start skips normalizing and filing every bank entry.

A compiled lexicon is its two automata's keys, their variant tables and the codes of the term characters, stored as a
numpy archive (no pickle) under ``screening.backends.cache_dir()``, keyed by a digest of the entries, the evasion
switches, the data files they were compiled with and :data:`FORMAT`. A cache that cannot be read or written is
simply not used.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from zilu.screening.backends import cache_dir, write_cached
from zilu.screening.charmap import DATA
from zilu.screening.policy import Evasion
from zilu.screening.verify import VariantTable

FORMAT = b"zilu-lexicon/3"  # bump whenever compiling changes what a lexicon holds


@dataclass(frozen=True)
class Compiled:
    """What :class:`~zilu.screening.lexicon.Lexicon` compiles from its entries."""

    exact_keys: list[bytes]
    sound_keys: list[bytes]
    exact_table: VariantTable
    sound_table: VariantTable
    term_codes: frozenset[int]


def path_for(evasion: Evasion, entries: Iterable[tuple[int, int, str]]) -> Path | None:
    """Where the compiled form of these entries under these switches is kept (``None``: caching is off)."""
    directory = cache_dir()
    if directory is None:
        return None
    digest = hashlib.sha256(FORMAT + _data_digest() + repr(evasion).encode())
    for kind, ref, text in entries:
        digest.update(f"{kind}\x1f{ref}\x1f{text}\x1e".encode("utf-8", "surrogatepass"))
    return directory / f"{digest.hexdigest()[:32]}.lexicon.npz"


def load(path: Path | None) -> Compiled | None:
    """The compiled lexicon kept at ``path``, or ``None`` when there is none (or it cannot be read)."""
    if path is None or not path.exists():
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            found = Compiled(
                _split_keys(data["exact_keys"], data["exact_key_len"]),
                _split_keys(data["sound_keys"], data["sound_key_len"]),
                VariantTable.from_arrays(data, "exact_"),
                VariantTable.from_arrays(data, "sound_"),
                frozenset(data["term_codes"].tolist()),
            )
    except (OSError, KeyError, ValueError):
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # the newest few are kept
    return found


def save(path: Path | None, lexicon: Compiled) -> None:
    """Keep a compiled lexicon for the next start."""
    if path is None:
        return
    arrays = {
        **lexicon.exact_table.arrays("exact_"),
        **lexicon.sound_table.arrays("sound_"),
        **_joined_keys("exact_", lexicon.exact_keys),
        **_joined_keys("sound_", lexicon.sound_keys),
        "term_codes": np.array(sorted(lexicon.term_codes), dtype=np.int64),
    }
    write_cached(path, lambda handle: np.savez(handle, **arrays), "*.lexicon.npz")


@cache
def _data_digest() -> bytes:
    """A digest of the data files a compiled lexicon depends on (character tables, pinyin, splits)."""
    digest = hashlib.sha256()
    for name in ("charmap.txt", "pinyin.txt", "chaizi.txt", "words.txt"):
        with contextlib.suppress(OSError):
            digest.update((DATA.parent / name).read_bytes())
    return digest.digest()


def _joined_keys(prefix: str, keys: list[bytes]) -> dict[str, np.ndarray]:
    return {
        f"{prefix}keys": np.frombuffer(b"".join(keys), dtype=np.uint8),
        f"{prefix}key_len": np.fromiter(map(len, keys), dtype=np.int64, count=len(keys)),
    }


def _split_keys(flat: np.ndarray, lengths: np.ndarray) -> list[bytes]:
    raw = flat.tobytes()
    ends = np.cumsum(lengths).tolist()
    starts = [0, *ends[:-1]]
    return [raw[a:b] for a, b in zip(starts, ends, strict=True)]
