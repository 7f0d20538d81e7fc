"""Deadlines past the official holiday calendar: the statutory-holiday rule, provisional deadlines, and a year loaded
once for every process with `zilu calendar load`."""

from __future__ import annotations

import json
import time
from datetime import date
from io import StringIO

import chinese_calendar
import pytest
from django.core.management import CommandError, call_command

from zilu.core import calendars, deadlines
from zilu.core.models import AuditEntry, HolidayYear

OFFICIAL_YEARS = range(2025, deadlines.coverage()[1].year + 1)  # the Measures as amended apply from 2025


@pytest.fixture(autouse=True)
def _clean_calendar():
    calendars.forget()
    deadlines.clear_supplements()
    yield
    calendars.forget()
    deadlines.clear_supplements()


@pytest.mark.parametrize("year", OFFICIAL_YEARS)
def test_every_statutory_holiday_is_a_day_off_in_the_official_calendar(year):
    """Checked against data the rule was not built from: the State Council's own schedules in chinese_calendar."""
    days = deadlines.statutory_holidays(year)
    assert len(days) == 13
    assert [day for day in days if chinese_calendar.is_workday(day)] == []
    assert {name for name in days.values()} == {"元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"}


def test_lunar_holidays_and_the_spring_festival_eve_move_with_the_moon():
    assert [d for d, n in deadlines.statutory_holidays(2027).items() if n == "春节"] == [
        date(2027, 2, 5),  # 除夕: lunar 2026-12-30 (the twelfth month has 30 days that year)
        date(2027, 2, 6),
        date(2027, 2, 7),
        date(2027, 2, 8),
    ]
    assert deadlines.statutory_holidays(2028)[date(2028, 1, 25)] == "春节"  # 除夕 after a 29-day twelfth month
    assert deadlines.statutory_holidays(2027)[date(2027, 9, 15)] == "中秋节"


def test_compute_is_exact_inside_the_calendar_and_provisional_beyond_it():
    inside = deadlines.compute(date(2026, 9, 28), working_days=3)
    assert inside == deadlines.Deadline(deadlines.add_working_days(date(2026, 9, 28), 3), False)
    beyond = deadlines.compute(date(2027, 2, 3), working_days=3)  # 4 Feb, then the Spring Festival, then 9, 10 Feb
    assert beyond == deadlines.Deadline(date(2027, 2, 10), True)
    # a period in days that ends on a statutory holiday moves to the next working day (Civil Code art. 203)
    assert deadlines.compute(date(2027, 9, 14), days=1) == deadlines.Deadline(date(2027, 9, 16), True)
    assert deadlines.compute(date(2027, 1, 31), months=1) == deadlines.Deadline(
        date(2027, 3, 1), True
    )  # 28 Feb: Sunday
    with pytest.raises(TypeError):
        deadlines.compute(date(2027, 1, 1), days=1, months=1)
    with pytest.raises(ValueError):
        deadlines.compute(date(2027, 1, 1), working_days=0)


def _schedule(tmp_path, year=2027):
    path = tmp_path / f"holidays-{year}.json"
    path.write_text(
        json.dumps(
            {
                str(year): {
                    "holidays": {
                        f"{year}-01-01": "元旦",
                        f"{year}-02-04": "春节",
                        f"{year}-02-05": "春节",
                        f"{year}-02-08": "春节",
                        f"{year}-02-09": "春节",
                        f"{year}-02-10": "春节",
                    },
                    "workdays": {f"{year}-02-13": "春节"},
                }
            }
        ),
        encoding="utf-8",
    )
    return path


@pytest.mark.django_db
def test_calendar_load_stores_the_year_for_every_process_and_audits_it(tmp_path, monkeypatch):
    out = StringIO()
    call_command("calendar", "load", str(_schedule(tmp_path)), stdout=out)
    assert "loaded 2027" in out.getvalue() and "covered until 2027-12-31" in out.getvalue()
    stored = HolidayYear.objects.get(year=2027)
    assert stored.holidays["2027-02-10"] == "春节" and stored.workdays == {"2027-02-13": "春节"}
    assert AuditEntry.objects.filter(action="core.calendar.load", object_id="2027").exists()
    assert deadlines.compute(date(2027, 2, 3), working_days=3) == deadlines.Deadline(
        date(2027, 2, 13), False
    )  # 11, 12 Feb and the adjusted Saturday

    # another process, which last looked at the database a moment before the load, still computes provisionally;
    # it picks the year up at its next sync
    calendars.forget()
    deadlines.clear_supplements()
    monkeypatch.setattr(calendars, "_last_sync", time.monotonic())
    assert deadlines.compute(date(2027, 2, 3), working_days=3).provisional
    monkeypatch.setattr(calendars, "_last_sync", time.monotonic() - calendars.SYNC_SECONDS - 1)
    assert deadlines.compute(date(2027, 2, 3), working_days=3) == deadlines.Deadline(
        date(2027, 2, 13), False
    )  # 11, 12 Feb and the adjusted Saturday
    assert deadlines.is_working_day(date(2027, 2, 13))  # the adjusted Saturday


@pytest.mark.django_db
def test_a_bad_schedule_is_refused_and_changes_nothing(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"2027": {"holidays": {"2027-02-30": "春节"}}}), encoding="utf-8")
    with pytest.raises(CommandError, match="2027-02-30"):
        call_command("calendar", "load", str(bad))
    with pytest.raises(CommandError):
        call_command("calendar", "load", str(tmp_path / "missing.json"))
    assert not HolidayYear.objects.exists()
    assert deadlines.coverage()[1].year < 2027


def test_holidays_subcommand_lists_the_rule_for_a_year():
    out = StringIO()
    call_command("calendar", "holidays", "2027", stdout=out)
    assert out.getvalue().splitlines()[0] == "2027-01-01 元旦" and len(out.getvalue().splitlines()) == 13
