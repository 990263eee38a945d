"""RULES R1-R7: the pro-rata refund calculator, table-tested."""

import datetime as dt
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from refunds.calculator import add_months, months_used, refund_quote

D = dt.date


def quote(start, on, *, self_pay=30_000, points=30_000, term=6):
    return refund_quote(
        self_pay=self_pay, points=points, term_months=term, service_start=start, cancelled_on=on
    )


def test_R6_brochure_example_cancelled_july_15_two_months_not_over_half():
    q = quote(D(2022, 6, 1), D(2022, 7, 15))
    assert (q.used_months, q.over_half) == (2, False)
    assert (q.self_pay_refund, q.points_returned) == (20_000, 20_000)


def test_R6_brochure_example_cancelled_october_15_five_months_over_half():
    q = quote(D(2022, 6, 1), D(2022, 10, 15))
    assert (q.used_months, q.over_half) == (5, True)
    assert (q.self_pay_refund, q.points_returned) == (0, 5_000)


def test_R3_exactly_half_is_not_over_half():
    q = quote(D(2022, 6, 1), D(2022, 8, 31))
    assert q.used == 3
    assert (q.used_months, q.over_half) == (3, False)
    assert (q.self_pay_refund, q.points_returned) == (15_000, 15_000)


def test_R4_one_day_past_half_refunds_no_self_pay():
    q = quote(D(2022, 6, 1), D(2022, 9, 1))
    assert q.used == 3 + Fraction(1, 30)
    assert (q.used_months, q.over_half) == (4, True)
    assert (q.self_pay_refund, q.points_returned) == (0, 10_000)


def test_R1_cancelling_before_the_start_returns_everything():
    assert (quote(D(2022, 6, 1), D(2022, 5, 31)).self_pay_refund,) == (30_000,)
    q = quote(None, D(2022, 5, 31))
    assert (q.used_months, q.self_pay_refund, q.points_returned) == (0, 30_000, 30_000)


def test_R2_cancelling_on_the_start_day_uses_one_started_month():
    q = quote(D(2022, 6, 1), D(2022, 6, 1))
    assert q.used == Fraction(1, 30)
    assert (q.used_months, q.self_pay_refund, q.points_returned) == (1, 25_000, 25_000)


def test_R7_after_the_term_nothing_comes_back():
    for on in (D(2022, 11, 30), D(2022, 12, 1), D(2023, 6, 1)):
        q = quote(D(2022, 6, 1), on)
        assert (q.used_months, q.self_pay_refund, q.points_returned) == (6, 0, 0), on


def test_R2_months_clamp_at_month_ends_from_a_start_on_the_31st():
    # Jan 31 + 1 month = Feb 28 (2022): the whole first month ends with Feb 27.
    assert months_used(service_start=D(2022, 1, 31), cancelled_on=D(2022, 2, 27)) == 1
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    # Then Feb 28 -> Mar 31 is the second month (31 days in it).
    assert months_used(service_start=D(2022, 1, 31), cancelled_on=D(2022, 3, 1)) == 1 + Fraction(
        2, 31
    )
    # Jan 31 + 3 months = Apr 30: cancelling Apr 29 is exactly half of 6 months.
    q = quote(D(2022, 1, 31), D(2022, 4, 29), term=6)
    assert (q.used, q.over_half) == (3, False)
    q = quote(D(2022, 1, 31), D(2022, 4, 30), term=6)
    assert (q.used, q.over_half) == (3 + Fraction(1, 31), True)


@pytest.mark.parametrize(
    ("term", "on", "used_months", "over_half", "self_pay_refund", "points_returned"),
    [
        # 3-month term, NT$10,001 self-pay and 10,001 points: floors never overpay.
        (3, D(2022, 6, 10), 1, False, 10_001 - 3_333, 10_001 - 3_333),
        (3, D(2022, 7, 16), 2, True, 0, 10_001 - 6_667),
        # 5-month term: half is 2.5 months.
        (5, D(2022, 8, 15), 3, False, 10_001 - 6_000, 10_001 - 6_000),
        (5, D(2022, 8, 16), 3, True, 0, 10_001 - 6_000),
        # 12-month term.
        (12, D(2022, 11, 30), 6, False, 10_001 - 5_000, 10_001 - 5_000),
        (12, D(2022, 12, 1), 7, True, 0, 10_001 - 5_833),
    ],
)
def test_R2_R3_R4_odd_terms_and_amounts_that_do_not_divide(
    term, on, used_months, over_half, self_pay_refund, points_returned
):
    q = quote(D(2022, 6, 1), on, self_pay=10_001, points=10_001, term=term)
    assert (q.used_months, q.over_half, q.self_pay_refund, q.points_returned) == (
        used_months,
        over_half,
        self_pay_refund,
        points_returned,
    )


@given(
    start=st.dates(min_value=D(2020, 1, 1), max_value=D(2030, 12, 31)),
    offset=st.integers(min_value=-40, max_value=800),
    term=st.integers(min_value=1, max_value=36),
    self_pay=st.integers(min_value=0, max_value=500_000),
    points=st.integers(min_value=0, max_value=30_000),
)
def test_R2_refunds_are_bounded_and_never_grow_with_time(start, offset, term, self_pay, points):
    on = start + dt.timedelta(days=offset)
    q = quote(start, on, self_pay=self_pay, points=points, term=term)
    later = quote(start, on + dt.timedelta(days=1), self_pay=self_pay, points=points, term=term)
    assert 0 <= q.self_pay_refund <= self_pay and 0 <= q.points_returned <= points
    assert later.self_pay_refund <= q.self_pay_refund
    assert later.points_returned <= q.points_returned
    assert 0 <= q.used_months <= term
    if q.used_months == term:
        assert (q.self_pay_refund, q.points_returned) == (0, 0)
