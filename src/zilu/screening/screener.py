"""The engine's front door: ``Screener(banks, policy).screen(text, title=None) -> Verdict``.

Texts are screened in blocks: ``screen_many`` joins many posts (and titles) with line breaks, which are clause
boundaries, runs the table lookups, the automaton and the PII and link finders once over the block, and hands
each post its own hits. ``screen`` is the same with a block of one. Results do not depend on how posts are batched.
"""

from __future__ import annotations

import time
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

import numpy as np

from zilu.screening.banks import Banks
from zilu.screening.charmap import pii_table
from zilu.screening.clickbait import ClickbaitModel, default_model
from zilu.screening.errors import InputTooLarge, ScreeningError
from zilu.screening.lexicon import Lexicon
from zilu.screening.links import Blocklist, LinkMatch, find_links, public_suffix
from zilu.screening.pii import PiiMatch, find_pii
from zilu.screening.policy import RANK, SUGGESTIONS, Policy, Suggestion
from zilu.screening.rumors import RumorIndex, RumorMatch
from zilu.screening.verdict import PASS, Hit, Verdict
from zilu.screening.verify import FORMS

Item = str | tuple[str, str | None] | Mapping[str, Any]
_ORDER = itemgetter(7, 4, 5, 0)  # field, start, end, kind (term hits arrive in this order already)
_SEPARATOR = "\n"
RUMOR_SEVERITY = 2  # review under the built-in policy; a policy changes it with the label "rumor"
CLICKBAIT_SEVERITY = 1  # likewise, with the label "clickbait"


@dataclass(frozen=True)
class ScreenerInfo:
    """What a screener was built from and how long building it took."""

    backend: str
    terms: int
    allow: int
    domains: int
    patterns: int
    build_seconds: float
    cached: bool
    rumors: int = 0  # rumor claims indexed
    clickbait: str | None = None  # where the clickbait weights come from ("rules" or the data file), None when off


class Screener:
    """Screens texts against banks under a policy. Build once, share freely (thread-safe, no mutable state)."""

    def __init__(
        self,
        banks: Banks | None = None,
        policy: Policy | None = None,
        *,
        backend: str | None = None,
        clickbait: ClickbaitModel | None = None,
    ) -> None:
        started = time.perf_counter()
        self.banks = banks or Banks()
        self.policy = policy or Policy()
        self.rumors = RumorIndex(self.banks.rumors) if self.banks.rumors else None
        self.clickbait = (clickbait or default_model()) if self.policy.clickbait else None
        self._rumor_suggestion = self.policy.suggest(("rumor",), RUMOR_SEVERITY)
        self._clickbait_suggestion = self.policy.suggest(("clickbait",), CLICKBAIT_SEVERITY)
        self.lexicon = Lexicon(self.banks, self.policy.evasion, backend, context_window=self.policy.context_window)
        self.blocklist = Blocklist(self.banks.domains)
        self._folding = pii_table()
        self._find_links = bool(self.blocklist) or self.policy.report_links
        if self._find_links:
            public_suffix("example.com")  # load the Public Suffix List now, not on the first text
        self._templates: dict[int, tuple[str, tuple[str, ...], str, int, str, Suggestion]] = {}  # ref*4+form
        self._masking = bool(self.policy.mask)
        self.info = ScreenerInfo(
            backend=self.lexicon.backend,
            terms=len(self.banks.terms),
            allow=len(self.banks.allow),
            domains=len(self.blocklist),
            patterns=self.lexicon.patterns,
            build_seconds=time.perf_counter() - started,
            cached=bool(getattr(self.lexicon.exact_scanner, "cached", False)),
            rumors=len(self.rumors) if self.rumors else 0,
            clickbait=self.clickbait.source if self.clickbait else None,
        )

    # ------------------------------------------------------------------ public

    def check_size(self, text: str, title: str | None = None) -> None:
        """Raise :class:`InputTooLarge` if the text or the title is longer than the policy allows."""
        limit = self.policy.max_chars
        if len(text) > limit:
            raise InputTooLarge(len(text), limit, "text")
        if title is not None and len(title) > limit:
            raise InputTooLarge(len(title), limit, "title")

    def screen(self, text: str, title: str | None = None) -> Verdict:
        """Screen one text (and its title): the verdict, with hits at code-point offsets into each."""
        item = _item(text, title)
        self.check_size(*item)
        return self._block([item])[0]

    def screen_many(
        self, items: Iterable[Item], *, batch_chars: int = 200_000, batch_items: int = 4096
    ) -> Iterator[Verdict]:
        """Screen many texts (strings, ``(text, title)`` pairs or mappings with ``text``/``title``), in order.

        Texts are screened in batches of about ``batch_chars`` characters; verdicts are yielded lazily.
        :class:`InputTooLarge` is raised when an oversized text is reached.
        """
        batch: list[tuple[str, str | None]] = []
        size = 0
        for raw in items:
            item = _item(*raw) if isinstance(raw, tuple) else _item(raw)
            self.check_size(*item)
            batch.append(item)
            size += len(item[0]) + (len(item[1]) if item[1] else 0)
            if size >= batch_chars or len(batch) >= batch_items:
                yield from self._block(batch)
                batch, size = [], 0
        if batch:
            yield from self._block(batch)

    # ------------------------------------------------------------------ internals

    def _block(self, items: list[tuple[str, str | None]]) -> list[Verdict]:
        segments: list[str] = []
        owners: list[tuple[int, str]] = []
        for index, (text, title) in enumerate(items):
            segments.append(text)
            owners.append((index, "text"))
            if title is not None:
                segments.append(title)
                owners.append((index, "title"))
        starts: list[int] = []
        offset = 0
        for piece in segments:
            starts.append(offset)
            offset += len(piece) + 1
        block = _SEPARATOR.join(segments)
        cps = np.frombuffer(block.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        terms = self.lexicon.match(block, starts, cps, [len(s) for s in segments])
        folded_codes = self._folding[cps]
        folded = folded_codes.tobytes().decode("utf-16-le")
        pii = find_pii(folded, folded_codes)
        links = find_links(folded, self.blocklist, block) if self._find_links else []
        fields = [field for _, field in owners]
        item_of = [item for item, _ in owners]
        by_item: dict[int, list[Hit]] = {}
        templates = self._templates
        make = tuple.__new__
        segment_hits: list[Hit] = []
        current = -1
        for segment, start, end, ref, form, context in zip(*terms, strict=True):
            if segment != current:
                current = segment
                base, text, field = starts[segment], segments[segment], fields[segment]
                segment_hits = by_item.setdefault(item_of[segment], [])
            t = templates.get(ref * 4 + form) or self._template(ref, form)
            start -= base
            end -= base
            segment_hits.append(make(Hit, ("term", t[0], t[1], t[2], start, end, text[start:end], field, t[3], t[4],
                                           None, context, t[5], None, None, None)))  # fmt: skip
        others: list[PiiMatch | LinkMatch] = [*pii, *links]
        for other in others:
            where = bisect_right(starts, other.start) - 1
            if other.end > starts[where] + len(segments[where]):
                continue
            found = self._other_hit(other, segments[where], starts[where], fields[where])
            if found is not None:
                by_item.setdefault(item_of[where], []).append(found)
        if self.rumors is not None:
            texts = [n for n, field in enumerate(fields) if field == "text"]
            found_rumors = self.rumors.match_block(
                cps,
                [starts[n] for n in texts],
                [len(segments[n]) for n in texts],
                threshold=self.policy.rumor_threshold,
            )
            for number, matches in found_rumors.items():
                segment = texts[number]
                by_item.setdefault(item_of[segment], []).extend(self._rumor_hit(m, segments[segment]) for m in matches)
        scores: list[float | None] = [None] * len(items)
        if self.clickbait is not None:
            for index, (text, title) in enumerate(items):
                if title is None:
                    continue
                scores[index] = score = self.clickbait.score(title, text)
                if score >= self.policy.clickbait_threshold and title.strip():
                    by_item.setdefault(index, []).append(self._clickbait_hit(title, score))
        return [self._verdict(text, title, by_item.get(i), scores[i]) for i, (text, title) in enumerate(items)]

    def _rumor_hit(self, match: RumorMatch, text: str) -> Hit:
        assert self.rumors is not None
        claim = self.rumors.claims[match.claim]
        return Hit(
            kind="rumor",
            label="rumor",
            labels=("rumor",),
            entry=claim.id,
            start=match.start,
            end=match.end,
            text=text[match.start : match.end],
            severity=RUMOR_SEVERITY,
            suggestion=self._rumor_suggestion,
            score=match.score,
            debunk=claim.debunk or None,
            source=claim.source,
        )

    def _clickbait_hit(self, title: str, score: float) -> Hit:
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
            suggestion=self._clickbait_suggestion,
            score=score,
        )

    def _template(self, ref: int, form: int) -> tuple[str, tuple[str, ...], str, int, str, Suggestion]:
        """The parts of a term hit that depend only on the term and the form (cached)."""
        term = self.banks.terms[ref]
        suggestion = self.policy.suggest(term.labels, term.severity, FORMS[form])
        template = (term.labels[0], term.labels, term.text, term.severity, FORMS[form], suggestion)
        self._templates[ref * 4 + form] = template
        return template

    def _other_hit(self, match: PiiMatch | LinkMatch, segment: str, base: int, field: str) -> Hit | None:
        start, end = match.start - base, match.end - base
        if isinstance(match, PiiMatch):
            kind, labels, entry, severity, value = "pii", (match.label,), None, 2, match.value
        elif match.blocked is not None:
            blocked = match.blocked
            kind, labels, entry, severity, value = (
                "link",
                (blocked.label,),
                blocked.domain,
                blocked.severity,
                match.host,
            )
        elif self.policy.report_links:
            kind, labels, entry, severity, value = "link", ("link.url",), None, 1, match.host
        else:
            return None
        return Hit(
            kind=kind,
            label=labels[0],
            labels=labels,
            entry=entry,
            start=start,
            end=end,
            text=segment[start:end],
            field=field,
            severity=severity,
            value=value,
            suggestion=self.policy.suggest(labels, severity),
        )

    def _verdict(self, text: str, title: str | None, hits: list[Hit] | None, clickbait: float | None) -> Verdict:
        if not hits:
            if not self._masking:
                return PASS if clickbait is None else Verdict("pass", (), (), clickbait=clickbait)
            return Verdict("pass", (), (), text, title, clickbait)
        if any(h.kind != "term" for h in hits):
            hits.sort(key=_ORDER)  # stable: terms on one span stay in bank order; "text" sorts before "title"
        rank = max(RANK[suggestion] for suggestion in {h.suggestion for h in hits})
        labels = tuple(sorted({label for h in hits for label in h.labels}))
        masked_text = masked_title = None
        if self._masking:
            masked_text = self._mask(text, [h for h in hits if h.field == "text"])
            masked_title = None if title is None else self._mask(title, [h for h in hits if h.field == "title"])
        return Verdict(SUGGESTIONS[rank], labels, tuple(hits), masked_text, masked_title, clickbait)

    def _mask(self, text: str, hits: list[Hit]) -> str:
        spans = sorted((h.start, h.end) for h in hits if self.policy.masks(h.labels))
        if not spans:
            return text
        char = self.policy.mask_char
        pieces = []
        position = 0
        for start, end in spans:
            start = max(start, position)
            if end <= start:
                continue
            pieces.append(text[position:start])
            pieces.append(char * (end - start))
            position = end
        pieces.append(text[position:])
        return "".join(pieces)


def _item(text: Any, title: Any = None) -> tuple[str, str | None]:
    if isinstance(text, Mapping):
        text, title = text.get("text"), text.get("title")
    if not isinstance(text, str):
        raise ScreeningError(f"text must be a string, not {type(text).__name__}")
    if title is not None and not isinstance(title, str):
        raise ScreeningError(f"title must be a string or null, not {type(title).__name__}")
    return text, title
