"""Sequential record numbers (versions, amendments, annexes, interpretations, bulletins)."""

from __future__ import annotations

from django.db.models import Max, QuerySet


def next_number(queryset: QuerySet, field: str = "number") -> int:
    """One more than the highest ``field`` in ``queryset`` (1 when empty). Call inside the creating transaction; the
    field's unique constraint refuses a concurrent duplicate."""
    return int(queryset.aggregate(n=Max(field))["n"] or 0) + 1
