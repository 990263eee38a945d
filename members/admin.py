from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from members import services
from members.forms import (
    AdminUserChangeForm,
    AdminUserCreationForm,
    ListImportForm,
    ReviewDecisionForm,
)
from members.models import (
    Business,
    Consent,
    ExclusionEntry,
    MemberEvent,
    PriorRecipient,
    RegistrationApplication,
    TaxRegisteredReview,
    User,
)
from tcloud.core.admin import EventInline
from tcloud.core.errors import RuleError
from tcloud.core.forms import BOUNDED_DATES


class BusinessEventInline(EventInline):
    model = MemberEvent
    fk_name = "business"


@admin.register(Business)
class BusinessAdmin(admin.ModelAdmin):
    list_display = ["name", "tax_id", "kind", "review_status", "eligible", "created_at"]
    list_filter = ["kind", "review_status", "eligible"]
    search_fields = ["name", "tax_id"]
    # Staff views are the one place the full national ID is shown.
    readonly_fields = [
        "eligible",
        "eligibility_code",
        "eligibility_reasons",
        "eligibility_checked_at",
        "review_status",
        "review_due_at",
        "reviewed_at",
        "reviewed_by",
        "review_reason",
        "verification_method",
        "verified_at",
        "declarations",
        "registry_source",
    ]
    inlines = [BusinessEventInline]


def _due(obj):
    if obj.review_due_at is None:
        return "—"
    text = timezone.localtime(obj.review_due_at).strftime("%Y-%m-%d %H:%M")
    if obj.review_overdue:
        return format_html(
            '<strong style="color:#b02a37" data-overdue="1">{} ({})</strong>', text, _("overdue")
        )
    return text


@admin.register(TaxRegisteredReview)
class TaxRegisteredReviewAdmin(admin.ModelAdmin):
    """The M5 queue: tax-registered businesses for staff to confirm within 1 business day."""

    form = ReviewDecisionForm
    list_display = [
        "name",
        "tax_id",
        "representative_name",
        "representative_national_id",
        "review_status",
        "due",
    ]
    list_filter = ["review_status"]
    search_fields = ["name", "tax_id"]
    ordering = ["review_due_at"]
    readonly_fields = [
        "name",
        "tax_id",
        "representative_name",
        "representative_national_id",
        "paid_in_capital",
        "verification_method",
        "verified_at",
        "declarations",
        "review_status",
        "review_due_at",
        "review_reason",
        "reviewed_by",
        "reviewed_at",
    ]
    fieldsets = [
        (None, {"fields": readonly_fields}),
        (_("Decision"), {"fields": ["decision", "reason"]}),
    ]
    inlines = [BusinessEventInline]

    @admin.display(description=_("due"), ordering="review_due_at")
    def due(self, obj):
        return _due(obj)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(kind=Business.Kind.TAX_REGISTERED)
            .exclude(review_status=Business.Review.NOT_REQUIRED)
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        decision = form.cleaned_data.get("decision")
        if not decision:
            return
        try:
            services.business_review_decide(
                business=obj,
                actor=request.user,
                approve=decision == "approve",
                reason=form.cleaned_data.get("reason", ""),
            )
        except (ValidationError, RuleError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))


class ImportAdmin(admin.ModelAdmin):
    formfield_overrides = BOUNDED_DATES
    change_list_template = "members/admin_import_change_list.html"
    import_title = ""

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="{}_{}_import".format(*info),
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        form = ListImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            text = form.cleaned_data["file"].read().decode("utf-8-sig", errors="replace")
            try:
                count = self.do_import(text, form.cleaned_data)
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("%(n)s entries imported.") % {"n": count})
                info = self.model._meta.app_label, self.model._meta.model_name
                return redirect(reverse("admin:{}_{}_changelist".format(*info)))
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": self.import_title,
            "opts": self.model._meta,
            "columns": self.columns,
        }
        return render(request, "members/admin_import.html", context)


@admin.register(ExclusionEntry)
class ExclusionEntryAdmin(ImportAdmin):
    """M3 exclusion lists, imported from CSV (tax_id, reason) with source and date."""

    list_display = ["tax_id", "reason", "source", "listed_on", "imported_at"]
    list_filter = ["reason", "source"]
    search_fields = ["tax_id"]
    import_title = _("Import an exclusion list")
    columns = "tax_id,reason"

    def do_import(self, text, data):
        return services.exclusion_import(
            text=text,
            source=data["source"],
            listed_on=data.get("listed_on") or timezone.localdate(),
        )


@admin.register(PriorRecipient)
class PriorRecipientAdmin(ImportAdmin):
    """M7 earlier recipients, imported from CSV (tax_id, granted_on)."""

    list_display = ["tax_id", "granted_on", "source", "imported_at"]
    search_fields = ["tax_id"]
    import_title = _("Import earlier recipients")
    columns = "tax_id,granted_on"

    def do_import(self, text, data):
        return services.prior_recipient_import(text=text, source=data["source"])


class ApplicationEventInline(EventInline):
    model = MemberEvent
    fk_name = "application"


class ConsentInline(admin.TabularInline):
    model = Consent
    extra = 0
    can_delete = False
    fields = ["kind", "text_version", "accepted_at", "answers"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RegistrationApplication)
class RegistrationApplicationAdmin(admin.ModelAdmin):
    list_display = [
        "tax_id",
        "kind",
        "step",
        "verification_method",
        "email",
        "created_at",
        "updated_at",
    ]
    list_filter = ["step", "kind", "verification_method"]
    search_fields = ["tax_id", "email"]
    fields = [
        "tax_id",
        "kind",
        "step",
        "verification_method",
        "verified_at",
        "registry",
        "declarations",
        "email",
        "user",
        "business",
        "created_at",
        "updated_at",
        "expires_at",
    ]
    readonly_fields = fields
    inlines = [ConsentInline, ApplicationEventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = AdminUserChangeForm
    add_form = AdminUserCreationForm
    ordering = ["email"]
    list_display = ["email", "name", "role", "business", "vendor", "is_active"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["email", "name", "business__tax_id", "business__name", "vendor__name"]
    autocomplete_fields = ["business", "vendor"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["name", "role", "business", "vendor"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "role", "password1", "password2"]})
    ]
