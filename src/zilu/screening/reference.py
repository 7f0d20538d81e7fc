"""A slow, obviously correct term matcher: the oracle that the fast path is tested against.

It follows the rules of docs/screening.md one character at a time, in plain Python, with none of the fast path's
machinery (no numpy views, no position arrays, no automaton, no batching): normalize each character, keep the
survivors with their original positions, collapse runs, then try every term form at every position. Only the
*definitions* are shared with the fast path: the character tables (``data/charmap.txt``), the clause punctuation,
the pinyin spelling and homophone syllables of a character. Roughly ``O(len(text) * number of forms)``: use it
on short texts and small banks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np

from zilu.screening.banks import Banks
from zilu.screening.charclass import BOUNDARY, is_cjk, is_filler, is_latin_word
from zilu.screening.charmap import charmap, visible_units
from zilu.screening.latin import LatinTerms, classes
from zilu.screening.normalize import pinyin_variant, syllables
from zilu.screening.policy import Policy
from zilu.screening.views import (
    View,
    accept_joined,
    glyph_flags,
    join_flags,
    keep_homophone,
    part_of_word,
    syllable_run,
)
from zilu.screening.words import common_words, splits_of

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
class _RefView:
    """An alternative view: each position's character (``None``: deleted), the positions it changed, and for the
    pinyin view the syllable standing at a position."""

    kind: str  # joined, recomposed, pinyin
    chars: list[str | None]
    changed: set[int]
    syllables: dict[int, str]
    joined: View | None  # the same view as the fast path's object, for its acceptance rule
    reach: dict[int, int] = field(default_factory=dict)  # pinyin: a syllable's position -> past its last letter


def _ascii_letter(ch: str | None) -> bool:
    return ch is not None and len(ch) == 1 and "a" <= ch <= "z"


def _fewest_syllables(letters: str, names: frozenset[str]) -> list[str] | None:
    """Split ``letters`` into the fewest pinyin syllables, by plain recursion."""
    if not letters:
        return []
    best: list[str] | None = None
    for size in range(1, min(6, len(letters)) + 1):
        head = letters[:size]
        if head in names:
            rest = _fewest_syllables(letters[size:], names)
            if rest is not None and (best is None or len(rest) + 1 < len(best)):
                best = [head, *rest]
    return best


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
        self._recompose_table: dict[tuple[str | None, ...], str] | None = None
        self._views: list[_RefView] = []
        if self.ev.pinyin_mix and not self.reading:
            self.reading = syllables()
        self._latin: LatinTerms | None = None

    def _latin_hits(self, text: str) -> dict[int, list[tuple[int, int, str]]]:
        """Disguised Latin words (p0rn, p.o.r.n), every run read one character at a time: term -> hits."""
        if not self.ev.leet:
            return {}
        if self._latin is None:
            forms: list[tuple[str, int, int]] = []
            for index, term in enumerate(self.banks.terms):
                form = self.form(term.text)
                spelled = pinyin_variant(form, self.ev) if self.ev.pinyin else None
                for letters, how in ((form, 1), (self.form(spelled) if spelled else "", 2)):
                    if letters and all("a" <= ch <= "z" for ch in letters):
                        forms.append((letters, index, how))
            self._latin = LatinTerms(forms)
        out: dict[int, list[tuple[int, int, str]]] = {}
        for ref, how, start, end in self._latin.find(text, classes(self.cmap)):
            out.setdefault(ref, []).append((start, end, "normalized" if how == 1 else "pinyin"))
        return out

    def norm(self, ch: str) -> str | None:
        """The normalized character, ``None`` for noise."""
        value = int(self.cmap.final[ord(ch)])
        return None if value == 0 else chr(value)

    def form(self, text: str) -> str:
        """A bank entry's normalized form: characters normalized, noise dropped, clause punctuation trimmed."""
        chars = "".join(c for c in (self.norm(ch) for ch in text) if c is not None)
        return chars.strip(self.edges)

    def _units(self, text: str, chars: list[str | None] | None = None, alone: set[int] | None = None) -> list[_Unit]:
        """The normalized characters with their positions; runs collapsed unless more than max_gap apart, or
        Latin letters apart that do not both stand alone (the ``p`` of ``top porn``). ``chars`` is a view's
        character at each position (default: the plain normalization), ``alone`` positions never merged."""
        units: list[_Unit] = []
        view = chars if chars is not None else [self.norm(x) for x in text]
        for i, c in enumerate(view):
            if c is None:
                continue
            last = units[-1] if units else None
            merge = self.ev.repeat and last is not None and last.char == c and i - last.last - 1 <= self.ev.max_gap
            if merge and last is not None and i - last.last > 1 and is_latin_word(c):
                before = last.last - 1
                letter_before = before >= 0 and view[before] is not None and is_latin_word(view[before] or "")
                after = i + 1
                letter_after = after < len(text) and view[after] is not None and is_latin_word(view[after] or "")
                merge = not letter_before and not letter_after
            if merge and alone is not None and (i in alone or (last is not None and last.last in alone)):
                merge = False
            if merge and last is not None:
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

    def _gaps_ok(self, text: str, kept: list[int], max_gap: int) -> bool:
        return all(visible_units([ord(ch) for ch in text[a + 1 : b]]) <= max_gap for a, b in pairwise(kept))

    def _boundary_ok(
        self, text: str, start: int, end: int, form: str, spaced: bool, chars: list[str | None] | None = None
    ) -> bool:
        """Latin word boundaries around a match; a spaced-out match looks past what the view deletes."""

        def at(k: int) -> str | None:
            return self.norm(text[k]) if chars is None else chars[k]

        def word(k: int) -> bool:
            c = at(k)
            return c is not None and is_latin_word(c) and not is_cjk(text[k])

        if is_latin_word(form[0]):
            j = start - 1
            if spaced:
                while j >= 0 and start - j <= _OUTWARD and at(j) is None:
                    j -= 1
            if j >= 0 and word(j):
                return False
        if is_latin_word(form[-1]):
            j = end
            if spaced:
                while j < len(text) and j - end < _OUTWARD and at(j) is None:
                    j += 1
            if j < len(text) and word(j):
                return False
        return True

    def occurrences(
        self, text: str, form: str, how: str, homophone: bool, view: _RefView | None = None, collapse: bool = True
    ) -> list[tuple[int, int, str]]:
        """``(start, end, form name)`` of every occurrence of a normalized form in ``text`` (in ``view``, if given);
        with ``collapse`` false, the form's repeated characters stay one a position."""
        chars, runs = self._collapse(form) if collapse else (form, [1] * len(form))
        spelled = view.syllables if view is not None else {}
        units = self._units(text, view.chars if view else None, set(spelled) if spelled else None)
        out = []
        size = len(chars)
        max_gap = self.ev.max_gap + (5 if spelled else 0)
        for p in range(len(units) - size + 1):
            window = units[p : p + size]
            seen = "".join(u.char for u in window)
            if any(len(u.kept) < need for u, need in zip(window, runs, strict=True)):
                continue
            if spelled:
                if not homophone or is_latin_word(chars[0]) or is_latin_word(chars[-1]):
                    continue
                sounds = [spelled.get(u.first) for u in window]
                if not all(
                    (c == t) if s is None else (self.reading.get(ord(t)) == s and is_cjk(t))
                    for c, t, s in zip(seen, chars, sounds, strict=True)
                ):
                    continue
                n_spelled = sum(s is not None for s in sounds)
                if not 1 <= n_spelled < size:
                    continue
                name = "pinyin"
            elif seen == chars:
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
            if spelled and view is not None and window[-1].first in view.reach:
                end = view.reach[window[-1].first]  # the letters of a final syllable belong to the match
            if not self._gaps_ok(text, kept, max_gap):
                continue
            spaced = end - start > len(kept)
            if not self._boundary_ok(text, start, end, chars, spaced, view.chars if view is not None else None):
                continue
            if view is not None and view.kind != "pinyin" and not any(start <= q < end for q in view.changed):
                continue  # the plain view finds it (or nothing should)
            joined = view.joined if view is not None and view.kind == "joined" else None
            if joined is not None and not accept_joined(text, joined, self.ev.precision, start, end, kept):
                continue
            out.append((start, end, name))
        return out

    def _everywhere(
        self, text: str, form: str, how: str, homophone: bool, collapse: bool = True
    ) -> list[tuple[int, int, str]]:
        """Occurrences in the plain view and in every alternative view of the text being matched (the pinyin view
        only for forms that may match by sound)."""
        out = self.occurrences(text, form, how, homophone, collapse=collapse)
        for view in self._views:
            if view.kind != "pinyin" or homophone:
                out += self.occurrences(text, form, how, homophone, view, collapse=collapse)
        return out

    def views(self, text: str) -> list[_RefView]:
        """The alternative views of ``text`` (see :mod:`zilu.screening.views`), built character by character."""
        out: list[_RefView] = []
        ev = self.ev
        plain = [self.norm(ch) for ch in text]
        if ev.punctuation or ev.spacers:
            for glyphs in (False, True) if ev.spacers else (False,):
                punct_flags, spacer_flags = join_flags(ev.punctuation, ev.spacers, glyphs)
                fillers = {i for i in range(len(text)) if glyphs and is_filler(text, i)}
                if glyphs and not fillers and not any(glyph_flags()[ord(ch)] for ch in text):
                    continue
                chars = list(plain)
                changed = set()
                for i, ch in enumerate(text):
                    cp = ord(ch)
                    keycap = ev.spacers and (text[i + 1 : i + 2] == "\u20e3" or (text[i + 1 : i + 3] == "\ufe0f\u20e3"))
                    if plain[i] is not None and (punct_flags[cp] or spacer_flags[cp] or keycap or i in fillers):
                        chars[i] = None
                        changed.add(i)
                if changed:
                    codes = np.array([self.cmap.code_of(c) if c else 0 for c in chars], dtype=np.uint16)
                    flags = np.zeros(len(text), dtype=np.bool_)
                    punct = flags.copy()
                    spacer = flags.copy()
                    for i in changed:
                        (punct if punct_flags[ord(text[i])] else spacer)[i] = True
                    flags[list(changed)] = True
                    out.append(_RefView("joined", chars, changed, {}, View(codes, flags, punct, spacer)))
        if ev.split_chars:
            table = self._recompose()
            chars = list(plain)
            kept = [i for i, c in enumerate(plain) if c is not None]
            changed = set()
            q = 0
            while q < len(kept) - 1:
                a, b = kept[q], kept[q + 1]
                c3 = kept[q + 2] if q + 2 < len(kept) else None
                three = table.get((plain[a], plain[b], plain[c3])) if c3 is not None else None
                two = table.get((plain[a], plain[b]))
                if three is not None and c3 is not None and ev.precision and part_of_word(text, a, c3 + 1):
                    three = None
                if three is None and two is not None and ev.precision and part_of_word(text, a, b + 1):
                    two = None
                if three is not None and c3 is not None:
                    chars[a], chars[b], chars[c3] = three, None, None
                    changed.update(range(a, c3 + 1))
                    q += 3
                elif two is not None:
                    chars[a], chars[b] = two, None
                    changed.update(range(a, b + 1))
                    q += 2
                else:
                    q += 1
            if changed:
                out.append(_RefView("recomposed", chars, changed, {}, None))
        if ev.pinyin_mix and ev.homophone:
            chars = list(plain)
            spelled: dict[int, str] = {}
            reach: dict[int, int] = {}
            kept = [i for i, c in enumerate(plain) if c is not None]
            q = 0
            while q < len(kept):
                if not _ascii_letter(plain[kept[q]]):
                    q += 1
                    continue
                r = q
                while r < len(kept) and _ascii_letter(plain[kept[r]]):
                    r += 1
                next_to_han = (q > 0 and is_cjk(plain[kept[q - 1]] or "")) or (
                    r < len(kept) and is_cjk(plain[kept[r]] or "")
                )
                letters = "".join(plain[k] or "" for k in kept[q:r])
                breaks = [k - q for k in range(q + 1, r) if kept[k] - kept[k - 1] > 1]
                before = q > 0 and is_cjk(plain[kept[q - 1]] or "")
                after = r < len(kept) and is_cjk(plain[kept[r]] or "")
                found = (
                    syllable_run(letters, breaks, before, after, self._syllable_names())
                    if next_to_han and r - q <= 36
                    else None
                )
                pieces = None
                if found is not None:
                    first, pieces = found
                    if (
                        _fewest_syllables(letters[first : first + sum(map(len, pieces))], self._syllable_names())
                        is None
                    ):
                        pieces = None  # the reference's own segmentation must agree that these letters are syllables
                if pieces is not None:
                    offset = q + first
                    for piece in pieces:
                        spelled[kept[offset]] = piece
                        reach[kept[offset]] = kept[offset + len(piece) - 1] + 1
                        chars[kept[offset]] = "\x00"  # a placeholder: only ``spelled`` says what it stands for
                        for k in kept[offset + 1 : offset + len(piece)]:
                            chars[k] = None
                        offset += len(piece)
                q = r
            if spelled:
                # each syllable stands alone: give every one a distinct placeholder so runs never merge them
                for n, position in enumerate(sorted(spelled)):
                    chars[position] = chr(0xF0000 + n)
                out.append(_RefView("pinyin", chars, set(spelled), spelled, None, reach))
        return out

    def _recompose(self) -> dict[tuple[str | None, ...], str]:
        if self._recompose_table is None:
            everyday = common_words()
            table: dict[tuple[str | None, ...], str] = {}
            term_chars = {c for t in self.banks.terms for c in self.form(t.text)}
            for char in term_chars:
                for parts in splits_of(char):
                    normalized = tuple(self.norm(p) for p in parts)
                    if parts in everyday or None in normalized:
                        continue
                    table.setdefault(normalized, char)
            self._recompose_table = table
        return self._recompose_table

    def _syllable_names(self) -> frozenset[str]:
        return frozenset(self.reading.values()) if self.reading else frozenset()

    def _homophone_ok(self, form: str) -> bool:
        """Whether a term may match by sound: two or more characters (``homophone_min_chars``) once repeats are
        collapsed, two of them Chinese. A repeated character keeps its run (``又又色图`` for ``幼幼色图``)."""
        chars, _runs = self._collapse(form)
        return (
            self.ev.homophone
            and len(chars) >= max(2, self.ev.homophone_min_chars)
            and sum(is_cjk(ch) for ch in chars) >= 2
        )

    def _written_out_ok(self, form: str) -> bool:
        """A term with a repeated character that also matches by sound written out, a character a position
        (``妹妹小穴`` as ``妹美小穴``, ``meimei小xue``): what :meth:`_homophone_ok` asks of it but the repeat."""
        chars, runs = self._collapse(form)
        return (
            self.ev.homophone
            and max(runs) > 1
            and len(chars) >= max(2, self.ev.homophone_min_chars)
            and sum(is_cjk(ch) for ch in chars) >= 2
        )

    def match(self, text: str) -> list[RefMatch]:
        """Every term hit in ``text`` after allow-list, context, exact-form, duplicate and overlap rules."""
        self._views = self.views(text)
        allow: list[tuple[int, int]] = []
        for word in self.banks.allow:
            form = self.form(word)
            if form:
                allow.extend((s, e) for s, e, _ in self._everywhere(text, form, "normalized", False))
        window_default = self.policy.context_window
        found: dict[tuple[int, int, int], RefMatch] = {}
        candidates: list[tuple[int, int, int, str]] = []
        latin = self._latin_hits(text)
        for index, term in enumerate(self.banks.terms):
            form = self.form(term.text)
            if not form:
                continue
            hits = self._everywhere(text, form, "normalized", self._homophone_ok(form))
            if self._written_out_ok(form):
                hits += self._everywhere(text, form, "normalized", True, collapse=False)
            spelled = pinyin_variant(form, self.ev) if self.ev.pinyin else None
            if spelled is not None:
                hits += self._everywhere(text, self.form(spelled), "pinyin", False)
            hits += latin.get(index, [])
            for start, end, name in hits:
                if name == "homophone" and self.ev.precision and not keep_homophone(text, start, end):
                    continue
                if any(a <= start and end <= b for a, b in allow):
                    continue
                candidates.append((index, start, end, name))
        # terms that need context: another term (needing none, listing no context terms) within the window
        terms = self.banks.terms
        anchors = [(s, e) for i, s, e, _ in candidates if not terms[i].needs_context and not terms[i].context]
        for index, start, end, name in candidates:
            term = terms[index]
            if term.needs_context and not term.context:
                window = term.window if term.window is not None else window_default
                if not any(s - end <= window and start - e <= window for s, e in anchors):
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
            for c_start, c_end, _ in self._everywhere(text, form, "normalized", False):
                distance = max(c_start - end, start - c_end, 0)
                if distance <= window and (best is None or (distance, order) < best):
                    best = (distance, order)
        return None if best is None else words[best[1]]
