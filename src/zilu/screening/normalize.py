"""Normalization of texts and terms, pinyin spellings and homophone classes.

A text goes through, in order: one table lookup per character (case, width, number styles, traditional ->
simplified, noise deletion; see :mod:`zilu.screening.charmap`), then the collapse of repeated characters, then
(for matching only) the homophone class of each character. Terms go through exactly the same steps, so a term and
a text that differ only in those respects compare equal.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np

from zilu.screening.charclass import BOUNDARY, is_cjk
from zilu.screening.charmap import U16, Bools, CharMap, charmap
from zilu.screening.policy import Evasion

TONES = str.maketrans(
    {
        **dict.fromkeys("āáǎà", "a"),
        **dict.fromkeys("ōóǒò", "o"),
        **dict.fromkeys("ēéěèê", "e"),
        **dict.fromkeys("īíǐì", "i"),
        **dict.fromkeys("ūúǔù", "u"),
        **dict.fromkeys("üǖǘǚǜ", "v"),
        **dict.fromkeys("ńňǹ", "n"),
        **dict.fromkeys("ḿ", "m"),
    }
)


@cache
def boundary_codes(cmap: CharMap) -> Bools:
    """``boundary_codes(cmap)[code]``: the code stands for clause punctuation or a line break."""
    out = np.zeros(0x10000, dtype=np.bool_)
    for ch in BOUNDARY:
        code = cmap.code_of(ch)
        if code:
            out[code] = True
    return out


@cache
def content_table() -> U16:
    """Code point -> code with clause punctuation and line breaks deleted too: the letters, ideographs and digits of
    a text, normalized (for rumor matching and headline-body comparison, where punctuation carries nothing)."""
    table = charmap().table.copy()
    for ch in BOUNDARY:
        table[ord(ch)] = 0
    table.setflags(write=False)
    return table


def content_codes(text: str) -> U16:
    """The codes of ``text`` under :func:`content_table`, deleted characters removed."""
    if not text:
        return np.zeros(0, dtype=np.uint16)
    codes = content_table()[np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)]
    return codes[codes != 0]


def collapse(codes: U16) -> U16:
    """Runs of one repeated character become one character (``冰冰毒毒`` -> ``冰毒``)."""
    if len(codes) < 2:
        return codes
    keep = np.empty(len(codes), dtype=np.bool_)
    keep[0] = True
    np.not_equal(codes[1:], codes[:-1], out=keep[1:])
    return codes[keep]


def pinyin_spelling(text: str) -> str | None:
    """The toneless pinyin of ``text`` run together (``冰毒`` -> ``bingdu``), or ``None`` if it has none.

    Each character gets its default reading (``data/pinyin.txt``, from pypinyin); ASCII letters and digits stay.
    ``ü`` is written ``v`` as in most input methods.
    """
    reading = syllables()
    parts = []
    for ch in text:
        if ch.isascii() and ch.isalnum():
            parts.append(ch.lower())
            continue
        syllable = reading.get(ord(ch))
        if syllable is None:
            return None
        parts.append(syllable)
    spelled = "".join(parts)
    return None if spelled == text else spelled


def pinyin_variant(form: str, evasion: Evasion) -> str | None:
    """The pinyin spelling to add for a normalized term, if the term qualifies (see :class:`Evasion` bounds)."""
    if not evasion.pinyin or not 2 <= len(form) <= evasion.pinyin_max_chars:
        return None
    if not any(is_cjk(ch) for ch in form) or not all(is_cjk(ch) or (ch.isascii() and ch.isalnum()) for ch in form):
        return None
    spelled = pinyin_spelling(form)
    if spelled is None or sum(ch.isalpha() for ch in spelled) < evasion.pinyin_min_letters:
        return None
    return spelled


PINYIN = Path(__file__).with_name("data") / "pinyin.txt"


@cache
def syllables() -> dict[int, str]:
    """Code point -> toneless default reading (``data/pinyin.txt``)."""
    out: dict[int, str] = {}
    for line in PINYIN.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            syllable, chars = line.split(" ", 1)
            out.update(dict.fromkeys(map(ord, chars), syllable))
    return out


@cache
def homophone_map(cmap: CharMap) -> U16:
    """``homophone_map(cmap)[code]``: one representative code per toneless syllable (冰 and 兵 share one)."""
    table = np.arange(0x10000, dtype=np.uint16)
    reading = syllables()
    representative: dict[str, int] = {}
    decode = cmap.decode
    for code in np.flatnonzero(decode).tolist():
        cp = int(decode[code])
        syllable = reading.get(cp)
        if syllable is None or not is_cjk(chr(cp)):
            continue
        table[code] = representative.setdefault(syllable, code)
    return table


def normalize_text(text: str, evasion: Evasion | None = None) -> str:
    """The normalized, collapsed text (before homophone classes), for inspection; runs collapse at any distance."""
    evasion = evasion or Evasion()
    cmap = charmap(**evasion.char_switches())
    codes = cmap.encode(text)
    if evasion.repeat:
        codes = collapse(codes)
    return cmap.to_text(codes)
