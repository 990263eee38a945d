"""Member pages of the points app: the self-assessment, my points, experts.

The assessment's result page also shows catalog plans, so it lives in the
site layer (tcloud.site.views), which sees both apps."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from members.roles import role_required
from points.forms import AssessmentForm, ExpertRequestForm
from points.selectors import (
    assessment_questions,
    expert_requests_for,
    program_current,
    submission_latest,
    wallet_current,
    wallet_entries,
)
from points.services import assessment_complete, expert_request_create
from tcloud.core.errors import RuleError


@role_required("member")
@require_http_methods(["GET", "POST"])
def assessment(request):
    questions = assessment_questions()
    form = AssessmentForm(request.POST if request.method == "POST" else None, questions=questions)
    if request.method == "POST" and form.is_valid():
        try:
            assessment_complete(user=request.user, answers=form.answers())
        except ValidationError as exc:
            form.add_error(None, exc)
        except RuleError as exc:
            messages.error(request, exc.message)
        else:
            return redirect("points_assessment_result")
    return render(
        request,
        "points/assessment.html",
        {
            "form": form,
            "program": program_current(),
            "wallet": wallet_current(business=request.user.business),
        },
    )


@role_required("member")
def my_points(request):
    wallet = wallet_current(business=request.user.business)
    return render(
        request,
        "points/my_points.html",
        {
            "wallet": wallet,
            "entries": wallet_entries(wallet=wallet)[:200],
            "submission": submission_latest(business=request.user.business),
        },
    )


@role_required("member")
@require_http_methods(["GET", "POST"])
def expert(request):
    form = ExpertRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            expert_request_create(user=request.user, **form.cleaned_data)
        except RuleError as exc:
            messages.error(request, exc.message)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your request was sent. Staff will contact you."))
            return redirect("points_expert")
    requests = list(expert_requests_for(business=request.user.business))
    return render(
        request,
        "points/expert.html",
        {"form": form, "requests": requests, "open": any(r.is_open for r in requests)},
    )
