"""Pages of the catalog app: the public catalog and the vendor portal.

Views parse input and call services (writes) or selectors (reads). Vendor pages
scope every object to the signed-in user's vendor: another vendor's plan is a
404, whatever the id.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from catalog import cache as page_cache
from catalog import selectors, services
from catalog.forms import (
    CatalogFilterForm,
    InvitationAcceptForm,
    InviteForm,
    PlanForm,
    VendorApplicationForm,
)
from catalog.models import Plan, PlanRevision, Vendor, VendorInvitation
from members.roles import role_required
from points.selectors import program_current
from tcloud.core.errors import RuleError

PAGE_SIZE = 24


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# --------------------------------------------------------------------------- catalog


CSRF_PLACEHOLDER = "__tcloud_catalog_csrf_token__"
_MASKED_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{32,})"')


def _fresh_visitor(request) -> bool:
    """Anonymous, no session and no pending messages: the whole page is the same
    for every such visitor but for the CSRF token, which is filled in per request."""
    return (
        not request.user.is_authenticated
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
    )


def _render_page(request, data: dict) -> HttpResponse:
    return render(
        request,
        "catalog/page.html",
        {"title": data["title"], "body": mark_safe(data["body"])},  # noqa: S308 - our own template output
    )


def _page(request, parts: tuple, build) -> HttpResponse:
    """Render the catalog page whose title and body `build()` makes (cached).

    Fresh anonymous visitors get a cached whole page (the CSRF token swapped in);
    everyone else a cached body inside a freshly rendered base.html.
    """
    if page_cache.seconds() > 0 and _fresh_visitor(request):

        def build_page():
            html = _render_page(request, build()).content.decode()
            token = _MASKED_TOKEN.search(html)
            return {"html": html.replace(token.group(1), CSRF_PLACEHOLDER) if token else html}

        html = page_cache.cached(("page", request.get_full_path(), *parts), build_page)["html"]
        return HttpResponse(html.replace(CSRF_PLACEHOLDER, get_token(request)))
    data = page_cache.cached(parts, build)
    if CSRF_PLACEHOLDER in data["body"]:
        data = {**data, "body": data["body"].replace(CSRF_PLACEHOLDER, get_token(request))}
    return _render_page(request, data)


def _query_key(request) -> str:
    return urlencode(sorted(request.GET.lists()), doseq=True)


def _visitor_key(request, recommended_ids) -> tuple:
    user = request.user
    return (user.is_authenticated, getattr(user, "role", ""), tuple(sorted(recommended_ids)))


@require_GET
def zone(request):
    """The subsidy zone: its categories with plan counts, and recommendations."""
    recommended_ids = selectors.recommended_category_ids(request.user)

    def build():
        program = program_current()
        zone_ids = selectors.zone_category_ids(program=program)
        categories = _facets(zone_ids)["categories"]
        context = {
            "program": program,
            "categories": categories,
            "recommended_plans": selectors.plan_list_recommended(categories=recommended_ids),
            "recommended_ids": recommended_ids,
            "total": sum(c.plan_count for c in categories),
        }
        return {
            "title": program.name if program else _("Subsidy zone"),
            "body": render_to_string("catalog/_zone_body.html", context, request=request),
        }

    return _page(request, ("zone", *_visitor_key(request, recommended_ids)), build)


SORT_LABELS = [
    ("newest", gettext_lazy("Newest")),
    ("price", gettext_lazy("Price: low to high")),
    ("-price", gettext_lazy("Price: high to low")),
    ("term", gettext_lazy("Shortest term")),
    ("name", gettext_lazy("Name")),
]


def _facets(zone_ids) -> dict:
    """The filter choices with their counts: the same for every search, so
    cached once per catalog generation."""
    return page_cache.cached(
        ("facets", tuple(sorted(zone_ids))),
        lambda: {
            "categories": selectors.zone_category_counts(zone_ids=zone_ids),
            "vendors": list(selectors.vendors_with_plans()),
            "terms": selectors.plan_terms_on_sale(),
        },
    )


@require_GET
def plan_list(request):
    """Search, filter, sort and page through the plans on sale."""
    recommended_ids = selectors.recommended_category_ids(request.user)

    def build():
        form = CatalogFilterForm(request.GET)
        form.is_valid()
        filters = form.filters()
        zone_ids = selectors.zone_category_ids()
        qs = selectors.plan_list(**filters, zone_ids=zone_ids)
        page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
        facets = _facets(zone_ids)
        categories = facets["categories"]
        query = request.GET.copy()
        query.pop("page", None)
        current = next((c for c in categories if c.code == filters["category"]), None)
        context = {
            "form": form,
            "filters": filters,
            "page": page,
            "categories": categories,
            "current_category": current,
            "vendors": facets["vendors"],
            "terms": facets["terms"],
            "recommended_ids": recommended_ids,
            "query": query.urlencode(),
            "sorts": SORT_LABELS,
        }
        return {
            "title": current.name if current else _("All plans"),
            "body": render_to_string("catalog/_plan_list_body.html", context, request=request),
        }

    return _page(
        request, ("plans", _query_key(request), *_visitor_key(request, recommended_ids)), build
    )


@require_GET
def plan_detail(request, pk: int):
    """Everything a buyer needs: price, term, what is included, the points split."""
    available = selectors.member_available_points(request.user)
    recommended_ids = selectors.recommended_category_ids(request.user)

    def build():
        plan = selectors.plan_get_on_sale(pk=pk)
        if plan is None:
            raise Http404
        split = selectors.split_preview(
            price=plan.price, available=available, eligible=plan.subsidy_eligible
        )
        more = selectors.plan_list(vendor=plan.vendor_id, sort="price").exclude(pk=plan.pk)[:4]
        context = {
            "plan": plan,
            "split": split,
            "recommended": plan.category_id in recommended_ids,
            "more_plans": more,
            "order_url": reverse("order_new"),
            # The body is cached: the visitor's token is put in when it is served.
            "csrf_placeholder": CSRF_PLACEHOLDER,
        }
        return {
            "title": plan.name,
            "body": render_to_string("catalog/_plan_detail_body.html", context, request=request),
        }

    return _page(
        request,
        ("plan", pk, available, *_visitor_key(request, recommended_ids)),
        build,
    )


@require_GET
def vendor_detail(request, pk: int):
    """A vendor's public page: who it is and its plans on sale."""

    def build():
        vendor = get_object_or_404(Vendor, pk=pk, status=Vendor.Status.APPROVED)
        qs = selectors.plan_list(vendor=vendor.pk, sort=request.GET.get("sort") or "price")
        page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
        context = {"vendor": vendor, "page": page}
        return {
            "title": vendor.name,
            "body": render_to_string("catalog/_vendor_detail_body.html", context, request=request),
        }

    return _page(request, ("vendor", pk, _query_key(request)), build)


# --------------------------------------------------------------------------- joining


@require_http_methods(["GET", "POST"])
def vendor_apply(request):
    """A company applies to become a vendor; staff review it in the admin."""
    if request.user.is_authenticated:
        return redirect("vendor_home" if request.user.role == "vendor" else "home")
    form = VendorApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.vendor_apply(**form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return redirect("vendor_apply_done")
    return render(request, "catalog/vendor_apply.html", {"form": form})


@require_GET
def vendor_apply_done(request):
    return render(request, "catalog/vendor_apply_done.html")


@require_http_methods(["GET", "POST"])
def vendor_invitation(request, token: str):
    """A colleague invited by the vendor's administrator creates an account."""
    invitation = get_object_or_404(VendorInvitation.objects.select_related("vendor"), token=token)
    form = InvitationAcceptForm(request.POST or None)
    problem = None
    if invitation.accepted_at:
        problem = _("This invitation has already been used. Sign in instead.")
    elif request.method == "POST" and form.is_valid():
        try:
            user = services.vendor_invitation_accept(token=token, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        except RuleError as exc:
            problem = exc.message
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Your account is ready."))
            return redirect("vendor_home")
    return render(
        request,
        "catalog/vendor_invitation.html",
        {"invitation": invitation, "form": form, "problem": problem},
    )


# --------------------------------------------------------------------------- vendor portal


@role_required("vendor")
def vendor_plans(request):
    vendor = request.user.vendor
    status = request.GET.get("status") or ""
    qs = selectors.vendor_plans(vendor=vendor).annotate(
        pending_revisions=Count(
            "revisions", filter=Q(revisions__status=PlanRevision.Status.PENDING)
        )
    )
    if status in Plan.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "catalog/vendor_plans.html",
        {
            "vendor": vendor,
            "page": page,
            "status": status,
            "statuses": Plan.Status.choices,
            "query": f"status={status}" if status else "",
        },
    )


def _own_plan(request, pk: int) -> Plan:
    # Scoped by vendor: another vendor's plan is "not found", never "forbidden".
    return get_object_or_404(
        Plan.objects.select_related("category", "vendor"), pk=pk, vendor_id=request.user.vendor_id
    )


@role_required("vendor")
@require_http_methods(["GET", "POST"])
def vendor_plan_new(request):
    vendor = request.user.vendor
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(vendor=vendor, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Plan saved as a draft. Submit it for review when ready."))
            return redirect("vendor_plan", pk=plan.pk)
    return render(request, "catalog/vendor_plan_form.html", {"form": form, "plan": None})


@role_required("vendor")
@require_http_methods(["GET", "POST"])
def vendor_plan_edit(request, pk: int):
    plan = _own_plan(request, pk)
    listed = plan.status == Plan.Status.LISTED
    pending = plan.revisions.filter(status=PlanRevision.Status.PENDING).first() if listed else None
    if plan.status not in (Plan.Status.DRAFT, Plan.Status.CHANGES_REQUESTED, Plan.Status.LISTED):
        messages.error(
            request,
            _("A plan that is %(status)s cannot be edited.")
            % {"status": plan.get_status_display()},
        )
        return redirect("vendor_plan", pk=plan.pk)
    initial = None
    if pending:
        initial = {f: getattr(pending, f) for f in services.PLAN_EDITABLE_FIELDS}
    # With a pending change the form shows it, not the listed values, so edits build on it.
    form = PlanForm(request.POST or None, instance=plan, initial=initial, listed=listed)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        category = data.pop("category", None)
        plan.refresh_from_db()  # the ModelForm wrote the new values onto the instance
        try:
            services.plan_update(
                plan=plan, actor=request.user, category=None if listed else category, **data
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        except RuleError as exc:
            form.add_error(None, exc.message)
        else:
            if listed:
                messages.success(
                    request,
                    _(
                        "Your change was sent to the program office. "
                        "The listed version stays on sale until it is approved."
                    ),
                )
            else:
                messages.success(request, _("Plan saved."))
            return redirect("vendor_plan", pk=plan.pk)
    return render(
        request,
        "catalog/vendor_plan_form.html",
        {"form": form, "plan": plan, "listed": listed, "pending": pending},
    )


@role_required("vendor")
@require_GET
def vendor_plan(request, pk: int):
    plan = _own_plan(request, pk)
    flags = selectors.with_subsidy_flag(
        Plan.objects.filter(pk=plan.pk), selectors.zone_category_ids()
    ).get()
    return render(
        request,
        "catalog/vendor_plan.html",
        {
            "plan": plan,
            "events": plan.events.select_related("actor", "revision"),
            "pending": plan.revisions.filter(status=PlanRevision.Status.PENDING).first(),
            "last_revision": plan.revisions.exclude(status=PlanRevision.Status.PENDING).first(),
            "subsidy_eligible": flags.subsidy_eligible,
            "category_in_zone": flags.in_zone,
        },
    )


@role_required("vendor")
@require_POST
def vendor_plan_submit(request, pk: int):
    plan = _own_plan(request, pk)
    try:
        services.plan_submit(plan=plan, actor=request.user)
    except RuleError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Submitted. The program office will review your plan."))
    return redirect("vendor_plan", pk=plan.pk)


@role_required("vendor")
@require_http_methods(["GET", "POST"])
def vendor_team(request):
    """The vendor's users and invitations; its administrator invites colleagues."""
    vendor = request.user.vendor
    is_admin = vendor.admin_user_id == request.user.pk
    form = InviteForm(request.POST or None)
    if request.method == "POST":
        if not is_admin:
            raise PermissionDenied(_("Only the vendor's administrator invites colleagues."))
        if form.is_valid():
            try:
                services.vendor_invite(
                    vendor=vendor,
                    actor=request.user,
                    email=form.cleaned_data["email"],
                    base_url=request.build_absolute_uri("/").rstrip("/"),
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            except RuleError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Invitation sent."))
                return redirect("vendor_team")
    return render(
        request,
        "catalog/vendor_team.html",
        {
            "vendor": vendor,
            "is_admin": is_admin,
            "users": vendor.users.order_by("email"),
            "invitations": vendor.invitations.filter(accepted_at__isnull=True),
            "form": form,
        },
    )


def catalog_url(**params) -> str:
    """A catalog link with the given filters (templates and tests)."""
    params = {k: v for k, v in params.items() if v not in (None, "")}
    return reverse("catalog_plans") + ("?" + urlencode(params) if params else "")
