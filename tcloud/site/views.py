from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from catalog.models import Category
from members.roles import role_required
from points.selectors import program_current


@require_GET
def landing(request):
    """The program explained as the brochure does, with today's figures."""
    program = program_current()
    categories = program.categories.all() if program else Category.objects.all()
    return render(
        request,
        "landing.html",
        {"program": program, "categories": categories},
    )


@role_required("member")
def member_home(request):
    business = request.user.business
    reasons = business.eligibility_reasons if business else []
    if business is not None and business.eligible is False:
        # The stored reasons are in the language of the moment they were judged;
        # the same judgement, made again now, speaks the reader's language.
        from members.eligibility import evaluate

        again = evaluate(business=business, program=program_current())
        if (again.code or "") == business.eligibility_code:
            reasons = [str(r) for r in again.reasons]
    return render(request, "members/home.html", {"business": business, "reasons": reasons})


def admin_login(request):
    """The admin's sign-in is the site's (allauth) sign-in.

    Django's own admin login form checks passwords without any lockout; sending
    staff to /accounts/login/?next=... puts them under the same failed-login
    limits, email verification and inactive-account checks as everyone else.
    """
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("admin:index")
    if request.user.is_authenticated:
        if admin.site.has_permission(request):
            return redirect(next_url)
        # Signed in with another role: a 403 that says so, not a login loop.
        raise PermissionDenied(_("The admin is for program staff."))
    return redirect_to_login(next_url, login_url=reverse("account_login"))


def permission_denied(request, exception=None):
    """The 403 page: says what happened and where to go, in the user's language."""
    return render(request, "403.html", {"reason": str(exception or "")}, status=403)


def _wants_json(request) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request, exception=None):
    if _wants_json(request):
        return JsonResponse({"detail": _("Not found."), "code": "not_found"}, status=404)
    return render(request, "404.html", status=404)


def server_error(request):
    if _wants_json(request):
        return JsonResponse(
            {"detail": _("Something went wrong on our side."), "code": "server_error"},
            status=500,
        )
    return render(request, "500.html", status=500)
