"""A member's disciplinary record: its history, the strikes still active and the measure they suggest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone

from zilu.core import deadlines
from zilu.discipline.ladder import Measure, StrikePolicy, strike_policy
from zilu.discipline.models import Case


@dataclass(frozen=True)
class Strike:
    case: Case
    measure: str
    points: int
    decided_on: date
    expires_on: date
    provisional: bool  # expires_on lies beyond the official holiday calendar


@dataclass(frozen=True)
class Record:
    history: list[Case]
    strikes: list[Strike]
    points: int
    suggested: str

    @property
    def under_sanction(self) -> bool:
        return bool(self.strikes)

    @property
    def suggested_label(self) -> str:
        return str(Measure(self.suggested).label)


def active_strikes(member: Any, on: date | None = None, *, policy: StrikePolicy | None = None,
                   exclude_case: int | None = None) -> list[Strike]:  # fmt: skip
    """The decided measures against ``member`` that still count on ``on`` (today by default)."""
    on = on or timezone.localdate()
    policy = policy or strike_policy()
    member_id = getattr(member, "pk", member)
    strikes = []
    for case in Case.objects.strikes().filter(member_id=member_id, decided_on__lte=on).order_by("decided_on"):
        if case.pk == exclude_case:
            continue
        # Computed, not stored: provisional beyond the official holiday calendar, exact once the year is loaded.
        expires = deadlines.compute(case.decided_on, months=policy.expiry_months[case.measure])
        if on <= expires.day:
            weight = policy.weights[case.measure]
            strikes.append(Strike(case, case.measure, weight, case.decided_on, expires.day, expires.provisional))
    return strikes


def record_of(member: Any, on: date | None = None, *, exclude_case: int | None = None) -> Record:
    """The member's record on ``on``: every case (newest first), the active strikes and the suggested measure."""
    policy = strike_policy()
    strikes = active_strikes(member, on, policy=policy, exclude_case=exclude_case)
    points = sum(s.points for s in strikes)
    member_id = getattr(member, "pk", member)
    history = list(Case.objects.filter(member_id=member_id).order_by("-number"))
    return Record(history=history, strikes=strikes, points=points, suggested=policy.suggested(points))
