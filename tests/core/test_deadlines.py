"""Tests for zilu.core.deadlines against the real official calendar (chinese_calendar)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import chinese_calendar
import pytest

from zilu.core import deadlines as dl

D = date


@pytest.fixture(autouse=True)
def _no_supplements() -> Iterator[None]:
    dl.clear_supplements()
    yield
    dl.clear_supplements()


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


# ------------------------------------------------------------------ the official calendar

SPRING_2025 = _days(D(2025, 1, 28), D(2025, 2, 4))
NATIONAL_2025 = _days(D(2025, 10, 1), D(2025, 10, 8))
SPRING_2026 = _days(D(2026, 2, 15), D(2026, 2, 23))
MID_AUTUMN_2026 = _days(D(2026, 9, 25), D(2026, 9, 27))
NATIONAL_2026 = _days(D(2026, 10, 1), D(2026, 10, 7))
ADJUSTED_WORKDAYS = [
    D(2025, 1, 26),  # Sunday, Spring Festival 2025
    D(2025, 2, 8),  # Saturday, Spring Festival 2025
    D(2025, 9, 28),  # Sunday, National Day 2025
    D(2025, 10, 11),  # Saturday, National Day 2025
    D(2026, 2, 14),  # Saturday, Spring Festival 2026
    D(2026, 2, 28),  # Saturday, Spring Festival 2026
    D(2026, 9, 20),  # Sunday, National Day 2026
    D(2026, 10, 10),  # Saturday, National Day 2026
]


@pytest.mark.parametrize("day", SPRING_2025 + NATIONAL_2025 + SPRING_2026 + MID_AUTUMN_2026 + NATIONAL_2026)
def test_holidays_are_rest_days(day: date) -> None:
    assert chinese_calendar.is_holiday(day)
    assert not dl.is_working_day(day)


@pytest.mark.parametrize("day", ADJUSTED_WORKDAYS)
def test_adjusted_weekend_workdays_are_working_days(day: date) -> None:
    assert day.weekday() >= 5
    assert chinese_calendar.is_workday(day)
    assert dl.is_working_day(day)


def test_holiday_blocks_are_exactly_as_published() -> None:
    """The blocks above are the whole holiday, bounded by working days on both sides."""
    for block in (SPRING_2025, NATIONAL_2025, SPRING_2026, NATIONAL_2026):
        assert dl.is_working_day(block[0] - timedelta(days=1))
        assert dl.is_working_day(block[-1] + timedelta(days=1))
    assert chinese_calendar.get_holiday_detail(D(2026, 2, 23)) == (True, "Spring Festival")
    assert chinese_calendar.get_holiday_detail(D(2026, 9, 25)) == (True, "Mid-autumn Festival")


def test_agrees_with_chinese_calendar_for_every_day_of_2025_and_2026() -> None:
    for day in _days(D(2025, 1, 1), D(2026, 12, 31)):
        assert dl.is_working_day(day) == chinese_calendar.is_workday(day), day


def test_ordinary_weekend_is_rest_day() -> None:
    assert not dl.is_working_day(D(2025, 3, 8))  # Saturday
    assert not dl.is_working_day(D(2025, 3, 9))  # Sunday
    assert dl.is_working_day(D(2025, 3, 10))


# ------------------------------------------------------------------ add_period (arts. 201, 203)


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # Art. 201: the start day is not counted.
        (D(2025, 3, 3), 1, D(2025, 3, 4)),
        (D(2025, 3, 3), 4, D(2025, 3, 7)),
        # Art. 203: an ordinary Saturday rolls to Monday.
        (D(2025, 3, 3), 5, D(2025, 3, 10)),
        # Lands inside Spring Festival 2025 (1-28..2-4) -> first working day after.
        (D(2025, 1, 20), 10, D(2025, 2, 5)),
        # Lands on an adjusted Sunday/Saturday workday: no roll.
        (D(2025, 1, 16), 10, D(2025, 1, 26)),
        (D(2025, 1, 29), 10, D(2025, 2, 8)),
        # National Day 2025 (10-1..10-8).
        (D(2025, 9, 25), 8, D(2025, 10, 9)),
        (D(2025, 9, 18), 10, D(2025, 9, 28)),
        # Spring Festival 2026 (2-15..2-23), adjusted Saturday 2-14.
        (D(2026, 2, 10), 5, D(2026, 2, 24)),
        (D(2026, 2, 4), 10, D(2026, 2, 14)),
        # Mid-Autumn 2026 (9-25..9-27) and National Day 2026 (10-1..10-7), Saturday 10-10.
        (D(2026, 9, 15), 10, D(2026, 9, 28)),
        (D(2026, 9, 21), 10, D(2026, 10, 8)),
        (D(2026, 9, 30), 10, D(2026, 10, 10)),
        # Start outside coverage is fine: only the days examined must be covered.
        (D(2003, 12, 31), 2, D(2004, 1, 2)),
    ],
)
def test_add_period(start: date, days: int, expected: date) -> None:
    assert dl.add_period(start, days) == expected
    assert dl.deadline_for(start, days) == expected


@pytest.mark.parametrize("days", [0, -1])
def test_add_period_rejects_non_positive(days: int) -> None:
    with pytest.raises(ValueError, match="at least one day"):
        dl.add_period(D(2025, 3, 3), days)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2025, 1, 31), 1, D(2025, 2, 28)),  # art. 202: no 31 February -> month end
        (D(2024, 1, 31), 1, D(2024, 2, 29)),  # leap year
        (D(2025, 9, 1), 1, D(2025, 10, 9)),  # 10-1 is National Day -> art. 203 roll
        (D(2025, 11, 15), 2, D(2026, 1, 15)),
    ],
)
def test_add_months(start: date, months: int, expected: date) -> None:
    assert dl.add_months(start, months) == expected


def test_add_years() -> None:
    assert dl.add_years(D(2024, 2, 29), 1) == D(2025, 2, 28)
    with pytest.raises(ValueError, match="at least one year"):
        dl.add_years(D(2024, 2, 29), 0)


# ------------------------------------------------------------------ working days


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (D(2025, 3, 3), 1, D(2025, 3, 4)),  # start not counted
        (D(2025, 1, 24), 1, D(2025, 1, 26)),  # adjusted Sunday counts
        (D(2025, 1, 24), 2, D(2025, 1, 27)),
        (D(2025, 1, 24), 3, D(2025, 2, 5)),  # skips the whole Spring Festival block
        (D(2025, 2, 5), 3, D(2025, 2, 8)),  # adjusted Saturday counts
        (D(2025, 9, 26), 1, D(2025, 9, 28)),
        (D(2025, 9, 30), 1, D(2025, 10, 9)),  # skips National Day 2025
        (D(2025, 10, 10), 1, D(2025, 10, 11)),
        (D(2026, 2, 13), 1, D(2026, 2, 14)),
        (D(2026, 2, 13), 2, D(2026, 2, 24)),  # skips Spring Festival 2026
        (D(2026, 9, 18), 1, D(2026, 9, 20)),
        (D(2026, 9, 30), 1, D(2026, 10, 8)),  # skips National Day 2026
        (D(2026, 10, 9), 1, D(2026, 10, 10)),
        # Starting on a holiday: the next working day is the first one counted.
        # (chinese_calendar.find_workday(1, ...) would say 2026-01-05 here.)
        (D(2026, 1, 2), 1, D(2026, 1, 4)),
    ],
)
def test_add_working_days(start: date, n: int, expected: date) -> None:
    assert dl.add_working_days(start, n) == expected
    assert dl.deadline_for(start, n, working=True) == expected


def test_add_working_days_matches_find_workday_from_a_working_day() -> None:
    start = D(2025, 1, 2)
    for n in range(1, 60):
        assert dl.add_working_days(start, n) == chinese_calendar.find_workday(n, start)


@pytest.mark.parametrize("n", [0, -3])
def test_add_working_days_rejects_non_positive(n: int) -> None:
    with pytest.raises(ValueError, match="at least one working day"):
        dl.add_working_days(D(2025, 3, 3), n)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2025, 1, 27), D(2025, 2, 5), 1),
        (D(2025, 1, 24), D(2025, 2, 8), 6),
        (D(2025, 3, 3), D(2025, 3, 3), 0),
        (D(2025, 9, 30), D(2025, 10, 8), 0),
    ],
)
def test_working_days_between(start: date, end: date, expected: int) -> None:
    assert dl.working_days_between(start, end) == expected


def test_working_days_between_inverts_add_working_days() -> None:
    start = D(2026, 1, 2)
    for n in range(1, 40):
        assert dl.working_days_between(start, dl.add_working_days(start, n)) == n


def test_working_days_between_rejects_reversed_range() -> None:
    with pytest.raises(ValueError, match="before start"):
        dl.working_days_between(D(2025, 3, 4), D(2025, 3, 3))


# ------------------------------------------------------------------ helpers


def test_deadline_for_uses_china_time_for_aware_datetimes() -> None:
    # 2025-01-16 17:00 UTC is 2025-01-17 01:00 in Beijing.
    aware = datetime(2025, 1, 16, 17, 0, tzinfo=UTC)
    assert dl.deadline_for(aware, 10) == D(2025, 1, 27)
    assert dl.deadline_for(aware.replace(tzinfo=None), 10) == D(2025, 1, 26)


def test_is_overdue_deadline_day_is_still_in_time() -> None:
    assert not dl.is_overdue(D(2025, 2, 5), D(2025, 2, 5))
    assert not dl.is_overdue(D(2025, 2, 5), D(2025, 2, 4))
    assert dl.is_overdue(D(2025, 2, 5), D(2025, 2, 6))


# ------------------------------------------------------------------ coverage


def test_package_coverage() -> None:
    assert dl.coverage() == (D(2004, 1, 1), D(2026, 12, 31))
    assert dl.is_covered(D(2026, 12, 31))
    assert not dl.is_covered(D(2027, 1, 1))


@pytest.mark.parametrize(
    "call",
    [
        lambda: dl.is_working_day(D(2027, 1, 4)),
        lambda: dl.add_period(D(2026, 12, 25), 7),
        lambda: dl.add_working_days(D(2026, 12, 30), 2),
        lambda: dl.working_days_between(D(2026, 12, 30), D(2027, 1, 4)),
        lambda: dl.is_working_day(D(2003, 12, 31)),
        lambda: dl.add_period(D(2003, 12, 1), 5),
    ],
)
def test_outside_coverage_raises(call: object) -> None:
    with pytest.raises(dl.CalendarCoverageError) as info:
        call()  # type: ignore[operator]
    assert isinstance(info.value, ValueError)
    assert info.value.day.year in (2003, 2027)
    assert info.value.day.isoformat() in str(info.value)
    assert "2004-01-01" in str(info.value)
    assert "2026-12-31" in str(info.value)


def test_coverage_error_names_first_uncovered_day() -> None:
    with pytest.raises(dl.CalendarCoverageError) as info:
        dl.add_period(D(2026, 12, 25), 7)
    assert info.value.day == D(2027, 1, 1)


# ------------------------------------------------------------------ supplements

# Illustrative test data only, NOT the official 2027 schedule.
SUPPLEMENT_2027 = {
    "2027": {
        "holidays": {
            "2027-01-01": "New Year's Day",
            "2027-01-02": "New Year's Day",
            "2027-01-03": "New Year's Day",
            **{f"2027-02-{d:02d}": "Spring Festival" for d in range(5, 14)},
        },
        "workdays": {"2027-01-31": "Spring Festival", "2027-02-20": "Spring Festival"},
    }
}


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "calendar.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_supplement_file_makes_2027_computable(tmp_path: Path) -> None:
    assert dl.load_supplement(_write(tmp_path, SUPPLEMENT_2027)) == [2027]
    assert dl.supplemented_years() == [2027]
    assert dl.coverage() == (D(2004, 1, 1), D(2027, 12, 31))
    # 2026-12-25 + 7 = 2027-01-01, a holiday; 1-2 and 1-3 too -> Monday 1-4.
    assert dl.add_period(D(2026, 12, 25), 7) == D(2027, 1, 4)
    assert dl.add_working_days(D(2027, 1, 29), 1) == D(2027, 1, 31)  # adjusted Sunday
    assert dl.add_working_days(D(2027, 2, 4), 1) == D(2027, 2, 15)
    assert dl.is_working_day(D(2027, 2, 20))  # adjusted Saturday
    assert dl.is_working_day(D(2027, 2, 22))  # plain Monday: weekday rule
    assert not dl.is_working_day(D(2027, 3, 6))  # plain Saturday: weekday rule
    with pytest.raises(dl.CalendarCoverageError):
        dl.is_working_day(D(2028, 1, 3))


def test_non_contiguous_supplement_is_usable_but_not_in_coverage() -> None:
    dl.register_supplement(2029, {D(2029, 1, 1): "New Year's Day"}, {})
    assert dl.coverage() == (D(2004, 1, 1), D(2026, 12, 31))
    assert not dl.is_working_day(D(2029, 1, 1))
    with pytest.raises(dl.CalendarCoverageError):
        dl.is_working_day(D(2028, 6, 1))


def test_supplement_overrides_package_year_with_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="zilu.core.deadlines"):
        dl.register_supplement(2026, {}, {})
    assert "2026" in caplog.text
    assert dl.is_working_day(D(2026, 10, 1))  # a Thursday, no holidays registered
    dl.clear_supplements()
    assert not dl.is_working_day(D(2026, 10, 1))


@pytest.mark.parametrize(
    "data",
    [
        {"2027": {"holidays": {"2027-13-01": "x"}}},  # not a date
        {"2027": {"holidays": {"2028-01-01": "x"}}},  # wrong year
        {"2027": {"holidays": {"2027-01-02": "x"}, "workdays": {"2027-01-02": "x"}}},  # both
        {"2027": {"workdays": {"2027-01-04": "x"}}},  # Monday as adjusted workday
        {"2027": {"holidays": {"2027-01-01": ""}}},  # no name
        {"2027": {"holiday": {}}},  # unknown key
        {"27": {}},  # not a four-digit year
        ["2027"],  # not an object
    ],
)
def test_bad_supplement_registers_nothing(tmp_path: Path, data: object) -> None:
    good = {"2028": {"holidays": {"2028-01-03": "x"}}}
    combined = {**good, **data} if isinstance(data, dict) else data
    with pytest.raises(ValueError, match=r"calendar\.json"):
        dl.load_supplement(_write(tmp_path, combined))
    assert dl.supplemented_years() == []


def test_bad_json_supplement(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="not valid JSON"):
        dl.load_supplement(path)


# ------------------------------------------------------------------ art. 1259 fractions


@pytest.mark.parametrize(
    ("count", "total", "num", "den", "expected"),
    [
        (1, 10, 1, 10, True),  # exactly one tenth is "十分之一以上"
        (10, 100, 1, 10, True),
        (9, 100, 1, 10, False),  # just below
        (99, 1000, 1, 10, False),
        (11, 100, 1, 10, True),
        (20, 30, 2, 3, True),  # exactly two thirds is "三分之二以上"
        (2, 3, 2, 3, True),
        (19, 30, 2, 3, False),
        (666_666, 999_999, 2, 3, True),  # exact: a float would be at the mercy of rounding
        (666_665, 999_999, 2, 3, False),
        (30, 30, 2, 3, True),
        (0, 0, 1, 10, False),  # total 0 -> False
        (0, 0, 0, 1, False),
        (0, 5, 0, 1, True),
    ],
)
def test_at_least_fraction(count: int, total: int, num: int, den: int, expected: bool) -> None:
    assert dl.at_least_fraction(count, total, num, den) is expected


@pytest.mark.parametrize(
    ("count", "total", "expected"),
    [(15, 30, False), (16, 30, True), (0, 0, False), (2, 3, True)],
)
def test_exceeds_fraction_half(count: int, total: int, expected: bool) -> None:
    assert dl.exceeds_fraction(count, total, 1, 2) is expected


@pytest.mark.parametrize("args", [(11, 10, 1, 10), (-1, 10, 1, 10), (1, -10, 1, 10), (1, 10, 1, 0), (1, 10, -1, 10)])
def test_fraction_rejects_bad_arguments(args: tuple[int, int, int, int]) -> None:
    with pytest.raises(ValueError, match=r"count|total|threshold"):
        dl.at_least_fraction(*args)
    with pytest.raises(ValueError, match=r"count|total|threshold"):
        dl.exceeds_fraction(*args)
