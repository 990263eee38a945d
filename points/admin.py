from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from points.models import Program
from points.services import program_create, program_update
from tcloud.templatetags.tcloud import ntd


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
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
        saved = program_update(program=obj, **data) if change else program_create(**data)
        # The admin goes on with `obj` (log entry, redirect): give it the saved row.
        obj.pk, obj.budget_available = saved.pk, saved.budget_available
        obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        program_update(program=form.instance, categories=form.cleaned_data["categories"])
