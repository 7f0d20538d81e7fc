"""Helpers shared by the discipline actions: text checks, dates past the calendar's coverage."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from zilu.core import deadlines
from zilu.core.errors import ValidationFailed


def text(value: str | None, field: str, message: Any, limit: int = 20000) -> str:
    """``value`` stripped; ValidationFailed on ``field`` when it is empty or longer than ``limit``."""
    cleaned = (value or "").strip()
    if not cleaned:
        raise ValidationFailed(message, field=field)
    if len(cleaned) > limit:
        raise ValidationFailed(_("At most %(n)d characters.") % {"n": limit}, field=field)
    return cleaned


def working_days_after(start: date, days: int) -> date | None:
    """The end of a window of ``days`` working days, or None while the holiday calendar does not cover it (the
    staff load the official schedule through ZILU_HOLIDAYS_FILE; a missing date never shortens a member's window)."""
    try:
        return deadlines.add_working_days(start, days)
    except deadlines.CalendarCoverageError:
        return None
