"""The term matcher: banks compiled into automata over normalized text, candidates verified on the original.

Views of a block of text (numpy arrays, built at C speed):

* ``cps``: the code points of the original text;
* ``N``: their codes with noise deleted (``idx1`` maps an N position back to the original);
* ``C``: N with each run of one repeated character reduced to one (``idx2`` maps a C position to the first N
  position of its run); two equal characters more than ``max_gap`` characters apart do not form a run;
* ``V``: C through the homophone classes.

Terms are collapsed the same way and remember how long each run must be (``qq`` needs a run of two ``q``), so
``冰冰毒毒`` matches ``冰毒`` and ``qqq`` matches ``qq`` but ``q`` does not. The *sound* automaton scans V for the
terms that may match by homophone; the *exact* automaton scans C for everything else (pinyin spellings, Latin
terms, terms with repeated characters, allow-list and context words). Candidates are verified by
:mod:`zilu.screening.verify` and resolved by :mod:`zilu.screening.resolve`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache, partial

import numpy as np

from zilu.screening import compiled, latin, views
from zilu.screening.backends import Scanner, make_scanner
from zilu.screening.banks import Banks
from zilu.screening.charclass import is_cjk
from zilu.screening.charmap import U16, U32, Bools, CharMap, charmap, ideograph_flags
from zilu.screening.normalize import boundary_codes, homophone_map, pinyin_spelling
from zilu.screening.policy import Evasion
from zilu.screening.resolve import TermHits, TermInfo, resolve
from zilu.screening.verify import (
    ALLOW,
    CONTEXT,
    HOMOPHONE,
    I64,
    NORMALIZED,
    PINYIN,
    TERM,
    Checker,
    Found,
    Variant,
    VariantTable,
)

__all__ = ["ALLOW", "CONTEXT", "TERM", "Lexicon", "TermHits", "Variant", "collapse_runs"]


def collapse_runs(values: list[int]) -> tuple[list[int], tuple[int, ...] | None]:
    """``[a, a, b]`` -> ``([a, b], (2, 1))``; the runs are ``None`` when no character repeats."""
    chars: list[int] = []
    runs: list[int] = []
    for value in values:
        if chars and chars[-1] == value:
            runs[-1] += 1
        else:
            chars.append(value)
            runs.append(1)
    return chars, (tuple(runs) if len(chars) < len(values) else None)


class Lexicon:
    """Banks' terms, allow-list and context terms, compiled for one set of evasion switches."""

    def __init__(self, banks: Banks, evasion: Evasion, backend: str | None = None, *, context_window: int = 20) -> None:
        self.banks = banks
        self.evasion = evasion
        self.context_words: list[str] = list(dict.fromkeys(w for t in banks.terms for w in t.context))
        entries: list[tuple[int, int, str]] = [(TERM, i, t.text) for i, t in enumerate(banks.terms)]
        entries += [(ALLOW, i, w) for i, w in enumerate(banks.allow)]
        entries += [(CONTEXT, i, w) for i, w in enumerate(self.context_words)]
        self.cmap: CharMap = charmap(**evasion.char_switches()).with_chars({ch for _, _, t in entries for ch in t})
        self.table = self.cmap.table
        self.word = self.cmap.word
        self.homophones: U16 | None = homophone_map(self.cmap) if evasion.homophone else None
        self.exact: dict[bytes, list[Variant]] = {}
        self.sound: dict[bytes, list[Variant]] = {}
        self._term_codes: set[int] = set()
        cache_file = compiled.path_for(evasion, entries)
        found = compiled.load(cache_file)
        self.cached = found is not None
        if found is None:
            self._compile(entries)
            exact_keys, sound_keys = list(self.exact), list(self.sound)
            found = compiled.Compiled(
                exact_keys,
                sound_keys,
                VariantTable([self.exact[k] for k in exact_keys]),
                VariantTable([self.sound[k] for k in sound_keys]),
                frozenset(self._term_codes),
            )
            compiled.save(cache_file, found)
        self.exact_keys, self.sound_keys = found.exact_keys, found.sound_keys
        self.exact_table, self.sound_table = found.exact_table, found.sound_table
        self._term_codes = set(found.term_codes)
        self.info = TermInfo(banks.terms, self.context_words, context_window)
        self.exact_scanner: Scanner = make_scanner(self.exact_keys, backend)
        self.sound_scanner: Scanner = make_scanner(self.sound_keys, backend)
        self.recompose: views.Recomposition | None = None
        if evasion.split_chars and self._term_codes:
            self.recompose = views.recompose_table(self.cmap, frozenset(self._term_codes))
        self.latin: latin.LatinTerms | None = None
        if evasion.leet:
            self.latin = latin.LatinTerms(self._latin_forms()) or None
            self.latin_classes = latin.classes(self.cmap)
        self.syllable_codes: views.Syllables | None = None
        if evasion.pinyin_mix and self.homophones is not None and self.sound_keys:
            self.syllable_codes = views.syllable_codes(self.cmap, self.homophones.tobytes())

    def _latin_forms(self) -> list[tuple[str, int, int]]:
        """(letters, term, how) of every term form that is all Latin letters (terms and pinyin spellings), for the
        disguised-word stage (:mod:`zilu.screening.latin`)."""
        table = self.exact_table
        if not len(table.kind):
            return []
        letter = _letter_codes(self.cmap)
        not_letters = np.add.reduceat((~letter[table.forms]).astype(np.int64), table.form_off)
        rows = np.flatnonzero((table.kind == TERM) & (not_letters == 0))
        out: list[tuple[str, int, int]] = []
        # every form decoded at once, then sliced (a loop over numpy scalars would cost most of a warm start)
        letters = self.cmap.decode[table.forms].astype(np.uint32).tobytes().decode("utf-32-le")
        offsets, sizes = table.form_off.tolist(), table.size.tolist()
        refs, hows, has_runs, runs_off = (table.ref.tolist(), table.how.tolist(), table.has_runs.tolist(),
                                          table.runs_off.tolist())  # fmt: skip
        for r in rows.tolist():
            off, size = offsets[r], sizes[r]
            word = letters[off : off + size]
            if has_runs[r]:
                counts = table.runs[runs_off[r] : runs_off[r] + size].tolist()
                word = "".join(ch * n for ch, n in zip(word, counts, strict=True))
            out.append((word, refs[r], hows[r]))
        return out

    @property
    def _bigrams(self) -> tuple[I64, I64]:
        """Every pair of neighbouring characters of an automaton key, packed ``a << 16 | b`` and sorted: exact codes,
        and homophone classes (built on first use)."""
        found = self.__dict__.get("_bigram_arrays")
        if found is None:
            found = (_pairs(self.exact_keys), _pairs(self.sound_keys))
            self.__dict__["_bigram_arrays"] = found
        return found

    def _bridges(self, view: views.View) -> bool:
        """Whether a match of ``view`` could cover what it deleted: some two characters that the deletion brings
        together are neighbours in some key (as codes, or as homophone classes). Most texts' punctuation joins
        nothing of the kind, and then the view costs no scan. A match that covers a deleted position has two kept
        characters right around it that are neighbours in its form, so this test never loses one."""
        kept = np.flatnonzero(view.codes)
        if len(kept) < 2:
            return False
        deleted_before = np.concatenate(([0], np.cumsum(view.changed, dtype=np.int64)))
        across = np.flatnonzero(deleted_before[kept[1:]] > deleted_before[kept[:-1] + 1])
        if not len(across):
            return False
        a = view.codes[kept[across]].astype(np.int64)
        b = view.codes[kept[across + 1]].astype(np.int64)
        if (a == b).any():
            return True  # a repeat (妈，妈): keys hold runs collapsed, so no pair stands for it
        exact, sound = self._bigrams
        if views.among((a << 16) | b, exact).any():
            return True
        if self.homophones is None or not len(sound):
            return False
        h = self.homophones
        return bool(views.among((h[a].astype(np.int64) << 16) | h[b].astype(np.int64), sound).any())

    # ------------------------------------------------------------------ compile

    def _compile(self, entries: list[tuple[int, int, str]]) -> None:
        """Normalize every entry in one numpy pass, then file each form under its automaton key."""
        if not entries:
            return
        texts = [text for _, _, text in entries]
        cps = np.frombuffer("\n".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        codes = self.table[cps]
        keep = codes != 0
        kept_before = np.concatenate(([0], np.cumsum(keep)))
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        raw_starts = np.concatenate(([0], np.cumsum(lengths + 1)[:-1]))
        starts = kept_before[raw_starts].tolist()
        ends = kept_before[raw_starts + lengths].tolist()
        values = codes[keep].tolist()
        edge = set(np.flatnonzero(boundary_codes(self.cmap)).tolist())
        for k, (kind, ref, _text) in enumerate(entries):
            s, e = starts[k], ends[k]
            while s < e and values[s] in edge:
                s += 1
            while e > s and values[e - 1] in edge:
                e -= 1
            if s < e:
                self._add(kind, ref, values[s:e], NORMALIZED)
                if kind == TERM:
                    self._term_codes.update(values[s:e])

    def _add(self, kind: int, ref: int, form: list[int], how: int) -> None:
        ev = self.evasion
        chars, runs = collapse_runs(form) if ev.repeat else (form, None)
        cjk = _cjk_codes(self.cmap)
        n_cjk = sum(1 for c in chars if cjk[c])
        words = self.word
        homophone = (
            kind == TERM
            and how == NORMALIZED
            and self.homophones is not None
            and len(chars) >= max(2, ev.homophone_min_chars)
            and n_cjk >= 2
        )
        data = np.asarray(chars, dtype=np.uint16)
        variant = Variant(kind, ref, data.tobytes(), how, homophone, bool(words[chars[0]]), bool(words[chars[-1]]),
                          len(chars), runs)  # fmt: skip
        if homophone and self.homophones is not None:
            self.sound.setdefault(self.homophones[data].tobytes(), []).append(variant)
        else:
            self.exact.setdefault(variant.form, []).append(variant)
        if (
            kind == TERM
            and how == NORMALIZED
            and self.homophones is not None
            and runs is not None
            and len(chars) >= max(2, ev.homophone_min_chars)
            and n_cjk >= 2
        ):
            # A term with a repeated character (妹妹小穴) also matches by sound as written out, one character a
            # position: 妹美小穴, and in the pinyin view meimei小xue, where two syllables are two characters.
            full = np.asarray(form, dtype=np.uint16)
            spelled_out = Variant(kind, ref, full.tobytes(), how, True, bool(words[form[0]]), bool(words[form[-1]]),
                                  len(form), None)  # fmt: skip
            self.sound.setdefault(self.homophones[full].tobytes(), []).append(spelled_out)
        if kind == TERM and how == NORMALIZED and ev.pinyin and 2 <= len(form) <= ev.pinyin_max_chars and n_cjk:
            self._add_pinyin(ref, form)

    def _add_pinyin(self, ref: int, form: list[int]) -> None:
        decode = self.cmap.decode
        text = "".join(chr(decode[code]) for code in form)
        if not all(is_cjk(ch) or (ch.isascii() and ch.isalnum()) for ch in text):
            return
        spelled = pinyin_spelling(text)
        if spelled is None or sum(ch.isalpha() for ch in spelled) < self.evasion.pinyin_min_letters:
            return
        self._add(TERM, ref, self.cmap.encode(spelled).tolist(), PINYIN)

    @property
    def backend(self) -> str:
        """The scanner in use (``hyperscan``, ``ahocorasick`` or ``none``)."""
        return self.exact_scanner.name if self.exact_keys else self.sound_scanner.name

    @property
    def patterns(self) -> int:
        """How many distinct automaton keys the banks compiled to."""
        return len(self.exact_keys) + len(self.sound_keys)

    # ------------------------------------------------------------------ match

    def match(self, text: str, starts: list[int], cps: U32 | None = None, lengths: list[int] | None = None) -> TermHits:
        """Verified term hits in ``text``, a block of segments beginning at ``starts`` (sorted offsets).

        ``cps`` may pass the text's code points when the caller already has them, ``lengths`` the segments'
        lengths (by default each runs to the next start).
        """
        if not text or not (self.exact_keys or self.sound_keys):
            return TermHits([], [], [], [], [], [])
        if cps is None:
            cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        codes = self.table[cps]
        parts = [self._find(cps, codes)[0]]
        ev = self.evasion
        if ev.punctuation or ev.spacers:
            for glyphs in (False, True) if ev.spacers else (False,):
                joined = views.joined(cps, codes, ev.punctuation, ev.spacers, glyphs)
                if joined is not None and len(starts) > 1:
                    # the line breaks between a block's segments belong to no text: never joined over, so a match
                    # (or a word boundary's look past what the view deleted) stays inside its own text
                    seps = np.asarray(starts[1:], dtype=np.int64) - 1
                    joined.codes[seps] = codes[seps]
                    for flags in (joined.changed, joined.punct, joined.spacer):
                        if flags is not None:
                            flags[seps] = False
                if joined is not None and self._bridges(joined):
                    found, kept_at = self._find(cps, joined.codes, changed=joined.changed)
                    found = _using(found, joined.changed)
                    parts.append(self._keep(found, kept_at, partial(views.accept_joined, text, joined, ev.precision)))
        if self.recompose is not None:
            recomposed = views.recomposed(text, ev.precision, codes, self.recompose)
            if recomposed is not None:
                found, _kept = self._find(cps, recomposed.codes, changed=recomposed.changed)
                parts.append(_using(found, recomposed.changed))
        if self.syllable_codes is not None:
            mixed = views.pinyin_mixed(codes, self.cmap, _letter_codes(self.cmap), _cjk_codes(self.cmap),
                                       self.syllable_codes)  # fmt: skip
            if mixed is not None:
                found = self._find(cps, mixed.codes, pinyin=mixed.pinyin, changed=mixed.changed)[0]
                if found is not None and mixed.reach:
                    found = found._replace(end=views.extend_syllables(found.end, mixed.reach))
                parts.append(found)
        if self.latin is not None:
            parts.append(_latin_found(self.latin.fast(text, cps, self.latin_classes)))
        found = _concat([p for p in parts if p is not None])
        if found is None:
            return TermHits([], [], [], [], [], [])
        if ev.precision and self.homophones is not None:
            found = self._keep(found, None, lambda s, e, kept: views.keep_homophone(text, s, e), form=HOMOPHONE)
            if found is None:
                return TermHits([], [], [], [], [], [])
        seg_starts = np.asarray(starts, dtype=np.int64)
        if lengths is None:
            seg_ends = np.append(seg_starts[1:] - 1, len(text))
        else:
            seg_ends = seg_starts + np.asarray(lengths, dtype=np.int64)
        return resolve(found, cps, seg_starts, seg_ends, self.info)

    def _find(
        self, cps: U32, codes: U16, pinyin: Bools | None = None, changed: Bools | None = None
    ) -> tuple[Found | None, Bools]:
        """Verified occurrences in one view of a block (``codes``: its codes, 0 where deleted), and which original
        positions the view keeps. With ``changed`` (an alternative view: the original positions it changed), only
        candidates whose span covers a changed position are verified: the plain view has the others."""
        keep = codes != 0
        n_view = codes[keep]
        idx1 = None
        keep2: Bools | None = None
        c_view = n_view
        ev = self.evasion
        if ev.repeat and len(n_view) > 1:
            keep2 = np.empty(len(n_view), dtype=np.bool_)
            keep2[0] = True
            np.not_equal(n_view[1:], n_view[:-1], out=keep2[1:])
            if pinyin is not None:
                keep2[pinyin[np.flatnonzero(keep)]] = True  # two syllables of one class are two characters
            repeats = np.flatnonzero(~keep2)
            if len(repeats):
                idx1 = np.flatnonzero(keep)
                here, before = idx1[repeats], idx1[repeats - 1]
                apart = here - before > 1
                # Equal characters further apart than the gap bound start a new run...
                far = (here - before) > ev.max_gap + 1
                # ...and so do equal Latin letters apart unless both stand alone (p o r r n): the p of "top porn"
                # ends one word and starts the next.
                latin = apart & self.word[n_view[repeats]]
                if latin.any():
                    size = len(codes)
                    left = codes[np.maximum(before - 1, 0)]
                    right = codes[np.minimum(here + 1, size - 1)]
                    joined = ((before == 0) | ~self.word[left]) & ((here == size - 1) | ~self.word[right])
                    far |= latin & ~joined
                keep2[repeats[far]] = True
            c_view = n_view[keep2]
        scan_exact = pinyin is None
        exact_ids, exact_ends = self.exact_scanner.scan(c_view.tobytes()) if scan_exact else ([], [])
        sound_ids: list[int] = []
        sound_ends: list[int] = []
        if self.sound_keys and self.homophones is not None:
            sound_ids, sound_ends = self.sound_scanner.scan(self.homophones[c_view].tobytes())
        if not exact_ids and not sound_ids:
            return None, keep
        if changed is not None:
            if idx1 is None:
                idx1 = np.flatnonzero(keep)
            first_n = np.flatnonzero(keep2) if keep2 is not None else np.arange(len(n_view), dtype=np.int64)
            # per C position: the original positions of its run's first and last characters
            c_first = idx1[first_n]
            c_last = idx1[np.append(first_n[1:] - 1, len(n_view) - 1)]
            before = np.concatenate(([0], np.cumsum(changed, dtype=np.int64)))
            exact_ids, exact_ends = _covering(exact_ids, exact_ends, self.exact_table, c_first, c_last, before)
            sound_ids, sound_ends = _covering(sound_ids, sound_ends, self.sound_table, c_first, c_last, before)
            if not exact_ids and not sound_ids:
                return None, keep
        max_gap = ev.max_gap if pinyin is None else ev.max_gap + views.MAX_SYLLABLE - 1
        checker = Checker(max_gap, self.word, cps, codes, keep, keep2, c_view, n_view, idx1, pinyin)
        parts = []
        if exact_ids:
            parts.append(checker.run(exact_ids, exact_ends, self.exact_table))
        if sound_ids:
            parts.append(checker.run(sound_ids, sound_ends, self.sound_table))
        return _concat(parts), keep

    def _keep(
        self,
        found: Found | None,
        keep: Bools | None,
        test: Callable[[int, int, list[int]], bool],
        form: int | None = None,
    ) -> Found | None:
        """The occurrences that pass ``test(start, end, kept positions)``; with ``form``, only those of that form are
        tested. ``keep`` says which original positions the view kept. Occurrences are few: a plain loop."""
        if found is None or not len(found.kind):
            return found
        rows = np.arange(len(found.kind)) if form is None else np.flatnonzero(found.form == form)
        if not len(rows):
            return found
        good = np.ones(len(found.kind), dtype=np.bool_)
        for k in rows.tolist():
            s, e = int(found.start[k]), int(found.end[k])
            kept = [] if keep is None else (np.flatnonzero(keep[s:e]) + s).tolist()
            good[k] = test(s, e, kept)
        return Found(*(column[good] for column in found))


@cache
def _cjk_codes(cmap: CharMap) -> Bools:
    """``_cjk_codes(cmap)[code]``: the code stands for a CJK ideograph."""
    return np.asarray(ideograph_flags()[cmap.decode])


@cache
def _letter_codes(cmap: CharMap) -> Bools:
    """``_letter_codes(cmap)[code]``: the code stands for an ASCII letter."""
    out = np.zeros(0x10000, dtype=np.bool_)
    for ch in "abcdefghijklmnopqrstuvwxyz":
        code = cmap.code_of(ch)
        if code:
            out[code] = True
    return out


def _covering(
    ids: list[int], ends: list[int], table: VariantTable, c_first: I64, c_last: I64, before: I64
) -> tuple[list[int], list[int]]:
    """The candidates ``(ids, ends)`` of an automaton whose span covers a changed position (``before``: how many
    original positions before each one changed)."""
    if not ids:
        return ids, ends
    pid = np.asarray(ids, dtype=np.int64)
    c_end = np.asarray(ends, dtype=np.int64) // 2
    size = table.size[table.first[pid]]
    start = c_first[c_end - size]
    end = c_last[c_end - 1] + 1
    good = before[end] > before[start]
    return pid[good].tolist(), np.asarray(ends, dtype=np.int64)[good].tolist()


def _pairs(keys: list[bytes]) -> I64:
    """The sorted distinct neighbour pairs ``a << 16 | b`` of the keys' characters (two bytes each)."""
    if not keys:
        return np.zeros(0, dtype=np.int64)
    codes = np.frombuffer(b"".join(keys), dtype=np.uint16).astype(np.int64)
    lengths = np.fromiter((len(k) // 2 for k in keys), dtype=np.int64, count=len(keys))
    last = np.cumsum(lengths) - 1  # the last character of each key: no pair with the next key's first
    pair = (codes[:-1] << 16) | codes[1:]
    inside = np.ones(len(pair), dtype=np.bool_)
    inside[last[:-1]] = False
    return np.unique(pair[inside])


def _latin_found(hits: list[tuple[int, int, int, int]]) -> Found | None:
    """The disguised Latin words, ``(ref, how, start, end)`` each, as occurrences."""
    if not hits:
        return None
    rows = np.asarray(hits, dtype=np.int64)
    return Found(np.full(len(rows), TERM, dtype=np.int64), rows[:, 0], rows[:, 2], rows[:, 3], rows[:, 1])


def _using(found: Found | None, changed: Bools) -> Found | None:
    """The occurrences whose span covers a position that the view changed (the others the plain view has)."""
    if found is None or not len(found.kind):
        return None
    before = np.concatenate(([0], np.cumsum(changed, dtype=np.int64)))
    good = before[found.end] > before[found.start]
    if not good.any():
        return None
    return Found(*(column[good] for column in found))


def _concat(parts: Sequence[Found | None]) -> Found | None:
    present = [p for p in parts if p is not None and len(p.kind)]
    if not present:
        return None
    if len(present) == 1:
        return present[0]
    return Found(*(np.concatenate(c) for c in zip(*present, strict=True)))
