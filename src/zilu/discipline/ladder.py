"""The sanctions ladder of Art. 18 and the strike system that weighs a member's record.

Art. 18 names five measures, from the lightest to the heaviest: industry criticism (行业批评), industry condemnation
(行业谴责), media exposure (媒体曝光), an internal notice among the member units (内部通报) and revocation of
membership (取消公约成员资格). The last two need facts verified true and a second staff approval (four eyes).

The strike system works like those of trust-and-safety tools: each decided measure adds points (its *weight*) to
the member's record; the points expire after a number of months that depends on the measure; and the active points
before a new case suggest the lightest measure to propose (the *escalation thresholds*). Proposing a lighter measure
than the suggestion is allowed, with a reason. All three tables are configuration, ``measure=number`` pairs
separated by commas over the defaults below::

    ZILU_DISCIPLINE_WEIGHTS="criticism=1,condemnation=2,media_exposure=3,internal_notice=5,revocation=8"
    ZILU_DISCIPLINE_EXPIRY_MONTHS="criticism=12,condemnation=24,media_exposure=24,internal_notice=36,revocation=60"
    ZILU_DISCIPLINE_ESCALATION="condemnation=1,media_exposure=3,internal_notice=6,revocation=10"

How long a decided measure's notice stays listed (Art. 18 publication) is a fourth table, in months. The convention
names no period; the defaults grow with the measure, and a revocation stays listed longest, since the public must be
able to check that a platform is no longer a member::

    ZILU_DISCIPLINE_LISTING_MONTHS_BY_MEASURE="criticism=6,condemnation=12,media_exposure=12,internal_notice=12,revocation=36"

``ZILU_DISCIPLINE_LISTING_MONTHS`` (one number for every measure, the former setting) still works: when set, it
replaces every default, and the table above then applies over it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext_lazy as _


class Measure(models.TextChoices):
    """The ladder, lightest first (the order of the choices is the order of severity)."""

    CRITICISM = "criticism", _("Industry criticism")
    CONDEMNATION = "condemnation", _("Industry condemnation")
    MEDIA_EXPOSURE = "media_exposure", _("Media exposure")
    INTERNAL_NOTICE = "internal_notice", _("Internal notice among member units")
    REVOCATION = "revocation", _("Revocation of membership")


ORDER: tuple[str, ...] = tuple(Measure.values)
#: Art. 18: only for violations that caused bad effects and were verified true; they also need a second approver.
HEAVY = frozenset({Measure.INTERNAL_NOTICE, Measure.REVOCATION})
#: Published on the public notice page. The internal notice reaches member representatives only.
PUBLIC = frozenset({Measure.CRITICISM, Measure.CONDEMNATION, Measure.MEDIA_EXPOSURE, Measure.REVOCATION})

DEFAULT_WEIGHTS = {"criticism": 1, "condemnation": 2, "media_exposure": 3, "internal_notice": 5, "revocation": 8}
DEFAULT_EXPIRY_MONTHS = {
    "criticism": 12, "condemnation": 24, "media_exposure": 24, "internal_notice": 36, "revocation": 60,
}  # fmt: skip
DEFAULT_ESCALATION = {"condemnation": 1, "media_exposure": 3, "internal_notice": 6, "revocation": 10}
DEFAULT_LISTING_MONTHS = {
    "criticism": 6, "condemnation": 12, "media_exposure": 12, "internal_notice": 12, "revocation": 36,
}  # fmt: skip


def severity(measure: str) -> int:
    """0 for criticism up to 4 for revocation."""
    return ORDER.index(measure)


def lighter(a: str, b: str) -> bool:
    """Whether measure ``a`` is lighter than measure ``b``."""
    return severity(a) < severity(b)


def parse_table(name: str, raw: str, defaults: dict[str, int], *, minimum: int = 0) -> dict[str, int]:
    """``defaults`` with the ``measure=number`` pairs of ``raw`` applied; ImproperlyConfigured names a bad entry."""
    table = dict(defaults)
    for part in filter(None, (p.strip() for p in (raw or "").split(","))):
        key, _sep, value = part.partition("=")
        key, value = key.strip(), value.strip()
        if key not in ORDER or not value.isdigit() or int(value) < minimum:
            raise ImproperlyConfigured(
                f"{name}: bad entry {part!r} (measure=number, measures: {', '.join(ORDER)}; numbers from {minimum})"
            )
        table[key] = int(value)
    return table


@dataclass(frozen=True)
class StrikePolicy:
    """Points per measure, months before they expire, and the active points from which each measure is suggested."""

    weights: dict[str, int]
    expiry_months: dict[str, int]
    escalation: dict[str, int]

    def suggested(self, points: int) -> str:
        """The heaviest measure whose threshold ``points`` reaches (criticism when none does)."""
        suggestion = Measure.CRITICISM.value
        for measure in ORDER[1:]:
            threshold = self.escalation.get(measure)
            if threshold is not None and points >= threshold:
                suggestion = measure
        return suggestion


def strike_policy() -> StrikePolicy:
    """The policy from the settings (checked at startup by the app's ``ready()``)."""
    return StrikePolicy(
        weights=parse_table("ZILU_DISCIPLINE_WEIGHTS", settings.ZILU_DISCIPLINE_WEIGHTS, DEFAULT_WEIGHTS),
        expiry_months=parse_table(
            "ZILU_DISCIPLINE_EXPIRY_MONTHS", settings.ZILU_DISCIPLINE_EXPIRY_MONTHS, DEFAULT_EXPIRY_MONTHS, minimum=1
        ),
        escalation=parse_table("ZILU_DISCIPLINE_ESCALATION", settings.ZILU_DISCIPLINE_ESCALATION, DEFAULT_ESCALATION),
    )


def listing_months() -> dict[str, int]:
    """Months each measure's notice stays listed: ``ZILU_DISCIPLINE_LISTING_MONTHS_BY_MEASURE`` over the defaults
    (or over ``ZILU_DISCIPLINE_LISTING_MONTHS`` for every measure, when that one is set)."""
    base = int(getattr(settings, "ZILU_DISCIPLINE_LISTING_MONTHS", 0) or 0)
    defaults = dict.fromkeys(ORDER, base) if base > 0 else DEFAULT_LISTING_MONTHS
    raw = getattr(settings, "ZILU_DISCIPLINE_LISTING_MONTHS_BY_MEASURE", "") or ""
    return parse_table("ZILU_DISCIPLINE_LISTING_MONTHS_BY_MEASURE", raw, defaults, minimum=1)
