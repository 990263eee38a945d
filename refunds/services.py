"""Write paths of refunds: cancelling a paid order and settling its refund.

Refunds move by their machine (`refunds.machines.REFUND`), orders by theirs
(through orders.services), points by the ledger (points.services), all in the
same transaction; the refund, the order and the ledger entry reference each
other. Locks follow tcloud.core.locks: the order before its refund.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.machines import ORDER
from orders.models import Order
from orders.services import order_cancel_paid, order_lock, order_mark_refunded, order_withdraw
from points.services import wallet_return
from refunds.machines import REFUND
from refunds.models import Refund
from refunds.notifications import refund_email
from refunds.selectors import order_refund_quote
from tcloud.core.errors import InvalidState
from tcloud.core.locks import lock_row, one_lock_per_row
from tcloud.core.validators import NOTE_MAX_LENGTH, REASON_MAX_LENGTH, check_lengths


def _notify(refund: Refund, kind: str) -> None:
    refund_email(refund, kind)


@one_lock_per_row()
@transaction.atomic
def refund_request(
    *, order: Order | int, actor, reason: str = "", now: dt.datetime | None = None
) -> Refund:
    """The member cancels a paid order (R1-R7).

    The refund is computed for today (Taipei), the order is cancelled, the
    unused points come back at once (R5: to the wallet while valid, else to
    the program), and the self-pay refund is owed by the vendor. With nothing to
    pay back, the refund is settled and the order refunded at once.
    """

    now = now or timezone.now()
    order = order_cancel_paid(order=order, actor=actor, reason=reason, now=now)
    on = timezone.localdate(now)
    quote = order_refund_quote(order=order, on=on)
    entry = None
    if quote.quote.points_returned:
        entry = wallet_return(
            wallet=order.wallet_id,
            points=quote.quote.points_returned,
            idempotency_key=f"order:{order.pk}:return",
            order_id=order.pk,
            actor=actor,
            reason=f"refund {order.number}",
            now=now,
        )
    to_program = quote.quote.points_returned if entry is not None and entry.to_program else 0
    owed = quote.quote.self_pay_refund > 0
    refund = Refund.objects.create(
        order=order,
        status=Refund.Status.OWED if owed else Refund.Status.SETTLED,
        reason=reason,
        cancelled_on=on,
        term_months=quote.quote.term_months,
        used_months=quote.quote.used_months,
        over_half=quote.quote.over_half,
        self_pay_refund=quote.quote.self_pay_refund,
        points_returned=quote.quote.points_returned,
        points_to_wallet=quote.quote.points_returned - to_program,
        points_to_program=to_program,
        ledger_entry=entry,
        created_at=now,
        settled_at=None if owed else now,
    )
    REFUND.record(refund, "request", actor=actor, now=now, note=reason)
    if not owed:
        order_mark_refunded(order=order, actor=None, now=now, data={"nothing_owed": True})
    _notify(refund, "requested")
    return refund


@one_lock_per_row()
@transaction.atomic
def order_cancel(
    *, order: Order | int, actor, reason: str = "", now: dt.datetime | None = None
) -> Order:
    """The member cancels: before payment the order is withdrawn and its points
    released (no reason needed); after payment, with a reason, it is cancelled
    and refunded by R1-R7 (`refund_request`). Anything else is `invalid_state`."""
    check_lengths(reason=(reason, REASON_MAX_LENGTH))
    order = order_lock(order)
    allowed = ORDER.allowed_actions(order, actor)
    if "withdraw" in allowed:
        return order_withdraw(order=order, actor=actor, reason=reason, now=now)
    if "cancel_paid" in allowed:
        # A paid order's refund is owed by the vendor: it should know why.
        if not reason.strip():
            raise ValidationError({"reason": [_("Say why you are cancelling.")]})
        return refund_request(order=order, actor=actor, reason=reason, now=now).order
    ORDER.check(order, "cancel_paid", actor)  # says why: another party's, or its status
    raise InvalidState(
        _("An order that is “%(status)s” cannot be cancelled.")
        % {"status": order.get_status_display()}
    )


def _refund_lock(refund: Refund | int) -> Refund:
    """The refund's order, then the refund, locked in that order (tcloud.core.locks)."""
    pk = refund.pk if isinstance(refund, Refund) else refund
    order_id = Refund.objects.values_list("order_id", flat=True).get(pk=pk)
    order = order_lock(order_id)
    refund = lock_row(Refund.objects.all(), pk)
    refund.order = order
    return refund


def _settle(refund: Refund, action: str, *, actor, now, note: str = "") -> Refund:
    REFUND.apply(refund, action, actor=actor, now=now, note=note, settled_at=now)
    order_mark_refunded(order=refund.order, actor=actor, now=now, note=note)
    _notify(refund, "settled")
    return refund


@one_lock_per_row()
@transaction.atomic
def refund_confirm(*, refund: Refund | int, actor, now: dt.datetime | None = None) -> Refund:
    """The vendor paid the self-pay back: settled, and the order is refunded."""
    refund = _refund_lock(refund)
    return _settle(refund, "confirm", actor=actor, now=now or timezone.now())


@transaction.atomic
def refund_dispute(
    *, refund: Refund | int, actor, note: str, now: dt.datetime | None = None
) -> Refund:
    """Either party says something is wrong; staff take it from there."""
    if not note.strip():
        raise ValidationError({"note": [_("Say what is wrong.")]})
    check_lengths(note=(note, NOTE_MAX_LENGTH))
    refund = _refund_lock(refund)
    REFUND.apply(refund, "dispute", actor=actor, now=now or timezone.now(), note=note)
    _notify(refund, "disputed")
    return refund


@one_lock_per_row()
@transaction.atomic
def refund_resolve(
    *, refund: Refund | int, actor, note: str, now: dt.datetime | None = None
) -> Refund:
    """Staff settle an owed or disputed refund with a note (e.g. paid back by
    another channel); the order is refunded."""
    if not note.strip():
        raise ValidationError({"note": [_("Record how it was resolved.")]})
    refund = _refund_lock(refund)
    return _settle(refund, "resolve", actor=actor, now=now or timezone.now(), note=note)
