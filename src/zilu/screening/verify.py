"""Verification of automaton candidates against the original text, and the per-segment rules after it.

A candidate is a pattern id and an end offset in the scanned view. It becomes a match when:

1. the view's characters equal the variant's normalized form, or the variant may match by homophone and at most
   half of its characters (at least one kept as written) are replaced by a character of the same syllable;
2. no gap between two of its characters in the original holds more than ``max_gap`` visible noise characters;
3. a form that starts (ends) with a Latin letter or digit has no Latin letter or digit right before (after) it;
   when the match itself is spaced out (``b i n g d u``) the look goes past noise, so ``h a v e`` is not ``av``.

Then hits inside an allow-listed occurrence are dropped, terms with context terms need one within the window,
duplicates keep their strongest form, homophone hits on a span that has a stronger hit are dropped, and
overlapping hits of one term merge into one.

Every candidate is checked against every variant filed under its key, for all candidates at once with numpy
(gathered comparisons and ``reduceat`` for forms, substitutions and run lengths; vectorized boundary checks). Only
candidates with a gap over the bound or a spaced-out Latin match take a plain Python path.
:mod:`zilu.screening.reference` is the independent statement of the same rules.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from zilu.screening.charmap import Bools, ideograph_flags, invisible_flags, visible_units

TERM, ALLOW, CONTEXT = 0, 1, 2
FORMS = ("exact", "normalized", "pinyin", "homophone")  # index = form code = rank (lower is stronger)
EXACT, NORMALIZED, PINYIN, HOMOPHONE = range(4)
OUTWARD = 8  # how far a spaced-out Latin match looks past noise for its word boundary

I64 = npt.NDArray[np.int64]


class Variant(NamedTuple):
    """One way a bank entry can appear: its collapsed normalized form and what the occurrence must satisfy."""

    kind: int  # TERM, ALLOW or CONTEXT
    ref: int  # index into the terms, the allow-list or the context words
    form: bytes  # codes of the (collapsed) form, two bytes each
    how: int  # NORMALIZED or PINYIN
    homophone: bool  # may match through homophone classes
    left: bool  # needs a Latin word boundary before it
    right: bool  # ... and after it
    size: int  # characters
    runs: tuple[int, ...] | None  # least run length of each character (``qq`` -> (2,)), None when all are 1


class VariantTable:
    """The variants of one automaton, flat, with ``first``/``count`` per pattern id (all of one id have one size)."""

    ARRAYS = ("count", "kind", "ref", "how", "homophone", "left", "right", "size", "forms", "has_runs", "runs")

    def __init__(self, variants: list[list[Variant]]) -> None:
        flat = [v for group in variants for v in group]
        n = len(flat)
        self.count = np.fromiter((len(g) for g in variants), dtype=np.int64, count=len(variants))
        self.kind = np.fromiter((v.kind for v in flat), dtype=np.int64, count=n)
        self.ref = np.fromiter((v.ref for v in flat), dtype=np.int64, count=n)
        self.how = np.fromiter((v.how for v in flat), dtype=np.int64, count=n)
        self.homophone = np.fromiter((v.homophone for v in flat), dtype=np.bool_, count=n)
        self.left = np.fromiter((v.left for v in flat), dtype=np.bool_, count=n)
        self.right = np.fromiter((v.right for v in flat), dtype=np.bool_, count=n)
        self.size = np.fromiter((v.size for v in flat), dtype=np.int64, count=n)
        self.forms = np.frombuffer(b"".join(v.form for v in flat), dtype=np.uint16)
        runs = [v.runs for v in flat]
        self.has_runs = np.fromiter((r is not None for r in runs), dtype=np.bool_, count=n)
        self.runs = np.array([x for r in runs if r is not None for x in r], dtype=np.int64)
        self._offsets()

    def _offsets(self) -> None:
        self.first = np.concatenate(([0], np.cumsum(self.count)[:-1])).astype(np.int64)
        self.form_off = np.concatenate(([0], np.cumsum(self.size)[:-1])).astype(np.int64)
        sizes_with_runs = np.where(self.has_runs, self.size, 0)
        self.runs_off = np.concatenate(([0], np.cumsum(sizes_with_runs)[:-1])).astype(np.int64)

    def arrays(self, prefix: str) -> dict[str, Any]:
        """The table as named arrays (for the on-disk cache of compiled lexicons)."""
        return {f"{prefix}{name}": getattr(self, name) for name in self.ARRAYS}

    @classmethod
    def from_arrays(cls, data: Any, prefix: str) -> VariantTable:
        """The table back from :meth:`arrays`."""
        table = cls.__new__(cls)
        for name in cls.ARRAYS:
            setattr(table, name, np.asarray(data[f"{prefix}{name}"]))
        table._offsets()
        return table


class Found(NamedTuple):
    """Verified occurrences as parallel arrays: kind, ref, original start/end and form code."""

    kind: I64
    ref: I64
    start: I64
    end: I64
    form: I64


def _ragged(starts: I64, lengths: I64) -> tuple[I64, I64]:
    """Flat indices ``starts[r] + 0..lengths[r]-1`` for every row, and each row's first flat position."""
    row_first = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
    offsets = np.arange(int(lengths.sum()), dtype=np.int64) - np.repeat(row_first, lengths)
    return np.repeat(starts, lengths) + offsets, row_first


def differences(view: Any, view_starts: I64, forms: Any, form_starts: I64, lengths: I64) -> I64:
    """Per row, how many characters of ``view[view_starts:+len]`` differ from ``forms[form_starts:+len]``."""
    if not len(lengths):
        return np.zeros(0, dtype=np.int64)
    flat_view, row_first = _ragged(view_starts, lengths)
    flat_form, _ = _ragged(form_starts, lengths)
    diff = (view[flat_view] != forms[flat_form]).astype(np.int64)
    return np.add.reduceat(diff, row_first)


def masked_differences(view: Any, view_starts: I64, forms: Any, form_starts: I64, lengths: I64,
                       mask: Bools) -> tuple[I64, I64]:  # fmt: skip
    """Per row, how many unmasked characters differ from the form, and how many characters are masked."""
    if not len(lengths):
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    flat_view, row_first = _ragged(view_starts, lengths)
    flat_form, _ = _ragged(form_starts, lengths)
    masked = mask[flat_view]
    diff = ((view[flat_view] != forms[flat_form]) & ~masked).astype(np.int64)
    return np.add.reduceat(diff, row_first), np.add.reduceat(masked.astype(np.int64), row_first)


def shortfalls(run_len: Any, view_starts: I64, runs: I64, run_starts: I64, lengths: I64) -> I64:
    """Per row, how many runs in the view are shorter than the form requires (``run_len``: C positions -> length)."""
    if not len(lengths):
        return np.zeros(0, dtype=np.int64)
    flat_view, row_first = _ragged(view_starts, lengths)
    flat_runs, _ = _ragged(run_starts, lengths)
    short = (run_len(flat_view) < runs[flat_runs]).astype(np.int64)
    return np.add.reduceat(short, row_first)


class Checker:
    """Checks raw candidates of one block against its original text.

    ``n_view`` is the normalized text, ``keep`` which original characters it keeps; ``c_view``/``keep2`` the
    collapsed view and which N characters start a run (``None`` when repeats are not collapsed).
    """

    def __init__(self, max_gap: int, word: Bools, cps: Any, codes: Any, keep: Any, keep2: Any, c_view: Any,
                 n_view: Any, idx1: I64 | None = None, pinyin: Bools | None = None) -> None:  # fmt: skip
        self.max_gap = max_gap
        self.word = word
        self.cps = cps
        self.codes = codes
        self.idx1 = np.flatnonzero(keep) if idx1 is None else idx1
        self.n_size = len(n_view)
        self.idx2 = np.flatnonzero(keep2) if keep2 is not None else None
        self.view = c_view
        # the pinyin view: which C positions carry a syllable's class rather than a written character
        self.pinyin: Bools | None = None
        if pinyin is not None:
            first_n = self.idx2 if self.idx2 is not None else np.arange(len(c_view), dtype=np.int64)
            self.pinyin = pinyin[self.idx1[first_n]]

    def _run_last(self, c_pos: I64) -> I64:
        """The last N position of the run at each C position."""
        if self.idx2 is None:
            return c_pos
        nxt = c_pos + 1
        inside = nxt < len(self.idx2)
        return np.where(inside, self.idx2[np.where(inside, nxt, 0)] - 1, self.n_size - 1)

    def _run_len(self, c_pos: I64) -> I64:
        """How many N characters the run at each C position has."""
        if self.idx2 is None:
            return np.ones(len(c_pos), dtype=np.int64)
        return self._run_last(c_pos) - self.idx2[c_pos] + 1

    def run(self, ids: list[int], ends: list[int], table: VariantTable) -> Found:
        """Verify the candidates ``(ids[k], ends[k])`` of one automaton, each against every variant of its id."""
        pid = np.asarray(ids, dtype=np.int64)
        count = table.count[pid]
        first_row = np.concatenate(([0], np.cumsum(count)[:-1])).astype(np.int64)
        cand = np.repeat(np.arange(len(pid), dtype=np.int64), count)
        var = table.first[pid][cand] + (np.arange(len(cand), dtype=np.int64) - first_row[cand])
        size = table.size[var]
        c_end = (np.asarray(ends, dtype=np.int64) // 2)[cand]
        c_start = c_end - size
        n_first = self.idx2[c_start] if self.idx2 is not None else c_start
        n_last = self._run_last(c_end - 1)
        start = self.idx1[n_first]
        end = self.idx1[n_last] + 1
        gap = (end - start) - (n_last - n_first + 1)
        if self.pinyin is not None:
            # some characters written as pinyin, the others as the term's own characters
            changed, spelled = masked_differences(self.view, c_start, table.forms, table.form_off[var], size,
                                                  self.pinyin)  # fmt: skip
            exact = np.zeros(len(var), dtype=np.bool_)
            latin_edge = table.left[var] | table.right[var]
            accept = (changed == 0) & (spelled >= 1) & (spelled < size) & ~latin_edge
        else:
            changed = differences(self.view, c_start, table.forms, table.form_off[var], size)
            exact = changed == 0
            accept = exact | (table.homophone[var] & (changed >= 1) & (changed <= size // 2))
        with_runs = np.flatnonzero(accept & table.has_runs[var])
        if len(with_runs):
            rows = var[with_runs]
            short = shortfalls(self._run_len, c_start[with_runs], table.runs, table.runs_off[rows], size[with_runs])
            accept[with_runs[short > 0]] = False
        form = np.where(exact, table.how[var], HOMOPHONE) if self.pinyin is None else np.full(len(var), PINYIN)
        left, right = table.left[var], table.right[var]
        spaced = gap > 0
        plain = (gap <= self.max_gap) & ~((left | right) & spaced)
        codes, word, cps = self.codes, self.word, self.cps
        ideograph = ideograph_flags()
        n_codes = len(codes)
        at_before, at_after = np.maximum(start - 1, 0), np.minimum(end, n_codes - 1)
        # a Latin neighbour: a letter or digit that is not a Chinese numeral folded to a digit (escort一切)
        word_before = (start > 0) & word[codes[at_before]] & ~ideograph[cps[at_before]]
        word_after = (end < n_codes) & word[codes[at_after]] & ~ideograph[cps[at_after]]
        bounded = (~left | ~word_before) & (~right | ~word_after)
        good = accept & plain & bounded
        found = Found(table.kind[var[good]], table.ref[var[good]], start[good], end[good], form[good])
        slow = np.flatnonzero(accept & ~plain)
        if not len(slow):
            return found
        extra = []
        for k in slow.tolist():
            v = int(var[k])
            s, e, g = int(start[k]), int(end[k]), int(gap[k])
            if g > self.max_gap and not self._gaps_ok(int(n_first[k]), int(n_last[k])):
                continue
            if table.left[v] and not self._left_ok(s, g > 0):
                continue
            if table.right[v] and not self._right_ok(e, g > 0):
                continue
            extra.append((int(table.kind[v]), int(table.ref[v]), s, e, int(form[k])))
        if not extra:
            return found
        more = np.array(extra, dtype=np.int64).T
        return Found(*(np.concatenate((a, b)) for a, b in zip(found, more, strict=True)))

    def _gaps_ok(self, n_first: int, n_last: int) -> bool:
        idx1 = self.idx1
        invisible = invisible_flags()
        for q in range(n_first, n_last):
            a, b = int(idx1[q]) + 1, int(idx1[q + 1])
            if (
                b - a > self.max_gap
                and int(np.count_nonzero(~invisible[self.cps[a:b]])) > self.max_gap
                and visible_units(self.cps[a:b].tolist()) > self.max_gap
            ):
                return False
        return True

    def _left_ok(self, start: int, spaced: bool) -> bool:
        j = start - 1
        if spaced:
            while j >= 0 and start - j <= OUTWARD and self.codes[j] == 0:
                j -= 1
        return j < 0 or not self.word[self.codes[j]] or bool(ideograph_flags()[self.cps[j]])

    def _right_ok(self, end: int, spaced: bool) -> bool:
        j = end
        size = len(self.codes)
        if spaced:
            while j < size and j - end < OUTWARD and self.codes[j] == 0:
                j += 1
        return j >= size or not self.word[self.codes[j]] or bool(ideograph_flags()[self.cps[j]])
