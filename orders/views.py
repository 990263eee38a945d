"""Order pages: the member's review, submit and "My orders"; the vendor's queue."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from catalog.selectors import plan_get_on_sale
from members import signer
from members.roles import role_required
from orders import services
from orders.models import Order
from orders.reauth import PROOF_FIELDS, reauth_start
from orders.selectors import orders_of_business, orders_of_vendor
from tcloud.core.errors import RuleError


def error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


def member_order(request, pk) -> Order:
    # Another business's order is "not found", never "forbidden".
    qs = Order.objects.select_related("plan", "vendor", "business", "wallet")
    return get_object_or_404(qs, pk=pk, business_id=request.user.business_id)


def _vendor_order(request, pk) -> Order:
    qs = Order.objects.select_related("plan", "business").exclude(status=Order.Status.DRAFT)
    return get_object_or_404(qs, pk=pk, vendor_id=request.user.vendor_id)


# --- member ----------------------------------------------------------------------


@role_required("member")
@require_POST
def order_new(request):

    # Only a plan on sale can be ordered; any other id is "not found", whether
    # the plan exists unlisted or not at all (no existence oracle).
    raw = request.POST.get("plan", "")
    plan = plan_get_on_sale(pk=int(raw)) if raw.isdigit() and len(raw) < 10 else None
    if plan is None:
        raise Http404
    try:
        order = services.order_create(user=request.user, plan=plan)
    except RuleError as exc:
        messages.error(request, exc.message)
        return redirect(request.POST.get("next") or "home")
    return redirect("order_detail", pk=order.pk)


@role_required("member")
def my_orders(request):
    orders = orders_of_business(business=request.user.business).order_by("-created_at")
    return render(request, "orders/my_orders.html", {"orders": orders})


@role_required("member")
@require_POST
def order_verification(request, pk):
    """htmx: start the re-authentication and show what to do next."""
    order = member_order(request, pk)
    try:
        info = reauth_start(order=order, user=request.user, ip=request.META.get("REMOTE_ADDR", ""))
    except RuleError as exc:
        context = {"info": None, "message": exc.message, "level": "danger"}
    else:
        context = {
            "info": info,
            "message": info["message"],
            "level": "info",
            "signer": signer.page_data(),
        }
    return render(request, "orders/_reauth.html", context)


@role_required("member")
@require_POST
def order_confirm_service(request, pk):
    """The member confirms the service works (S2)."""
    order = member_order(request, pk)
    try:
        services.order_confirm_service(order=order, actor=request.user)
    except (RuleError, ValidationError) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Thank you: the service is confirmed."))
    return redirect("order_detail", pk=pk)


@role_required("member")
@require_POST
def order_service_problem(request, pk):
    """The member reports that the service does not work (S2): staff step in."""
    order = member_order(request, pk)
    try:
        services.order_report_problem(
            order=order, actor=request.user, reason=request.POST.get("reason", "")
        )
    except (RuleError, ValidationError) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Program staff will look into it with you and the vendor."))
    return redirect("order_detail", pk=pk)


@role_required("member")
@require_POST
@sensitive_post_parameters("code", "signature")
def order_submit(request, pk):
    order = member_order(request, pk)
    expected = request.POST.get("points_used")
    try:
        services.order_submit(
            order=order,
            actor=request.user,
            agree_contract=request.POST.get("agree_contract") == "on",
            verification={
                name: request.POST.get(name, "").strip()
                for name in PROOF_FIELDS
                if name != "chain" and request.POST.get(name, "").strip()
            },
            expected_points_used=int(expected) if expected and expected.isdigit() else None,
        )
    except (RuleError, ValidationError) as exc:
        messages.error(request, error_text(exc))
        return redirect("order_detail", pk=pk)
    messages.success(request, _("Order submitted. The vendor answers within 3 business days."))
    return redirect("order_detail", pk=pk)


# --- vendor ----------------------------------------------------------------------


@role_required("vendor")
def vendor_orders(request):
    wanted = request.GET.get("status") or None
    if wanted not in Order.Status.values:
        wanted = None
    orders = orders_of_vendor(vendor=request.user.vendor, status=wanted)
    return render(
        request,
        "orders/vendor_orders.html",
        {
            "orders": orders,
            "wanted": wanted,
            "statuses": [(v, lbl) for v, lbl in Order.Status.choices if v != Order.Status.DRAFT],
        },
    )


@role_required("vendor")
def vendor_order_detail(request, pk):
    order = _vendor_order(request, pk)
    return render(
        request,
        "orders/vendor_order_detail.html",
        {
            "order": order,
            "events": order.events.select_related("actor"),
            "today": timezone.localdate(),
        },
    )


@role_required("vendor")
@require_POST
def vendor_order_action(request, pk, action):
    order = _vendor_order(request, pk)
    post = request.POST
    try:
        if action == "accept":
            services.order_accept(
                order=order,
                actor=request.user,
                payment_link=post.get("payment_link", "").strip(),
                payment_options=post.get("payment_options", "").strip(),
            )
        elif action == "reject":
            services.order_reject(
                order=order, actor=request.user, reason=post.get("reason", "").strip()
            )
        elif action == "confirm-payment":
            services.order_confirm_payment(order=order, actor=request.user)
        elif action == "invoice":
            services.order_record_invoice(
                order=order,
                actor=request.user,
                invoice_number=post.get("invoice_number", "").strip().upper(),
                issued_on=_date(post.get("issued_on"), "issued_on"),
            )
        elif action == "start-service":
            services.order_start_service(
                order=order,
                actor=request.user,
                service_start=_date(post.get("service_start"), "service_start"),
            )
        else:
            return HttpResponse(status=404)
    except (RuleError, ValidationError) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Saved."))
    return redirect("vendor_order_detail", pk=pk)


def _date(raw: str | None, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw or "")
    except ValueError:
        raise ValidationError({field: [_("Enter a date (YYYY-MM-DD).")]}) from None
