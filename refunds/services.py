"""Write paths of refunds: cancelling a paid order and settling its refund.

Refund statuses move by one table (`TRANSITIONS`); each move writes a
`RefundEvent`. The order moves by its own table (orders.services), and the
points by the ledger (points.services), all in the same transaction, and the
refund, the order and the ledger entry reference each other.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.models import Order
from orders.services import TRANSITIONS as TRANSITIONS_OF_ORDERS
from orders.services import order_cancel_paid, order_lock, order_mark_refunded, order_withdraw
from points.services import wallet_return
from refunds.models import Refund, RefundEvent
from refunds.selectors import order_refund_quote
from tcloud.core.errors import InvalidState
from tcloud.core.statemachine import actor_role, check_move, transition

R = Refund.Status

TRANSITIONS = {
    "confirm": transition({R.OWED}, R.SETTLED, "vendor"),
    "dispute": transition({R.OWED}, R.DISPUTED, "member", "vendor"),
    "resolve": transition({R.OWED, R.DISPUTED}, R.SETTLED, "staff"),
}


def _event(refund, *, action, actor, now, source="", note=""):
    RefundEvent.objects.create(
        refund=refund,
        action=action,
        from_status=source,
        to_status=refund.status,
        actor=actor,
        actor_role=actor_role(actor),
        note=note,
        created_at=now,
    )


def _notify(refund: Refund, kind: str) -> None:
    from refunds.tasks import send_refund_email

    send_refund_email.delay_on_commit(refund.pk, kind)


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
        status=R.OWED if owed else R.SETTLED,
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
    _event(refund, action="request", actor=actor, now=now, note=reason)
    if not owed:
        order_mark_refunded(order=order, actor=None, now=now, note=_("Nothing to pay back."))
    _notify(refund, "requested")
    return refund


@transaction.atomic
def order_cancel(
    *, order: Order | int, actor, reason: str = "", now: dt.datetime | None = None
) -> Order:
    """The member cancels: before payment the order is withdrawn and its points
    released (no reason needed); after payment, with a reason, it is cancelled
    and refunded by R1-R7 (`refund_request`). Anything else is `invalid_state`."""
    locked = order_lock(order)
    if locked.status in TRANSITIONS_OF_ORDERS["withdraw"].sources:
        return order_withdraw(order=locked, actor=actor, reason=reason, now=now)
    if locked.status in TRANSITIONS_OF_ORDERS["cancel_paid"].sources:
        # A paid order's refund is owed by the vendor: it should know why.
        if not reason.strip():
            raise ValidationError({"reason": [_("Say why you are cancelling.")]})
        return refund_request(order=locked, actor=actor, reason=reason, now=now).order
    raise InvalidState(
        _("An order that is “%(status)s” cannot be cancelled.")
        % {"status": locked.get_status_display()}
    )


def _move(refund: Refund | int, action: str, *, actor, now, note="") -> Refund:
    rule = TRANSITIONS[action]
    refund = (
        Refund.objects.select_for_update()
        .select_related("order")
        .get(pk=refund.pk if isinstance(refund, Refund) else refund)
    )
    check_move(
        rule,
        actor=actor,
        status=refund.status,
        status_label=refund.get_status_display(),
        business_id=refund.order.business_id,
        vendor_id=refund.order.vendor_id,
    )
    source = refund.status
    refund.status = rule.target
    fields = ["status"]
    if rule.target == R.SETTLED:
        refund.settled_at = now
        fields.append("settled_at")
    refund.save(update_fields=fields)
    _event(refund, action=action, actor=actor, now=now, source=source, note=note)
    return refund


@transaction.atomic
def refund_confirm(*, refund: Refund | int, actor, now: dt.datetime | None = None) -> Refund:
    """The vendor paid the self-pay back: settled, and the order is refunded."""
    now = now or timezone.now()
    refund = _move(refund, "confirm", actor=actor, now=now)
    order_mark_refunded(order=refund.order, actor=actor, now=now)
    _notify(refund, "settled")
    return refund


@transaction.atomic
def refund_dispute(
    *, refund: Refund | int, actor, note: str, now: dt.datetime | None = None
) -> Refund:
    """Either party says something is wrong; staff take it from there."""
    now = now or timezone.now()
    if not note.strip():
        raise ValidationError({"note": [_("Say what is wrong.")]})
    refund = _move(refund, "dispute", actor=actor, now=now, note=note)
    _notify(refund, "disputed")
    return refund


@transaction.atomic
def refund_resolve(
    *, refund: Refund | int, actor, note: str, now: dt.datetime | None = None
) -> Refund:
    """Staff settle an owed or disputed refund with a note (e.g. paid back by
    another channel); the order is refunded."""
    now = now or timezone.now()
    if not note.strip():
        raise ValidationError({"note": [_("Record how it was resolved.")]})
    refund = _move(refund, "resolve", actor=actor, now=now, note=note)
    order_mark_refunded(order=refund.order, actor=actor, now=now, note=note)
    _notify(refund, "settled")
    return refund
