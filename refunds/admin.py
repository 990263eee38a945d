from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from refunds.models import Refund
from refunds.services import refund_resolve
from tcloud.core.admin import history_html


class RefundAdminForm(forms.ModelForm):
    resolution_note = forms.CharField(
        label=_("Resolve with this note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Settles an owed or disputed refund (e.g. paid back by another channel) "
            "and marks the order refunded."
        ),
    )

    class Meta:
        model = Refund
        fields = []


@admin.register(Refund)
class RefundAdmin(admin.ModelAdmin):
    """Refunds change only through their services; staff can resolve one here."""

    form = RefundAdminForm
    list_display = [
        "order",
        "status",
        "cancelled_on",
        "used_months",
        "over_half",
        "self_pay_refund",
        "points_returned",
        "points_to_program",
        "created_at",
    ]
    list_filter = ["status", "over_half"]
    search_fields = ["=order__id", "order__business__name", "order__vendor__name"]
    list_select_related = ["order"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Refund._meta.fields] + ["history"]

    @admin.display(description=_("history"))
    def history(self, obj):
        return history_html(obj.events.all())

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        note = form.cleaned_data.get("resolution_note", "").strip()
        if note:
            refund_resolve(refund=obj, actor=request.user, note=note)
            messages.success(request, _("The refund is settled and the order refunded."))

    def save_related(self, request, form, formsets, change):
        pass  # events are written by the services
