"""The refund quote: what cancelling on a date would give back, changing nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from orders.models import Order
from refunds.calculator import RefundQuote, refund_quote
from tcloud.calendar import TAIPEI

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
