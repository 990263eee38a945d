"""The pro-rata refund rule (RULES R1-R7), as a pure function.

Time used runs from the start of the service start date to the end of the
cancellation date. In months it is the whole calendar months elapsed plus the
elapsed fraction of the month in progress; calendar months clamp at month ends
(January 31 + 1 month = February 28/29), always counted from the start date.
Exact arithmetic with `Fraction`: money and points never touch floats.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from tcloud.core.calendar import add_months


def months_used(*, service_start: dt.date, cancelled_on: dt.date) -> Fraction:
    """Time used in months (R2), not rounded; 0 before the service starts (R1)."""
    end = cancelled_on + dt.timedelta(days=1)  # the end of the cancellation day
    if end <= service_start:
        return Fraction(0)
    whole = (end.year - service_start.year) * 12 + end.month - service_start.month
    # The estimate can be one too many when the clamped anniversary is after `end`.
    while add_months(service_start, whole) > end:
        whole -= 1
    month_start = add_months(service_start, whole)
    month_end = add_months(service_start, whole + 1)
    return whole + Fraction((end - month_start).days, (month_end - month_start).days)


@dataclass(frozen=True)
class RefundQuote:
    term_months: int
    used: Fraction  # exact time used in months (R2)
    used_months: int  # rounded up, at most the term
    over_half: bool  # R3/R4
    self_pay_refund: int
    points_returned: int


def refund_quote(
    *,
    self_pay: int,
    points: int,
    term_months: int,
    service_start: dt.date | None,
    cancelled_on: dt.date,
) -> RefundQuote:
    """What comes back when an order paid `self_pay` + `points` is cancelled.

    R1: before the service start date (or with no start yet) everything comes
    back. R2: used self-pay = floor(self-pay x used months / term), points alike.
    R3: not over half the term (exactly half included) -> the unused self-pay and
    points come back. R4: over half -> no self-pay, the unused points.
    R7: after the term, nothing.
    """
    if term_months < 1 or self_pay < 0 or points < 0:
        raise ValueError("term must be at least a month and amounts not negative")
    if service_start is None or cancelled_on < service_start:
        return RefundQuote(term_months, Fraction(0), 0, False, self_pay, points)

    used = months_used(service_start=service_start, cancelled_on=cancelled_on)
    used_months = min(term_months, -(-used.numerator // used.denominator))  # ceil
    over_half = used > Fraction(term_months, 2)
    used_self_pay = self_pay * used_months // term_months
    used_points = points * used_months // term_months
    return RefundQuote(
        term_months=term_months,
        used=used,
        used_months=used_months,
        over_half=over_half,
        self_pay_refund=0 if over_half else self_pay - used_self_pay,
        points_returned=points - used_points,
    )
