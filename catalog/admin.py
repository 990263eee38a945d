from django.contrib import admin

from catalog.models import Category, Vendor


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["position", "code", "name_zh", "name_en"]
    list_display_links = ["code"]
    ordering = ["position"]

    def get_readonly_fields(self, request, obj=None):
        # Codes are part of the public API: fixed once created.
        return ["code"] if obj else []


@admin.register(Vendor)
class VendorAdmin(admin.ModelAdmin):
    list_display = ["name", "tax_id", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["name", "tax_id"]
