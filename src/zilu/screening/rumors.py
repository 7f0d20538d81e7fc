"""Rumor matching (Art. 12(1)): find posts that restate a known rumor from a bank of debunked claims.

A claim and a post are compared as sets of character 3-grams of their normalized text: the engine's character table
(width, case, number styles, traditional -> simplified, noise such as emoji and inserted symbols deleted) with
clause punctuation and line breaks deleted as well, so ``紧急扩散！！石正麗教授淩晨發出警告🔥`` and
``石正丽教授凌晨发出警告`` share every 3-gram of the second; the same table serves indexing and lookup. Each 3-gram is
weighted by its inverse document frequency in the bank, and a (post, claim) pair gets two *covered fractions*::

    post_cover = w(post ∩ claim) / w(post)        claim_cover = w(post ∩ claim) / w(claim)

A post quoting any long enough window of a claim covers little of the claim but is covered whole; a claim inside a
long comment is covered whole; a reworded or reordered one loses only the 3-grams around each change or clause
boundary. ``score`` is the probability that the post restates the claim (:func:`probability`, a logistic function of
the larger fraction and of the number of shared 3-grams, fitted by ``benchmarks/rumors.py --fit``), and candidates
rank by ``post_cover + CLAIM_RANK_WEIGHT * claim_cover``: first the claims that explain the whole post, among them the
one closest to it. 3-grams in more than ``max_df`` of the claims (``新冠病毒`` in a bank of COVID rumors) get weight
zero, which keeps postings short and stops topical vocabulary from making true news look like a rumor; a small bank
keeps every 3-gram found in up to ``min_cap`` (100) claims, so a rumor reposted many times in it stays matchable.

The index is an inverted file in numpy arrays (sorted 3-gram keys, CSR postings of claim numbers); matching a block of
posts is a handful of vectorized operations (lookups by ``searchsorted``, one ``np.unique`` over (post, claim)
pairs, weighted ``bincount``), then the best few candidates of each post are verified (only 3-grams in runs of two
count). The span of a hit runs from the first to the last of the post's 3-grams found in the claim.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from zilu.screening.charmap import U16
from zilu.screening.errors import BankFormatError
from zilu.screening.normalize import content_table

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]

NGRAM = 3
DEFAULT_MAX_DF = 0.002  # share of the claims above which a 3-gram carries no weight ...
DEFAULT_MIN_CAP = 100  # ... but never fewer claims than this: one rumor reposted 30 times must stay visible
DEFAULT_MIN_SHARED = 6  # 3-grams (with weight) a post must share with a claim: about eight characters in a row
MAX_HITS = 3  # claims reported per post, best first
PAIRS_PER_PIECE = 1 << 18  # postings counted at once (see match_block)
VERIFY_EXTRA = 2  # candidates verified per post beyond the number reported (best unverified score first)


@dataclass(frozen=True, slots=True)
class RumorClaim:
    """A known rumor: its text as it circulated, the debunk to show the user, where the debunk comes from."""

    id: str
    text: str
    debunk: str = ""
    source: str | None = None
    date: str | None = None


class RumorMatch(NamedTuple):
    """A post found to restate a claim: the claim's position in the bank, the score and the span in the post."""

    claim: int
    score: float
    shared: int  # 3-grams in common (with weight)
    start: int
    end: int


def _grams(codes: U16) -> U64:
    """The 3-grams of a run of codes as exact 48-bit integers."""
    if len(codes) < NGRAM:
        return np.zeros(0, dtype=np.uint64)
    wide = codes.astype(np.uint64)
    return (wide[:-2] << np.uint64(32)) | (wide[1:-1] << np.uint64(16)) | wide[2:]


def text_grams(text: str) -> tuple[U64, I64]:
    """The 3-grams of ``text`` and the code-point offset of each one's first character (for inspection and tests)."""
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    codes = content_table()[cps]
    kept = np.flatnonzero(codes)
    return _grams(codes[kept]), kept[: max(len(kept) - NGRAM + 1, 0)].astype(np.int64)


#: The rumor score as a probability: a logistic function of the covered fraction (of the post or of the claim,
#: whichever is larger) and of how much is shared (3-grams, at most 30 counted), fitted by ``benchmarks/rumors.py
#: --fit`` on rewrites of the CHECKED claims against true news (see docs/screening.md, "Rumors").
CALIBRATION = (-6.70, 4.83, 1.86)  # intercept, covered fraction, log(shared 3-grams)
CLAIM_RANK_WEIGHT = 0.5  # candidates rank by the covered fraction of the post + this x that of the claim


def probability(cover: F64, shared: npt.NDArray[Any]) -> F64:
    """The probability that a post restates a claim, from the covered fraction and the shared 3-grams."""
    intercept, slope, length = CALIBRATION
    z = intercept + slope * cover + length * np.log(np.minimum(np.maximum(shared, 1), 30))
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -40.0, 40.0))), dtype=np.float64)


class RumorIndex:
    """An inverted 3-gram index over a bank of claims. Immutable after construction; safe to share between threads."""

    def __init__(
        self,
        claims: Sequence[RumorClaim],
        *,
        max_df: float = DEFAULT_MAX_DF,
        min_cap: int = DEFAULT_MIN_CAP,
        min_shared: int = DEFAULT_MIN_SHARED,
    ) -> None:
        self.claims = tuple(claims)
        self.min_shared = min_shared
        count = len(self.claims)
        per_claim = [np.unique(text_grams(claim.text)[0]) for claim in self.claims]
        lengths = np.array([len(g) for g in per_claim], dtype=np.int64)
        # claim -> its sorted unique grams (CSR), for spans
        self._claim_offsets = np.zeros(count + 1, dtype=np.int64)
        np.cumsum(lengths, out=self._claim_offsets[1:])
        self._claim_grams = np.concatenate(per_claim) if per_claim else np.zeros(0, dtype=np.uint64)
        owners = np.repeat(np.arange(count, dtype=np.int32), lengths)
        # gram -> claims (CSR over the sorted distinct grams)
        order = np.argsort(self._claim_grams, kind="stable")
        sorted_grams = self._claim_grams[order]
        self._postings = owners[order]
        keys, first, df = np.unique(sorted_grams, return_index=True, return_counts=True)
        self._keys = keys
        self._offsets = np.append(first, len(sorted_grams)).astype(np.int64)
        # weights: idf, zero for grams in more than max_df of the claims (and more than min_cap claims)
        cap = max(float(min_cap), max_df * count)
        weight = np.log1p(count / df)
        weight[df > cap] = 0.0
        self._weight = weight
        self._unseen = float(np.log1p(count)) if count else 1.0  # a gram the bank does not have
        self._claim_gram_weight = np.empty(len(self._claim_grams), dtype=np.float32)  # aligned with _claim_grams
        self._claim_gram_weight[order] = weight[np.repeat(np.arange(len(keys)), df)]
        self._claim_weight = (
            np.bincount(owners[order], weights=weight[np.repeat(np.arange(len(keys)), df)], minlength=count)
            if count
            else np.zeros(0)
        )
        self.stop_grams = int((df > cap).sum())

    def __len__(self) -> int:
        return len(self.claims)

    # ------------------------------------------------------------------ public

    def search(self, text: str, *, threshold: float = 0.0, limit: int = 5) -> list[RumorMatch]:
        """The claims ``text`` restates, best first (score at least ``threshold``; at most ``limit``)."""
        cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        return self.match_block(cps, [0], [len(text)], threshold=threshold, limit=limit).get(0, [])

    def match_block(
        self,
        cps: npt.NDArray[np.uint32],
        starts: Sequence[int],
        lengths: Sequence[int],
        *,
        threshold: float,
        limit: int = MAX_HITS,
    ) -> dict[int, list[RumorMatch]]:
        """Match the segments ``cps[starts[i]:starts[i]+lengths[i]]`` of a block; segment number -> matches.

        Offsets in the matches are relative to each segment's start.
        """
        if not len(self.claims) or not len(starts):
            return {}
        codes = content_table()[cps]
        kept = np.flatnonzero(codes)
        if len(kept) < NGRAM:
            return {}
        begins = np.asarray(starts, dtype=np.int64)
        ends = begins + np.asarray(lengths, dtype=np.int64)
        segment = np.searchsorted(begins, kept, side="right") - 1
        inside = kept < ends[np.maximum(segment, 0)]
        inside &= segment >= 0
        kept, segment = kept[inside], segment[inside]
        grams = _grams(codes[kept])
        gram_segment = segment[: len(grams)]
        same = gram_segment == segment[NGRAM - 1 :]
        grams, gram_segment, gram_start = grams[same], gram_segment[same], kept[: len(same)][same]
        gram_end = kept[NGRAM - 1 :][same] + 1
        if not len(grams):
            return {}
        # one entry per (segment, gram)
        order = np.lexsort((grams, gram_segment))
        g, s = grams[order], gram_segment[order]
        distinct = np.ones(len(g), dtype=np.bool_)
        distinct[1:] = (g[1:] != g[:-1]) | (s[1:] != s[:-1])
        g, s = g[distinct], s[distinct]
        where = np.searchsorted(self._keys, g)
        where = np.minimum(where, len(self._keys) - 1)
        found = self._keys[where] == g
        weight = np.where(found, self._weight[where], self._unseen)
        segment_weight = np.bincount(s, weights=weight, minlength=len(starts))
        useful = found & (weight > 0)
        where, s_useful, w_useful = where[useful], s[useful], weight[useful]
        size = self._offsets[where + 1] - self._offsets[where]
        if not size.sum():
            return {}
        # count (segment, claim) pairs in pieces of whole segments: sorting a few hundred thousand pairs at a time
        # stays in cache, and a big block over a big bank does not hold every pair at once
        ends_at = np.cumsum(size)
        cuts = np.searchsorted(ends_at, np.arange(PAIRS_PER_PIECE, int(ends_at[-1]), PAIRS_PER_PIECE))
        cuts = np.unique(np.searchsorted(s_useful, s_useful[np.minimum(cuts, len(s_useful) - 1)]))
        pieces = [
            self._count(where[a:b], s_useful[a:b], w_useful[a:b])
            for a, b in zip([0, *cuts.tolist()], [*cuts.tolist(), len(where)], strict=True)
            if b > a
        ]
        pair_segment, pair_claim, shared_weight, shared = (np.concatenate(part) for part in zip(*pieces, strict=True))
        enough = np.flatnonzero(shared >= self.min_shared)
        pair_segment, pair_claim, shared_weight = pair_segment[enough], pair_claim[enough], shared_weight[enough]
        post_cover = shared_weight / np.maximum(segment_weight[pair_segment], 1e-9)
        claim_cover = shared_weight / np.maximum(self._claim_weight[pair_claim], 1e-9)
        good = probability(np.maximum(post_cover, claim_cover), shared[enough]) >= threshold
        if not good.any():
            return {}
        # verification, best candidates first (the claims that cover the whole post first, among them the one the
        # post covers most; a short claim inside a longer quoted one does not outrank it): only 3-grams in runs of
        # two or more (four characters in a row) count
        candidates: dict[int, list[tuple[float, float, int, int, int, int]]] = {}
        tried: dict[int, int] = {}
        rank = (post_cover + CLAIM_RANK_WEIGHT * claim_cover)[good]
        ranked = np.lexsort((-rank, pair_segment[good]))
        for seg, cl in zip(pair_segment[good][ranked].tolist(), pair_claim[good][ranked].tolist(), strict=True):
            kept_matches = candidates.setdefault(seg, [])
            tried[seg] = tried.get(seg, 0) + 1
            if tried[seg] > limit + VERIFY_EXTRA:
                continue
            low, high = np.searchsorted(gram_segment, [seg, seg + 1])  # grams come in segment order
            found_at = self._verified(grams[low:high], cl)
            if found_at is None:
                continue
            verified_weight, verified_shared, first_gram, last_gram = found_at
            covers = (
                verified_weight / max(float(segment_weight[seg]), 1e-9),
                verified_weight / max(float(self._claim_weight[cl]), 1e-9),
            )
            verified_score = float(probability(np.array([max(covers)]), np.array([verified_shared]))[0])
            if verified_score >= threshold:
                kept_matches.append(
                    (
                        covers[0] + CLAIM_RANK_WEIGHT * covers[1],
                        verified_score,
                        verified_shared,
                        cl,
                        low + first_gram,
                        low + last_gram,
                    )
                )
        out: dict[int, list[RumorMatch]] = {}
        for seg, kept_matches in candidates.items():
            kept_matches.sort(key=lambda m: (-m[0], m[3]))
            base = int(begins[seg])
            out[seg] = [
                RumorMatch(
                    cl, min(round(float(sc), 4), 1.0), sh, int(gram_start[first]) - base, int(gram_end[last]) - base
                )
                for _, sc, sh, cl, first, last in kept_matches[:limit]
            ]
        return {seg: matches for seg, matches in out.items() if matches}

    def _count(self, where: I64, segments: I64, weights: F64) -> tuple[npt.NDArray[Any], ...]:
        """For index keys ``where`` found in ``segments`` with ``weights``: every (segment, claim) pair sharing a
        3-gram, with the shared weight and the number of shared 3-grams."""
        first = self._offsets[where]
        size = self._offsets[where + 1] - first
        total = int(size.sum())
        step = np.repeat(first - np.cumsum(size) + size, size) + np.arange(total)
        count = len(self.claims)
        pair = np.repeat(segments, size) * count + self._postings[step]
        pairs, inverse = np.unique(pair, return_inverse=True)
        return (
            pairs // count,
            pairs % count,
            np.bincount(inverse, weights=np.repeat(weights, size)),
            np.bincount(inverse),
        )

    def _verified(self, post_grams: U64, claim: int) -> tuple[float, int, int, int] | None:
        """Weight and number of the distinct 3-grams of a post found in ``claim`` in runs of at least two, and the
        positions of the first and last such 3-gram; ``None`` when fewer than ``min_shared`` remain."""
        low, high = self._claim_offsets[claim], self._claim_offsets[claim + 1]
        claim_grams = self._claim_grams[low:high]
        at = np.minimum(np.searchsorted(claim_grams, post_grams), len(claim_grams) - 1)
        found = claim_grams[at] == post_grams
        both = found[1:] & found[:-1]  # grams i and i + 1 both found
        run = np.zeros(len(found), dtype=np.bool_)
        run[:-1] |= both
        run[1:] |= both
        positions = np.flatnonzero(run)
        if len(positions) < self.min_shared:
            return None
        weights = self._claim_gram_weight[low + np.unique(at[positions])]
        shared = int(np.count_nonzero(weights))
        if shared < self.min_shared:
            return None
        return float(weights.sum()), shared, int(positions[0]), int(positions[-1])


# --------------------------------------------------------------------------- loading


def parse_rumor(record: Any, where: str = "claim") -> RumorClaim:
    """One claim from a parsed JSON record ``{"id", "text", "debunk", "source", "date"}`` (``id``, ``text`` required).

    :class:`BankFormatError` names ``where`` when the record is malformed.
    """
    if not isinstance(record, Mapping):
        raise BankFormatError(f"{where}: a claim is a JSON object")
    ident, text = record.get("id"), record.get("text")
    if ident is None or isinstance(ident, (dict, list, bool)) or not str(ident).strip():
        raise BankFormatError(f'{where}: "id" is required (a string or a number)')
    if not isinstance(text, str) or not text.strip():
        raise BankFormatError(f'{where}: "text" must be a non-empty string')
    values: dict[str, str | None] = {}
    for key in ("debunk", "source", "date"):
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            raise BankFormatError(f'{where}: "{key}" must be a string')
        values[key] = value
    return RumorClaim(
        id=str(ident), text=text, debunk=values["debunk"] or "", source=values["source"], date=values["date"]
    )


def parse_rumors(records: Iterable[Any], where: str = "rumors") -> list[RumorClaim]:
    """Claims from parsed JSON records (see :func:`parse_rumor`); errors name ``where[i]``."""
    return [parse_rumor(record, f"{where}[{i}]") for i, record in enumerate(records)]


def load_rumors(path: str | Path) -> list[RumorClaim]:
    """Load a JSON Lines file of claims (the shape of CHECKED's ``checked_fake_with_debunk.jsonl``)."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise BankFormatError(f"{path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise BankFormatError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from None
    claims = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as exc:
            raise BankFormatError(f"{path}: line {number}: not JSON ({exc})") from None
        claims.append(parse_rumor(record, f"{path}: line {number}"))
    return claims


def merge_rumors(claims: Iterable[RumorClaim]) -> tuple[RumorClaim, ...]:
    """One claim per id, the last one winning (a later bank export updates an earlier one)."""
    return tuple({claim.id: claim for claim in claims}.values())
