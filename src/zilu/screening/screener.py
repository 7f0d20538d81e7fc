"""The engine's front door: ``Screener(banks, policy).screen(text, title=None) -> Verdict``.

Texts are screened in blocks: ``screen_many`` joins many posts (and titles) with line breaks, which are clause
boundaries, runs each detector (:mod:`zilu.screening.detectors`: terms, personal information, links, rumors,
clickbait) once over the block, and hands each post its own hits. ``screen`` is the same with a block of one.
Results do not depend on how posts are batched.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from zilu.screening.banks import Banks
from zilu.screening.clickbait import ClickbaitModel, default_model
from zilu.screening.detectors import (
    Block,
    ClickbaitDetector,
    Detector,
    LinkDetector,
    PiiDetector,
    RumorDetector,
    TermDetector,
)
from zilu.screening.errors import InputTooLarge, ScreeningError
from zilu.screening.lexicon import Lexicon
from zilu.screening.links import Blocklist
from zilu.screening.policy import RANK, SUGGESTIONS, Policy
from zilu.screening.rumors import RumorIndex
from zilu.screening.verdict import PASS, Hit, Verdict

Item = str | tuple[str, str | None] | Mapping[str, Any]
_ORDER = itemgetter(7, 4, 5, 0)  # field, start, end, kind (term hits arrive in this order already)


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
        self.lexicon = Lexicon(self.banks, self.policy.evasion, backend, context_window=self.policy.context_window)
        self.blocklist = Blocklist(self.banks.domains)
        detectors: list[Detector] = []
        if self.banks.terms:
            detectors.append(TermDetector(self.lexicon, self.policy))
        detectors.append(PiiDetector(self.policy))
        if self.blocklist or self.policy.report_links:
            detectors.append(LinkDetector(self.blocklist, self.policy))
        if self.rumors is not None:
            detectors.append(RumorDetector(self.rumors, self.policy))
        if self.clickbait is not None:
            detectors.append(ClickbaitDetector(self.clickbait, self.policy))
        self.detectors: tuple[Detector, ...] = tuple(detectors)  # run in this order; see zilu.screening.detectors
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
        block = Block.of(items)
        by_item: dict[int, list[Hit]] = {}
        scores: list[float | None] | None = None
        for detector in self.detectors:  # each item's hits in detector order; the first detector's dict is reused
            found, found_scores = detector.find(block)
            if found_scores is not None:
                scores = found_scores
            if not found:
                continue
            if not by_item:
                by_item = found
                continue
            for item, hits in found.items():
                mine = by_item.get(item)
                if mine is None:
                    by_item[item] = hits
                else:
                    mine.extend(hits)
        get = by_item.get
        if scores is None:
            return [self._verdict(text, title, get(i), None) for i, (text, title) in enumerate(items)]
        return [self._verdict(text, title, get(i), scores[i]) for i, (text, title) in enumerate(items)]

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
        limit = self.policy.max_hits
        if len(hits) > limit:  # one hostile text can match a million times: list the first, count them all
            return Verdict(SUGGESTIONS[rank], labels, tuple(hits[:limit]), masked_text, masked_title, clickbait, True)
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
