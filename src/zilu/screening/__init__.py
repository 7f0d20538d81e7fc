"""The screening engine (先审后发): pure Python, no Django.

An import-linter contract (pyproject.toml) keeps this package free of Django and of the platform apps, so
members can run the same engine inside their own services::

    from zilu.screening import Banks, Policy, Screener, load_terms

    screener = Screener(Banks(terms=tuple(load_terms("terms.txt"))), Policy.from_file("policy.toml"))
    verdict = screener.screen("出售冰毒，联系13800138000")
    verdict.suggestion, [hit.to_dict() for hit in verdict.hits]

Known rumors go in ``Banks(rumors=(RumorClaim(id, text, debunk, source), ...))``; a title gets a clickbait score.

See docs/screening.md for the formats, the normalization rules and the measured costs.
"""

from zilu.screening.banks import (
    HOUBB_LABELS,
    Banks,
    BlockedDomain,
    Term,
    bank_document,
    canonical_domain,
    canonical_entry,
    load_allow,
    load_bank,
    load_domains,
    load_terms,
    parse_domains,
    parse_terms,
)
from zilu.screening.clickbait import ClickbaitModel, clickbait_score
from zilu.screening.errors import BankFormatError, InputTooLarge, PolicyError, ScreeningError
from zilu.screening.normalize import normalize_text
from zilu.screening.policy import Evasion, Policy, Suggestion
from zilu.screening.rumors import RumorClaim, RumorIndex, RumorMatch, load_rumors, parse_rumors
from zilu.screening.screener import Screener, ScreenerInfo
from zilu.screening.verdict import Hit, Verdict

__all__ = [
    "HOUBB_LABELS",
    "BankFormatError",
    "Banks",
    "BlockedDomain",
    "ClickbaitModel",
    "Evasion",
    "Hit",
    "InputTooLarge",
    "Policy",
    "PolicyError",
    "RumorClaim",
    "RumorIndex",
    "RumorMatch",
    "Screener",
    "ScreenerInfo",
    "ScreeningError",
    "Suggestion",
    "Term",
    "Verdict",
    "bank_document",
    "canonical_domain",
    "canonical_entry",
    "clickbait_score",
    "load_allow",
    "load_bank",
    "load_domains",
    "load_rumors",
    "load_terms",
    "normalize_text",
    "parse_domains",
    "parse_rumors",
    "parse_terms",
]
