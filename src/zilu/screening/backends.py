"""Multi-pattern scanners over normalized code bytes: Hyperscan when it is installed, ahocorasick_rs otherwise.

Both report every occurrence of every pattern (overlaps included) as ``(pattern id, end offset in bytes)``. A
normalized text is two bytes per character, so only even end offsets are character-aligned; odd ones are dropped.

Compiling ~40,000 literals takes Hyperscan about a second, so compiled databases are cached on disk, keyed by a
hash of the patterns: ``$ZILU_SCREENING_CACHE`` (``off`` to disable), else ``$XDG_CACHE_HOME/zilu/screening`` or
``~/.cache/zilu/screening``. The newest few databases are kept; a cache that cannot be written is simply not used.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any, Protocol

_KEEP_CACHED = 8
_CACHE_FORMAT = b"zilu-hs/1"


class Scanner(Protocol):
    """Finds every occurrence of every pattern in ``data``."""

    name: str

    def scan(self, data: bytes) -> tuple[list[int], list[int]]:
        """Pattern ids and even end offsets (bytes) of all occurrences."""
        ...


class NullScanner:
    """No patterns, no matches."""

    name = "none"

    def scan(self, data: bytes) -> tuple[list[int], list[int]]:
        """Nothing to find."""
        return [], []


def hyperscan_available() -> bool:
    """Whether the ``hyperscan`` wheel can be imported on this machine (x86-64 Linux/macOS, Apple silicon)."""
    try:
        import hyperscan  # noqa: F401
    except ImportError:
        return False
    return True


def cache_dir() -> Path | None:
    """Where compiled databases are kept, or ``None`` when caching is off."""
    configured = os.environ.get("ZILU_SCREENING_CACHE")
    if configured is not None:
        return None if configured.strip().lower() in ("", "off", "none", "0") else Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "zilu" / "screening"


def write_cached(path: Path, write: Callable[[IO[bytes]], object], pattern: str, keep: int = _KEEP_CACHED) -> None:
    """Write a cache file atomically (a temporary file, then a rename) and keep only the ``keep`` newest files of
    ``pattern`` beside it. A cache that cannot be written is simply not used."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as handle:
            write(handle)
        os.replace(handle.name, path)
        old = sorted(path.parent.glob(pattern), key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in old[keep:]:
            stale.unlink(missing_ok=True)


class HyperscanScanner:
    """A Hyperscan block-mode literal database; one scratch space per thread, so a scanner may be shared."""

    name = "hyperscan"

    def __init__(self, patterns: Sequence[bytes], cache: Path | None = None) -> None:
        import hyperscan

        self._hs = hyperscan
        self.cached = False
        self.db = self._load(patterns, cache)
        self._local = threading.local()

    def _compile(self, patterns: Sequence[bytes]) -> Any:
        db = self._hs.Database(mode=self._hs.HS_MODE_BLOCK)
        db.compile(
            expressions=list(patterns),
            ids=list(range(len(patterns))),
            elements=len(patterns),
            flags=[0] * len(patterns),
            literal=True,
        )
        return db

    def _load(self, patterns: Sequence[bytes], cache: Path | None) -> Any:
        if cache is None:
            return self._compile(patterns)
        digest = hashlib.sha256(_CACHE_FORMAT)
        digest.update(self._hs.__version__.encode() if hasattr(self._hs, "__version__") else b"?")
        for pattern in patterns:
            digest.update(len(pattern).to_bytes(4, "little"))
            digest.update(pattern)
        path = cache / f"{digest.hexdigest()[:32]}.hsdb"
        with contextlib.suppress(OSError, self._hs.error):
            db = self._hs.loadb(path.read_bytes(), self._hs.HS_MODE_BLOCK)
            os.utime(path)
            self.cached = True
            return db
        db = self._compile(patterns)
        data = self._hs.dumpb(db)
        write_cached(path, lambda handle: handle.write(data), "*.hsdb")
        return db

    def _scratch(self) -> Any:
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._hs.Scratch(self.db)
            self._local.scratch = scratch
        return scratch

    def scan(self, data: bytes) -> tuple[list[int], list[int]]:
        """Scan ``data`` (no NUL bytes) and collect aligned matches."""
        ids: list[int] = []
        ends: list[int] = []
        if not data:
            return ids, ends
        add_id, add_end = ids.append, ends.append

        def on_match(pattern: int, _start: int, end: int, _flags: int, _context: object) -> None:
            """Keep character-aligned matches (called by Hyperscan for each one)."""
            if not end & 1:
                add_id(pattern)
                add_end(end)

        self.db.scan(data, match_event_handler=on_match, scratch=self._scratch())
        return ids, ends


class AhoCorasickScanner:
    """ahocorasick_rs over bytes: portable, builds in a fraction of a second, scans about 4x slower."""

    name = "ahocorasick"

    def __init__(self, patterns: Sequence[bytes]) -> None:
        import ahocorasick_rs

        self.cached = False
        self.automaton = ahocorasick_rs.BytesAhoCorasick(list(patterns))

    def scan(self, data: bytes) -> tuple[list[int], list[int]]:
        """Scan ``data`` and collect aligned matches."""
        ids: list[int] = []
        ends: list[int] = []
        for pattern, start, end in self.automaton.find_matches_as_indexes(data, overlapping=True):
            if not start & 1:
                ids.append(pattern)
                ends.append(end)
        return ids, ends


def make_scanner(patterns: Sequence[bytes], backend: str | None = None) -> Scanner:
    """A scanner for ``patterns``: ``backend`` is ``"hyperscan"``, ``"ahocorasick"`` or ``None`` (best available)."""
    if not patterns:
        return NullScanner()
    if backend is None:
        backend = "hyperscan" if hyperscan_available() else "ahocorasick"
    if backend == "hyperscan":
        return HyperscanScanner(patterns, cache_dir())
    if backend == "ahocorasick":
        return AhoCorasickScanner(patterns)
    raise ValueError(f"unknown backend {backend!r} (hyperscan or ahocorasick)")
