"""Deadline sweeps of orders (RULES O4, O5, O6), run by beat and run_deadlines.

Each sweep reads the ids of due orders in one query and applies the rule to
each through its service, one short transaction per order. A second sweeper
running at the same time waits on the row lock, then finds the order already
moved (InvalidState) or flagged, and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.db.models import QuerySet

from orders import services
from orders.models import Order
from tcloud.core.errors import RuleError

log = logging.getLogger(__name__)
S = Order.Status


def _apply(due: QuerySet[Order], service: Callable, now: dt.datetime) -> int:
    changed = 0
    for pk in due.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=500):
        try:
            service(order=pk, now=now)
        except RuleError:
            continue  # moved by someone else meanwhile: nothing to do
        changed += 1
    return changed


def lapse_unanswered(*, now: dt.datetime) -> int:
    """O4: the vendor did not accept or reject in 3 business days."""
    return _apply(
        Order.objects.filter(status=S.SUBMITTED, respond_by__lt=now), services.order_lapse, now
    )


def cancel_unpaid(*, now: dt.datetime) -> int:
    """O5: the member did not pay the self-pay in 2 business days."""
    return _apply(
        Order.objects.filter(status=S.ACCEPTED, pay_by__lt=now), services.order_cancel_unpaid, now
    )


def flag_late_invoices(*, now: dt.datetime) -> int:
    """O6: no invoice 2 business days after payment: flag, never cancel."""
    due = Order.objects.filter(
        status__in=[S.CONFIRMED, S.IN_SERVICE],
        invoice_number="",
        invoice_late=False,
        invoice_by__lt=now,
    )
    return _apply(due, services.order_flag_invoice_late, now)


def flag_late_deliveries(*, now: dt.datetime) -> int:
    """O6: no service start 7 business days after confirmation: flag, never cancel."""
    due = Order.objects.filter(status=S.CONFIRMED, delivery_late=False, deliver_by__lt=now)
    return _apply(due, services.order_flag_delivery_late, now)


def complete_ended(*, now: dt.datetime) -> int:
    """A service whose term has ended is completed."""
    from django.utils import timezone

    due = Order.objects.filter(status=S.IN_SERVICE, service_end__lte=timezone.localdate(now))
    return _apply(due, services.order_complete, now)


def mark_payable(*, now: dt.datetime) -> int:
    """S2: the 7 business days after a service start are over with no open
    problem: the order's points are payable to the vendor (invoice recorded)."""
    due = Order.objects.filter(
        payable_at__isnull=True,
        accept_by__lt=now,
        problem_open=False,
        paid_at__isnull=False,
    ).exclude(invoice_number="")
    return _apply(due, services.order_mark_payable, now)


def remind_acceptance(*, now: dt.datetime) -> int:
    """S2: remind the member to confirm the service (or report a problem) two
    business days before the clock runs out; once."""
    due = Order.objects.filter(
        status=S.IN_SERVICE, accept_remind_at__lt=now, service_confirmed_at__isnull=True
    )
    return _apply(due, services.order_remind_acceptance, now)
