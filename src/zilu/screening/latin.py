"""Latin words disguised inside themselves: ``p0rn``, ``s3x``, ``$ex``, ``vi@gra``, ``kiII``, ``⍺ss``, ``p.o.r.n``.

The character table folds what is always a letter (Cyrillic ``о``, full-width ``Ｐ``); it cannot fold what is a letter
only inside a Latin word: ``0`` is a digit in ``2023``, ``@`` a symbol in an address, ``×`` noise between two Chinese
characters, ``1`` and ``I`` either ``i`` or ``l``. This stage reads them as letters where a reader does, inside a
*Latin word*: a run of letters, such characters and single separators, with at least one real letter.

1. **Classes.** Every code point is a letter (the table folds it to an ASCII letter), a *stand-in* (a digit, a
   symbol or an ambiguous letter with the letters it may stand for), a *separator* (``. _ - * ~ ·``, spaces) or
   other. Stand-ins come from ``data/lookalike.txt`` (symbols the Unicode confusables data links to a letter:
   ``⍺ ℮ ⍴ × ∨ ૦``); :data:`LEET`, the digit and symbol conventions of leetspeak, which no Unicode data covers
   (``0 o``, ``3 e``, ``4 a``, ``5 s``, ``7 t``, ``@ a``, ``$ s``, ``1 i/l`` ...); :data:`FAUX`, the letters of
   other scripts that fancy-text alphabets use for Latin ones (``я r``, ``η n``); and :data:`AMBIGUOUS_LETTERS`
   (``I`` is ``i`` or ``l``). A stand-in that is a letter itself (``я``, ``I``) counts as a word's letter too.
2. **Words.** A run of those classes is cut at separators. Single characters cut apart by the *same* separator are
   joined back (``p.o.r.n``, ``p_0_r_n``, ``s e x``); a longer piece stands alone (``www.example.com`` stays three
   words).
3. **Matching.** A word that holds a stand-in, or was joined from single characters, is read with every letter each
   stand-in may be (at most :data:`MAX_READINGS` readings); a reading, with runs of one letter collapsed, must be a
   whole Latin term of the lexicon (three letters or more) or the pinyin spelling of one. A word is never matched
   in part: ``p0rnhub`` is not ``porn``, as ``pornhub`` is not.

The fast path reads only the stretches around *seeds* that a few vector operations over the one-byte class string
find (a letter beside a stand-in, a single character between separators), and remembers each word it has read;
:class:`~zilu.screening.reference.ReferenceMatcher` walks every run one character at a time and must agree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import groupby, product
from pathlib import Path

import numpy as np

from zilu.screening.charmap import MAX_CP, CharMap

DATA = Path(__file__).with_name("data") / "lookalike.txt"

#: Leetspeak: digits and ASCII symbols written for letters (the letters each may stand for).
LEET: dict[str, str] = {
    "0": "o", "1": "il", "2": "z", "3": "e", "4": "a", "5": "s", "6": "bg", "7": "t", "8": "b", "9": "g",
    "@": "a", "$": "s", "€": "e", "£": "l", "!": "il", "|": "il", "+": "t", "¢": "c", "©": "c", "®": "r",
    "¥": "y", "ß": "b", "∣": "il", "ǀ": "il", "ӏ": "il", "Ӏ": "il", "Ι": "il", "١": "il", "۱": "il",
}  # fmt: skip
#: "Faux" letters of fancy-text generators: Cyrillic, Greek, Hebrew and Thai letters that no confusables data calls
#: Latin (``я`` is no ``r`` to Unicode) but that those alphabets use for one (``ρσяη``, ``ק๏гภ``, ``ѕєχ``).
FAUX: dict[str, str] = {
    "я": "r", "г": "r", "η": "n", "л": "n", "п": "n", "σ": "o", "є": "e", "ε": "e", "в": "b", "ь": "b", "н": "h",
    "т": "t", "м": "m", "к": "k", "и": "u", "ц": "u", "υ": "u", "ω": "w", "ш": "w", "χ": "x", "ж": "x", "ƒ": "f",
    "∂": "d", "ℓ": "l", "ŋ": "n", "ק": "p", "๏": "o", "ภ": "n", "ค": "a", "ร": "s", "ς": "c", "ι": "i", "ά": "a",
    "ɢ": "g", "ʜ": "h",
}  # fmt: skip
#: Letters that stand for two: ``I`` (capital i) is ``l`` too in most sans-serif fonts; ``ǫ`` is fancy text's
#: small-capital ``q`` as well as an ``o`` with an ogonek.
AMBIGUOUS_LETTERS: dict[str, str] = {"I": "il", "Ｉ": "il", "ǫ": "oq", "Ǫ": "oq"}
SEPARATORS = "._-*~·•,' \u3000\u00a0"
MAX_READINGS = 64
MIN_LETTERS = 3
MAX_SEPARATOR = 3  # characters between two single letters of a spelled-out word

# a letter; a stand-in that is no letter (0 @ × |); a stand-in that is a letter of its own (I я η ǫ): both a letter
# and a stand-in; a separator; anything else
LETTER, STANDIN, FAUX_LETTER, SEPARATOR, OTHER = b"L", b"S", b"F", b"P", b"O"
# Every stand-in's letters are alike under this merge (i/l, b/g, o/q): a cheap key that any reading shares with its
# term.
_MERGE = str.maketrans("lgq", "ibo")
_REPEAT = re.compile(r"(.)\1")


@cache
def lookalike_letters() -> dict[str, str]:
    """``data/lookalike.txt`` merged with :data:`LEET`, :data:`FAUX` and :data:`AMBIGUOUS_LETTERS`: character ->
    the letters it may stand for."""
    out: dict[str, str] = {}
    if DATA.exists():
        for line in DATA.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                code, letters = line.split()
                out[chr(int(code, 16))] = letters
    out.update(LEET)
    out.update(FAUX)
    out.update(AMBIGUOUS_LETTERS)
    # full-width digits, ＠ and ＄ (not ！ or ｜: Chinese punctuation, between words and sentences)
    for ch, letters in list(LEET.items()):
        if ch.isdigit() or ch in "@$":
            out.setdefault(chr(ord(ch) + 0xFEE0), letters)
    return out


@dataclass(frozen=True, eq=False)
class Classes:
    """Per code point: its class byte, and for letters the ASCII letter it folds to."""

    classes: np.ndarray  # uint8 over every code point: L, S, F, P or O
    letter: np.ndarray  # uint8: the folded ASCII letter of an L code point, else 0
    standins: dict[str, str]
    _readings: dict[str, str] = field(default_factory=dict)

    def of(self, text: str) -> bytes:
        """The class string of ``text``, one character at a time (the reference's way)."""
        return bytes(int(self.classes[ord(ch)]) for ch in text)

    def readings(self, ch: str) -> str:
        """The letters ``ch`` may be inside a Latin word (empty for a separator or other)."""
        found = self._readings.get(ch)
        if found is None:
            found = self.standins.get(ch)
            if found is None:
                letter = int(self.letter[ord(ch)])
                found = chr(letter) if letter else ""
            self._readings[ch] = found
        return found


@cache
def classes(cmap: CharMap) -> Classes:
    """The classes under one character table (built once per table: a few vector operations over every code point)."""
    folded = cmap.decode[cmap.table].astype(np.uint32)
    is_letter = (folded >= ord("a")) & (folded <= ord("z"))
    out = np.full(MAX_CP, OTHER[0], dtype=np.uint8)
    out[is_letter] = LETTER[0]
    letter = np.where(is_letter, folded, 0).astype(np.uint8)
    standins = lookalike_letters()
    for ch in standins:
        out[ord(ch)] = FAUX_LETTER[0] if ch.isalpha() else STANDIN[0]
    for ch in SEPARATORS:
        out[ord(ch)] = SEPARATOR[0]
    return Classes(out, letter, standins)


class LatinTerms:
    """The Latin forms of a lexicon (terms and pinyin spellings), by their letters with runs collapsed."""

    def __init__(self, forms: Sequence[tuple[str, int, int]]) -> None:
        """``forms``: (letters, ref, how) of every Latin term form, letters lower-case ASCII."""
        self.by_letters: dict[str, list[tuple[int, int, tuple[int, ...]]]] = {}
        self.loose: set[str] = set()
        for letters, ref, how in forms:
            if len(letters) < MIN_LETTERS:
                continue
            chars, runs = _collapse(letters)
            self.by_letters.setdefault(chars, []).append((ref, how, runs))
            self.loose.add(_collapse(letters.translate(_MERGE))[0])
        self._memo: dict[tuple[str, tuple[int, ...]], list[tuple[int, int, int, int]]] = {}

    def __bool__(self) -> bool:
        return bool(self.by_letters)

    def find(self, text: str, table: Classes) -> list[tuple[int, int, int, int]]:
        """``(ref, how, start, end)`` of every disguised Latin term in ``text``, every run of letters, stand-ins
        and separators read one character at a time (the reference's way)."""
        string = table.of(text)
        return self._in_runs(text, string, table, runs(string))

    def fast(self, text: str, cps: np.ndarray, table: Classes) -> list[tuple[int, int, int, int]]:
        """:meth:`find` on the stretches around the seeds a regular expression finds in the class string."""
        if not self.by_letters:
            return []
        classes = table.classes[cps]
        string = classes.tobytes()
        if (LETTER not in string and FAUX_LETTER not in string) or (
            STANDIN not in string and FAUX_LETTER not in string and SEPARATOR not in string
        ):
            return []  # no letter, or nothing that could disguise one (most Chinese posts): no seed
        return self._in_runs(text, string, table, _seeded_runs(classes))

    def _in_runs(self, text: str, string: bytes, table: Classes, spans: Iterable[tuple[int, int]]
                 ) -> list[tuple[int, int, int, int]]:  # fmt: skip
        out: list[tuple[int, int, int, int]] = []
        for start, end in spans:
            for word in words(text, string, start, end):
                out.extend(self._match(text, string, word, table))
        return out

    def _match(self, text: str, string: bytes, word: Word, table: Classes) -> list[tuple[int, int, int, int]]:
        """The word's matches, remembered by its text (the same words recur: ``4G``, ``iphone5``, ``@Mr``)."""
        if not word.disguised:
            return []
        first = word.positions[0]
        key = (text[first : word.positions[-1] + 1], tuple(p - first for p in word.positions))
        known = self._memo.get(key)
        if known is None:
            if len(self._memo) >= _MEMO:
                self._memo.clear()
            found = self._match_word(text, string, word, table)
            known = self._memo[key] = [(ref, how, s - first, e - first) for ref, how, s, e in found]
        return [(ref, how, s + first, e + first) for ref, how, s, e in known]

    def _match_word(self, text: str, string: bytes, word: Word, table: Classes) -> list[tuple[int, int, int, int]]:
        positions = word.positions
        found = self._read(text, string, positions, table)
        if found:
            return found
        # a symbol at an edge may be punctuation after all (vi@gra!, |s3x|): read the word without it
        a, b = 0, len(positions)
        while a < b and _edge_symbol(text[positions[a]]):
            a += 1
        while b > a and _edge_symbol(text[positions[b - 1]]):
            b -= 1
        for lo in range(min(a, 4) + 1):
            for hi in range(len(positions), max(b, len(positions) - 4) - 1, -1):
                if (lo, hi) != (0, len(positions)):
                    found = self._read(text, string, positions[lo:hi], table)
                    if found:
                        return found
        return []

    def _read(self, text: str, string: bytes, positions: tuple[int, ...], table: Classes
              ) -> list[tuple[int, int, int, int]]:  # fmt: skip
        if len(positions) < MIN_LETTERS or not any(string[p] in (_L, _F) for p in positions):
            return []  # too short, or a number or a row of symbols, not a word (faux letters, ηυ∂є, are letters)
        options = [table.readings(text[p]) for p in positions]
        if not all(options):
            return []
        # the letters each stand-in may be are alike under _MERGE: one loose reading that a term must share
        if _collapse("".join(letters[0] for letters in options).translate(_MERGE))[0] not in self.loose:
            return []
        total = 1
        for letters in options:
            total *= len(letters)
        if total > MAX_READINGS:
            options = [letters[:1] for letters in options]
        out: list[tuple[int, int, int, int]] = []
        seen: set[tuple[int, int]] = set()
        for reading in product(*options):
            chars, counts = _collapse("".join(reading))
            for ref, how, needed in self.by_letters.get(chars, ()):
                if (ref, how) not in seen and all(have >= need for have, need in zip(counts, needed, strict=True)):
                    seen.add((ref, how))
                    out.append((ref, how, positions[0], positions[-1] + 1))
        return out


_L, _S, _F, _P, _O = LETTER[0], STANDIN[0], FAUX_LETTER[0], SEPARATOR[0], OTHER[0]
_MEMO = 100_000  # words remembered (then forgotten all at once)
_NEAR = 48  # a seed this close to the end of its run takes the run's end as found (no cut search)


def _seeded_runs(classes: np.ndarray) -> Iterator[tuple[int, int]]:
    """Around each seed, the stretch of its run up to the nearest cuts, each stretch once.

    Seeds (found with a few vector operations): a letter beside a stand-in (a faux letter is both), and a single
    character with separators
    on both sides (the middle of any chain of three). A run can be cut where it has an ``O`` or where a separator
    touches a piece of two or more characters: no word crosses such a place (a piece that long stands alone; a chain
    of single characters ends at it), so reading the stretch finds the same words as reading the whole run, and long
    runs of ordinary Latin text cost only their neighbourhoods."""
    size = len(classes)
    if size < 2:
        return
    faux, separator = classes == _F, classes == _P
    letter = (classes == _L) | faux  # what may be a word's letter
    standin = (classes == _S) | faux  # what may disguise one
    word = letter | standin
    seed = np.zeros(size, dtype=np.bool_)
    seed[:-1] = (letter[:-1] & standin[1:]) | (standin[:-1] & letter[1:])
    single = word.copy()
    single[1:] &= ~word[:-1]
    single[:-1] &= ~word[1:]
    seed[1:-1] |= single[1:-1] & separator[:-2] & separator[2:]
    positions = np.flatnonzero(seed)
    if not len(positions):
        return
    string = classes.tobytes()
    done = 0
    for at in positions.tolist():
        if at < done:
            continue
        start = max(string.rfind(OTHER, 0, at) + 1, done)
        if at - start > _NEAR:
            start = at
            while start > done:
                c = string[start - 1]
                if c == _O or (c == _P and start >= 3 and string[start - 2] not in (_O, _P)
                               and string[start - 3] not in (_O, _P)):  # fmt: skip
                    break
                start -= 1
        end = string.find(OTHER, at + 1)
        end = size if end < 0 else end
        if end - at > _NEAR:
            end = at + 1
            while end < size:
                c = string[end]
                if c == _O or (c == _P and end + 2 < size and string[end + 1] not in (_O, _P)
                               and string[end + 2] not in (_O, _P)):  # fmt: skip
                    break
                end += 1
        done = end
        yield start, end


@dataclass(frozen=True)
class Word:
    """A Latin word's character positions, and whether it is disguised (a stand-in, or joined from singles)."""

    positions: tuple[int, ...]
    disguised: bool


def runs(string: bytes) -> Iterator[tuple[int, int]]:
    """Every maximal run of letters, stand-ins and separators in a class string, one character at a time."""
    start = None
    for i, c in enumerate(string):
        if c != _O and start is None:
            start = i
        elif c == _O and start is not None:
            yield start, i
            start = None
    if start is not None:
        yield start, len(string)


def words(text: str, string: bytes, start: int, end: int) -> Iterator[Word]:
    """The words of one run of a class string: pieces between separators; single characters cut apart by one and
    the same short separator, joined."""
    pieces: list[tuple[int, int]] = []  # (start, end) of letters and stand-ins
    i = start
    while i < end:
        j = i
        while j < end and string[j] != _P:
            j += 1
        if j > i:
            pieces.append((i, j))
        i = j
        while i < end and string[i] == _P:
            i += 1
    k = 0
    while k < len(pieces):
        a, b = pieces[k]
        if b - a > 1:
            piece = string[a:b]
            yield Word(tuple(range(a, b)), STANDIN in piece or FAUX_LETTER in piece)
            k += 1
            continue
        last = k  # pieces[k..last] are single characters
        while last + 1 < len(pieces) and pieces[last + 1][1] - pieces[last + 1][0] == 1:
            last += 1
        # every stretch of them cut apart by one and the same short separator is a word
        p = k
        while p < last:
            q = p
            gap = text[pieces[p][1] : pieces[p + 1][0]]
            while q + 1 < last and text[pieces[q + 1][1] : pieces[q + 2][0]] == gap:
                q += 1
            if q + 1 - p + 1 >= MIN_LETTERS and len(gap) <= MAX_SEPARATOR:
                yield Word(tuple(pieces[r][0] for r in range(p, q + 2)), True)
            p = q + 1
        k = last + 1


def _edge_symbol(ch: str) -> bool:
    return ch.isascii() and not ch.isalnum()


def _collapse(letters: str) -> tuple[str, tuple[int, ...]]:
    """``kill`` -> ``("kil", (1, 1, 2))``: runs of one letter as one, with their lengths."""
    if _REPEAT.search(letters) is None:  # no letter twice in a row: nothing to collapse (most words)
        return letters, (1,) * len(letters)
    groups = [(letter, len(list(run))) for letter, run in groupby(letters)]
    return "".join(letter for letter, _ in groups), tuple(size for _, size in groups)
