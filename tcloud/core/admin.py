from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from tcloud.core.forms import BOUNDED_DATES
from tcloud.core.models import CalendarDay, OutboxMessage
from tcloud.core.outbox import outbox_retry

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


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """What the site sent or still has to send; staff retry what failed."""

    list_display = ["created_at", "key", "status", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["key", "recipients", "subject"]
    date_hierarchy = "created_at"
    actions = ["retry"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in OutboxMessage._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send again now"))
    def retry(self, request, queryset):
        count = outbox_retry(message_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, _("%(n)s messages will be sent again.") % {"n": count})
