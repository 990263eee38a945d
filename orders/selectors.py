"""Reads of the orders app: an order's split and order lists."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, F, QuerySet, When
from django.utils import timezone

from catalog.selectors import plan_is_subsidy_eligible
from orders.models import ORDER_DEADLINES, Order
from points.rules import copay_parts, copay_points
from points.selectors import program_current, wallet_for


@dataclass(frozen=True)
class Split:
    """How a price divides into points and self-pay (RULES O2)."""

    price: int
    points_used: int
    self_pay: int
    wallet_id: int | None
    subsidy_eligible: bool  # the plan may use points (O1)
    available: int  # the member's available points (0 without a valid wallet)
    points_parts: int = 1  # the program's ratio (O9), to say it on the page
    self_pay_parts: int = 1

    @property
    def parts_total(self) -> int:
        return self.points_parts + self.self_pay_parts


def order_split(*, business, plan, now: dt.datetime | None = None) -> Split:
    """The split the member would get for `plan` right now.

    Points apply only to plans in the open program's subsidy zone (O1) and only
    from a wallet that may still be used (`Wallet.usable_at`: T3, T4); the
    amounts follow the program's ratio (`points.rules.copay_points`, O9).
    Otherwise the member pays the full price itself.
    """
    now = now or timezone.now()
    program = program_current(on=timezone.localdate(now))
    eligible = program is not None and plan_is_subsidy_eligible(plan=plan, program=program)
    wallet = wallet_for(business=business, program=program)
    usable = wallet is not None and wallet.usable_at(now)
    available = wallet.available if usable else 0
    points = copay_points(price=plan.price, available=available, program=program) if eligible else 0
    points_parts, self_pay_parts = copay_parts(program)
    return Split(
        price=plan.price,
        points_used=points,
        self_pay=plan.price - points,
        wallet_id=wallet.pk if (usable and points) else None,
        subsidy_eligible=eligible,
        available=available,
        points_parts=points_parts,
        self_pay_parts=self_pay_parts,
    )


def orders_of_business(*, business) -> QuerySet[Order]:
    return Order.objects.filter(business=business).select_related("plan", "vendor")


def orders_of_vendor(*, vendor, status: str | None = None) -> QuerySet[Order]:
    """The vendor's queue: what needs an answer soonest first; drafts are private."""
    qs = (
        Order.objects.filter(vendor=vendor)
        .exclude(status=Order.Status.DRAFT)
        .select_related("plan", "business")
    )
    if status:
        qs = qs.filter(status=status)
    # The first deadline that applies in each status (ORDER_DEADLINES), in SQL.
    next_deadline = Case(
        *(
            When(status=status, then=F(field), **({"invoice_number": ""} if no_invoice else {}))
            for status, rows in ORDER_DEADLINES.items()
            for _label, field, no_invoice in rows
            if field != "service_end"
        )
    )
    return qs.annotate(next_deadline=next_deadline).order_by(
        F("next_deadline").asc(nulls_last=True), "-created_at"
    )


def vendor_order_counts(*, vendor) -> dict[str, int]:
    """What waits for the vendor: orders to answer, payments to confirm, invoices
    to record, services to start, and orders flagged late."""
    from django.db.models import Count, Q

    S = Order.Status
    counts = Order.objects.filter(vendor=vendor).aggregate(
        to_answer=Count("pk", filter=Q(status=S.SUBMITTED)),
        awaiting_payment=Count("pk", filter=Q(status=S.ACCEPTED)),
        to_invoice=Count("pk", filter=Q(status__in=[S.CONFIRMED, S.IN_SERVICE], invoice_number="")),
        to_start=Count("pk", filter=Q(status=S.CONFIRMED)),
        flagged=Count("pk", filter=Q(invoice_late=True) | Q(delivery_late=True)),
    )
    return counts
