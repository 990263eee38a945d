"""The business calendar (RULES O8), in Asia/Taipei.

Business days are Monday to Friday minus Taiwan's national holidays plus make-up
working Saturdays (both from `holidays.TW`), adjusted by the closure days
(typhoon days) and extra working days staff enter in admin (`CalendarDay`).

"Within N business days of D" means by the end of the Nth business day after the
day of D; `business_deadline` returns that end as an aware datetime (the last
microsecond of the day, Taipei time), which is what deadline columns store.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from holidays.countries import Taiwan

TAIPEI = ZoneInfo("Asia/Taipei")


class _TaiwanCalendar(Taiwan):
    """`holidays.TW` whose working days honour staff's closures and extra days."""

    def __init__(self, *, closed: frozenset[dt.date], working: frozenset[dt.date]):
        self._closed = closed
        self._working = working
        super().__init__()

    def is_working_day(self, key) -> bool:
        day = self.__keytransform__(key)
        if day in self._working:
            return True
        if day in self._closed:
            return False
        return super().is_working_day(day)


@lru_cache(maxsize=1)
def _national() -> holidays.HolidayBase:
    return holidays.TW()


@dataclass(frozen=True)
class BusinessCalendar:
    closed: frozenset[dt.date] = field(default_factory=frozenset)
    working: frozenset[dt.date] = field(default_factory=frozenset)

    @classmethod
    def load(cls) -> BusinessCalendar:
        """The calendar with the overrides staff entered (one query)."""
        from tcloud.core.models import CalendarDay

        closed, working = set(), set()
        for day, kind in CalendarDay.objects.values_list("date", "kind"):
            (closed if kind == CalendarDay.Kind.CLOSED else working).add(day)
        return cls(closed=frozenset(closed), working=frozenset(working))

    @property
    def _tw(self) -> _TaiwanCalendar:
        return _calendar_for(self.closed, self.working)

    def is_business_day(self, day: dt.date) -> bool:
        return self._tw.is_working_day(day)

    def holiday_name(self, day: dt.date) -> str | None:
        if day in self.closed:
            return "closed"
        return _national().get(day)

    def nth_business_day_after(self, day: dt.date, n: int) -> dt.date:
        """The Nth business day after `day` (n >= 1); `day` itself never counts."""
        if n < 1:
            raise ValueError("n must be at least 1")
        return self._tw.get_nth_working_day(day, n)

    def business_deadline(self, moment: dt.datetime, n: int) -> dt.datetime:
        """The end of the Nth business day after the (Taipei) day of `moment`."""
        if moment.tzinfo is None:
            raise ValueError("moment must be timezone-aware")
        local_day = moment.astimezone(TAIPEI).date()
        return end_of_day(self.nth_business_day_after(local_day, n))


@lru_cache(maxsize=32)
def _calendar_for(closed: frozenset[dt.date], working: frozenset[dt.date]) -> _TaiwanCalendar:
    return _TaiwanCalendar(closed=closed, working=working)


def end_of_day(day: dt.date) -> dt.datetime:
    """The last microsecond of `day` in Taipei."""
    return dt.datetime.combine(day, dt.time.max, tzinfo=TAIPEI)


def business_deadline(moment: dt.datetime, n: int) -> dt.datetime:
    """End of the Nth business day after `moment`, with staff's overrides."""
    return BusinessCalendar.load().business_deadline(moment, n)


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus whole calendar months, clamped to the end of a shorter month
    (January 31 + 1 month = February 28 or 29; RULES R2, T3, T4)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
