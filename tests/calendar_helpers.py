"""Deadlines beyond the official holiday calendar in the apps' tests: a period that ends past the calendar's coverage
whatever today is, and a State Council schedule for the years after it, loaded with ``zilu calendar load``.

The schedule is illustrative, not an official one: the statutory holidays plus a bridging week (weekdays off) from
2 January of the first year it covers, or from tomorrow if that is later, so that a provisional deadline counted from
today moves when the schedule arrives. A test module that uses them forgets the loaded years before and after each test
(:func:`forget_loaded_years`), so that no year leaks into other tests.

The other tests of the apps that compute deadlines run as if the schedule of the next years were known
(:func:`assume_official_calendar`, autouse in their ``conftest.py``), so that what they check does not depend on the
day the suite runs.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.utils import timezone

from zilu.core import calendars, deadlines


def forget_loaded_years() -> None:
    calendars.forget()
    deadlines.clear_supplements()


def assume_official_calendar(years: int = 2) -> None:
    """Register, in this process only, a schedule for the ``years`` years after the covered range: the statutory
    holidays and no adjusted working day."""
    first = deadlines.coverage()[1].year + 1
    for year in range(first, first + years):
        deadlines.register_supplement(year, dict(deadlines.statutory_holidays(year)), {})


def days_past_coverage(extra: int = 5) -> int:
    """A number of days (calendar or working) that, counted from today, ends ``extra`` days or more past the last day
    the official calendar covers."""
    return max((deadlines.coverage()[1] - timezone.localdate()).days, 0) + extra


def load_schedule(tmp_path: Path, through: date) -> str:
    """Write a schedule for every year after the covered range up to ``through``'s year and load it with
    ``zilu calendar load``; returns what the command printed."""
    first = deadlines.coverage()[1].year + 1
    bridge_from = max(date(first, 1, 2), timezone.localdate() + timedelta(days=1))
    bridge = {bridge_from + timedelta(days=offset) for offset in range(7)}
    schedule = {}
    for year in range(first, through.year + 1):
        holidays = {day.isoformat(): name for day, name in deadlines.statutory_holidays(year).items()}
        for day in sorted(bridge):
            if day.year == year and day.weekday() < 5:
                holidays.setdefault(day.isoformat(), "调休")
        schedule[str(year)] = {"holidays": holidays, "workdays": {}}
    path = tmp_path / "holidays.json"
    path.write_text(json.dumps(schedule), encoding="utf-8")
    out = StringIO()
    call_command("calendar", "load", str(path), stdout=out)
    return out.getvalue()
