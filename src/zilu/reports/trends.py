"""Reports over time, for the statistics page's charts: reports per month and category, and the median response
and closure times per month. Aggregates only (the same rule as :func:`zilu.reports.selectors.statistics_`)."""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import date, datetime
from typing import Any

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from zilu.reports.models import Category, Report, Status

MONTHS = 12


def month_labels(today: date | None = None, months: int = MONTHS) -> list[str]:
    """``YYYY-MM`` of the last ``months`` months, oldest first, ending with the current month."""
    today = today or timezone.localdate()
    year, month = today.year, today.month
    labels = []
    for _step in range(months):
        labels.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return labels[::-1]


def month_of(moment: datetime | date) -> str:
    """``YYYY-MM`` of a moment, in the site's time zone."""
    if isinstance(moment, datetime) and timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return f"{moment.year:04d}-{moment.month:02d}"


def month_start(label: str) -> datetime:
    """The first moment of the ``YYYY-MM`` month, in the site's time zone."""
    year, month = (int(part) for part in label.split("-"))
    return timezone.make_aware(datetime(year, month, 1))


def by_month_and_category(months: int = MONTHS) -> dict[str, Any]:
    """``{"months": [...], "series": [(category label, [count per month]), ...], "totals": [count per month]}``;
    categories with no report in the period are left out."""
    labels = month_labels(months=months)
    rows = (
        Report.objects.exclude(status=Status.DUPLICATE)
        .filter(created_at__gte=month_start(labels[0]))
        .annotate(month=TruncMonth("created_at"))
        .values_list("month", "category")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for month, category, n in rows:
        counts[category][month_of(month)] += n
    series = [
        (str(label), [counts[value].get(m, 0) for m in labels])
        for value, label in Category.choices
        if any(counts[value].values())
    ]
    totals = [sum(values[i] for _name, values in series) for i in range(len(labels))]
    return {"months": labels, "series": series, "totals": totals}


def _median_hours(values: list[float]) -> float | None:
    return round(statistics.median(values) / 3600, 1) if values else None


def response_times_by_month(months: int = MONTHS) -> dict[str, Any]:
    """Median hours from routing to the member's first response (by the month of the response) and from submission
    to closure (by the month of closure)."""
    labels = month_labels(months=months)
    since = month_start(labels[0])
    qs = Report.objects.exclude(status=Status.DUPLICATE)
    first: dict[str, list[float]] = defaultdict(list)
    for routed, responded in qs.filter(first_response_at__gte=since, routed_at__isnull=False).values_list(
        "routed_at", "first_response_at"
    ):
        if responded is not None and routed is not None:
            first[month_of(responded)].append((responded - routed).total_seconds())
    closure: dict[str, list[float]] = defaultdict(list)
    for created, closed in qs.filter(closed_at__gte=since).values_list("created_at", "closed_at"):
        if closed is not None:
            closure[month_of(closed)].append((closed - created).total_seconds())
    first_response = [_median_hours(first[m]) for m in labels]
    closure_hours = [_median_hours(closure[m]) for m in labels]
    return {
        "months": labels,
        "first_response": first_response,
        "closure": closure_hours,
        "series": [(_("to the member's first response"), first_response), (_("to closure"), closure_hours)],
    }
