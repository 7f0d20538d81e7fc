"""After verification: allow-list spans, context terms, exact forms, duplicates and overlaps, vectorized.

See :mod:`zilu.screening.verify` for the rules; this module applies the ones that need all the matches of a block.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from zilu.screening.banks import Term
from zilu.screening.verify import ALLOW, CONTEXT, EXACT, HOMOPHONE, I64, NORMALIZED, TERM, Found, differences


class TermInfo:
    """The bank terms as arrays: their raw text (to tell ``exact`` from ``normalized``) and context needs."""

    def __init__(self, terms: tuple[Term, ...], context_words: list[str], window: int) -> None:
        self.terms = terms
        self.context_words = context_words
        self.window = window
        self.raw = np.frombuffer("".join(t.text for t in terms).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        self.raw_len = np.fromiter((len(t.text) for t in terms), dtype=np.int64, count=len(terms))
        self.raw_off = np.concatenate(([0], np.cumsum(self.raw_len)[:-1])).astype(np.int64)
        self.has_context = np.fromiter((bool(t.context) for t in terms), dtype=np.bool_, count=len(terms))
        self.needs_context = np.fromiter((t.needs_context for t in terms), dtype=np.bool_, count=len(terms))


class TermHits(NamedTuple):
    """Resolved term hits of a block, sorted by position: parallel arrays, plus the context word of each."""

    segment: list[int]
    start: list[int]
    end: list[int]
    term: list[int]
    form: list[int]
    context: list[str | None]


def _empty() -> TermHits:
    return TermHits([], [], [], [], [], [])


def resolve(found: Found, cps: np.ndarray, starts: I64, ends: I64, info: TermInfo) -> TermHits:
    """Turn verified occurrences into the term hits of each segment (``starts``/``ends``: segment bounds)."""
    kind, ref, start, end, form = found
    if not len(kind):
        return _empty()
    segment = np.searchsorted(starts, start, side="right") - 1
    inside = end <= ends[segment]  # only a term containing the segment separator itself could fail this
    is_term = (kind == TERM) & inside
    t_seg, t_ref, t_start, t_end, t_form = segment[is_term], ref[is_term], start[is_term], end[is_term], form[is_term]
    allow = (kind == ALLOW) & inside
    if allow.any():
        order = np.argsort(start[allow], kind="stable")
        a_start = start[allow][order]
        reach = np.maximum.accumulate(end[allow][order])
        i = np.searchsorted(a_start, t_start, side="right") - 1
        keep = ~((i >= 0) & (reach[np.maximum(i, 0)] >= t_end))
        t_seg, t_ref, t_start, t_end, t_form = t_seg[keep], t_ref[keep], t_start[keep], t_end[keep], t_form[keep]
    if not len(t_ref):
        return _empty()
    if info.needs_context[t_ref].any():
        t_seg, t_ref, t_start, t_end, t_form = _in_company(t_seg, t_ref, t_start, t_end, t_form, info)
        if not len(t_ref):
            return _empty()
    contexts: list[str | None] | None = None  # None: no term here needs a context word
    needs = info.has_context[t_ref]
    if needs.any():
        contexts = [None] * len(t_ref)
        spans: dict[int, list[tuple[int, int, int]]] = {}
        is_context = (kind == CONTEXT) & inside
        columns = (segment[is_context], start[is_context], end[is_context], ref[is_context])
        for s, a, b, r in zip(*(c.tolist() for c in columns), strict=True):
            spans.setdefault(s, []).append((a, b, r))
        keep = np.ones(len(t_ref), dtype=np.bool_)
        for k in np.flatnonzero(needs).tolist():
            term = info.terms[int(t_ref[k])]
            limit = term.window if term.window is not None else info.window
            where = spans.get(int(t_seg[k]), [])
            word = nearest_context(term.context, where, info.context_words, int(t_start[k]), int(t_end[k]), limit)
            keep[k] = word is not None
            contexts[k] = word
        contexts = [c for c, k in zip(contexts, keep.tolist(), strict=True) if k]
        t_seg, t_ref, t_start, t_end, t_form = t_seg[keep], t_ref[keep], t_start[keep], t_end[keep], t_form[keep]
    # ``exact``: the original characters are the term as written in the bank.
    same_length = (t_form == NORMALIZED) & ((t_end - t_start) == info.raw_len[t_ref])
    rows = np.flatnonzero(same_length)
    if len(rows):
        changed = differences(cps, t_start[rows], info.raw, info.raw_off[t_ref[rows]], info.raw_len[t_ref[rows]])
        t_form = t_form.copy()
        t_form[rows[changed == 0]] = EXACT
    # One hit per (term, span), the strongest form; homophones give way to any stronger hit on the same span.
    order = np.lexsort((t_form, t_end, t_start, t_ref))
    t_seg, t_ref, t_start, t_end, t_form = t_seg[order], t_ref[order], t_start[order], t_end[order], t_form[order]
    if contexts is not None:
        contexts = [contexts[i] for i in order.tolist()]
    first = np.ones(len(t_ref), dtype=np.bool_)
    first[1:] = (t_ref[1:] != t_ref[:-1]) | (t_start[1:] != t_start[:-1]) | (t_end[1:] != t_end[:-1])
    scale = len(cps) + 1
    homophone = t_form == HOMOPHONE
    if homophone.any():
        strong = (t_start * scale + t_end)[first & ~homophone]
        first &= ~(homophone & np.isin(t_start * scale + t_end, strong))
    if not first.all():
        t_seg, t_ref, t_start, t_end, t_form = t_seg[first], t_ref[first], t_start[first], t_end[first], t_form[first]
        if contexts is not None:
            contexts = [c for c, k in zip(contexts, first.tolist(), strict=True) if k]
    if ((t_ref[1:] == t_ref[:-1]) & (t_start[1:] < t_end[:-1])).any():
        listed = [c.tolist() for c in (t_seg, t_start, t_end, t_ref, t_form)]
        merged = merge_overlaps(list(zip(*listed, contexts or [None] * len(t_ref), strict=True)))
        t_seg, t_start, t_end, t_ref, t_form = (np.array([r[i] for r in merged], dtype=np.int64) for i in range(5))
        contexts = [r[5] for r in merged] if contexts is not None else None
    order = np.lexsort((t_ref, t_end, t_start))
    final_contexts = [contexts[i] for i in order.tolist()] if contexts is not None else [None] * len(order)
    return TermHits(
        t_seg[order].tolist(),
        t_start[order].tolist(),
        t_end[order].tolist(),
        t_ref[order].tolist(),
        t_form[order].tolist(),
        final_contexts,
    )


def _in_company(seg: I64, ref: I64, start: I64, end: I64, form: I64, info: TermInfo) -> tuple[I64, ...]:
    """Drop the hits of terms that need context and have no company: another term's hit (of a term that does not
    need context itself) within the window, in the same segment. A term's own context terms count through the
    regular context rule (see :func:`resolve`), applied to those that list some."""
    needs = info.needs_context[ref]
    anchors = ~needs & ~info.has_context[ref]
    keep = ~needs
    for k in np.flatnonzero(needs).tolist():
        term = info.terms[int(ref[k])]
        if term.context:
            keep[k] = True  # left to the context rule below
            continue
        limit = term.window if term.window is not None else info.window
        near = anchors & (seg == seg[k]) & (start - end[k] <= limit) & (start[k] - end <= limit)
        keep[k] = bool(near.any())
    return seg[keep], ref[keep], start[keep], end[keep], form[keep]


Row = tuple[int, int, int, int, int, str | None]  # segment, start, end, term, form, context


def merge_overlaps(rows: list[Row]) -> list[Row]:
    """Overlapping hits of one term become one (``妈妈妈`` is one hit of ``妈妈``); rows sorted by term, start."""
    out: list[Row] = []
    for row in rows:
        last = out[-1] if out else None
        if last is not None and last[3] == row[3] and last[0] == row[0] and row[1] < last[2]:
            out[-1] = (last[0], last[1], max(last[2], row[2]), last[3], min(last[4], row[4]), last[5] or row[5])
        else:
            out.append(row)
    return out


def nearest_context(
    wanted: tuple[str, ...], spans: list[tuple[int, int, int]], words: list[str], start: int, end: int, window: int
) -> str | None:
    """The nearest wanted context word within ``window`` characters (ties: the term's order of words)."""
    best: tuple[int, int] | None = None
    for c_start, c_end, ref in spans:
        word = words[ref]
        if word not in wanted:
            continue
        distance = max(c_start - end, start - c_end, 0)
        key = (distance, wanted.index(word))
        if distance <= window and (best is None or key < best):
            best = key
    return None if best is None else wanted[best[1]]


__all__ = ["EXACT", "TermHits", "TermInfo", "merge_overlaps", "nearest_context", "resolve"]
