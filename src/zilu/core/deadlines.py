"""Statutory period and deadline arithmetic for the whole product.

This is the single place where Zilu computes legal periods. It implements the
counting rules of the Civil Code of the People's Republic of China (《中华人民共和国民法典》):

* Art. 201: a period counted in years, months, days or hours starts counting
  from the next day; the day on which it starts is not counted.
* Art. 202: a period counted in years or months ends on the corresponding day
  of the final month; where that month has no corresponding day, it ends on the
  last day of that month.
* Art. 203: where the last day of a period is a statutory rest day (法定休假日),
  the day after the rest day ends is the last day of the period. Statutory
  rest days are ordinary weekends *and* public holidays; a Saturday or Sunday
  that the State Council has made a working day (调休) is a working day.
  The last day ends at 24:00, so a deadline is still met on the deadline day.
* Art. 1259: "以上", "以下", "以内" and "届满" include the stated number;
  "不满", "超过" and "以外" exclude it (see :func:`at_least_fraction` and
  :func:`exceeds_fraction`).

The official holiday calendar comes from the ``chinese_calendar`` package. Years it
does not know yet can be supplied from the State Council notice with
:func:`load_supplement` or :func:`register_supplement` (``zilu calendar load``
stores them for every process). The strict functions (:func:`add_period`,
:func:`add_working_days`, ...) raise :class:`CalendarCoverageError` for a day
outside the known calendar rather than guessing.

:func:`compute` is the one coverage rule for deadlines that must exist whatever the
date: inside the official calendar it is exact; beyond it, it counts weekends and the
statutory holidays of the Measures on National Holidays (《全国年节及纪念日放假办法》,
as amended in 2024: New Year's Day, Spring Festival Eve and the first three days of
the first lunar month, Qingming, 1-2 May, the Dragon Boat Festival, the Mid-Autumn
Festival and 1-3 October) as rest days, and marks the result ``provisional``: the
State Council's adjusted working days (调休) are not known until its notice, so the
stored deadline is recomputed when that year is loaded.
"""

from __future__ import annotations

import calendar
import json
import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from types import MappingProxyType

import chinese_calendar
from chinese_calendar import constants as _cc_constants

from zilu.core.holidays import statutory_holidays
from zilu.core.thresholds import at_least_fraction, exceeds_fraction

__all__ = [
    "CHINA_STANDARD_TIME",
    "CalendarCoverageError",
    "Deadline",
    "add_months",
    "add_period",
    "add_working_days",
    "add_years",
    "at_least_fraction",
    "clear_supplements",
    "compute",
    "coverage",
    "deadline_for",
    "exceeds_fraction",
    "is_covered",
    "is_overdue",
    "is_provisional_working_day",
    "is_working_day",
    "load_supplement",
    "next_working_day",
    "register_supplement",
    "statutory_holidays",
    "supplemented_years",
    "working_days_between",
]  # fmt: skip

logger = logging.getLogger(__name__)

#: China has used a single UTC+8 offset without daylight saving time since 1991.
CHINA_STANDARD_TIME = timezone(timedelta(hours=8), "CST")

_PACKAGE_FIRST_YEAR: int = min(_cc_constants.holidays).year
_PACKAGE_LAST_YEAR: int = max(_cc_constants.holidays).year


@dataclass(frozen=True)
class _YearCalendar:
    holidays: Mapping[date, str]
    workdays: Mapping[date, str]


_supplements: dict[int, _YearCalendar] = {}
_refresher: Callable[[], None] | None = None


def set_refresher(refresher: Callable[[], None] | None) -> None:
    """Install a function that :func:`compute` and :func:`coverage` call first to pick up supplements stored
    elsewhere (the Django side registers :func:`zilu.core.calendars.sync`); it must be cheap and never raise."""
    global _refresher
    _refresher = refresher


def _refresh() -> None:
    if _refresher is not None:
        _refresher()


class CalendarCoverageError(ValueError):
    """A computation needed a day for which no official holiday calendar is known.

    ``day`` is the offending date and ``covered`` the contiguous covered range
    at the time of the error.
    """

    def __init__(self, day: date) -> None:
        self.day = day
        self.covered = coverage()
        first, last = self.covered
        super().__init__(
            f"No official holiday calendar is available for {day.isoformat()}; "
            f"the covered range is {first.isoformat()} to {last.isoformat()}. "
            "Add the year from the State Council notice with deadlines.load_supplement()."
        )


# --------------------------------------------------------------------------- calendar


def _as_date(value: date | datetime) -> date:
    """Return the calendar day in China for a date or datetime.

    Aware datetimes are converted to China Standard Time first, so that an
    instant stored in UTC maps to the day it was in Beijing. Naive datetimes are
    taken at face value.
    """
    if isinstance(value, datetime):
        if value.tzinfo is not None and value.utcoffset() is not None:
            value = value.astimezone(CHINA_STANDARD_TIME)
        return value.date()
    return value


def _package_covers(year: int) -> bool:
    return _PACKAGE_FIRST_YEAR <= year <= _PACKAGE_LAST_YEAR


def is_covered(day: date) -> bool:
    """Whether the official calendar (package or supplement) covers ``day``'s year."""
    year = _as_date(day).year
    return year in _supplements or _package_covers(year)


def coverage() -> tuple[date, date]:
    """The contiguous range of days covered by the official calendar.

    This is the package's range, extended by supplemented years that are
    contiguous with it. A supplemented year that is not contiguous is still
    usable, but is not reported here.
    """
    _refresh()
    first, last = _PACKAGE_FIRST_YEAR, _PACKAGE_LAST_YEAR
    while first - 1 in _supplements:
        first -= 1
    while last + 1 in _supplements:
        last += 1
    return date(first, 1, 1), date(last, 12, 31)


def is_working_day(d: date) -> bool:
    """Whether ``d`` is a working day under the official calendar.

    A day is a rest day (法定休假日, Civil Code art. 203) if it is a public
    holiday, or a Saturday or Sunday that was not made an adjusted working day
    (调休). Raises :class:`CalendarCoverageError` outside the covered range.
    """
    day = _as_date(d)
    supplement = _supplements.get(day.year)
    if supplement is not None:
        if day in supplement.workdays:
            return True
        if day in supplement.holidays:
            return False
        return day.weekday() < 5
    if not _package_covers(day.year):
        raise CalendarCoverageError(day)
    return bool(chinese_calendar.is_workday(day))


def next_working_day(d: date) -> date:
    """The first working day on or after ``d`` (``d`` itself if it is one)."""
    day = _as_date(d)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


# --------------------------------------------------------------------------- periods


def add_period(start: date, days: int) -> date:
    """Last day of a period of ``days`` days that starts on ``start``.

    Civil Code art. 201: the start day is not counted, so a 15-day period from
    1 March ends on 16 March. Civil Code art. 203: if that day is a statutory
    rest day (weekend or public holiday), the period ends on the first working
    day after it. ``days`` must be at least 1.
    """
    if days < 1:
        raise ValueError(f"A period must be at least one day long, got {days}.")
    return next_working_day(_as_date(start) + timedelta(days=days))


def add_months(start: date, months: int) -> date:
    """Last day of a period of ``months`` months that starts on ``start``.

    Civil Code art. 202: the period ends on the corresponding day of the final
    month, or on that month's last day if it has no corresponding day (one
    month from 31 January ends on 28/29 February). Civil Code art. 203 then
    moves a rest-day end to the next working day. ``months`` must be at least 1.
    """
    if months < 1:
        raise ValueError(f"A period must be at least one month long, got {months}.")
    day = _as_date(start)
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last_of_month = calendar.monthrange(year, month)[1]
    return next_working_day(date(year, month, min(day.day, last_of_month)))


def add_years(start: date, years: int) -> date:
    """Last day of a period of ``years`` years (Civil Code arts. 201-203)."""
    if years < 1:
        raise ValueError(f"A period must be at least one year long, got {years}.")
    return add_months(start, years * 12)


def add_working_days(start: date, n: int) -> date:
    """The ``n``-th working day after ``start`` (``start`` itself is not counted).

    Used for periods expressed in working days (工作日). Weekends and public
    holidays are skipped and adjusted working days (调休) are counted, per the
    official calendar. ``n`` must be at least 1.
    """
    if n < 1:
        raise ValueError(f"A period must be at least one working day long, got {n}.")
    day = _as_date(start)
    remaining = n
    while remaining:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def add_working_days_provisional(start: date, n: int) -> tuple[date, bool]:
    """:func:`compute` with ``working_days=n``, as ``(day, provisional)``."""
    deadline = compute(start, working_days=n)
    return deadline.day, deadline.provisional


def working_days_between(start: date, end: date) -> int:
    """Number of working days in the half-open interval (``start``, ``end``].

    ``start`` is not counted (Civil Code art. 201); ``end`` is. Returns 0 when
    ``end == start`` and raises :class:`ValueError` when ``end`` is before ``start``.
    """
    first, last = _as_date(start), _as_date(end)
    if last < first:
        raise ValueError(f"End {last.isoformat()} is before start {first.isoformat()}.")
    count = 0
    day = first + timedelta(days=1)
    while day <= last:
        if is_working_day(day):
            count += 1
        day += timedelta(days=1)
    return count


def deadline_for(start: date | datetime, days: int, *, working: bool = False) -> date:
    """Deadline for a period of ``days`` days (or working days) from ``start``.

    ``start`` may be a datetime (for example when a notice was served); aware
    datetimes are converted to China Standard Time before taking the day.
    With ``working=True`` the period is counted in working days
    (:func:`add_working_days`), otherwise in calendar days (:func:`add_period`).
    """
    day = _as_date(start)
    return add_working_days(day, days) if working else add_period(day, days)


def is_overdue(deadline: date, today: date | datetime) -> bool:
    """Whether ``deadline`` has passed on ``today``.

    The last day of a period ends at 24:00 (Civil Code art. 203), so an act done
    on the deadline day itself is in time.
    """
    return _as_date(today) > _as_date(deadline)


# --------------------------------------------------------------------------- beyond the calendar


def is_provisional_working_day(d: date) -> bool:
    """Whether ``d`` is a working day: by the official calendar where it is known, else Monday to Friday except the
    statutory holidays (the provisional rule)."""
    day = _as_date(d)
    if is_covered(day):
        return is_working_day(day)
    return day.weekday() < 5 and day not in statutory_holidays(day.year)


@dataclass(frozen=True)
class Deadline:
    """A computed deadline: the day, and whether any day it depends on lies beyond the official calendar."""

    day: date
    provisional: bool


def compute(
    start: date | datetime,
    *,
    days: int | None = None,
    working_days: int | None = None,
    months: int | None = None,
) -> Deadline:
    """The last day of a period from ``start`` — exactly one of ``days`` (Civil Code arts. 201, 203),
    ``working_days`` (工作日) or ``months`` (art. 202) — by the official calendar where it covers the days needed,
    and otherwise by the provisional rule (:func:`is_provisional_working_day`) with ``provisional=True``."""
    given = [value for value in (days, working_days, months) if value is not None]
    if len(given) != 1:
        raise TypeError("compute() takes exactly one of days, working_days or months")
    _refresh()
    day = _as_date(start)
    try:
        if days is not None:
            return Deadline(add_period(day, days), False)
        if working_days is not None:
            return Deadline(add_working_days(day, working_days), False)
        assert months is not None
        return Deadline(add_months(day, months), False)
    except CalendarCoverageError:
        pass
    if days is not None:
        if days < 1:
            raise ValueError(f"A period must be at least one day long, got {days}.")
        end = day + timedelta(days=days)
    elif working_days is not None:
        if working_days < 1:
            raise ValueError(f"A period must be at least one working day long, got {working_days}.")
        end, remaining = day, working_days
        while remaining:
            end += timedelta(days=1)
            remaining -= is_provisional_working_day(end)
        return Deadline(end, True)
    else:
        assert months is not None
        if months < 1:
            raise ValueError(f"A period must be at least one month long, got {months}.")
        year, month = divmod(day.year * 12 + (day.month - 1) + months, 12)
        end = date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))
    while not is_provisional_working_day(end):
        end += timedelta(days=1)
    return Deadline(end, True)


# --------------------------------------------------------------------------- supplements


def register_supplement(year: int, holidays: Mapping[date, str], workdays: Mapping[date, str]) -> None:
    """Register the official holiday schedule of ``year`` from the State Council notice.

    ``holidays`` maps every day off (放假) to its holiday name, including weekend
    days inside a holiday block; ``workdays`` maps each adjusted working day
    (调休上班, always a Saturday or Sunday) to the holiday it belongs to. Any other
    day of the year follows the weekday rule. The year then counts as covered.

    Registering a year again replaces the earlier supplement. A supplement for a
    year the package already covers takes precedence over the package (a
    warning is logged if the two disagree).
    """
    if not 1900 <= year <= 9998:
        raise ValueError(f"Implausible calendar year {year}.")
    for kind, days in (("holiday", holidays), ("workday", workdays)):
        for day, name in days.items():
            if type(day) is not date:
                raise ValueError(f"{kind} key {day!r} is not a date.")
            if day.year != year:
                raise ValueError(f"{kind} {day.isoformat()} is not in year {year}.")
            if not isinstance(name, str) or not name.strip():
                raise ValueError(f"{kind} {day.isoformat()} needs a name.")
    both = sorted(set(holidays) & set(workdays))
    if both:
        raise ValueError(f"{both[0].isoformat()} is listed as both a holiday and a workday.")
    weekday_workdays = sorted(day for day in workdays if day.weekday() < 5)
    if weekday_workdays:
        raise ValueError(
            f"Adjusted workday {weekday_workdays[0].isoformat()} is not a Saturday or "
            "Sunday; weekdays are working days already."
        )
    if _package_covers(year):
        pkg_holidays = {d for d in _cc_constants.holidays if d.year == year}
        pkg_workdays = {d for d in _cc_constants.workdays if d.year == year}
        if pkg_holidays != set(holidays) or pkg_workdays != set(workdays):
            logger.warning(
                "Calendar supplement for %s differs from chinese_calendar; using the supplement.",
                year,
            )
    _supplements[year] = _YearCalendar(
        holidays=MappingProxyType(dict(holidays)), workdays=MappingProxyType(dict(workdays))
    )


def _parse_days(raw: object, where: str) -> dict[date, str]:
    if not isinstance(raw, dict):
        raise ValueError(f"{where} must be an object mapping ISO dates to names.")
    parsed: dict[date, str] = {}
    for key, name in raw.items():
        try:
            day = date.fromisoformat(key)
        except ValueError:
            raise ValueError(f"{where}: {key!r} is not an ISO date (YYYY-MM-DD).") from None
        if not isinstance(name, str):
            raise ValueError(f"{where}: the name for {key} must be a string.")
        parsed[day] = name
    return parsed


def load_supplement(path: str | os.PathLike[str]) -> list[int]:
    """Load supplementary official calendar data from a JSON file.

    The format is::

        {"2027": {"holidays": {"2027-01-01": "New Year's Day", ...},
                  "workdays": {"2027-02-07": "Spring Festival", ...}}}

    The whole file is validated before any year is registered (see
    :func:`register_supplement`). Returns the sorted list of years loaded.
    """
    source = Path(path)
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{source}: not valid JSON ({exc}).") from exc
    if not isinstance(data, dict):
        raise ValueError(f"{source}: the top level must be an object keyed by year.")
    parsed: dict[int, tuple[dict[date, str], dict[date, str]]] = {}
    for year_key, entry in data.items():
        if not (isinstance(year_key, str) and len(year_key) == 4 and year_key.isascii() and year_key.isdigit()):
            raise ValueError(f"{source}: {year_key!r} is not a four-digit year.")
        if not isinstance(entry, dict) or set(entry) - {"holidays", "workdays"}:
            raise ValueError(f'{source}: year {year_key} must be an object with only "holidays" and "workdays".')
        where = f"{source}: {year_key}"
        parsed[int(year_key)] = (
            _parse_days(entry.get("holidays", {}), f"{where} holidays"),
            _parse_days(entry.get("workdays", {}), f"{where} workdays"),
        )
    # All or nothing: a bad year restores the supplements as they were.
    saved = dict(_supplements)
    try:
        for year, (holidays, workdays) in parsed.items():
            register_supplement(year, holidays, workdays)
    except ValueError as exc:
        _supplements.clear()
        _supplements.update(saved)
        raise ValueError(f"{source}: {exc}") from exc
    return sorted(parsed)


def supplemented_years() -> list[int]:
    """Years currently provided by supplements, sorted."""
    return sorted(_supplements)


def clear_supplements() -> None:
    """Forget all supplements (mainly for tests)."""
    _supplements.clear()
