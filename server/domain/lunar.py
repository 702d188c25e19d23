"""Fair dates on the lunar calendar, and the lesson the program paid for in 2017.

Workers from Dingxi leave for work before the 15th day of the first lunar month (元宵); the
big 2017 fair was held on the 3rd day of the second month, and of 1568 who signed
intentions, 89 came. Workers are home from the twelfth month (腊月) for the Spring Festival:
that is when a fair finds them. Pure functions over the ``lunardate`` tables.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lunardate import LunarDate

from server.domain.reasons import Reason

MONTHS = ("正月", "二月", "三月", "四月", "五月", "六月", "七月", "八月", "九月", "十月", "冬月",
          "腊月")
_TENS = ("初", "十", "廿", "三")
_UNITS = ("十", "一", "二", "三", "四", "五", "六", "七", "八", "九")
LAST_DEPARTURE_DAY = (1, 15)  # 正月十五
WINDOW_OPENS = (12, 1)  # 腊月初一


@dataclass(frozen=True)
class LunarDay:
    year: int
    month: int
    day: int
    leap: bool

    @property
    def text(self) -> str:
        """``农历正月十五``, ``农历闰四月初三``."""
        return f"农历{'闰' if self.leap else ''}{MONTHS[self.month - 1]}{day_name(self.day)}"


def day_name(day: int) -> str:
    if day == 10:
        return "初十"
    if day == 20:
        return "二十"
    if day == 30:
        return "三十"
    return _TENS[day // 10] + _UNITS[day % 10]


def lunar_day(date: dt.date) -> LunarDay:
    lunar = LunarDate.from_solar_date(date.year, date.month, date.day)
    return LunarDay(lunar.year, lunar.month, lunar.day, bool(lunar.is_leap_month))


def recruiting_window(lunar_year: int) -> tuple[dt.date, dt.date]:
    """The solar dates of 腊月初一 of ``lunar_year`` and 正月十五 of the next: when workers are
    home."""
    return (LunarDate(lunar_year, *WINDOW_OPENS).to_solar_date(),
            LunarDate(lunar_year + 1, *LAST_DEPARTURE_DAY).to_solar_date())


def fair_timing_warning(date: dt.date) -> dict | None:
    """A warning for a fair planned after 正月十五 (and before 腊月), with the next good window."""
    lunar = lunar_day(date)
    if (lunar.month, lunar.day) <= LAST_DEPARTURE_DAY or lunar.month >= WINDOW_OPENS[0]:
        return None
    opens, closes = recruiting_window(lunar.year)
    return {
        "field": "date", "code": Reason.AFTER_DEPARTURES,
        "message": f"{date.isoformat()} 是{lunar.text}，已过正月十五：多数务工人员已经外出，"
                   "在家的多不愿远行。"
                   f"建议在 {opens.isoformat()}（腊月初一）至 {closes.isoformat()}（正月十五）"
                   "之间举办。"
                   f" {date.isoformat()} is after the 15th of the first lunar month: most workers "
                   "have left by then."
                   f" Hold it between {opens.isoformat()} and {closes.isoformat()}, when they are "
                   "home.",
        "window": {"opens": opens.isoformat(), "closes": closes.isoformat()},
    }
