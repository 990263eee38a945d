"""Refund emails, to both sides at each step."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from refunds.models import Refund
from tcloud.core.outbox import outbox_email
from tcloud.core.templatetags.tcloud import ntd


def _message(refund: Refund, kind: str) -> tuple[str, str]:
    order = refund.order
    values = {
        "n": order.number,
        "plan": order.plan_name,
        "money": ntd(refund.self_pay_refund),
        "points": f"{refund.points_returned:,}",
        "months": refund.used_months,
    }
    subjects = {
        "requested": _("Refund for order %(n)s"),
        "settled": _("Refund for order %(n)s settled"),
        "disputed": _("Refund for order %(n)s disputed"),
    }
    bodies = {
        "requested": _(
            "Order %(n)s (%(plan)s) was cancelled after %(months)s month(s) of use. "
            "Self-pay to refund: %(money)s (owed by the vendor). Points returned: "
            "%(points)s."
        ),
        "settled": _("The refund of order %(n)s is settled: %(money)s and %(points)s points."),
        # Past half the term (R4) or after it: no self-pay comes back, so nobody owes.
        "requested_nothing_owed": _(
            "Order %(n)s (%(plan)s) was cancelled after %(months)s month(s) of use. "
            "No self-pay is refunded (more than half the term was used); points "
            "returned: %(points)s. The refund is settled."
        ),
        "disputed": _("The refund of order %(n)s is disputed; program staff will contact you."),
    }
    body = bodies[kind]
    if kind == "requested" and not refund.self_pay_refund:
        body = bodies["requested_nothing_owed"]
    return subjects[kind] % values, body % values


def refund_email(refund: Refund, kind: str) -> None:
    """Write the `kind` email of a refund, to the member and the vendor, to the
    outbox in the caller's transaction (sent after commit, once)."""
    order = refund.order
    recipients = [
        order.placed_by.email,
        *order.vendor.users.filter(is_active=True).values_list("email", flat=True),
    ]
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = _message(refund, kind)
    outbox_email(
        key=f"refund:{refund.pk}:{kind}", to=recipients, subject=f"[tcloud] {subject}", body=body
    )
