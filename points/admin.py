from typing import NoReturn

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from points import services
from points.machines import EXPERT_REQUEST
from points.models import (
    Answer,
    Category,
    Choice,
    ExpertRequest,
    ExpertRequestEvent,
    LedgerEntry,
    Program,
    Question,
    Submission,
    Wallet,
    WalletEvent,
)
from points.services import program_create, program_update
from tcloud.core.admin import EventInline
from tcloud.core.errors import RuleError
from tcloud.core.forms import BOUNDED_DATES, DateTimeField
from tcloud.core.templatetags.tcloud import ntd


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["position", "code", "name_zh", "name_en"]
    list_display_links = ["code"]
    ordering = ["position"]

    def get_readonly_fields(self, request, obj=None):
        # Codes are part of the public API: fixed once created.
        return ["code"] if obj else []


class _Refused(Exception):
    """A service refused the save; the error message is already queued."""


def _refusal_text(exc: Exception) -> str:
    if isinstance(exc, RuleError):
        return exc.message
    return "; ".join(str(m) for m in exc.messages)


class RefusalsShowOnlyTheError:
    """Forms check the services' rules first, so a refused change comes back as a
    form error. Should a service still refuse while saving (the state changed in
    between), the whole save is rolled back (Django's change view runs in one
    transaction) and staff see only the error, never "changed successfully"."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except _Refused:
            return HttpResponseRedirect(request.get_full_path())

    def refuse(self, request, exc: Exception) -> NoReturn:
        self.message_user(request, _refusal_text(exc), messages.ERROR)
        raise _Refused from exc


class ProgramAdminForm(forms.ModelForm):
    class Meta:
        model = Program
        fields: list[str] = []

    def clean(self):
        cleaned = super().clean()
        total = cleaned.get("budget_total")
        program = self.instance
        if program.pk and total is not None and total != program.budget_total:
            # P2, the rule program_update applies: not below what was granted.
            try:
                services.program_budget_available_after(program=program, budget_total=total)
            except ValidationError as exc:
                self.add_error(None, exc)
        return cleaned


@admin.register(Program)
class ProgramAdmin(RefusalsShowOnlyTheError, admin.ModelAdmin):
    form = ProgramAdminForm
    formfield_overrides = BOUNDED_DATES
    list_display = [
        "year",
        "name",
        "opens_on",
        "closes_on",
        "points_per_member",
        "budget_total_display",
        "budget_available_display",
    ]
    readonly_fields = ["budget_available", "budget_used_display"]
    filter_horizontal = ["categories"]
    fieldsets = [
        (None, {"fields": ["year", "name", "opens_on", "closes_on"]}),
        (
            _("Points"),
            {
                "fields": [
                    "points_per_member",
                    "activation_months",
                    "validity_months",
                    "copay_self_pay_parts",
                    "copay_points_parts",
                    "prior_grant_cutoff",
                ]
            },
        ),
        (_("Budget"), {"fields": ["budget_total", "budget_available", "budget_used_display"]}),
        (_("Subsidy zone"), {"fields": ["categories"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # The year identifies an edition; it is fixed once created.
        return [*self.readonly_fields, "year"] if obj else self.readonly_fields

    @admin.display(description=_("total budget"))
    def budget_total_display(self, obj):
        return ntd(obj.budget_total)

    @admin.display(description=_("available"))
    def budget_available_display(self, obj):
        return ntd(obj.budget_available)

    @admin.display(description=_("granted so far"))
    def budget_used_display(self, obj):
        return ntd(obj.budget_used) if obj.pk else "-"

    def save_model(self, request, obj, form, change):
        # The admin parses; the services write (and keep the budget honest).
        data = {k: v for k, v in form.cleaned_data.items() if k not in {"categories"}}
        if change:
            data.pop("year", None)
        try:
            saved = program_update(program=obj, **data) if change else program_create(**data)
        except (RuleError, ValidationError) as exc:
            self.refuse(request, exc)
        # The admin goes on with `obj` (log entry, redirect): give it the saved row.
        obj.pk, obj.budget_available = saved.pk, saved.budget_available
        obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        program_update(program=form.instance, categories=form.cleaned_data["categories"])


# --- Wallets and the ledger: staff see everything, change nothing (T5) ------


class _ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class WalletEventInline(_ReadOnly, EventInline):
    model = WalletEvent


class LedgerEntryInline(_ReadOnly, admin.TabularInline):
    model = LedgerEntry
    fields = [
        "created_at",
        "kind",
        "points",
        "to_program",
        "order_id",
        "reason",
        "actor",
        "idempotency_key",
    ]
    readonly_fields = fields
    extra = 0
    ordering = ["-created_at", "-id"]


@admin.register(Wallet)
class WalletAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = [
        "business",
        "program",
        "status",
        "available",
        "held",
        "spent",
        "returned_to_program",
        "granted_at",
        "activation_deadline",
        "expires_at",
    ]
    list_filter = ["program", "status"]
    search_fields = ["business__tax_id", "business__name"]
    list_select_related = ["business", "program"]
    readonly_fields = [f.name for f in Wallet._meta.fields]
    inlines = [WalletEventInline, LedgerEntryInline]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["created_at", "wallet", "kind", "points", "to_program", "order_id", "reason"]
    list_filter = ["kind", "to_program"]
    search_fields = ["wallet__business__tax_id", "idempotency_key", "=order_id"]
    list_select_related = ["wallet__business", "wallet__program"]
    readonly_fields = [f.name for f in LedgerEntry._meta.fields]


# --- The self-assessment: questions are content staff edit (T1) ------------


class ChoiceInline(admin.StackedInline):
    model = Choice
    extra = 1
    fields = [("text_zh", "text_en"), "position", "categories"]
    formfield_overrides = {
        models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple},
    }


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["position", "area", "text_zh", "text_en", "active"]
    list_display_links = ["text_zh"]
    list_editable = ["position", "active"]
    list_filter = ["area", "active"]
    inlines = [ChoiceInline]


class AnswerInline(_ReadOnly, admin.TabularInline):
    model = Answer
    fields = ["question", "choice"]
    readonly_fields = fields
    extra = 0


@admin.register(Submission)
class SubmissionAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["created_at", "business", "program", "outcome"]
    list_filter = ["outcome", "program"]
    search_fields = ["business__tax_id", "business__name"]
    readonly_fields = [
        "business",
        "program",
        "user",
        "created_at",
        "outcome",
        "outcome_message",
        "recommended",
    ]
    exclude = ["recommended_categories"]
    inlines = [AnswerInline]

    @admin.display(description=_("recommended categories"))
    def recommended(self, obj):
        return ", ".join(str(c) for c in obj.recommended_categories.all())


# --- Expert service requests: staff assign and track (T1) ------------------


class ExpertRequestForm(forms.ModelForm):
    """The request itself is read-only; staff pick the next step."""

    STEPS = [
        ("", "---------"),
        ("assign", _("Assign an expert")),
        ("schedule", _("Schedule the visit or call")),
        ("complete", _("Mark as done")),
        ("cancel", _("Cancel")),
    ]
    step = forms.ChoiceField(label=_("next step"), choices=STEPS, required=False)
    new_expert = forms.CharField(label=_("expert"), required=False, max_length=120)
    when = DateTimeField(
        label=_("scheduled for"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    step_note = forms.CharField(label=_("note"), required=False, max_length=300)

    class Meta:
        model = ExpertRequest
        fields: list[str] = []

    def clean(self):
        """A step the request cannot take is a form error (nothing is saved)."""
        cleaned = super().clean()
        step = cleaned.get("step")
        if not step:
            return cleaned
        if step == "assign" and not (cleaned.get("new_expert") or "").strip():
            self.add_error("new_expert", _("Name the expert."))
        if step == "schedule" and not cleaned.get("when"):
            self.add_error("when", _("Give the date and time."))
        try:
            # Staff take the step: the machine says whether the request can take it now.
            EXPERT_REQUEST.check(self.instance, step, None, role="staff")
        except RuleError as exc:
            self.add_error("step", exc.message)
        return cleaned


class ExpertRequestEventInline(_ReadOnly, EventInline):
    model = ExpertRequestEvent


@admin.register(ExpertRequest)
class ExpertRequestAdmin(RefusalsShowOnlyTheError, admin.ModelAdmin):
    form = ExpertRequestForm
    list_display = [
        "created_at",
        "business",
        "kind",
        "status",
        "expert",
        "assigned_to",
        "scheduled_for",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["business__tax_id", "business__name", "expert"]
    readonly_fields = [
        "business",
        "requested_by",
        "kind",
        "contact_phone",
        "note",
        "status",
        "expert",
        "assigned_to",
        "scheduled_for",
        "created_at",
    ]
    fieldsets = [
        (None, {"fields": readonly_fields}),
        (_("Next step"), {"fields": ["step", "new_expert", "when", "step_note"]}),
    ]
    inlines = [ExpertRequestEventInline]

    def has_add_permission(self, request):
        return False  # members ask; staff follow up

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        step, note = data.get("step"), data.get("step_note", "")
        try:
            if step == "assign":
                services.expert_request_assign(
                    request=obj, actor=request.user, expert=data.get("new_expert", ""), note=note
                )
            elif step == "schedule":
                if not data.get("when"):
                    raise ValidationError({"when": _("Give the date and time.")})
                services.expert_request_schedule(
                    request=obj, actor=request.user, scheduled_for=data["when"], note=note
                )
            elif step == "complete":
                services.expert_request_complete(request=obj, actor=request.user, note=note)
            elif step == "cancel":
                services.expert_request_cancel(request=obj, actor=request.user, note=note)
        except (RuleError, ValidationError) as exc:
            self.refuse(request, exc)
