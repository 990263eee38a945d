"""Staff review vendors, plans and changes to listed plans here.

Status columns are read-only: every decision goes through a review page that
calls the matching service (one transition, one event row, a note the vendor
sees).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from catalog import services
from catalog.forms import ReviewForm
from catalog.machines import PLAN, VENDOR
from catalog.models import (
    Plan,
    PlanEvent,
    PlanRevision,
    Vendor,
    VendorEvent,
    VendorInvitation,
)
from tcloud.core.admin import EventInline
from tcloud.core.errors import RuleError


class ReviewMixin:
    """Adds `<id>/review/` with a decision + note form that calls a service."""

    review_decisions: dict[str, tuple[str, str]] = {}  # status -> [(decision, label)]

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        return [
            path(
                "<path:object_id>/review/",
                self.admin_site.admin_view(self.review_view),
                name="{}_{}_review".format(*info),
            )
        ] + super().get_urls()

    def review_url(self, obj) -> str:
        info = self.model._meta.app_label, self.model._meta.model_name
        return reverse("admin:{}_{}_review".format(*info), args=[obj.pk])

    @admin.display(description=_("review"))
    def review_link(self, obj):
        if obj is None or not obj.pk or not self.decisions_for(obj):
            return "—"
        return format_html(
            '<a class="button" href="{}">{}</a>', self.review_url(obj), gettext("Review")
        )

    def decisions_for(self, obj) -> list[tuple[str, str]]:
        raise NotImplementedError

    def apply_decision(self, request, obj, decision: str, note: str) -> None:
        raise NotImplementedError

    def review_details(self, obj) -> dict:
        return {}

    def review_view(self, request, object_id):
        obj = get_object_or_404(self.model, pk=object_id)
        if not self.has_change_permission(request, obj):
            return redirect("admin:index")
        back = reverse(
            f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_changelist"
        )
        decisions = self.decisions_for(obj)
        if not decisions:
            messages.info(request, gettext("Nothing to review here."))
            return redirect(back)
        form = ReviewForm(request.POST or None, decisions=decisions)
        if request.method == "POST" and form.is_valid():
            try:
                self.apply_decision(
                    request, obj, form.cleaned_data["decision"], form.cleaned_data["note"]
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            except RuleError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, gettext("Decision saved: %(obj)s") % {"obj": obj})
                return redirect(back)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Review %(obj)s") % {"obj": obj},
            "form": form,
            "object": obj,
            "back_url": back,
            **self.review_details(obj),
        }
        return TemplateResponse(request, "catalog/admin_review.html", context)


class VendorEventInline(EventInline):
    model = VendorEvent


@admin.register(Vendor)
class VendorAdmin(ReviewMixin, admin.ModelAdmin):
    list_display = ["name", "tax_id", "status", "created_at", "review_link"]
    list_filter = ["status"]
    search_fields = ["name", "tax_id"]
    inlines = [VendorEventInline]
    readonly_fields = [
        "review_link",
        "tax_id",
        "name",
        "status",
        "admin_user",
        "review_note",
        "reviewed_at",
        "representative",
        "address",
        "phone",
        "website",
        "description",
        "contact_name",
        "contact_email",
        "contact_phone",
        "bank_code",
        "bank_branch",
        "bank_account_name",
        "bank_account_number",
        "created_at",
    ]
    fieldsets = [
        (None, {"fields": ["review_link", "status", "review_note", "reviewed_at"]}),
        (
            _("Company"),
            {
                "fields": [
                    "tax_id",
                    "name",
                    "representative",
                    "address",
                    "phone",
                    "website",
                    "description",
                ]
            },
        ),
        (
            _("Contact"),
            {"fields": ["contact_name", "contact_email", "contact_phone", "admin_user"]},
        ),
        (
            _("Settlement account"),
            {"fields": ["bank_code", "bank_branch", "bank_account_name", "bank_account_number"]},
        ),
    ]

    def has_add_permission(self, request):
        # Vendors apply through /vendor/apply/ (or seed data), never typed in here.
        return False

    def decisions_for(self, obj):
        actions = VENDOR.allowed_actions(obj, None, role="staff")
        labels = {"approve": gettext("Approve"), "reject": gettext("Reject")}
        return [(a, labels[a]) for a in actions]

    def apply_decision(self, request, obj, decision, note):
        if decision == "approve":
            services.vendor_approve(vendor=obj, actor=request.user, note=note)
        else:
            services.vendor_reject(vendor=obj, actor=request.user, note=note)

    def review_details(self, obj):
        fields = [
            "tax_id",
            "name",
            "representative",
            "address",
            "phone",
            "website",
            "contact_name",
            "contact_email",
            "contact_phone",
            "bank_code",
            "bank_branch",
            "bank_account_name",
            "bank_account_number",
            "description",
        ]
        return {"details": [(obj._meta.get_field(f).verbose_name, getattr(obj, f)) for f in fields]}


class PlanEventInline(EventInline):
    model = PlanEvent


PLAN_DECISION_LABELS = {
    "approve": _("Approve and list"),
    "request_changes": _("Request changes"),
    "reject": _("Reject"),
}


@admin.register(Plan)
class PlanAdmin(ReviewMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "vendor",
        "category",
        "price",
        "term_months",
        "status",
        "excluded_from_zone",
        "review_link",
    ]
    list_filter = ["status", "category", "excluded_from_zone"]
    search_fields = ["name", "vendor__name", "vendor__tax_id"]
    list_select_related = ["vendor", "category"]
    inlines = [PlanEventInline]
    readonly_fields = [
        "review_link",
        "vendor",
        "category",
        "name",
        "summary",
        "description",
        "specification",
        "price",
        "term_months",
        "status",
        "review_note",
        "listed_at",
        "created_at",
        "updated_at",
    ]
    fields = [
        "review_link",
        "status",
        "review_note",
        "excluded_from_zone",
        "vendor",
        "category",
        "name",
        "summary",
        "description",
        "specification",
        "price",
        "term_months",
        "listed_at",
        "created_at",
        "updated_at",
    ]

    def has_add_permission(self, request):
        return False  # vendors create plans in their portal

    def get_queryset(self, request):
        return super().get_queryset(request).defer("search_text")

    def save_model(self, request, obj, form, change):
        # The only editable column is the zone exclusion: through its service.
        if "excluded_from_zone" in form.changed_data:
            services.plan_set_zone_exclusion(
                plan=obj, actor=request.user, excluded=form.cleaned_data["excluded_from_zone"]
            )

    def decisions_for(self, obj):
        actions = [
            a for a in PLAN.allowed_actions(obj, None, role="staff") if a in PLAN_DECISION_LABELS
        ]
        return [(a, PLAN_DECISION_LABELS[a]) for a in actions]

    def apply_decision(self, request, obj, decision, note):
        fn = {
            "approve": services.plan_approve,
            "request_changes": services.plan_request_changes,
            "reject": services.plan_reject,
        }[decision]
        fn(plan=obj, actor=request.user, note=note)

    def review_details(self, obj):
        fields = [
            "vendor",
            "category",
            "name",
            "summary",
            "description",
            "specification",
            "price",
            "term_months",
        ]
        return {"details": [(obj._meta.get_field(f).verbose_name, getattr(obj, f)) for f in fields]}


@admin.register(PlanRevision)
class PlanRevisionAdmin(ReviewMixin, admin.ModelAdmin):
    list_display = ["plan", "price", "term_months", "status", "created_at", "review_link"]
    list_filter = ["status"]
    list_select_related = ["plan"]
    readonly_fields = [
        "review_link",
        "plan",
        "status",
        "name",
        "summary",
        "description",
        "specification",
        "price",
        "term_months",
        "review_note",
        "created_by",
        "created_at",
        "reviewed_at",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def decisions_for(self, obj):
        if obj.status != PlanRevision.Status.PENDING:
            return []
        return [
            ("approve", gettext("Approve the change")),
            ("reject", gettext("Reject the change")),
        ]

    def apply_decision(self, request, obj, decision, note):
        if decision == "approve":
            services.plan_revision_approve(revision=obj, actor=request.user, note=note)
        else:
            services.plan_revision_reject(revision=obj, actor=request.user, note=note)

    def review_details(self, obj):
        plan = obj.plan
        diff = [
            (Plan._meta.get_field(f).verbose_name, getattr(plan, f), getattr(obj, f))
            for f in services.PLAN_EDITABLE_FIELDS
        ]
        return {"revision": obj, "diff": diff}


@admin.register(VendorInvitation)
class VendorInvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "vendor", "invited_by", "created_at", "expires_at", "accepted_at"]
    readonly_fields = [
        "vendor",
        "email",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "accepted_user",
    ]
    exclude = ["token"]

    def has_add_permission(self, request):
        return False
