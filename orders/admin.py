from django.contrib import admin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from orders import services
from orders.models import Order, OrderEvent
from tcloud.core.admin import EventInline
from tcloud.core.errors import RuleError


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
    """Orders are read-only here: they change only through their services (a
    service problem is resolved on its own page)."""

    change_form_template = "orders/admin_order_change.html"

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
    list_filter = ["status", FlaggedFilter, "problem_open", "vendor"]
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

    def get_urls(self):
        return [
            path(
                "<int:pk>/resolve-problem/",
                self.admin_site.admin_view(self.resolve_problem_view),
                name="orders_order_resolve_problem",
            ),
            *super().get_urls(),
        ]

    def resolve_problem_view(self, request, pk):
        """Staff settle a service problem the member reported (S2) with a note."""
        order = get_object_or_404(Order, pk=pk)
        error = ""
        if request.method == "POST":
            try:
                services.order_resolve_problem(
                    order=order, actor=request.user, note=request.POST.get("note", "")
                )
            except (RuleError, ValidationError) as exc:
                error = exc.message if isinstance(exc, RuleError) else " ".join(exc.messages)
            else:
                self.message_user(request, _("The problem is resolved."))
                return redirect("admin:orders_order_change", pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Resolve the service problem of %(n)s") % {"n": order.number},
            "order": order,
            "events": order.events.filter(action="report_problem"),
            "error": error,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "orders/admin_resolve_problem.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        order = self.get_object(request, object_id)
        extra = {"problem_open": bool(order and order.problem_open)}
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})
