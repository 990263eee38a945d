"""Page access by role: a wrong role gets the 403 page, never a crash."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


def wrong_role_reason(roles: tuple[str, ...]) -> str:
    """Why a signed-in user may not open a page, in the request's language
    (the role names are members.User.Role's translated labels)."""
    from members.models import User

    labels = dict(User.Role.choices)
    names = ", ".join(str(labels.get(role, role)) for role in roles)
    return _("This page is for: %(roles)s.") % {"roles": names}


def role_required(*roles: str) -> Callable:
    """Allow signed-in users whose role is one of `roles`; others get a 403
    (signed in) or the login page (anonymous)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if user.role not in roles:
                raise PermissionDenied(wrong_role_reason(roles))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
