"""Staff's settlement desk (RULES S3-S6): the month's statements to review and
approve in bulk, the payment run (a CSV of approved statements for the bank),
recording payments, resolving disputes, issuing a month on demand."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from refunds.settlement import services
from refunds.settlement.models import Statement, StatementEvent, StatementLine, StatementRun
from refunds.settlement.selectors import previous_month
from tcloud.core.admin import EventInline
from tcloud.core.errors import RuleError
from tcloud.core.forms import DateField
from tcloud.core.templatetags.tcloud import ntd, points, roc_month


class StatementLineInline(admin.TabularInline):
    model = StatementLine
    extra = 0
    can_delete = False
    fields = ["order", "kind", "points", "refund", "payable_at"]
    readonly_fields = fields
    raw_id_fields = ["order"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class StatementEventInline(EventInline):
    model = StatementEvent

    def has_change_permission(self, request, obj=None):
        return False


class StatementStepForm(forms.ModelForm):
    """One step on a statement's page: pay it, or resolve its dispute."""

    # Not named after the model's fields: those are shown read-only above.
    transferred_on = DateField(
        label=_("transferred on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    transfer = forms.CharField(label=_("transfer reference"), required=False, max_length=100)
    resolution = forms.CharField(
        label=_("resolve the dispute with this note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    class Meta:
        model = Statement
        fields: list[str] = []


@admin.register(Statement)
class StatementAdmin(admin.ModelAdmin):
    form = StatementStepForm
    list_display = [
        "month",
        "vendor",
        "program",
        "status",
        "payable",
        "clawed_back",
        "carried",
        "due",
        "paid_on",
    ]
    list_display_links = ["month"]
    list_filter = ["status", "period", "program"]
    search_fields = ["vendor__name", "vendor__tax_id", "transfer_reference"]
    list_select_related = ["vendor", "program"]
    date_hierarchy = "period"
    actions = ["approve_selected", "payment_run_csv"]
    inlines = [StatementLineInline, StatementEventInline]
    change_list_template = "settlement/admin_change_list.html"

    @admin.display(description=_("period"), ordering="period")
    def month(self, obj):
        return f"{obj.period_label} {roc_month(obj.period)}"

    @admin.display(description=_("points payable"), ordering="points_payable")
    def payable(self, obj):
        return points(obj.points_payable)

    @admin.display(description=_("points clawed back"), ordering="points_clawed_back")
    def clawed_back(self, obj):
        return points(obj.points_clawed_back)

    @admin.display(description=_("carried over"), ordering="carried_over")
    def carried(self, obj):
        return points(obj.carried_over)

    @admin.display(description=_("amount due (NT$)"), ordering="amount_due")
    def due(self, obj):
        return ntd(obj.amount_due)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Statement._meta.fields]

    def get_fieldsets(self, request, obj=None):
        fields = [f.name for f in Statement._meta.fields if f.name != "id"]
        steps = []
        if obj is not None and obj.status == Statement.Status.APPROVED:
            steps = ["transferred_on", "transfer"]
        elif obj is not None and obj.status == Statement.Status.DISPUTED:
            steps = ["resolution"]
        sets = [(None, {"fields": fields})]
        if steps:
            sets.append((_("Next step"), {"fields": steps}))
        return sets

    def has_add_permission(self, request):
        return False  # issued, never typed in

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            if data.get("resolution"):
                services.statement_resolve(
                    statement=obj, actor=request.user, note=data["resolution"]
                )
            elif data.get("transferred_on"):
                services.statement_pay(
                    statement=obj,
                    actor=request.user,
                    paid_on=data["transferred_on"],
                    transfer_reference=data.get("transfer", ""),
                )
        except (RuleError, ValidationError) as exc:
            text = exc.message if isinstance(exc, RuleError) else " ".join(exc.messages)
            self.message_user(request, text, level=messages.ERROR)

    def save_related(self, request, form, formsets, change):
        # Lines and events are written by the services, never by the inlines;
        # the change message still asks each formset what it saved: nothing.
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    @admin.action(description=_("Approve the selected drafts"))
    def approve_selected(self, request, queryset):
        done, refused = 0, 0
        for statement in queryset.order_by("vendor_id", "program_id"):
            try:
                services.statement_approve(statement=statement, actor=request.user)
                done += 1
            except RuleError:
                refused += 1
        self.message_user(
            request,
            gettext("%(done)s approved; %(refused)s not drafts, left as they were.")
            % {"done": done, "refused": refused},
        )

    @admin.action(description=_("Payment run: CSV of the selected approved statements"))
    def payment_run_csv(self, request, queryset):
        """For the bank: one row per approved statement with something due."""
        out = io.StringIO()
        out.write("\ufeff")
        writer = csv.writer(out)
        writer.writerow(
            [
                "statement",
                "period",
                "vendor",
                "tax_id",
                "bank_code",
                "bank_branch",
                "account_name",
                "account_number",
                "amount",
            ]
        )
        for s in queryset.filter(status=Statement.Status.APPROVED, amount_due__gt=0).select_related(
            "vendor"
        ):
            v = s.vendor
            writer.writerow(
                [
                    s.pk,
                    s.period_label,
                    v.name,
                    v.tax_id,
                    v.bank_code,
                    v.bank_branch,
                    v.bank_account_name,
                    v.bank_account_number,
                    s.amount_due,
                ]
            )
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="payment-run-{stamp}.csv"'
        return response

    def changelist_view(self, request, extra_context=None):
        period = previous_month(timezone.localdate())
        return super().changelist_view(
            request, {**(extra_context or {}), "issue_period": f"{period:%Y-%m}"}
        )

    def get_urls(self):
        return [
            path(
                "issue/",
                self.admin_site.admin_view(self.issue_view),
                name="settlement_statement_issue",
            ),
            *super().get_urls(),
        ]

    def issue_view(self, request):
        """Issue a month's statements on demand (S3); the previous month by default."""
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:settlement_statement_changelist"))
        raw = request.POST.get("period") or ""
        try:
            period = dt.datetime.strptime(raw, "%Y-%m").date() if raw else None
        except ValueError:
            period = None
        period = period or previous_month(timezone.localdate())
        try:
            result = services.statements_issue(period=period, actor=request.user)
        except RuleError as exc:
            self.message_user(request, exc.message, level=messages.ERROR)
        else:
            self.message_user(
                request,
                gettext("%(period)s: %(created)s issued, %(updated)s updated, %(lines)s lines.")
                % {
                    "period": f"{result.period:%Y-%m}",
                    "created": result.created,
                    "updated": result.updated,
                    "lines": result.lines,
                },
            )
        return HttpResponseRedirect(reverse("admin:settlement_statement_changelist"))


@admin.register(StatementRun)
class StatementRunAdmin(admin.ModelAdmin):
    list_display = ["period", "issued_at", "by", "statements"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
