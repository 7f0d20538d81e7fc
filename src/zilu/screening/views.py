"""Alternative views of a text for the evasions that one character table cannot express.

The term matcher scans the normalized text (one code per character, noise deleted). Four evasions need a text read
another way, each a copy of the block's codes with some characters changed, scanned by the same automata and
verified by the same rules (:mod:`zilu.screening.verify`); a match counts only when it uses what the view changed:

``joined``     clause punctuation and line breaks (``冰，毒``, ``冰\\n毒``), glyph-like spacers (``炸丨药``,
               :data:`zilu.screening.charclass.SPACERS`) and emoji that fold to letters or ideographs (``🈲``, keycaps
               ``1️⃣``) deleted. A match across punctuation counts when it is punctuated between at least two pairs of
               its characters, or else when no everyday word runs on across its outer edge (``吃冰，毒品`` is two
               words, not ``冰毒``); a spacer that forms an everyday word with a neighbour (``人口``) is a character.
``recomposed`` a character written as its components (拆字, ``氵每`` -> ``海``) put back together, for the characters
               of the bank's terms; splits that are themselves everyday words (``女子``) are never recomposed.
``pinyin``     a run of Latin letters next to a Chinese character, read as pinyin syllables (``冰du``,
               ``hai洛因``): each syllable becomes its homophone class, so the sound automaton finds the term; at
               least one character must be kept as written and every written character must be the term's own.

Each function returns ``None`` when the view would not differ from the plain one (the common case: no work).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from zilu.screening.charclass import BOUNDARY, FILLER_RANGES, SPACERS, is_cjk
from zilu.screening.charmap import MAX_CP, U16, U32, Bools, CharMap, ideograph_flags
from zilu.screening.normalize import syllables
from zilu.screening.words import WORD_MAX, common_words, crossed_by_word, inside_common_word, runs_on, splits_of

KEYCAP = 0x20E3
VS16 = 0xFE0F
MAX_SYLLABLE = 6  # zhuang, chuang, shuang


@dataclass(frozen=True, slots=True)
class View:
    """Changed codes of a block and where they changed (original positions)."""

    codes: U16
    changed: Bools  # original positions whose code this view changed
    punct: Bools | None = None  # joined: positions of deleted clause punctuation
    spacer: Bools | None = None  # joined: positions of deleted spacers
    pinyin: Bools | None = None  # pinyin: positions that carry a syllable's class
    reach: dict[int, int] | None = None  # pinyin: a syllable's position -> just past its last letter


@cache
def join_flags(punctuation: bool, spacers: bool, glyphs: bool) -> tuple[Bools, Bools]:
    """Per code point: deleted as punctuation in a joined view; deleted as a spacer there (emoji that fold to a
    letter or an ideograph, and with ``glyphs`` the glyph-like characters)."""
    punct = np.zeros(MAX_CP, dtype=np.bool_)
    spacer = np.zeros(MAX_CP, dtype=np.bool_)
    if punctuation:
        punct[[ord(ch) for ch in BOUNDARY]] = True
    if spacers:
        spacer[0x1F100:0x1F300] = True  # enclosed alphanumeric and ideographic supplements (🆗, 🈲) folded by NFKC
    if spacers and glyphs:
        spacer[[ord(ch) for ch in SPACERS]] = True
        spacer[0x31C0:0x31F0] = True  # CJK strokes
        spacer[0x2F00:0x2FE0] = True  # Kangxi radicals (they fold to ideographs)
        spacer[0x2E80:0x2F00] = True  # CJK radicals supplement
        spacer[0x3100:0x3130] = True  # Bopomofo
    punct.setflags(write=False)
    spacer.setflags(write=False)
    return punct, spacer


@cache
def glyph_flags() -> Bools:
    """Per code point: a glyph-like spacer (what the second joined view deletes beyond the first)."""
    return join_flags(False, True, True)[1] & ~join_flags(False, True, False)[1]


@cache
def _filler_table() -> Bools:
    """Per code point: a filler letter or digit (``charclass.FILLER_RANGES``)."""
    filler = np.zeros(MAX_CP, dtype=np.bool_)
    for lo, hi in FILLER_RANGES:
        filler[lo : hi + 1] = True
    return filler


def filler_flags(cps: U32) -> Bools:
    """Per position: one Latin letter or digit standing alone between two ideographs (``冰x毒``), as
    :func:`charclass.is_filler` says one character at a time."""
    filler = _filler_table()
    out = np.zeros(len(cps), dtype=np.bool_)
    if len(cps) >= 3:
        cjk = ideograph_flags()[cps]
        out[1:-1] = filler[cps[1:-1]] & cjk[:-2] & cjk[2:]
    return out


def joined(cps: U32, codes: U16, punctuation: bool, spacers: bool, glyphs: bool = False) -> View | None:
    """Codes with clause punctuation, emoji that fold to characters, keycap bases and (with ``glyphs``) glyph-like
    spacers deleted, or ``None`` when there are none. The view with glyphs is built only when the text has one, as
    a second view: a glyph may also be a term's own character (``口`` in ``口🈲交``)."""
    filler = filler_flags(cps) if glyphs else None
    if glyphs and not glyph_flags()[cps].any() and not (filler is not None and filler.any()):
        return None
    punct_flags, spacer_flags = join_flags(punctuation, spacers, glyphs)
    punct = punct_flags[cps] & (codes != 0)
    spacer = spacer_flags[cps] & (codes != 0)
    if filler is not None:
        spacer |= filler & (codes != 0)
    if spacers:
        cap = np.flatnonzero(cps == KEYCAP)
        if len(cap):
            base = cap - 1
            base = np.where((base > 0) & (cps[np.maximum(base, 0)] == VS16), base - 1, base)
            spacer[base[base >= 0]] = True
    changed = punct | spacer
    if not changed.any():
        return None
    alt = codes.copy()
    alt[changed] = 0
    return View(alt, changed, punct, spacer)


def accept_joined(text: str, view: View, precision: bool, start: int, end: int, kept: Iterable[int]) -> bool:
    """Whether a match ``[start, end)`` of the joined view counts; ``kept`` are the original positions of its
    characters, in order."""
    assert view.punct is not None and view.spacer is not None
    positions = list(kept)
    punct_gaps = 0
    for a, b in pairwise(positions):
        if view.punct[a + 1 : b].any():
            punct_gaps += 1
        if precision:
            for p in np.flatnonzero(view.spacer[a + 1 : b]).tolist():
                q = a + 1 + p
                if text[q - 1 : q + 1] in common_words() or text[q : q + 2] in common_words():
                    return False  # 人口: the 口 is a character here, not a spacer
    if not view.changed[start:end].any():
        return False
    if punct_gaps == 0:
        return True
    if len(positions) >= 3 and all(b - a > 1 for a, b in pairwise(positions)):
        return True  # 出：售：冰·毒 -- every character stands apart: spelled out, not two sentences
    return not (precision and runs_on(text, positions[0], positions[-1]))


@dataclass(frozen=True, eq=False)
class Recomposition:
    """The split characters of a lexicon's term characters: packed component codes -> the character's code, their
    keys as sorted arrays, and per code whether it starts or continues some split (a cheap first filter)."""

    pairs: dict[int, int]
    triples: dict[int, int]
    pair_keys: npt.NDArray[np.int64]
    triple_keys: npt.NDArray[np.int64]
    firsts: Bools
    seconds: Bools


@cache
def recompose_table(cmap: CharMap, term_codes: frozenset[int]) -> Recomposition | None:
    """How the term characters are written split (two or three components), or ``None`` when none of them is."""
    pairs: dict[int, int] = {}
    triples: dict[int, int] = {}
    everyday = common_words()
    decode = cmap.decode
    for code in term_codes:
        char = chr(int(decode[code]))
        for parts in splits_of(char):
            if parts in everyday:
                continue
            part_codes = [cmap.code_of(ch) for ch in parts]
            if 0 in part_codes:
                continue
            if len(part_codes) == 2:
                pairs.setdefault(part_codes[0] << 16 | part_codes[1], code)
            else:
                triples.setdefault(part_codes[0] << 32 | part_codes[1] << 16 | part_codes[2], code)
    if not pairs and not triples:
        return None
    firsts = np.zeros(0x10000, dtype=np.bool_)
    seconds = np.zeros(0x10000, dtype=np.bool_)
    for key in pairs:
        firsts[key >> 16] = seconds[key & 0xFFFF] = True
    for key in triples:
        firsts[key >> 32] = seconds[(key >> 16) & 0xFFFF] = True
    return Recomposition(
        pairs,
        triples,
        np.array(sorted(pairs), dtype=np.int64),
        np.array(sorted(triples), dtype=np.int64),
        firsts,
        seconds,
    )


def among(values: npt.NDArray[np.int64], sorted_keys: npt.NDArray[np.int64]) -> Bools:
    """Which ``values`` are in ``sorted_keys``: a binary search per value. ``np.isin`` sorts the keys again on
    every call, which costs a short post more than the rest of its screening."""
    if not len(sorted_keys):
        return np.zeros(len(values), dtype=np.bool_)
    at = np.minimum(np.searchsorted(sorted_keys, values), len(sorted_keys) - 1)
    return np.asarray(sorted_keys[at] == values)


def recomposed(text: str, precision: bool, codes: U16, table: Recomposition) -> View | None:
    """Codes with split characters put back together (the first component takes the character's code, the others
    are deleted), or ``None`` when the text has no split character. With
    ``precision``, components that belong to a word of the text stay as written (``女干部`` is not ``奸部``)."""
    keep = np.flatnonzero(codes)
    n16 = codes[keep]
    if len(n16) < 2:
        return None
    pairs, triples = table.pairs, table.triples
    candidates = np.flatnonzero(table.firsts[n16[:-1]] & table.seconds[n16[1:]])
    if not len(candidates):
        return None
    n = n16.astype(np.int64)
    pair_keys = (n[candidates] << 16) | n[candidates + 1]
    pair_hit = among(pair_keys, table.pair_keys)
    inner = candidates[candidates + 2 < len(n)]
    triple_keys = (n[inner] << 32) | (n[inner + 1] << 16) | n[inner + 2]
    triple_at = set(inner[among(triple_keys, table.triple_keys)].tolist()) if triples else set()
    found = candidates[pair_hit].tolist()
    if not found and not triple_at:
        return None
    alt = codes.copy()
    changed = np.zeros(len(codes), dtype=np.bool_)
    busy = -1
    pair_at = set(found)
    for q in sorted(pair_at | triple_at):
        if q <= busy:
            continue
        three = q in triple_at and not (precision and part_of_word(text, int(keep[q]), int(keep[q + 2]) + 1))
        two = not three and q in pair_at and not (precision and part_of_word(text, int(keep[q]), int(keep[q + 1]) + 1))
        if three:
            alt[keep[q]] = triples[int(n[q]) << 32 | int(n[q + 1]) << 16 | int(n[q + 2])]
            alt[keep[q + 1]] = alt[keep[q + 2]] = 0
            changed[keep[q] : keep[q + 2] + 1] = True
            busy = q + 2
        elif two:
            alt[keep[q]] = pairs[int(n[q]) << 16 | int(n[q + 1])]
            alt[keep[q + 1]] = 0
            changed[keep[q] : keep[q + 1] + 1] = True
            busy = q + 1
    if not changed.any():
        return None
    return View(alt, changed)


@dataclass(frozen=True, eq=False)
class Syllables:
    """Toneless syllable -> the representative code of its homophone class, and the syllables as a set."""

    codes: dict[str, int]
    names: frozenset[str]


@cache
def syllable_codes(cmap: CharMap, homophones: bytes) -> Syllables:
    """The syllables and their homophone classes, as :func:`normalize.homophone_map` builds the classes: from the
    characters the normalized text can hold."""
    table = np.frombuffer(homophones, dtype=np.uint16)
    reading = syllables()
    out: dict[str, int] = {}
    codes = np.flatnonzero(cmap.decode)
    # plain lists: a loop over numpy scalars would cost this function most of its time
    for cp, klass in zip(cmap.decode[codes].tolist(), table[codes].tolist(), strict=True):
        syllable = reading.get(cp)
        if syllable is not None and is_cjk(chr(cp)):
            out.setdefault(syllable, klass)
    return Syllables(out, frozenset(out))


@lru_cache(maxsize=65536)
def segment(letters: str, known: frozenset[str]) -> tuple[str, ...] | None:
    """The fewest pinyin syllables that spell ``letters`` exactly, or ``None``."""
    size = len(letters)
    best: list[tuple[str, ...] | None] = [None] * (size + 1)
    best[0] = ()
    for i in range(size):
        here = best[i]
        if here is None:
            continue
        for j in range(min(size, i + MAX_SYLLABLE), i, -1):
            piece = letters[i:j]
            if piece in known:
                candidate = (*here, piece)
                old = best[j]
                if old is None or len(candidate) < len(old):
                    best[j] = candidate
    return best[size]


def syllable_run(
    letters: str, breaks: list[int], cjk_before: bool, cjk_after: bool, names: frozenset[str]
) -> tuple[int, tuple[str, ...]] | None:
    """Where a run of letters next to a Chinese character reads as pinyin: ``(offset, syllables)``. The whole run
    when it spells syllables; otherwise the words (split at ``breaks``, where something stood between two letters)
    on the Chinese side that do (``xing挑dou abc``: ``dou``)."""
    pieces = segment(letters, names)
    if pieces is not None:
        return 0, pieces
    bounds = [0, *breaks, len(letters)]
    if cjk_before:
        for k in range(len(bounds) - 2, 0, -1):
            pieces = segment(letters[: bounds[k]], names)
            if pieces is not None:
                return 0, pieces
    if cjk_after:
        for k in range(1, len(bounds) - 1):
            pieces = segment(letters[bounds[k] :], names)
            if pieces is not None:
                return bounds[k], pieces
    return None


@lru_cache(maxsize=65536)
def _syllable_run(
    letters: str, marks: str, cjk_before: bool, cjk_after: bool, names: frozenset[str]
) -> tuple[int, tuple[str, ...]] | None:
    """:func:`syllable_run` with the breaks given as marks (``|`` before a letter that stood apart), cached."""
    breaks = [k + 1 for k, mark in enumerate(marks) if mark == "|"]
    return syllable_run(letters, breaks, cjk_before, cjk_after, names)


def pinyin_mixed(codes: U16, cmap: CharMap, letter: Bools, cjk: Bools, known: Syllables) -> View | None:
    """Codes with each run of Latin letters next to a Chinese character read as pinyin syllables, or ``None``."""
    keep = np.flatnonzero(codes)
    n = codes[keep]
    is_letter = letter[n]
    if not is_letter.any():
        return None
    is_cjk_code = cjk[n]
    if not is_cjk_code.any():
        return None
    edges = np.diff(np.concatenate(([0], is_letter.astype(np.int8), [0])))
    run_starts = np.flatnonzero(edges == 1)
    run_ends = np.flatnonzero(edges == -1)
    padded = np.concatenate(([False], is_cjk_code, [False]))
    near = (padded[run_starts] | padded[run_ends + 1]) & (run_ends - run_starts <= 6 * MAX_SYLLABLE)
    if not near.any():
        return None
    alt: U16 | None = None
    pinyin = np.zeros(len(codes), dtype=np.bool_)
    reach: dict[int, int] = {}
    spelled = cmap.decode[n].astype(np.uint32).tobytes().decode("utf-32-le", "replace")
    # "|" where something stood between a letter and the one before it, "." elsewhere: with the letters, the key
    # under which a run's reading is cached (the same words recur all through a block)
    apart = np.ones(len(n), dtype=np.bool_)
    np.greater(keep[1:] - keep[:-1], 1, out=apart[1:])
    marks = np.where(apart, ord("|"), ord(".")).astype(np.uint8).tobytes().decode("ascii")
    for s, e in zip(run_starts[near].tolist(), run_ends[near].tolist(), strict=True):
        found = _syllable_run(spelled[s:e], marks[s + 1 : e], bool(padded[s]), bool(padded[e + 1]), known.names)
        if found is None:
            continue
        first, pieces = found
        s += first
        if alt is None:
            alt = codes.copy()
        offset = s
        for piece in pieces:
            alt[keep[offset]] = known.codes[piece]
            pinyin[keep[offset]] = True
            alt[keep[offset + 1 : offset + len(piece)]] = 0
            reach[int(keep[offset])] = int(keep[offset + len(piece) - 1]) + 1
            offset += len(piece)
    if alt is None:
        return None
    return View(alt, pinyin, pinyin=pinyin, reach=reach)


def extend_syllables(found_end: np.ndarray, reach: dict[int, int]) -> np.ndarray:
    """Match ends of the pinyin view moved past the letters of a final syllable (``冰du`` ends after ``u``)."""
    return np.fromiter((reach.get(int(e) - 1, int(e)) for e in found_end), dtype=np.int64, count=len(found_end))


def uses_change(view: View, start: int, end: int, kept: Iterable[int]) -> bool:
    """Whether a match ``[start, end)`` of ``view`` covers a position the view changed."""
    return bool(view.changed[start:end].any())


def part_of_word(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is (inside) a known word or a known word crosses its edge."""
    room = WORD_MAX - 1
    return _part_of_word(text[max(0, start - room) : start], text[start:end], text[end : end + room])


@lru_cache(maxsize=65536)
def _part_of_word(left: str, core: str, right: str) -> bool:
    """:func:`part_of_word` on the span and the characters around it that a word could reach (cached)."""
    text = left + core + right
    start, end = len(left), len(left) + len(core)
    return inside_common_word(text, start, end) or crossed_by_word(text, start, end)


def keep_homophone(text: str, start: int, end: int) -> bool:
    """The precision rule for a homophone match: not when its characters are (inside) a known word, nor when a
    known word crosses its edge (``打麻将`` holds no ``大麻``)."""
    return not part_of_word(text, start, end)


__all__ = [
    "Recomposition",
    "Syllables",
    "View",
    "accept_joined",
    "among",
    "extend_syllables",
    "joined",
    "keep_homophone",
    "part_of_word",
    "pinyin_mixed",
    "recompose_table",
    "recomposed",
    "segment",
    "syllable_codes",
    "syllable_run",
    "uses_change",
]
