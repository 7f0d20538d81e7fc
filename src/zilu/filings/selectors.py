"""Read-only queries over filings, for the staff dashboard and other apps (the discipline workflow)."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from zilu.filings.models import Site


def failing_sites() -> QuerySet[Site]:
    """Active sites whose last check found a problem, oldest failure first."""
    return (
        Site.objects.active()
        .filter(check_status__in=Site.PROBLEMS)
        .select_related("member")
        .order_by("failing_since", "pk")
    )


def repeated_failures(threshold: int | None = None) -> QuerySet[Site]:
    """Active sites that failed at least ``threshold`` checks in a row (``ZILU_FILINGS_REPEATED_FAILURES``) or
    whose deadline to fix has passed: what the staff dashboard lists and a discipline case may be opened on. A
    provisional deadline (beyond the official holiday calendar) does not count until the calendar confirms it."""
    n = threshold if threshold is not None else int(settings.ZILU_FILINGS_REPEATED_FAILURES)
    past_due = Q(fix_by__lt=timezone.localdate(), deadline_provisional=False)
    return failing_sites().filter(Q(consecutive_failures__gte=n) | past_due)
