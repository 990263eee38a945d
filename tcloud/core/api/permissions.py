"""The API's role checks: a wrong role answers 403 (shared/API.md).

Roles are the `role` values of users (member, vendor, staff); the kernel checks
the value and knows nothing else of the members app.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission


class _HasRole(BasePermission):
    role = ""

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and getattr(user, "role", None) == self.role)


class IsMember(_HasRole):
    role = "member"
    message = _("Only members (businesses) can do this.")


class IsVendor(_HasRole):
    role = "vendor"
    message = _("Only vendors can do this.")
