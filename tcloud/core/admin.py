from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from tcloud.core.forms import BOUNDED_DATES
from tcloud.core.models import CalendarDay

admin.site.site_header = "tcloud 臺灣雲市集 — program administration"
admin.site.site_title = "tcloud admin"


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    formfield_overrides = BOUNDED_DATES
    list_display = ["date", "kind", "reason", "created_at"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    search_fields = ["reason"]


class EventInline(admin.TabularInline):
    """The history of any object whose events extend `tcloud.core.models.Event`:
    read-only, never added or deleted by hand."""

    extra = 0
    can_delete = False
    fields = ["at", "action", "from_status", "to_status", "actor", "actor_role", "note", "data"]
    readonly_fields = fields
    ordering = ["at", "pk"]

    def has_add_permission(self, request, obj=None):
        return False


def history_html(events) -> str:
    """Events as read-only lines for an admin page whose form staff submit (an
    inline would make every submit carry its formset)."""
    return format_html_join(
        mark_safe("<br>"),
        "{} · {} · {} → {} · {} {}",
        (
            (
                timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M"),
                e.label,
                e.from_status or "—",
                e.to_status,
                e.actor_role,
                e.note,
            )
            for e in events
        ),
    )
