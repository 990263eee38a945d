"""The program's arithmetic rules, one owner each; everyone who shows or charges
an amount calls these (the plan page's preview, the order, the API, the emails).
"""

from __future__ import annotations

# P1's defaults, used only when no program is open to give its own figures.
DEFAULT_POINTS_PER_MEMBER = 30_000
DEFAULT_COPAY = (1, 1)  # points parts : self-pay parts


def copay_parts(program=None) -> tuple[int, int]:
    """The program's co-pay ratio (P1) as (points parts, self-pay parts)."""
    if program is None:
        return DEFAULT_COPAY
    return (program.copay_points_parts, program.copay_self_pay_parts)


def copay_points(*, price: int, available: int, program=None) -> int:
    """RULES O9 (and O2 at 1:1): with a ratio of a points : b self-pay, the points
    an order uses are min(available, floor(price x a / (a + b))); the self-pay is
    the rest of the price. `program` gives the ratio (P1)."""
    points_parts, self_pay_parts = copay_parts(program)
    return max(0, min(int(available), price * points_parts // (points_parts + self_pay_parts)))


def grant_points(program=None) -> int:
    """The points one grant gives: the program's points per member (P1); the
    default only when no program is open."""
    return program.points_per_member if program is not None else DEFAULT_POINTS_PER_MEMBER
