from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from orders.models import Order, OrderEvent
from tcloud.core.admin import EventInline


class OrderEventInline(EventInline):
    model = OrderEvent


class FlaggedFilter(admin.SimpleListFilter):
    title = _("vendor deadline missed")
    parameter_name = "flagged"

    def lookups(self, request, model_admin):
        return [
            ("yes", _("Flagged")),
            ("invoice", _("Invoice late")),
            ("delivery", _("Service start late")),
        ]

    def queryset(self, request, queryset):
        from django.db.models import Q

        return {
            "yes": queryset.filter(Q(invoice_late=True) | Q(delivery_late=True)),
            "invoice": queryset.filter(invoice_late=True),
            "delivery": queryset.filter(delivery_late=True),
        }.get(self.value(), queryset)


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    """Orders are read-only here: they change only through their services."""

    list_display = [
        "number",
        "business",
        "vendor",
        "plan_name",
        "price",
        "points_used",
        "self_pay",
        "status",
        "invoice_late",
        "delivery_late",
        "created_at",
    ]
    list_filter = ["status", FlaggedFilter, "vendor"]
    search_fields = [
        "=id",
        "business__name",
        "business__tax_id",
        "vendor__name",
        "plan_name",
        "invoice_number",
    ]
    list_select_related = ["business", "vendor"]
    inlines = [OrderEventInline]
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # view only: orders move through their services

    def has_delete_permission(self, request, obj=None):
        return False
