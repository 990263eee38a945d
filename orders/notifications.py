"""The emails of an order's life, each to the party who must act next."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from orders.models import Order
from tcloud.core.outbox import outbox_email
from tcloud.core.templatetags.tcloud import ntd, roc_date


def _vendor_emails(order: Order) -> list[str]:
    return list(order.vendor.users.filter(is_active=True).values_list("email", flat=True))


def _member_emails(order: Order) -> list[str]:
    return [order.placed_by.email]


def _message(order: Order, kind: str, *, note: str = "") -> tuple[list[str], str, str]:
    """(recipients, subject, body) for one kind of email."""
    n, plan = order.number, order.plan_name
    amounts = _("%(price)s = %(points)s points + %(self_pay)s self-pay") % {
        "price": ntd(order.price),
        "points": f"{order.points_used:,}",
        "self_pay": ntd(order.self_pay),
    }
    member, vendor = _member_emails(order), _vendor_emails(order)
    table = {
        "submitted": (
            vendor,
            _("New order %(n)s: answer by %(d)s"),
            _(
                "%(business)s ordered %(plan)s (%(amounts)s). Accept it with a payment "
                "link, or reject it, by %(d)s; otherwise it lapses."
            ),
        ),
        "accepted": (
            member,
            _("Order %(n)s accepted: pay by %(d)s"),
            _(
                "The vendor accepted your order of %(plan)s. Pay the self-pay of "
                "%(self_pay)s by %(d)s through: %(link)s"
            ),
        ),
        "rejected": (
            member,
            _("Order %(n)s was rejected"),
            _(
                "The vendor rejected your order of %(plan)s. Any points it held are "
                "available again."
            ),
        ),
        "lapsed": (
            member + vendor,
            _("Order %(n)s lapsed"),
            _(
                "The vendor did not answer your order of %(plan)s in time. Any points it "
                "held are available again."
            ),
        ),
        "unpaid": (
            member + vendor,
            _("Order %(n)s was cancelled: not paid in time"),
            _(
                "The self-pay of the order of %(plan)s was not paid in time. Any points it "
                "held are available again."
            ),
        ),
        "cancelled_paid": (
            vendor,
            _("Order %(n)s was cancelled after payment"),
            _(
                "The member cancelled its paid order of %(plan)s. See the refund "
                "owed in the vendor portal and confirm once it is paid back."
            ),
        ),
        "withdrawn": (
            vendor,
            _("Order %(n)s was cancelled by the member"),
            _("The member cancelled its order of %(plan)s before paying."),
        ),
        "confirmed": (
            member + vendor,
            _("Order %(n)s confirmed"),
            _(
                "The self-pay of %(plan)s was received. The vendor issues the invoice "
                "by %(invoice_by)s and starts the service by %(deliver_by)s."
            ),
        ),
        "invoiced": (
            member,
            _("Invoice %(invoice)s for order %(n)s"),
            _("The vendor recorded invoice %(invoice)s for %(plan)s."),
        ),
        "started": (
            member,
            _("Your service %(plan)s has started"),
            _(
                "The service of order %(n)s runs from %(start)s to %(end)s. Once it works, "
                "confirm it on the order's page by %(accept_by)s, or report a problem there."
            ),
        ),
        "confirm_reminder": (
            member,
            _("Order %(n)s: does %(plan)s work?"),
            _(
                "Please confirm on the order's page that %(plan)s works, or report a problem, "
                "by %(accept_by)s. Without an answer by then the service counts as accepted "
                "and the vendor is paid the points."
            ),
        ),
        "service_confirmed": (
            vendor,
            _("Order %(n)s: the member confirmed the service"),
            _(
                "%(business)s confirmed that %(plan)s works. Its points are payable to you "
                "once the invoice is recorded, on your next monthly statement."
            ),
        ),
        "service_problem": (
            member + vendor,
            _("Order %(n)s: a problem with the service was reported"),
            _(
                "%(business)s reported that %(plan)s does not work. Program staff will look "
                "into it with both of you; until then the points are not payable."
            ),
        ),
        "problem_resolved": (
            member + vendor,
            _("Order %(n)s: the reported problem is resolved"),
            _("Program staff resolved the problem reported with %(plan)s: %(note)s"),
        ),
        "invoice_late": (
            member,
            _("Order %(n)s: the invoice is late"),
            _(
                "The vendor has not recorded the invoice for %(plan)s by "
                "%(invoice_by)s. Program staff have been alerted."
            ),
        ),
        "delivery_late": (
            member,
            _("Order %(n)s: the service is late"),
            _(
                "The vendor has not started %(plan)s by %(deliver_by)s. Program "
                "staff have been alerted."
            ),
        ),
    }
    recipients, subject, body = table[kind]
    values = {
        "n": n,
        "plan": plan,
        "amounts": amounts,
        "business": order.business.name,
        "self_pay": ntd(order.self_pay),
        "link": order.payment_link or order.payment_options,
        "d": roc_date(order.respond_by if kind == "submitted" else order.pay_by),
        "invoice_by": roc_date(order.invoice_by),
        "deliver_by": roc_date(order.deliver_by),
        "invoice": order.invoice_number,
        "start": roc_date(order.service_start),
        "end": roc_date(order.service_end),
        "accept_by": roc_date(order.accept_by),
        "note": note,
    }
    return recipients, subject % values, body % values


def order_email(order: Order, kind: str, *, note: str = "", key: str = "") -> None:
    """Write the `kind` email of an order to the outbox, in the caller's
    transaction (sent after commit, once: the key is the order and the kind,
    or `key` for a kind that may happen again)."""
    with translation.override(settings.LANGUAGE_CODE):
        recipients, subject, body = _message(order, kind, note=note)
    outbox_email(
        key=f"order:{order.pk}:{key or kind}",
        to=recipients,
        subject=f"[tcloud] {subject}",
        body=body,
    )
