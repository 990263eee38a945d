"""Careful reads of settlement: what is payable, a vendor's statements, an
order's points as the vendor sees them, and the conservation check (S6)."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from catalog.models import Vendor
from orders.models import Order
from points.models import LedgerEntry, Program
from refunds.models import Refund
from refunds.settlement.models import Statement, StatementLine
from tcloud.core.calendar import end_of_day

PAYABLE = StatementLine.Kind.PAYABLE
CLAWBACK = StatementLine.Kind.CLAWBACK


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(period: dt.date) -> dt.datetime:
    """The last microsecond of the month `period` starts, Taipei (S3)."""
    last = calendar.monthrange(period.year, period.month)[1]
    return end_of_day(period.replace(day=last))


def previous_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def _stated_without_refund():
    """An order's payable line that did not already deduct its refund."""
    return StatementLine.objects.filter(kind=PAYABLE, order=OuterRef("order"), refund__isnull=True)


def _clawed_back():
    return StatementLine.objects.filter(kind=CLAWBACK, refund=OuterRef("pk"))


def payable_orders(*, until: dt.datetime) -> QuerySet[Order]:
    """Orders whose points became payable by `until` (S2) and are on no
    statement yet (S3), with what they owe: points used less any refund's
    returned points so far (S4: a refund before stating lowers the payable)."""
    return (
        Order.objects.filter(payable_at__lte=until, points_used__gt=0)
        .exclude(Exists(StatementLine.objects.filter(kind=PAYABLE, order=OuterRef("pk"))))
        .annotate(returned=Coalesce("refund__points_returned", 0))
    )


def pending_clawbacks(*, until: dt.datetime) -> QuerySet[Refund]:
    """Refunds, by `until`, that return points of an order already stated
    without them, and not clawed back yet (S4)."""
    return (
        Refund.objects.filter(points_returned__gt=0, created_at__lte=until)
        .filter(Exists(_stated_without_refund()))
        .exclude(Exists(_clawed_back()))
        .select_related("order__wallet")
    )


def statements_of_vendor(*, vendor_id: int) -> QuerySet[Statement]:
    return Statement.objects.filter(vendor_id=vendor_id).select_related("program")


def statement_lines(*, statement: Statement) -> QuerySet[StatementLine]:
    return statement.lines.select_related("order").order_by("kind", "order_id")


@dataclass(frozen=True)
class OrderPoints:
    """Where an order's points stand for its vendor (the member's order page)."""

    spent: int
    returned: int
    payable_at: dt.datetime | None
    stated_in: str | None  # the period "YYYY-MM" of the statement that pays them
    clawed_back: int
    clawed_in: str | None


def order_points(*, order: Order) -> OrderPoints | None:
    """None for an order whose points were never spent."""
    if not order.points_used or order.paid_at is None:
        return None
    returned = getattr(getattr(order, "refund", None), "points_returned", 0) or 0
    lines = {
        line.kind: line
        for line in StatementLine.objects.filter(order=order).select_related("statement")
    }
    payable, clawback = lines.get(PAYABLE), lines.get(CLAWBACK)
    return OrderPoints(
        spent=order.points_used,
        returned=returned,
        payable_at=order.payable_at,
        stated_in=payable.statement.period_label if payable else None,
        clawed_back=clawback.points if clawback else 0,
        clawed_in=clawback.statement.period_label if clawback else None,
    )


@dataclass(frozen=True)
class VendorBalance:
    """S6 for one vendor in one program: spent - returned (the ledger) must equal
    stated + payable not yet stated + not yet payable (the orders and statements)."""

    vendor_id: int
    vendor_name: str
    spent: int
    returned: int
    stated: int
    payable: int
    not_yet_payable: int

    @property
    def ledger_net(self) -> int:
        return self.spent - self.returned

    @property
    def accounted(self) -> int:
        return self.stated + self.payable + self.not_yet_payable

    @property
    def difference(self) -> int:
        return self.ledger_net - self.accounted

    @property
    def balanced(self) -> bool:
        return self.difference == 0


def conservation(*, program: Program) -> list[VendorBalance]:
    """S6 per vendor of `program`, a fixed number of queries whatever its size."""
    figures: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    names: dict[int, str] = {}
    # The ledger: points spent on and returned from each vendor's orders.
    vendor_of_order = Order.objects.filter(pk=OuterRef("order_id")).values("vendor_id")[:1]
    for vendor_id, kind, points in (
        LedgerEntry.objects.filter(
            wallet__program=program, kind__in=[LedgerEntry.Kind.SPEND, LedgerEntry.Kind.RETURN]
        )
        .annotate(vendor_id=Subquery(vendor_of_order))
        .values_list("vendor_id", "kind")
        .annotate(points=Sum("points"))
        .order_by()
    ):
        figures[vendor_id]["spent" if kind == LedgerEntry.Kind.SPEND else "returned"] += points
    # On statements: payable lines less clawbacks.
    for vendor_id, kind, points in (
        StatementLine.objects.filter(statement__program=program)
        .values_list("statement__vendor_id", "kind")
        .annotate(points=Sum("points"))
        .order_by()
    ):
        figures[vendor_id]["stated"] += points if kind == PAYABLE else -points
    # Paid orders not stated: payable (S2 met) or not yet.
    paid = Order.objects.filter(wallet__program=program, paid_at__isnull=False, points_used__gt=0)
    net = F("points_used") - Coalesce("refund__points_returned", 0)
    for row in (
        paid.exclude(Exists(StatementLine.objects.filter(kind=PAYABLE, order=OuterRef("pk"))))
        .values("vendor_id", "vendor__name")
        .annotate(
            payable=Coalesce(Sum(net, filter=Q(payable_at__isnull=False)), 0),
            not_yet=Coalesce(Sum(net, filter=Q(payable_at__isnull=True)), 0),
        )
        .order_by()
    ):
        names[row["vendor_id"]] = row["vendor__name"]
        figures[row["vendor_id"]]["payable"] += row["payable"]
        figures[row["vendor_id"]]["not_yet_payable"] += row["not_yet"]
    # Refunds of stated orders not clawed back yet: payable, negatively.
    for vendor_id, points in (
        Refund.objects.filter(order__wallet__program=program, points_returned__gt=0)
        .filter(Exists(_stated_without_refund()))
        .exclude(Exists(_clawed_back()))
        .values_list("order__vendor_id")
        .annotate(points=Sum("points_returned"))
        .order_by()
    ):
        figures[vendor_id]["payable"] -= points
    missing = set(figures) - set(names)
    if missing:
        names.update(Vendor.objects.filter(pk__in=missing).values_list("pk", "name"))
    return [
        VendorBalance(
            vendor_id=vendor_id,
            vendor_name=names.get(vendor_id, str(vendor_id)),
            spent=f["spent"],
            returned=f["returned"],
            stated=f["stated"],
            payable=f["payable"],
            not_yet_payable=f["not_yet_payable"],
        )
        for vendor_id, f in sorted(figures.items(), key=lambda kv: names.get(kv[0], ""))
    ]
