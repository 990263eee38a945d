"""Pages of the site layer: the landing page, and pages that show more than one
app's things (so no single app could serve them), the admin sign-in and the
error pages."""

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from catalog.selectors import plan_list_recommended, vendor_plan_counts
from members.roles import role_required
from members.selectors import business_stored_reasons
from orders.models import Order
from orders.selectors import order_split, vendor_order_counts
from orders.views import member_order
from points.models import Category
from points.selectors import program_current, submission_latest, wallet_current
from refunds.selectors import order_refund_quote, vendor_refunds_owed
from refunds.settlement.selectors import order_points
from tcloud.core.headers import popups_may_answer


@require_GET
def landing(request):
    """The program explained as the brochure does, with today's figures."""
    program = program_current()
    categories = program.categories.all() if program else Category.objects.all()
    return render(
        request,
        "landing.html",
        {"program": program, "categories": categories},
    )


@role_required("member")
def member_home(request):
    """My account: the business and its stored eligibility, in the reader's language."""
    business = request.user.business
    reasons = business_stored_reasons(business=business) if business else []
    return render(request, "members/home.html", {"business": business, "reasons": reasons})


@role_required("vendor")
def vendor_home(request):
    """The vendor's dashboard: its review status, plans by status, and what waits
    for it in orders and refunds (catalog, orders and refunds together)."""
    vendor = request.user.vendor
    work = vendor_order_counts(vendor=vendor)
    work["refunds_owed"] = vendor_refunds_owed(vendor_id=vendor.pk)
    return render(
        request,
        "catalog/vendor_home.html",
        {
            "vendor": vendor,
            **vendor_plan_counts(vendor=vendor),
            "is_vendor_admin": vendor.admin_user_id == request.user.pk,
            "work": work,
        },
    )


@role_required("member")
def assessment_result(request):
    """The self-assessment's result (points) with the plans it recommends (catalog)."""
    submission = submission_latest(business=request.user.business)
    if submission is None:
        return redirect("points_assessment")
    categories = list(submission.recommended_categories.order_by("position"))
    return render(
        request,
        "points/assessment_result.html",
        {
            "submission": submission,
            "categories": categories,
            "plans": plan_list_recommended(categories=categories),
            "wallet": wallet_current(business=request.user.business),
        },
    )


@role_required("member")
@popups_may_answer
def member_order_detail(request, pk):
    """The member's order page: the order (orders); once paid, what cancelling
    would give back or what its refund is (refunds), and where its points stand
    with the vendor's settlement."""
    order = member_order(request, pk)
    context = {"order": order, "events": order.events.select_related("actor")}
    if order.status == Order.Status.DRAFT:
        context["split"] = order_split(business=order.business, plan=order.plan)
    if order.status in (Order.Status.CONFIRMED, Order.Status.IN_SERVICE):
        context["quote"] = order_refund_quote(order=order, on=timezone.localdate())
    refund = getattr(order, "refund", None) if order.status in ("cancelled", "refunded") else None
    context["refund"] = refund
    context["points"] = order_points(order=order)  # where its points stand (S1-S4)
    return render(request, "orders/order_detail.html", context)


def admin_login(request):
    """The admin's sign-in is the site's (allauth) sign-in.

    Django's own admin login form checks passwords without any lockout; sending
    staff to /accounts/login/?next=... puts them under the same failed-login
    limits, email verification and inactive-account checks as everyone else.
    """
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("admin:index")
    if request.user.is_authenticated:
        if admin.site.has_permission(request):
            return redirect(next_url)
        # Signed in with another role: a 403 that says so, not a login loop.
        raise PermissionDenied(_("The admin is for program staff."))
    return redirect_to_login(next_url, login_url=reverse("account_login"))


def bad_request(request, exception=None):
    """A request Django refused before any view (a form over
    DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields, a bad host...)."""
    if _wants_json(request):
        return JsonResponse({"non_field_errors": [_("The request could not be read.")]}, status=400)
    return render(request, "400.html", status=400)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: the API answers in its own format (a session-signed
    request without the token); pages get the 403 page."""
    if _wants_json(request):
        return JsonResponse(
            {"detail": _("CSRF check failed: send the X-CSRFToken header."), "code": "csrf_failed"},
            status=403,
        )
    return permission_denied(request, PermissionDenied(_("The form expired. Please try again.")))


def permission_denied(request, exception=None):
    """The 403 page: says what happened and where to go, in the user's language."""
    return render(request, "403.html", {"reason": str(exception or "")}, status=403)


def _wants_json(request) -> bool:
    return request.path.startswith("/api/")


@csrf_exempt  # the API's catch-all: an unknown path is a 404 whatever the method
def page_not_found(request, exception=None):
    if _wants_json(request):
        return JsonResponse({"detail": _("Not found."), "code": "not_found"}, status=404)
    return render(request, "404.html", status=404)


def server_error(request):
    if _wants_json(request):
        return JsonResponse(
            {"detail": _("Something went wrong on our side."), "code": "server_error"},
            status=500,
        )
    return render(request, "500.html", status=500)
