"""Builders shared by the screening tests."""

from __future__ import annotations

from functools import cache

from zilu.screening import Banks, Policy, Screener, Term, parse_domains


def term(text: str, *labels: str, severity: int = 2, context: tuple[str, ...] = (), window: int | None = None) -> Term:
    """A bank term with the given labels (``term`` when none)."""
    return Term(text=text, labels=labels or ("term",), severity=severity, context=context, window=window)


BANK = Banks(
    terms=(
        term("冰毒", "drugs", severity=3),
        term("大麻", "drugs"),
        term("av", "porn"),
        term("national", "test"),
        term("枪支", "illegal", severity=3),
        term("出售", "illegal", context=("枪支", "枪"), window=5),
        term("1夜情", "porn"),
        term("妈妈", "insult"),
        term("售qq", "illegal"),
        term("性福", "porn", severity=1),
    ),
    allow=("大麻烦",),
    domains=tuple(parse_domains(["bad.example", "例子.中国", "evil.cn"])),
)


@cache
def screener(backend: str | None = None, **switches: object) -> Screener:
    """A screener over :data:`BANK` with the default policy (cached); ``switches`` change the evasion settings."""
    return Screener(BANK, Policy().with_evasion(**switches), backend=backend)


def terms_found(text: str, **switches: object) -> list[tuple[str, str, str | None]]:
    """``(entry, matched text, form)`` of the term hits in ``text``."""
    verdict = screener(**switches).screen(text)
    for hit in verdict.hits:
        assert text[hit.start : hit.end] == hit.text
    return [(h.entry, h.text, h.form) for h in verdict.hits if h.kind == "term"]
