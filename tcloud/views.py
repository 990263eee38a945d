from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from catalog.models import Category
from points.selectors import program_current
from tcloud.roles import role_required


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
    return render(request, "members/home.html", {"business": request.user.business})


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
