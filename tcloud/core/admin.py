from django.contrib import admin

from tcloud.core.models import CalendarDay

admin.site.site_header = "tcloud 臺灣雲市集 — program administration"
admin.site.site_title = "tcloud admin"


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "reason", "created_at"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    search_fields = ["reason"]
