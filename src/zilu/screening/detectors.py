"""The detectors a :class:`~zilu.screening.screener.Screener` runs over a block of texts, one class per kind of hit.

Modelled on python-threatexchange's ``SignalType``: each detector is a class with a ``kind`` (the ``Hit.kind`` it
reports) and one method, :meth:`Detector.find`, that takes the prepared :class:`Block` and returns the hits of each
item. The screener builds the detectors its banks and policy call for once, in its constructor (no rumor claims, no
:class:`RumorDetector`; ``clickbait = false``, no :class:`ClickbaitDetector`), and for every block runs them in
order (terms, personal information, links, rumors, clickbait) and appends each item's hits in that order. Where a
slow, obviously correct implementation exists beside the fast one, the detector exposes it as ``reference_match``
(today only :class:`TermDetector`, backed by :class:`zilu.screening.reference.ReferenceMatcher`), so tests compare
the two through one object.

Adding a detector:

1. Subclass :class:`Detector`; set ``kind`` to the new ``Hit.kind`` and take what it needs (a bank, the policy) in
   ``__init__``. Build any index there: ``find`` runs once per block and must not change the detector (a screener
   is shared between threads; a cache filled on first use, like the term templates, is fine).
2. Implement ``find(block)``: work over the whole block at once (``block.text`` and ``block.cps`` are every text and
   title joined by line breaks, ``block.folded`` the one-to-one folded view the PII and link finders read), map
   positions back with :meth:`Block.segment_of`, and return ``Findings({item number: [Hit, ...]})`` with offsets
   relative to the text or title (``Hit.field``). Leave out items without hits; return :data:`NOTHING` when there
   are none at all (it costs nothing to merge). A detector that scores every item (as the clickbait one scores
   titles) returns the scores in ``Findings.scores``; they become ``Verdict.clickbait``.
3. Add it to ``Screener.__init__`` under the bank or policy setting that turns it on, add the kind to the ``Hit``
   docstring, and give its severity a policy label (``policy.suggest((label,), severity)``) so members can override
   the suggestion. The screener sorts an item's hits by field, start, end and kind whenever one is not a term hit,
   so a new kind needs no place in the order.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, NamedTuple

import numpy as np

from zilu.screening.charmap import U16, U32, pii_table
from zilu.screening.clickbait import ClickbaitModel
from zilu.screening.lexicon import Lexicon
from zilu.screening.links import Blocklist, find_links, public_suffix
from zilu.screening.pii import find_pii
from zilu.screening.policy import Policy, Suggestion
from zilu.screening.reference import ReferenceMatcher, RefMatch
from zilu.screening.rumors import RumorIndex, RumorMatch
from zilu.screening.verdict import Hit
from zilu.screening.verify import FORMS

__all__ = [
    "CLICKBAIT_SEVERITY",
    "NOTHING",
    "PII_SEVERITY",
    "RUMOR_SEVERITY",
    "Block",
    "ClickbaitDetector",
    "Detector",
    "Findings",
    "LinkDetector",
    "PiiDetector",
    "RumorDetector",
    "TermDetector",
]

SEPARATOR = "\n"  # between the segments of a block: a clause boundary, so no term spans two texts
PII_SEVERITY = 2
LINK_SEVERITY = 1  # an unblocked link reported under ``report_links``
RUMOR_SEVERITY = 2  # review under the built-in policy; a policy changes it with the label "rumor"
CLICKBAIT_SEVERITY = 1  # likewise, with the label "clickbait"

_Template = tuple[str, tuple[str, ...], str, int, str, Suggestion]  # label, labels, entry, severity, form, suggestion


@dataclass(frozen=True, slots=True)
class Block:
    """Items prepared for the detectors, built once per block: texts and titles joined, with their views.

    Segment ``n`` (a text or a title, in item order, a text before its title) starts at ``starts[n]`` in ``text``
    and is ``lengths[n]`` code points long; ``fields[n]`` is ``"text"`` or ``"title"`` and ``owners[n]`` the number
    of its item. ``cps`` are the code points of ``text``; ``folded_codes``/``folded`` its one-to-one folded view
    (:func:`zilu.screening.charmap.pii_table`: same length, so offsets agree).
    """

    items: Sequence[tuple[str, str | None]]
    segments: list[str]
    starts: list[int]
    lengths: list[int]
    fields: list[str]
    owners: list[int]
    text: str
    cps: U32
    folded_codes: U16
    folded: str

    @classmethod
    def of(cls, items: Sequence[tuple[str, str | None]]) -> Block:
        """The block of ``(text, title)`` items."""
        segments: list[str] = []
        fields: list[str] = []
        owners: list[int] = []
        for index, (text, title) in enumerate(items):
            segments.append(text)
            fields.append("text")
            owners.append(index)
            if title is not None:
                segments.append(title)
                fields.append("title")
                owners.append(index)
        lengths = [len(piece) for piece in segments]
        starts: list[int] = []
        offset = 0
        for length in lengths:
            starts.append(offset)
            offset += length + 1
        joined = SEPARATOR.join(segments)
        cps = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        folded_codes = pii_table()[cps]
        folded = folded_codes.tobytes().decode("utf-16-le")
        return cls(items, segments, starts, lengths, fields, owners, joined, cps, folded_codes, folded)

    def segment_of(self, start: int, end: int) -> int | None:
        """The segment holding the block span ``[start, end)``, ``None`` when the span crosses a separator."""
        where = bisect_right(self.starts, start) - 1
        return None if end > self.starts[where] + self.lengths[where] else where


class Findings(NamedTuple):
    """What a detector found in a block: item number -> hits (items without hits left out), and per-item scores.

    The screener may take ``hits`` over and extend its lists, so a detector returns fresh ones (or :data:`NOTHING`).
    """

    hits: dict[int, list[Hit]]
    scores: list[float | None] | None = None  # one per item, for ``Verdict.clickbait``; None from most detectors


NOTHING = Findings({})  # no hits, no scores (shared: never changed)


class Detector(ABC):
    """One kind of hit. Built once per screener from its banks and policy; ``find`` runs once per block."""

    kind: ClassVar[str]

    @abstractmethod
    def find(self, block: Block) -> Findings:
        """The hits of each item of ``block``, in the order they are reported."""


class TermDetector(Detector):
    """Bank terms through the lexicon's automata (``kind="term"``); ``reference_match`` is the plain-Python oracle."""

    kind = "term"

    def __init__(self, lexicon: Lexicon, policy: Policy) -> None:
        self.lexicon = lexicon
        self.policy = policy
        self._templates: dict[int, _Template] = {}  # ref * 4 + form -> the parts that depend on nothing else
        self._reference: ReferenceMatcher | None = None

    def find(self, block: Block) -> Findings:
        starts, segments, fields, owners = block.starts, block.segments, block.fields, block.owners
        terms = self.lexicon.match(block.text, starts, block.cps, block.lengths)
        if not terms.segment:
            return NOTHING
        by_item: dict[int, list[Hit]] = {}
        templates = self._templates
        make = tuple.__new__
        segment_hits: list[Hit] = []
        current = -1
        for segment, start, end, ref, form, context in zip(*terms, strict=True):
            if segment != current:
                current = segment
                base, text, field = starts[segment], segments[segment], fields[segment]
                segment_hits = by_item.setdefault(owners[segment], [])
            t = templates.get(ref * 4 + form) or self._template(ref, form)
            start -= base
            end -= base
            segment_hits.append(make(Hit, ("term", t[0], t[1], t[2], start, end, text[start:end], field, t[3], t[4],
                                           None, context, t[5], None, None, None)))  # fmt: skip
        return Findings(by_item)

    def _template(self, ref: int, form: int) -> _Template:
        """The parts of a term hit that depend only on the term and the form (cached)."""
        term = self.lexicon.banks.terms[ref]
        suggestion = self.policy.suggest(term.labels, term.severity, FORMS[form])
        template = (term.labels[0], term.labels, term.text, term.severity, FORMS[form], suggestion)
        self._templates[ref * 4 + form] = template
        return template

    def reference_match(self, text: str) -> list[RefMatch]:
        """The term hits of ``text`` by :class:`~zilu.screening.reference.ReferenceMatcher` (slow; for tests)."""
        if self._reference is None:
            self._reference = ReferenceMatcher(self.lexicon.banks, self.policy)
        return self._reference.match(text)


class PiiDetector(Detector):
    """Validated personal-information numbers and e-mail addresses (``kind="pii"``), on the folded view."""

    kind = "pii"

    def __init__(self, policy: Policy) -> None:
        self.policy = policy

    def find(self, block: Block) -> Findings:
        found = find_pii(block.folded, block.folded_codes, block.text)  # contacts: original for script and case
        if not found:
            return NOTHING
        by_item: dict[int, list[Hit]] = {}
        for match in found:
            where = block.segment_of(match.start, match.end)
            if where is None:
                continue
            base = block.starts[where]
            start, end = match.start - base, match.end - base
            labels = (match.label,)
            hit = Hit(
                kind="pii",
                label=match.label,
                labels=labels,
                entry=None,
                start=start,
                end=end,
                text=block.segments[where][start:end],
                field=block.fields[where],
                severity=PII_SEVERITY,
                value=match.value,
                suggestion=self.policy.suggest(labels, PII_SEVERITY),
            )
            by_item.setdefault(block.owners[where], []).append(hit)
        return Findings(by_item)


class LinkDetector(Detector):
    """Links to blocked domains and URL prefixes, and every link under ``report_links`` (``kind="link"``)."""

    kind = "link"

    def __init__(self, blocklist: Blocklist, policy: Policy) -> None:
        self.blocklist = blocklist
        self.policy = policy
        public_suffix("example.com")  # load the Public Suffix List now, not on the first text

    def find(self, block: Block) -> Findings:
        found = find_links(block.folded, self.blocklist, block.text)
        if not found:
            return NOTHING
        by_item: dict[int, list[Hit]] = {}
        report = self.policy.report_links
        for match in found:
            blocked = match.blocked
            if blocked is not None:
                labels, entry, severity = (blocked.label,), blocked.domain, blocked.severity
            elif report:
                labels, entry, severity = ("link.url",), None, LINK_SEVERITY
            else:
                continue
            where = block.segment_of(match.start, match.end)
            if where is None:
                continue
            base = block.starts[where]
            start, end = match.start - base, match.end - base
            hit = Hit(
                kind="link",
                label=labels[0],
                labels=labels,
                entry=entry,
                start=start,
                end=end,
                text=block.segments[where][start:end],
                field=block.fields[where],
                severity=severity,
                value=match.host,
                suggestion=self.policy.suggest(labels, severity),
            )
            by_item.setdefault(block.owners[where], []).append(hit)
        return Findings(by_item)


class RumorDetector(Detector):
    """Texts that restate a known rumor claim (``kind="rumor"``); titles are not matched."""

    kind = "rumor"

    def __init__(self, index: RumorIndex, policy: Policy) -> None:
        self.index = index
        self.threshold = policy.rumor_threshold
        self.suggestion = policy.suggest(("rumor",), RUMOR_SEVERITY)

    def find(self, block: Block) -> Findings:
        texts = [n for n, field in enumerate(block.fields) if field == "text"]
        found = self.index.match_block(
            block.cps,
            [block.starts[n] for n in texts],
            [block.lengths[n] for n in texts],
            threshold=self.threshold,
        )
        if not found:
            return NOTHING
        by_item: dict[int, list[Hit]] = {}
        for number, matches in found.items():
            segment = texts[number]
            text = block.segments[segment]
            by_item.setdefault(block.owners[segment], []).extend(self._hit(m, text) for m in matches)
        return Findings(by_item)

    def _hit(self, match: RumorMatch, text: str) -> Hit:
        claim = self.index.claims[match.claim]
        return Hit(
            kind="rumor",
            label="rumor",
            labels=("rumor",),
            entry=claim.id,
            start=match.start,
            end=match.end,
            text=text[match.start : match.end],
            severity=RUMOR_SEVERITY,
            suggestion=self.suggestion,
            score=match.score,
            debunk=claim.debunk or None,
            source=claim.source,
        )


class ClickbaitDetector(Detector):
    """Scores every title against its text; a title at or over the threshold is a hit (``kind="clickbait"``)."""

    kind = "clickbait"

    def __init__(self, model: ClickbaitModel, policy: Policy) -> None:
        self.model = model
        self.threshold = policy.clickbait_threshold
        self.suggestion = policy.suggest(("clickbait",), CLICKBAIT_SEVERITY)

    def find(self, block: Block) -> Findings:
        if len(block.segments) == len(block.items):
            return NOTHING  # no titles
        by_item: dict[int, list[Hit]] = {}
        scores: list[float | None] = [None] * len(block.items)
        for index, (text, title) in enumerate(block.items):
            if title is None:
                continue
            scores[index] = score = self.model.score(title, text)
            if score >= self.threshold and title.strip():
                by_item[index] = [self._hit(title, score)]
        return Findings(by_item, scores)

    def _hit(self, title: str, score: float) -> Hit:
        return Hit(
            kind="clickbait",
            label="clickbait",
            labels=("clickbait",),
            entry=None,
            start=0,
            end=len(title),
            text=title,
            field="title",
            severity=CLICKBAIT_SEVERITY,
            suggestion=self.suggestion,
            score=score,
        )
