"""A slow, obviously correct term matcher: the oracle that the fast path is tested against.

It follows the rules of docs/screening.md one character at a time, in plain Python, with none of the fast path's
machinery (no numpy views, no position arrays, no automaton, no batching): normalize each character, keep the
survivors with their original positions, collapse runs, then try every term form at every position. Only the
*definitions* are shared with the fast path: the character tables (``data/charmap.txt``), the clause punctuation,
the pinyin spelling and homophone syllables of a character. Roughly ``O(len(text) * number of forms)``: use it
on short texts and small banks.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from zilu.screening.banks import Banks
from zilu.screening.charclass import BOUNDARY, is_cjk, is_latin_word
from zilu.screening.charmap import charmap, invisible_flags
from zilu.screening.normalize import pinyin_variant, syllables
from zilu.screening.policy import Policy

_RANK = {"exact": 0, "normalized": 1, "pinyin": 2, "homophone": 3}
_OUTWARD = 8


@dataclass(frozen=True)
class RefMatch:
    """A term found by the reference: the bank term, original offsets, form and context word."""

    term: str
    start: int
    end: int
    form: str
    context: str | None


@dataclass(frozen=True)
class _Unit:
    """One character of the (collapsed) normalized text with the original positions it covers."""

    char: str
    first: int  # original index of the first character of the run
    last: int  # original index of the last character of the run
    kept: tuple[int, ...]  # original indices of every kept character in the run


class ReferenceMatcher:
    """Term matching by brute force, for tests."""

    def __init__(self, banks: Banks, policy: Policy | None = None) -> None:
        self.banks = banks
        self.policy = policy or Policy()
        self.ev = self.policy.evasion
        self.cmap = charmap(**self.ev.char_switches())
        self.reading = syllables() if self.ev.homophone else {}
        self.edges = "".join({c for c in (self.norm(ch) for ch in BOUNDARY) if c is not None})

    def norm(self, ch: str) -> str | None:
        """The normalized character, ``None`` for noise."""
        value = int(self.cmap.final[ord(ch)])
        return None if value == 0 else chr(value)

    def form(self, text: str) -> str:
        """A bank entry's normalized form: characters normalized, noise dropped, clause punctuation trimmed."""
        chars = "".join(c for c in (self.norm(ch) for ch in text) if c is not None)
        return chars.strip(self.edges)

    def _units(self, text: str) -> list[_Unit]:
        """The normalized characters with their positions; runs collapsed unless more than max_gap apart."""
        units: list[_Unit] = []
        for i, ch in enumerate(text):
            c = self.norm(ch)
            if c is None:
                continue
            last = units[-1] if units else None
            if self.ev.repeat and last is not None and last.char == c and i - last.last - 1 <= self.ev.max_gap:
                units[-1] = _Unit(c, last.first, i, (*last.kept, i))
            else:
                units.append(_Unit(c, i, i, (i,)))
        return units

    def _collapse(self, form: str) -> tuple[str, list[int]]:
        """A form's characters with runs collapsed, and the length of each run (all 1 when repeats are off)."""
        chars: list[str] = []
        runs: list[int] = []
        for ch in form:
            if self.ev.repeat and chars and chars[-1] == ch:
                runs[-1] += 1
            else:
                chars.append(ch)
                runs.append(1)
        return "".join(chars), runs

    def _same_sound(self, a: str, b: str) -> bool:
        if a == b:
            return True
        ra, rb = self.reading.get(ord(a)), self.reading.get(ord(b))
        return ra is not None and ra == rb and is_cjk(a) and is_cjk(b)

    def _gaps_ok(self, text: str, kept: list[int]) -> bool:
        invisible = invisible_flags()
        for a, b in pairwise(kept):
            visible = sum(1 for ch in text[a + 1 : b] if not invisible[ord(ch)])
            if visible > self.ev.max_gap:
                return False
        return True

    def _word_at(self, text: str, j: int) -> bool:
        c = self.norm(text[j])
        return c is not None and is_latin_word(c)

    def _boundary_ok(self, text: str, start: int, end: int, form: str, spaced: bool) -> bool:
        if is_latin_word(form[0]):
            j = start - 1
            if spaced:
                while j >= 0 and start - j <= _OUTWARD and self.norm(text[j]) is None:
                    j -= 1
            if j >= 0 and self._word_at(text, j):
                return False
        if is_latin_word(form[-1]):
            j = end
            if spaced:
                while j < len(text) and j - end < _OUTWARD and self.norm(text[j]) is None:
                    j += 1
            if j < len(text) and self._word_at(text, j):
                return False
        return True

    def occurrences(self, text: str, form: str, how: str, homophone: bool) -> list[tuple[int, int, str]]:
        """``(start, end, form name)`` of every occurrence of a normalized form in ``text``."""
        chars, runs = self._collapse(form)
        units = self._units(text)
        out = []
        size = len(chars)
        for p in range(len(units) - size + 1):
            window = units[p : p + size]
            seen = "".join(u.char for u in window)
            if any(len(u.kept) < need for u, need in zip(window, runs, strict=True)):
                continue
            if seen == chars:
                name = how
            elif homophone and all(self._same_sound(a, b) for a, b in zip(seen, chars, strict=True)):
                changed = sum(a != b for a, b in zip(seen, chars, strict=True))
                if not 1 <= changed <= size // 2:
                    continue
                name = "homophone"
            else:
                continue
            kept = [i for u in window for i in u.kept]
            start, end = window[0].first, window[-1].last + 1
            if not self._gaps_ok(text, kept):
                continue
            spaced = end - start > len(kept)
            if self._boundary_ok(text, start, end, chars, spaced):
                out.append((start, end, name))
        return out

    def _homophone_ok(self, form: str) -> bool:
        chars, runs = self._collapse(form)
        return (
            self.ev.homophone
            and max(runs) == 1
            and len(chars) >= max(2, self.ev.homophone_min_chars)
            and sum(is_cjk(ch) for ch in chars) >= 2
        )

    def match(self, text: str) -> list[RefMatch]:
        """Every term hit in ``text`` after allow-list, context, exact-form, duplicate and overlap rules."""
        allow: list[tuple[int, int]] = []
        for word in self.banks.allow:
            form = self.form(word)
            if form:
                allow.extend((s, e) for s, e, _ in self.occurrences(text, form, "normalized", False))
        window_default = self.policy.context_window
        found: dict[tuple[int, int, int], RefMatch] = {}
        for index, term in enumerate(self.banks.terms):
            form = self.form(term.text)
            if not form:
                continue
            hits = self.occurrences(text, form, "normalized", self._homophone_ok(form))
            spelled = pinyin_variant(form, self.ev) if self.ev.pinyin else None
            if spelled is not None:
                hits += self.occurrences(text, self.form(spelled), "pinyin", False)
            for start, end, name in hits:
                if any(a <= start and end <= b for a, b in allow):
                    continue
                context = None
                if term.context:
                    window = term.window if term.window is not None else window_default
                    context = self._context(text, term.context, start, end, window)
                    if context is None:
                        continue
                if name == "normalized" and text[start:end] == term.text:
                    name = "exact"
                key = (index, start, end)
                old = found.get(key)
                if old is None or _RANK[name] < _RANK[old.form]:
                    found[key] = RefMatch(term.text, start, end, name, context)
        strong = {(m.start, m.end) for m in found.values() if m.form != "homophone"}
        kept = sorted(
            ((key[0], m) for key, m in found.items() if m.form != "homophone" or (m.start, m.end) not in strong),
            key=lambda pair: (pair[0], pair[1].start, pair[1].end),
        )
        merged: list[tuple[int, RefMatch]] = []
        for index, m in kept:
            if merged and merged[-1][0] == index and m.start < merged[-1][1].end:
                last = merged[-1][1]
                form = m.form if _RANK[m.form] < _RANK[last.form] else last.form
                merged[-1] = (index, RefMatch(last.term, last.start, max(last.end, m.end), form,
                                              last.context or m.context))  # fmt: skip
            else:
                merged.append((index, m))
        return sorted((m for _, m in merged), key=lambda m: (m.start, m.end, m.term))

    def _context(self, text: str, words: tuple[str, ...], start: int, end: int, window: int) -> str | None:
        best: tuple[int, int] | None = None
        for order, word in enumerate(words):
            form = self.form(word)
            if not form or words.index(word) != order:
                continue
            for c_start, c_end, _ in self.occurrences(text, form, "normalized", False):
                distance = max(c_start - end, start - c_end, 0)
                if distance <= window and (best is None or (distance, order) < best):
                    best = (distance, order)
        return None if best is None else words[best[1]]
