"""The refund quote: what cancelling on a date would give back, changing nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils.translation import gettext as _

from orders.models import Order
from refunds.calculator import RefundQuote, refund_quote
from refunds.models import Refund
from tcloud.core.calendar import TAIPEI
from tcloud.core.errors import InvalidState

PAID = (Order.Status.CONFIRMED, Order.Status.IN_SERVICE)


@dataclass(frozen=True)
class OrderRefundQuote:
    on: dt.date
    quote: RefundQuote
    points_to_wallet: int
    points_to_program: int


def order_refund_quote(*, order: Order, on: dt.date) -> OrderRefundQuote:
    """R1-R7 for `order` cancelled on `on`; R5 decides where the points go:
    back to the wallet while it is valid that day, else to the program."""
    quote = refund_quote(
        self_pay=order.self_pay,
        points=order.points_used,
        term_months=order.term_months,
        service_start=order.service_start,
        cancelled_on=on,
    )
    to_wallet = 0
    if quote.points_returned and order.wallet is not None:
        moment = dt.datetime.combine(on, dt.time(12), tzinfo=TAIPEI)
        if order.wallet.is_valid_at(moment):
            to_wallet = quote.points_returned
    return OrderRefundQuote(
        on=on,
        quote=quote,
        points_to_wallet=to_wallet,
        points_to_program=quote.points_returned - to_wallet,
    )


def cancellation_quote(*, order: Order, on: dt.date) -> OrderRefundQuote:
    """The quote a member asks for before cancelling: only a paid order that is
    still running has one (a cancelled or refunded order already has its refund)."""
    if order.status not in PAID:
        raise InvalidState(
            _("Only a paid order can be cancelled for a refund; this one is “%(status)s”.")
            % {"status": order.get_status_display()}
        )
    return order_refund_quote(order=order, on=on)


def refunds_of_vendor(*, vendor_id: int) -> QuerySet[Refund]:
    """The vendor's refunds: owed first (the work), then disputed, then settled;
    oldest first within each."""
    rank = Case(
        When(status=Refund.Status.OWED, then=Value(0)),
        When(status=Refund.Status.DISPUTED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        Refund.objects.filter(order__vendor_id=vendor_id)
        .select_related("order__business")
        .order_by(rank, "created_at", "pk")
    )


def vendor_refunds_owed(*, vendor_id: int) -> int:
    """How many self-pay refunds the vendor still owes (its dashboard)."""
    return Refund.objects.filter(order__vendor_id=vendor_id, status=Refund.Status.OWED).count()
