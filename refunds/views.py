"""Refund pages: the member's cancel and quote (an order's refund), the vendor's
refund queue, disputes."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.roles import role_required
from orders.views import error_text, member_order
from refunds import services
from refunds.models import Refund
from refunds.selectors import cancellation_quote, refunds_of_vendor
from tcloud.core.errors import RuleError
from tcloud.core.validators import parse_date


@role_required("vendor")
def vendor_refunds(request):
    refunds = refunds_of_vendor(vendor_id=request.user.vendor_id)
    return render(request, "refunds/vendor_refunds.html", {"refunds": refunds})


@role_required("vendor")
@require_POST
def vendor_refund_confirm(request, pk):
    refund = get_object_or_404(Refund, pk=pk, order__vendor_id=request.user.vendor_id)
    try:
        services.refund_confirm(refund=refund, actor=request.user)
    except RuleError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Refund confirmed; the order is refunded."))
    return redirect("vendor_refunds")


def _dispute(request, refund: Refund) -> None:
    try:
        services.refund_dispute(
            refund=refund, actor=request.user, note=request.POST.get("note", "").strip()
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except RuleError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Program staff will look at the refund and contact both sides.")
        )


@role_required("vendor")
@require_POST
def vendor_refund_dispute(request, pk):
    refund = get_object_or_404(Refund, pk=pk, order__vendor_id=request.user.vendor_id)
    _dispute(request, refund)
    return redirect("vendor_refunds")


@role_required("member")
@require_POST
def member_refund_dispute(request, pk):
    """The member says the self-pay refund has not arrived (or is wrong)."""
    refund = get_object_or_404(Refund, order_id=pk, order__business_id=request.user.business_id)
    _dispute(request, refund)
    return redirect("order_detail", pk=pk)


@role_required("member")
@require_POST
def order_cancel(request, pk):
    order = member_order(request, pk)
    try:
        services.order_cancel(
            order=order, actor=request.user, reason=request.POST.get("reason", "").strip()
        )
    except (RuleError, ValidationError) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("The order is cancelled."))
    return redirect("order_detail", pk=pk)


@role_required("member")
def order_refund_quote(request, pk):
    """htmx: the refund quote for a date the member picks (changes nothing)."""
    order = member_order(request, pk)
    # A date outside 1911-2200 (or none) quotes today, as an unreadable one does.
    on = parse_date(request.GET.get("on")) or timezone.localdate()
    try:
        quote = cancellation_quote(order=order, on=on)
    except RuleError as exc:
        return HttpResponse(
            format_html('<div class="alert alert-warning py-2" role="status">{}</div>', exc.message)
        )
    return render(request, "refunds/_quote.html", {"order": order, "quote": quote})
