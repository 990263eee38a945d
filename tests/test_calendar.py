"""RULES O8: business days in Asia/Taipei with holidays.TW and staff's overrides."""

import datetime as dt

import pytest
import time_machine
from django.template import Context, Template

from tcloud.core.calendar import TAIPEI, BusinessCalendar, business_deadline, end_of_day
from tcloud.core.models import CalendarDay

D = dt.date


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=TAIPEI)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # Lunar New Year 2022: Jan 31 - Feb 4 off, so Feb 7 is the first day.
        (D(2022, 1, 28), 2, D(2022, 2, 8)),
        # Dragon Boat Festival, Friday 2022-06-03.
        (D(2022, 6, 1), 7, D(2022, 6, 13)),
        # Saturday 2022-01-22 was a make-up working day (補班).
        (D(2022, 1, 21), 1, D(2022, 1, 22)),
    ],
)
def test_O8_nth_business_day_with_real_taiwan_dates(start, n, expected):
    assert business_deadline(at(start), n) == end_of_day(expected)


@pytest.mark.django_db
def test_O8_typhoon_day_entered_by_staff_moves_the_deadline():
    CalendarDay.objects.create(date=D(2022, 6, 7), kind=CalendarDay.Kind.CLOSED, reason="颱風假")
    assert business_deadline(at(D(2022, 6, 1)), 7) == end_of_day(D(2022, 6, 14))


@pytest.mark.django_db
def test_O8_extra_working_day_entered_by_staff_counts():
    # Saturday 2022-06-11 declared a working day: the 7th day comes one day sooner.
    CalendarDay.objects.create(date=D(2022, 6, 11), kind=CalendarDay.Kind.WORKING, reason="補班")
    assert business_deadline(at(D(2022, 6, 1)), 7) == end_of_day(D(2022, 6, 11))


def test_O8_deadline_is_the_last_moment_of_the_day_in_taipei():
    deadline = BusinessCalendar().business_deadline(at(D(2022, 1, 28)), 2)
    assert deadline.tzinfo == TAIPEI
    assert (deadline.hour, deadline.minute, deadline.second) == (23, 59, 59)
    assert deadline + dt.timedelta(microseconds=1) == dt.datetime(2022, 2, 9, tzinfo=TAIPEI)


def test_O8_the_day_is_the_taipei_day_of_the_moment():
    # 2022-01-27 17:30 UTC is already Friday 2022-01-28 01:30 in Taipei.
    moment = dt.datetime(2022, 1, 27, 17, 30, tzinfo=dt.UTC)
    assert BusinessCalendar().business_deadline(moment, 2) == end_of_day(D(2022, 2, 8))


def test_O8_the_start_day_never_counts_even_on_a_weekend():
    # From Saturday 2022-06-04, the first business day is Monday 2022-06-06.
    assert BusinessCalendar().nth_business_day_after(D(2022, 6, 4), 1) == D(2022, 6, 6)


def test_O8_weekends_and_holidays_are_not_business_days():
    cal = BusinessCalendar()
    assert not cal.is_business_day(D(2022, 6, 3))  # Dragon Boat Festival
    assert not cal.is_business_day(D(2022, 6, 4))  # Saturday
    assert cal.is_business_day(D(2022, 1, 22))  # make-up Saturday
    assert cal.is_business_day(D(2022, 6, 2))


def test_O8_naive_moments_are_refused():
    with pytest.raises(ValueError):
        BusinessCalendar().business_deadline(dt.datetime(2022, 1, 28, 10), 2)


@time_machine.travel(dt.datetime(2022, 2, 6, 12, 0, tzinfo=TAIPEI), tick=False)
def test_O8_deadlines_are_shown_as_a_date_and_a_countdown():
    html = Template("{% deadline d %}").render(Context({"d": end_of_day(D(2022, 2, 8))}))
    assert "民國111年2月8日" in html
    assert "剩 2 天 11 小時" in html
    assert 'datetime="2022-02-08T23:59:59.999999+08:00"' in html


@time_machine.travel(dt.datetime(2022, 2, 9, 9, 0, tzinfo=TAIPEI), tick=False)
def test_O8_a_passed_deadline_says_so():
    html = Template("{% deadline d %}").render(Context({"d": end_of_day(D(2022, 2, 8))}))
    assert "已逾期" in html and "deadline-passed" in html
