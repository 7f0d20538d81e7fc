"""The statutory holidays (法定节假日) of a year, by rule: what :func:`zilu.core.deadlines.compute` counts as rest days
beyond the official holiday calendar. No Django here."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from types import MappingProxyType

import chinese_calendar
from lunardate import LunarDate

_FIXED_HOLIDAYS: tuple[tuple[int, int, str], ...] = (
    (1, 1, "元旦"),
    (5, 1, "劳动节"),
    (5, 2, "劳动节"),
    (10, 1, "国庆节"),
    (10, 2, "国庆节"),
    (10, 3, "国庆节"),
)
_LUNAR_HOLIDAYS: tuple[tuple[int, int, str], ...] = (
    (1, 1, "春节"),
    (1, 2, "春节"),
    (1, 3, "春节"),
    (5, 5, "端午节"),
    (8, 15, "中秋节"),
)
_statutory_memo: dict[int, Mapping[date, str]] = {}


def statutory_holidays(year: int) -> Mapping[date, str]:
    """The 13 statutory holidays (法定节假日) of ``year`` under the Measures on National Holidays as amended in 2024,
    in force since 1 January 2025: the fixed-date ones, the lunar-date ones (converted with ``lunardate``, which
    covers 1900-2099), Spring Festival Eve (the day before the first day of the first lunar month, whether the
    twelfth month has 29 or 30 days) and Qingming (the solar term, from ``chinese_calendar``). Not the bridging
    days and adjusted working days the State Council adds each year: those come only with its notice."""
    if year not in _statutory_memo:
        days: dict[date, str] = {date(year, month, day): name for month, day, name in _FIXED_HOLIDAYS}
        for lunar_year in (year - 1, year):  # the lunar year that started in the previous solar year ends in this one
            for month, day, name in _LUNAR_HOLIDAYS:
                solar = LunarDate(lunar_year, month, day).to_solar_date()
                if solar.year == year:
                    days[solar] = name
            eve = LunarDate(lunar_year + 1, 1, 1).to_solar_date() - timedelta(days=1)
            if eve.year == year:
                days[eve] = "春节"
        for day, name in chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 30)):
            if name == "清明":
                days[day] = "清明节"
        _statutory_memo[year] = MappingProxyType(dict(sorted(days.items())))
    return _statutory_memo[year]


__all__ = ["statutory_holidays"]
