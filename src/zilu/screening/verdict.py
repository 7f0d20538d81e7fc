"""What the engine returns: a :class:`Verdict` with its :class:`Hit` list, in the shape of commercial moderation APIs.

Offsets are code-point offsets into the ORIGINAL text (or title, see ``Hit.field``), ``end`` exclusive, so that
``text[hit.start:hit.end] == hit.text`` always holds.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from zilu.screening.policy import Suggestion


class Hit(NamedTuple):
    """One finding.

    ``kind`` is ``term``, ``pii``, ``link``, ``rumor`` or ``clickbait``; ``label`` the first of ``labels``; ``entry``
    the bank entry that matched (the term as written in the bank, the blocked domain, the rumor claim's id; ``None``
    for PII and clickbait); ``form`` how a term matched
    (``exact``, ``normalized`` after character folding/noise/repeats, ``pinyin`` or ``homophone``); ``value`` the
    normalized value (the digits of a phone number, the host of a link); ``context`` the context term that was found
    nearby when the term requires one; ``suggestion`` what the policy says about this hit alone; ``score`` the
    calibrated probability that the text restates the rumor claim, or the title's calibrated clickbait probability
    (``None`` for other kinds); ``debunk`` and ``source`` the
    rumor claim's debunk text and where it comes from (``None`` for other kinds).

    Hits are immutable named tuples (cheap to make by the ten thousand); use the attribute names, not positions.
    """

    kind: str
    label: str
    labels: tuple[str, ...]
    entry: str | None
    start: int
    end: int
    text: str
    field: str = "text"
    severity: int = 2
    form: str | None = None
    value: str | None = None
    context: str | None = None
    suggestion: Suggestion = "review"
    score: float | None = None
    debunk: str | None = None
    source: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The hit as a JSON-serialisable dict (every key always present)."""
        return {
            "kind": self.kind,
            "label": self.label,
            "labels": list(self.labels),
            "entry": self.entry,
            "field": self.field,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "severity": self.severity,
            "form": self.form,
            "value": self.value,
            "context": self.context,
            "suggestion": self.suggestion,
            "score": self.score,
            "debunk": self.debunk,
            "source": self.source,
        }


class Verdict(NamedTuple):
    """The result of screening one text: ``pass`` / ``review`` / ``block``, the labels found and every hit.

    ``masked_text`` (and ``masked_title``) are present when the policy masks anything: the text with each masked
    hit's characters replaced one for one by the mask character, so offsets stay valid. ``clickbait`` is the
    clickbait score of the title in [0, 1] when a title was screened (and the policy scores titles), else ``None``.
    """

    suggestion: Suggestion
    labels: tuple[str, ...]
    hits: tuple[Hit, ...]
    masked_text: str | None = None
    masked_title: str | None = None
    clickbait: float | None = None
    truncated: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The verdict as a JSON-serialisable dict."""
        out: dict[str, Any] = {
            "suggestion": self.suggestion,
            "labels": list(self.labels),
            "hits": [hit.to_dict() for hit in self.hits],
        }
        if self.masked_text is not None:
            out["masked_text"] = self.masked_text
        if self.masked_title is not None:
            out["masked_title"] = self.masked_title
        if self.clickbait is not None:
            out["clickbait"] = self.clickbait
        if self.truncated:
            out["truncated"] = True
        return out


PASS = Verdict("pass", (), ())
