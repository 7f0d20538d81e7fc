"""Character tables: from ``data/charmap.txt`` to numpy lookup tables over every code point.

Normalization is one table lookup per character (``table[code_points]``, C speed through numpy) into a private
*code space*: every character that survives normalization gets a 16-bit code whose two bytes are both non-zero, so a
normalized text is a byte string with no NUL bytes and a fixed two bytes per character. Hyperscan's literal API takes
NUL-terminated patterns, and fixed-width codes make automaton offsets into character positions by halving them.
Code 0 means "deleted" (noise). Characters outside the Basic Multilingual Plane share one code (``OTHER``) unless a
bank term uses them, in which case :meth:`CharMap.with_chars` gives them codes of their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from zilu.screening.charclass import is_latin_word

DATA = Path(__file__).with_name("data") / "charmap.txt"
MAX_CP = 0x110000
_RANGE_SECTIONS = ("noise", "invisible", "space", "dash", "format")

U16 = npt.NDArray[np.uint16]
U32 = npt.NDArray[np.uint32]
Bools = npt.NDArray[np.bool_]

#: Every 16-bit value whose two bytes are both non-zero, in order: the code space.
VALID_CODES: U16 = np.array([v for v in range(0x10000) if v & 0xFF and v >> 8], dtype=np.uint16)


@dataclass(frozen=True)
class RawTables:
    """The parsed data file: mapping tables as (first, last, delta) ranges and two range lists."""

    maps: dict[str, list[tuple[int, int, int]]]
    ranges: dict[str, list[tuple[int, int]]]
    header: str


@cache
def raw_tables() -> RawTables:
    """Parse ``data/charmap.txt`` once per process."""
    maps: dict[str, list[tuple[int, int, int]]] = {}
    ranges: dict[str, list[tuple[int, int]]] = {name: [] for name in _RANGE_SECTIONS}
    section = ""
    header = ""
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            header = header or line
            continue
        if line.startswith("@"):
            section = line[1:]
            if section not in ranges:
                maps[section] = []
            continue
        parts = line.split()
        if section in ranges:
            ranges[section].append((int(parts[0], 16), int(parts[1], 16)))
        else:
            maps[section].append((int(parts[0], 16), int(parts[1], 16), int(parts[2])))
    return RawTables(maps=maps, ranges=ranges, header=header)


def _map_array(name: str) -> U32:
    """One switchable table as a full code point -> code point array (identity where the table says nothing)."""
    out = np.arange(MAX_CP, dtype=np.uint32)
    for lo, hi, delta in raw_tables().maps[name]:
        out[lo : hi + 1] += np.uint32(delta % (1 << 32))
    return out


def _range_flags(ranges: list[tuple[int, int]]) -> Bools:
    out = np.zeros(MAX_CP, dtype=np.bool_)
    for lo, hi in ranges:
        out[lo : hi + 1] = True
    return out


@cache
def noise_flags() -> Bools:
    """``noise_flags()[cp]``: the character is noise (deleted between the characters of a term)."""
    return _range_flags(raw_tables().ranges["noise"])


@cache
def invisible_flags() -> Bools:
    """``invisible_flags()[cp]``: noise that does not count towards the gap bound."""
    return _range_flags(raw_tables().ranges["invisible"])


ZWJ = 0x200D


def visible_units(cps: list[int]) -> int:
    """How many visible noise characters a gap holds, an emoji sequence counting once: a character joined by a
    zero-width joiner to the one before it, and the second regional indicator of a flag, take no room of their own
    (invisible characters never count)."""
    invisible = invisible_flags()
    count = 0
    previous = -1
    pending_flag = False
    for cp in cps:
        if invisible[cp]:
            previous = cp
            continue
        regional = 0x1F1E6 <= cp <= 0x1F1FF
        if previous == ZWJ or (regional and pending_flag):
            pending_flag = False
        else:
            count += 1
            pending_flag = regional
        previous = cp
    return count


@cache
def ideograph_flags() -> Bools:
    """Per code point: a CJK ideograph (as :func:`charclass.is_cjk` says). A Chinese numeral folds to a digit, but
    next to a Latin word it is no part of it (``escort一切``)."""
    out = np.zeros(MAX_CP, dtype=np.bool_)
    for lo, hi in ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0xF900, 0xFAFF), (0x20000, 0x323AF), (0x3007, 0x3007)):
        out[lo : hi + 1] = True
    out.setflags(write=False)
    return out


def _component(name: str) -> U32:
    return _map_array(name)


@dataclass(frozen=True, eq=False)
class CharMap:
    """Lookup tables for one combination of the character-level switches.

    ``final[cp]`` is the normalized code point of ``cp`` (0 when deleted as noise), ``table[cp]`` its code,
    ``decode[code]`` the code point a code stands for, ``word[code]`` whether it is part of a Latin word.
    """

    final: U32
    table: U16
    decode: U32
    word: Bools
    other: int
    next_free: int
    extra: dict[str, int] = field(default_factory=dict)  # non-BMP character -> its own code

    def code_of(self, ch: str) -> int:
        """The code of one character (0 when it is deleted)."""
        return int(self.table[ord(ch)])

    def encode(self, text: str) -> U16:
        """Codes of ``text`` with deleted characters removed (the normalized text as an array)."""
        if not text:
            return np.zeros(0, dtype=np.uint16)
        cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        codes = self.table[cps]
        return codes[codes != 0]

    def normalize_char(self, ch: str) -> str | None:
        """The normalized character for ``ch``, or ``None`` when it is deleted (reference path, one at a time)."""
        code = int(self.table[ord(ch)])
        if code == 0:
            return None
        return chr(int(self.decode[code]))

    def to_text(self, codes: U16) -> str:
        """Readable text for an array of codes (for messages and debugging)."""
        return "".join(chr(int(cp)) for cp in self.decode[codes])

    def with_chars(self, chars: set[str]) -> CharMap:
        """A copy in which the given characters outside the BMP get codes of their own (for bank terms)."""
        targets = sorted({int(self.final[ord(ch)]) for ch in chars if int(self.table[ord(ch)]) == self.other})
        targets = [t for t in targets if t > 0xFFFF and chr(t) not in self.extra]
        if not targets:
            return self
        table = self.table.copy()
        decode = self.decode.copy()
        word = self.word.copy()
        extra = dict(self.extra)
        nxt = self.next_free
        for target in targets:
            if nxt >= len(VALID_CODES):
                break  # out of codes: the remaining characters keep sharing OTHER
            code = int(VALID_CODES[nxt])
            nxt += 1
            table[self.final == target] = code
            decode[code] = target
            word[code] = is_latin_word(chr(target))
            extra[chr(target)] = code
        return CharMap(self.final, table, decode, word, self.other, nxt, extra)


@cache
def charmap(
    case: bool = True,
    width: bool = True,
    digits: bool = True,
    trad: bool = True,
    noise: bool = True,
    confusable: bool = True,
) -> CharMap:
    """Build (once per combination) the tables for the given character-level switches."""
    final = np.arange(MAX_CP, dtype=np.uint32)
    steps = (("confusable", confusable), ("width", width), ("case", case), ("digits", digits), ("trad", trad))
    for name, enabled in steps:
        if enabled:
            final = _component(name)[final]
    final[0xD800:0xE000] = 0xFFFD  # lone surrogates: never a term character
    if noise:
        final[noise_flags()[final]] = 0
    final.setflags(write=False)
    outputs = np.unique(final[(final != 0) & (final <= 0xFFFF)])
    if len(outputs) >= len(VALID_CODES) - 256:
        raise RuntimeError("character map does not fit the code space")
    decode = np.zeros(0x10000, dtype=np.uint32)
    codes_for_outputs = VALID_CODES[: len(outputs)]
    decode[codes_for_outputs] = outputs
    other = int(VALID_CODES[len(outputs)])
    decode[other] = 0xFFFD
    lookup = np.zeros(0x10000, dtype=np.uint16)
    lookup[outputs] = codes_for_outputs
    table = np.where(final > 0xFFFF, np.uint16(other), lookup[np.minimum(final, 0xFFFF)]).astype(np.uint16)
    table[final == 0] = 0
    word = np.zeros(0x10000, dtype=np.bool_)
    for code, cp in zip(codes_for_outputs.tolist(), outputs.tolist(), strict=True):
        if cp < 0x0250 or 0x1E00 <= cp <= 0x1EFF or 0xFF10 <= cp <= 0xFF5A:
            word[code] = is_latin_word(chr(cp))
    return CharMap(final, table, decode, word, other, len(outputs) + 1)


@cache
def pii_table() -> U16:
    """A one-to-one table for the PII and link finders: same length as the text, so regex offsets need no map.

    Width, case and number styles are folded (``１３８`` and ``一三八`` become ``138``), spaces and format characters
    become ``' '``, dashes ``'-'``, other controls except the line feed ``' '``; everything outside the BMP becomes
    U+FFFD.
    """
    final = np.arange(MAX_CP, dtype=np.uint32)
    for name in ("width", "case", "digits"):
        final = _component(name)[final]
    final[[0x4E24, 0x5169]] = 0x32  # 两/兩 as a spoken digit ("幺三八两…"); PII only, terms keep the character
    final = np.where(final > 0xFFFF, 0xFFFD, final).astype(np.uint32)
    final[0xD800:0xE000] = 0xFFFD
    sections = raw_tables().ranges
    space = _range_flags(sections["space"] + sections["format"])[:0x10000]
    dash = _range_flags(sections["dash"])[:0x10000]
    final = np.where(space[final], 0x20, np.where(dash[final], 0x2D, final))
    final[:0x20] = 0x20
    final[0x0A] = 0x0A
    return final.astype(np.uint16)
