"""Retaliation guard (Art. 20): whether a member recently complained about the executing body.

The discipline workflow calls :func:`retaliation_flag` when a case is opened against a member; when it says True,
the case is flagged for review by the supervising department. Because the flag itself reveals that the member
complained, the discipline workflow must show it ONLY to the supervising department (``Perm.HANDLE_COMPLAINTS``),
never to the executing body's staff: store it on the case and render it behind that permission.

    from zilu.oversight.guard import retaliation_flag

    if retaliation_flag(case.member):
        case.supervisor_review = True   # shown to holders of Perm.HANDLE_COMPLAINTS only
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from django.conf import settings
from django.utils import timezone

from zilu.oversight.models import Complaint

#: How far back a complaint still flags later cases, in months (``ZILU_RETALIATION_MONTHS`` overrides).
DEFAULT_MONTHS = 24


def window_months() -> int:
    return int(getattr(settings, "ZILU_RETALIATION_MONTHS", DEFAULT_MONTHS) or DEFAULT_MONTHS)


def _months_before(day: date, months: int) -> date:
    """The same day ``months`` months earlier (the last day of the month where it has no such day). A look-back, so
    the rest-day rules of core.deadlines (which move a period's END forward) do not apply."""
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def retaliation_flag(member: Any, *, months: int | None = None, on: date | None = None) -> bool:
    """Whether ``member`` (a Member or its id) filed a complaint about the executing body in the last ``months``
    months before ``on`` (today by default). No permission check: the caller must keep the answer from the staff."""
    member_id = getattr(member, "pk", member)
    if member_id is None:
        return False
    today = on or timezone.localdate()
    since = _months_before(today, months or window_months())
    return Complaint.objects.filter(complainant_id=member_id, created_at__date__gte=since).exists()
