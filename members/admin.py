from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from members.forms import AdminUserChangeForm, AdminUserCreationForm
from members.models import Business, User


@admin.register(Business)
class BusinessAdmin(admin.ModelAdmin):
    list_display = ["name", "tax_id", "kind", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name", "tax_id"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = AdminUserChangeForm
    add_form = AdminUserCreationForm
    ordering = ["email"]
    list_display = ["email", "name", "role", "business", "vendor", "is_active"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["email", "name", "business__tax_id", "business__name", "vendor__name"]
    autocomplete_fields = ["business", "vendor"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["name", "role", "business", "vendor"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "role", "password1", "password2"]})
    ]
