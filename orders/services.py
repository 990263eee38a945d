"""Write paths of the orders app (RULES O1-O8).

Each service locks its order once, then moves it through the order's machine
(`orders.machines.ORDER`), which checks the table, saves and writes the
`OrderEvent`, and so refuses an illegal move with `InvalidState` (API 409
`invalid_state`) having changed nothing. Points move through `points.services`
with idempotency keys derived from the order, so a retried call moves nothing.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.selectors import plan_get_on_sale
from orders.machines import ORDER
from orders.models import Order
from orders.notifications import order_email
from orders.reauth import reauth_check
from orders.selectors import order_split
from points.models import LedgerEntry
from points.services import wallet_hold, wallet_release, wallet_spend
from tcloud.core.calendar import TAIPEI, BusinessCalendar, add_months, business_deadline
from tcloud.core.errors import InvalidState, RuleError
from tcloud.core.locks import lock_row
from tcloud.core.validators import (
    NOTE_MAX_LENGTH,
    REASON_MAX_LENGTH,
    check_dates,
    check_lengths,
)

S = Order.Status
CONTRACT_VERSION = "2022-01"

# O4, O5, O6, S2 (business days).
RESPOND_DAYS = 3
PAY_DAYS = 2
INVOICE_DAYS = 2
DELIVER_DAYS = 7
ACCEPT_DAYS = 7  # S2: after the service start, then the service counts as accepted
REMIND_DAYS = 5  # S2: the member is reminded two business days before that

PAYMENT_LINK_MAX_LENGTH = Order._meta.get_field("payment_link").max_length
INVOICE_NUMBER = re.compile(r"^[A-Z]{2}[0-9]{8}$")


def order_lock(order: Order | int) -> Order:
    """The order's row, locked once per transaction (tcloud.core.locks: orders
    come before refunds, businesses, wallets and programs). The plan and
    business come along for reading, unlocked."""
    return lock_row(Order.objects.all(), order, related=("plan__vendor", "business"))


def _notify(order: Order, kind: str) -> None:
    order_email(order, kind)


def _key(order: Order, step: str) -> str:
    return f"order:{order.pk}:{step}"


def _move_points(order: Order, move, step: str, *, actor, now) -> None:
    """Move the order's points in the ledger (hold, spend, release), keyed by the
    order and the step so that a retried call moves nothing."""
    if order.points_used:
        move(
            wallet=order.wallet_id,
            points=order.points_used,
            idempotency_key=_key(order, step),
            order_id=order.pk,
            actor=actor,
            reason=LedgerEntry.Cause.ORDER,
            now=now,
        )


def _end_unpaid(
    order: Order, action: str, *, actor, now, note: str = "", email: str | None
) -> Order:
    """Close a locked order that was never paid (O4, O5, or the member's own
    cancel): any points it held go back at once."""
    ORDER.apply(order, action, actor=actor, now=now, note=note)
    _move_points(order, wallet_release, "release", actor=actor, now=now)
    if email:
        _notify(order, email)
    return order


def _flag_late(order: Order, field: str, *, now, done: str | None = None) -> Order:
    """Flag a missed vendor deadline of a locked order for staff and tell the
    member, once (O6); nothing happens if it is already flagged or the step
    (`done`) was done."""
    if getattr(order, field) or (done and getattr(order, done)):
        return order
    ORDER.apply(order, f"flag_{field}", actor=None, now=now, **{field: True})
    _notify(order, field)
    return order


# --- member ------------------------------------------------------------------


@transaction.atomic
def order_create(*, user, plan, now: dt.datetime | None = None) -> Order:
    """A draft order of `plan` for the member's business, with the split as of
    now (shown for review; fixed at submission). Anyone may buy any listed plan;
    only subsidy-zone plans use points (O1)."""
    now = now or timezone.now()
    if user.role != "member" or user.business_id is None:
        raise RuleError(_("Only a registered business can order."), code="not_eligible")
    on_sale = plan_get_on_sale(pk=plan.pk)
    if on_sale is None:
        raise RuleError(_("This plan is not on sale."), code="not_on_sale")
    split = order_split(business=user.business, plan=on_sale, now=now)
    order = Order.objects.create(
        business_id=user.business_id,
        placed_by=user,
        plan=on_sale,
        vendor_id=on_sale.vendor_id,
        plan_name=on_sale.name,
        term_months=on_sale.term_months,
        price=on_sale.price,
        points_used=split.points_used,
        self_pay=split.self_pay,
        wallet_id=split.wallet_id,
    )
    ORDER.record(order, "create", actor=user, now=now)
    return order


@transaction.atomic
def order_submit(
    *,
    order: Order | int,
    actor,
    agree_contract: bool,
    verification: dict | None,
    expected_points_used: int | None = None,
    now: dt.datetime | None = None,
) -> Order:
    """Submit a draft (O3): the member agreed to the product contract and passed
    re-authentication; the split is fixed and its points are held; the vendor
    has 3 business days to answer (O4).

    Refused with nothing changed when the contract is not agreed, the
    verification fails, or the split changed since the member reviewed it
    (`amounts_changed`, when the client says what it showed).
    """
    now = now or timezone.now()
    order = order_lock(order)
    if not agree_contract:
        raise ValidationError({"agree_contract": [_("Agree to the product contract to order.")]})
    ORDER.check(order, "submit", actor)
    reauth_check(order=order, user=actor, proof=verification)
    split = order_split(business=order.business, plan=order.plan, now=now)
    if expected_points_used is not None and expected_points_used != split.points_used:
        raise RuleError(
            _("The points available to this order changed. Review the amounts and submit again."),
            code="amounts_changed",
        )
    if order.plan.price != order.price or order.plan.term_months != order.term_months:
        raise RuleError(
            _("The vendor changed this plan. Start a new order to see its current terms."),
            code="amounts_changed",
        )
    ORDER.apply(
        order,
        "submit",
        actor=actor,
        now=now,
        points_used=split.points_used,
        self_pay=split.self_pay,
        wallet_id=split.wallet_id,
        contract_version=CONTRACT_VERSION,
        submitted_at=now,
        respond_by=business_deadline(now, RESPOND_DAYS),
    )
    _move_points(order, wallet_hold, "hold", actor=actor, now=now)
    _notify(order, "submitted")
    return order


@transaction.atomic
def order_withdraw(
    *, order: Order | int, actor, reason: str = "", now: dt.datetime | None = None
) -> Order:
    """The member cancels before paying; held points are released at once."""
    order = order_lock(order)
    return _end_unpaid(
        order,
        "withdraw",
        actor=actor,
        now=now or timezone.now(),
        note=reason,
        email="withdrawn" if order.submitted_at else None,
    )


@transaction.atomic
def order_cancel_paid(
    *, order: Order | int, actor, reason: str = "", now: dt.datetime | None = None
) -> Order:
    """Cancel a paid order; `refunds.services.refund_request` does the money."""
    order = order_lock(order)
    ORDER.apply(order, "cancel_paid", actor=actor, now=now or timezone.now(), note=reason)
    _notify(order, "cancelled_paid")
    return order


@transaction.atomic
def order_mark_refunded(
    *, order: Order | int, actor, now: dt.datetime | None = None, note: str = "", data=None
) -> Order:
    """The refund of a cancelled paid order is settled."""
    order = order_lock(order)
    return ORDER.apply(
        order, "refund", actor=actor, now=now or timezone.now(), note=note, data=data
    )


# --- vendor ------------------------------------------------------------------


def _not_past(deadline: dt.datetime | None, now: dt.datetime) -> None:
    if deadline is not None and now > deadline:
        raise RuleError(_("The deadline for this step has passed."), code="deadline_passed")


@transaction.atomic
def order_accept(
    *,
    order: Order | int,
    actor,
    payment_link: str,
    payment_options: str = "",
    now: dt.datetime | None = None,
) -> Order:
    """The vendor accepts (O4) and says how to pay; the member has 2 business days
    to pay the self-pay (O5). A full self-pay order needs the link too."""
    now = now or timezone.now()
    order = order_lock(order)
    ORDER.check(order, "accept", actor)  # a wrong step says so before the deadline does
    _not_past(order.respond_by, now)
    check_lengths(
        payment_link=(payment_link, PAYMENT_LINK_MAX_LENGTH),
        payment_options=(payment_options, NOTE_MAX_LENGTH),
    )
    if not payment_link and not payment_options:
        raise ValidationError({"payment_link": [_("Give the member a payment link or options.")]})
    if payment_link:
        # The member's page links to it: only web addresses, never javascript: etc.
        try:
            URLValidator(schemes=["https", "http"])(payment_link)
        except ValidationError:
            raise ValidationError(
                {"payment_link": [_("Enter a web address starting with https://.")]}
            ) from None
    ORDER.apply(
        order,
        "accept",
        actor=actor,
        now=now,
        payment_link=payment_link,
        payment_options=payment_options,
        pay_by=business_deadline(now, PAY_DAYS),
    )
    _notify(order, "accepted")
    return order


@transaction.atomic
def order_reject(
    *, order: Order | int, actor, reason: str, now: dt.datetime | None = None
) -> Order:
    """The vendor declines (O4) within its 3 business days; the held points go
    back to the member. After the deadline the order lapses instead (the sweep),
    so a late answer of either kind is refused alike."""
    now = now or timezone.now()
    if not reason.strip():
        raise ValidationError({"reason": [_("Tell the member why.")]})
    check_lengths(reason=(reason, REASON_MAX_LENGTH))
    order = order_lock(order)
    ORDER.check(order, "reject", actor)
    _not_past(order.respond_by, now)
    return _end_unpaid(order, "reject", actor=actor, now=now, note=reason, email="rejected")


@transaction.atomic
def order_confirm_payment(*, order: Order | int, actor, now: dt.datetime | None = None) -> Order:
    """The vendor received the self-pay (O6): the order is confirmed and its held
    points are spent; the invoice is due in 2 business days and the service
    must start within 7."""
    now = now or timezone.now()
    order = order_lock(order)
    calendar = BusinessCalendar.load()
    ORDER.apply(
        order,
        "confirm_payment",
        actor=actor,
        now=now,
        paid_at=now,
        invoice_by=calendar.business_deadline(now, INVOICE_DAYS),
        deliver_by=calendar.business_deadline(now, DELIVER_DAYS),
    )
    _move_points(order, wallet_spend, "spend", actor=actor, now=now)
    _notify(order, "confirmed")
    return order


@transaction.atomic
def order_record_invoice(
    *,
    order: Order | int,
    actor,
    invoice_number: str,
    issued_on: dt.date,
    now: dt.datetime | None = None,
) -> Order:
    """The vendor records the e-invoice (two capital letters and eight digits)."""
    now = now or timezone.now()
    check_dates(issued_on=issued_on)
    invoice_number = (invoice_number or "").strip()
    if not INVOICE_NUMBER.match(invoice_number):
        raise ValidationError(
            {
                "invoice_number": [
                    _(
                        "An e-invoice number is two capital letters and eight digits, "
                        "e.g. AB12345678."
                    )
                ]
            }
        )
    order = order_lock(order)
    if order.paid_at and issued_on < timezone.localdate(order.paid_at):
        raise ValidationError({"issued_on": [_("The invoice cannot predate the payment.")]})
    if order.invoice_number:
        raise InvalidState(_("The invoice of this order is already recorded."))
    ORDER.apply(
        order,
        "invoice",
        actor=actor,
        now=now,
        note=invoice_number,
        invoice_number=invoice_number,
        invoice_issued_on=issued_on,
    )
    _notify(order, "invoiced")
    _payable_if_due(order, now=now)  # the invoice may be the last condition of S2
    return order


@transaction.atomic
def order_start_service(
    *, order: Order | int, actor, service_start: dt.date, now: dt.datetime | None = None
) -> Order:
    """The vendor starts the cloud service; it ends `term_months` later."""
    now = now or timezone.now()
    check_dates(service_start=service_start)
    order = order_lock(order)
    if order.paid_at and service_start < timezone.localdate(order.paid_at):
        raise ValidationError({"service_start": [_("The service cannot start before payment.")]})
    accept_by, remind_at = acceptance_clock(service_start)
    ORDER.apply(
        order,
        "start_service",
        actor=actor,
        now=now,
        service_start=service_start,
        service_end=add_months(service_start, order.term_months),
        accept_by=accept_by,
        accept_remind_at=remind_at,
    )
    if order.deliver_by and service_start > timezone.localdate(order.deliver_by):
        # Recorded in time but starting after the deadline: still late (O6).
        _flag_late(order, "delivery_late", now=now)
    _notify(order, "started")
    return order


# --- deadlines (system) ------------------------------------------------------------


@transaction.atomic
def order_lapse(*, order: Order | int, now: dt.datetime | None = None) -> Order:
    """The vendor did not answer in time (O4): the order lapses, points come back."""
    order = order_lock(order)
    return _end_unpaid(order, "lapse", actor=None, now=now or timezone.now(), email="lapsed")


@transaction.atomic
def order_cancel_unpaid(*, order: Order | int, now: dt.datetime | None = None) -> Order:
    """The self-pay was not paid in time (O5): cancelled, points come back."""
    order = order_lock(order)
    return _end_unpaid(
        order, "cancel_unpaid", actor=None, now=now or timezone.now(), email="unpaid"
    )


@transaction.atomic
def order_flag_invoice_late(*, order: Order | int, now: dt.datetime | None = None) -> Order:
    """The invoice deadline passed (O6): flag for staff and tell the member, once."""
    order = order_lock(order)
    return _flag_late(order, "invoice_late", now=now or timezone.now(), done="invoice_number")


@transaction.atomic
def order_flag_delivery_late(*, order: Order | int, now: dt.datetime | None = None) -> Order:
    """The service did not start in time (O6): flag for staff and tell the member, once."""
    order = order_lock(order)
    return _flag_late(order, "delivery_late", now=now or timezone.now())


@transaction.atomic
def order_complete(*, order: Order | int, now: dt.datetime | None = None) -> Order:
    """The service term ended."""
    order = order_lock(order)
    return ORDER.apply(order, "complete", actor=None, now=now or timezone.now())


# --- service acceptance and payability (RULES S2) ------------------------------


def acceptance_clock(service_start: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """(end of the 7 business days after the service start, when to remind the
    member): S2's clock, from the business calendar (O8)."""
    start = dt.datetime.combine(service_start, dt.time.min, tzinfo=TAIPEI)
    calendar = BusinessCalendar.load()
    return (
        calendar.business_deadline(start, ACCEPT_DAYS),
        calendar.business_deadline(start, REMIND_DAYS),
    )


def _payable_if_due(order: Order, *, now: dt.datetime) -> bool:
    """S2 on the locked order: its points become payable once the self-pay was
    confirmed, the invoice recorded, the service started, and the member
    confirmed it or 7 business days passed since the start with no open problem.
    True when it became payable now."""
    due = (
        order.payable_at is None
        and order.paid_at is not None
        and order.invoice_number
        and order.service_start is not None
        and not order.problem_open
        and (
            order.service_confirmed_at is not None
            or (order.accept_by is not None and now > order.accept_by)
        )
        and "mark_payable" in ORDER.allowed_actions(order, None)
    )
    if due:
        ORDER.apply(order, "mark_payable", actor=None, now=now, payable_at=now)
    return bool(due)


@transaction.atomic
def order_confirm_service(*, order: Order | int, actor, now: dt.datetime | None = None) -> Order:
    """The member confirms the service works (S2, 驗收): a problem it reported is
    closed, and the points become payable to the vendor (once the invoice is in)."""
    now = now or timezone.now()
    order = order_lock(order)
    ORDER.check(order, "confirm_service", actor)
    if order.service_confirmed_at is not None or order.payable_at is not None:
        raise InvalidState(_("This service has already been accepted."))
    ORDER.apply(
        order, "confirm_service", actor=actor, now=now, service_confirmed_at=now, problem_open=False
    )
    _notify(order, "service_confirmed")
    _payable_if_due(order, now=now)
    return order


@transaction.atomic
def order_report_problem(
    *, order: Order | int, actor, reason: str, now: dt.datetime | None = None
) -> Order:
    """The member says the service does not work (S2): a dispute for staff, which
    stops the 7-business-day clock; the points are not payable until staff
    resolve it."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say what does not work.")]})
    check_lengths(reason=(reason, REASON_MAX_LENGTH))
    order = order_lock(order)
    ORDER.check(order, "report_problem", actor)
    if order.payable_at is not None or order.service_confirmed_at is not None:
        raise InvalidState(
            _(
                "This service was already accepted. To stop it, cancel the order for a "
                "refund, or contact us."
            )
        )
    if order.problem_open:
        raise InvalidState(_("A problem with this service is already open with program staff."))
    ORDER.apply(order, "report_problem", actor=actor, now=now, note=reason, problem_open=True)
    _notify(order, "service_problem")
    return order


@transaction.atomic
def order_resolve_problem(
    *, order: Order | int, actor, note: str, now: dt.datetime | None = None
) -> Order:
    """Staff settle a reported problem with a note (S2). The clock runs again: if
    its 7 business days are over, the points are payable at once."""
    now = now or timezone.now()
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": [_("Record how it was resolved.")]})
    check_lengths(note=(note, NOTE_MAX_LENGTH))
    order = order_lock(order)
    ORDER.check(order, "resolve_problem", actor)
    if not order.problem_open:
        raise InvalidState(_("No problem is open on this order."))
    ORDER.apply(order, "resolve_problem", actor=actor, now=now, note=note, problem_open=False)
    order_email(order, "problem_resolved", note=note, key=f"problem_resolved:{now.isoformat()}")
    _payable_if_due(order, now=now)
    return order


@transaction.atomic
def order_mark_payable(*, order: Order | int, now: dt.datetime | None = None) -> Order:
    """The sweep's S2 step: the 7 business days are over (and the rest holds)."""
    order = order_lock(order)
    _payable_if_due(order, now=now or timezone.now())
    return order


@transaction.atomic
def order_remind_acceptance(*, order: Order | int, now: dt.datetime | None = None) -> Order:
    """Remind the member, once, to confirm the service or report a problem (S2)."""
    order = order_lock(order)
    if order.awaiting_confirmation and not order.problem_open and order.accept_remind_at:
        _notify(order, "confirm_reminder")
    order.accept_remind_at = None
    order.save(update_fields=["accept_remind_at", "updated_at"])
    return order
