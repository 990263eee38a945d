"""The registration wizard (RULES M6) and the member's /api/v1/me/.

One URL, /join/, shows whatever step the application is at. The application is
found through the session (`members_application`), or a resume link
/join/resume/<token>/ (shown on every step) puts it back into a new session:
closing the browser loses nothing. Views only parse input and call services.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from members import services, signer
from members import verification as vf
from members.eligibility import declaration_texts
from members.forms import (
    AccountForm,
    ConsentForm,
    DeclarationsForm,
    EmailCodeForm,
    MethodForm,
    ProofForm,
    TaxIdForm,
)
from members.models import RegistrationApplication
from members.selectors import business_stored_reasons
from tcloud.core.errors import RuleError
from tcloud.core.headers import popups_may_answer

SESSION_KEY = "members_application"
Step = RegistrationApplication.Step
STEPS = [
    ("tax_id", _lazy("Tax ID")),
    (Step.VERIFICATION, _lazy("Identity verification")),
    (Step.DECLARATIONS, _lazy("Data query and declarations")),
    (Step.CONSENT, _lazy("Personal data")),
    (Step.ACCOUNT, _lazy("Account")),
    (Step.EMAIL, _lazy("Email code")),
    (Step.DONE, _lazy("Active member")),
]


def _ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def _application(request) -> RegistrationApplication | None:
    pk = request.session.get(SESSION_KEY)
    if not pk:
        return None
    return RegistrationApplication.objects.filter(pk=pk).exclude(step=Step.DONE).first()


def _apply(form, exc: Exception) -> None:
    """Put a service's refusal on the form, next to the field it concerns."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    elif isinstance(exc, ValidationError):
        form.add_error(None, exc.messages)
    else:
        form.add_error(None, getattr(exc, "message", str(exc)))


def _steps(current: str) -> list[dict]:
    keys = [k for k, _l in STEPS]
    index = keys.index(current)
    return [
        {"key": k, "label": label, "done": i < index, "current": i == index}
        for i, (k, label) in enumerate(STEPS)
    ]


def signup_redirect(request):
    """The public allauth sign-up leads to the wizard: members register a business."""
    return redirect("members:join")


@sensitive_post_parameters("national_id", "phone", "password1", "password2", "code", "signature")
@require_http_methods(["GET", "POST"])
@popups_may_answer
def join(request):
    application = _application(request)
    if application is None:
        return _tax_id_step(request)
    handler = {
        Step.VERIFICATION: _verification_step,
        Step.DECLARATIONS: _declarations_step,
        Step.CONSENT: _consent_step,
        Step.ACCOUNT: _account_step,
        Step.EMAIL: _email_step,
    }[application.step]
    return handler(request, application)


def resume(request, token: str):
    application = services.registration_resume_get(token=token)
    if application is None:
        messages.error(request, _("This resume link is unknown or has expired. Start again."))
        return redirect("members:join")
    request.session[SESSION_KEY] = application.pk
    request.session["members_resume_token"] = token
    return redirect("members:join")


@require_POST
def restart(request):
    request.session.pop(SESSION_KEY, None)
    request.session.pop("members_resume_token", None)
    return redirect("members:join")


def _render(request, application, template: str, context: dict):
    token = request.session.get("members_resume_token")
    context.update(
        application=application,
        steps=_steps(application.step if application else "tax_id"),
        record=application.registry if application else None,
        resume_url=request.build_absolute_uri(reverse("members:resume", args=[token]))
        if token
        else "",
    )
    return render(request, f"members/join/{template}", context)


def _tax_id_step(request):
    form = TaxIdForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application, token = services.registration_start(tax_id=form.cleaned_data["tax_id"])
        except (ValidationError, RuleError) as exc:
            _apply(form, exc)
        else:
            request.session[SESSION_KEY] = application.pk
            request.session["members_resume_token"] = token
            return redirect("members:join")
    return _render(request, None, "tax_id.html", {"form": form})


def _verification_step(request, application):
    labels = vf.method_labels()
    allowed = vf.methods_for(application.kind)
    method_form = MethodForm(
        request.POST if request.POST.get("action") == "choose" else None,
        choices=[(m, labels[m]) for m in allowed],
        initial={"method": application.verification_method or None},
    )
    proof_form = ProofForm(request.POST if request.POST.get("action") == "verify" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "choose" and method_form.is_valid():
                services.registration_choose_method(
                    application=application, ip=_ip(request), **method_form.cleaned_data
                )
                return redirect("members:join")
            if action == "resend":
                services.registration_resend(application=application, ip=_ip(request))
                messages.info(request, _("A new code or challenge was issued."))
                return redirect("members:join")
            if action == "verify" and proof_form.is_valid():
                services.registration_verify(application=application, proof=proof_form.cleaned_data)
                return redirect("members:join")
        except vf.VerificationPending as exc:
            messages.info(request, exc.message)
            return redirect("members:join")
        except (ValidationError, RuleError) as exc:
            _apply(
                proof_form
                if action in ("verify", "resend") and application.verification_method
                else method_form,
                exc,
            )
    challenge = application.challenges.filter(used_at__isnull=True).order_by("-created_at").first()
    return _render(
        request,
        application,
        "verification.html",
        {
            "method_form": method_form,
            "proof_form": proof_form,
            "method_label": labels.get(application.verification_method, ""),
            "challenge": challenge,
            "sent_to": vf.mask_phone(application.phone) if application.phone else "",
            "signer": signer.page_data(),
        },
    )


def _declarations_step(request, application):
    form = DeclarationsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.registration_accept_declarations(
                application=application,
                data_query=form.cleaned_data["data_query"],
                declarations=form.declarations(),
            )
            return redirect("members:join")
        except (ValidationError, RuleError) as exc:
            _apply(form, exc)
    return _render(
        request, application, "declarations.html", {"form": form, "texts": declaration_texts()}
    )


def _consent_step(request, application):
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.registration_consent(
                application=application, personal_data=form.cleaned_data["personal_data"]
            )
            return redirect("members:join")
        except (ValidationError, RuleError) as exc:
            _apply(form, exc)
    return _render(request, application, "consent.html", {"form": form})


def _account_step(request, application):
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.registration_create_account(
                application=application,
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                name=form.cleaned_data["name"],
                ip=_ip(request),
            )
            return redirect("members:join")
        except (ValidationError, RuleError) as exc:
            if (
                isinstance(exc, ValidationError)
                and hasattr(exc, "error_dict")
                and "password" in exc.error_dict
            ):
                exc.error_dict["password1"] = exc.error_dict.pop("password")
            _apply(form, exc)
    return _render(request, application, "account.html", {"form": form})


def _email_step(request, application):
    form = EmailCodeForm(request.POST if request.POST.get("action") == "confirm" else None)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "resend":
                services.registration_resend_email_code(application=application, ip=_ip(request))
                messages.info(request, _("We sent a new code."))
                return redirect("members:join")
            if request.POST.get("action") == "change":
                services.registration_change_email(
                    application=application, email=request.POST.get("email", ""), ip=_ip(request)
                )
                messages.info(request, _("We sent a new code to the new address."))
                return redirect("members:join")
            if form.is_valid():
                user = services.registration_confirm_email(
                    application=application, code=form.cleaned_data["code"]
                )
                request.session.pop(SESSION_KEY, None)
                request.session.pop("members_resume_token", None)
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, _("Welcome! Your membership is active."))
                return redirect("member_home")
        except (ValidationError, RuleError) as exc:
            _apply(form, exc)
    return _render(request, application, "email.html", {"form": form})


class MeBusinessSerializer(serializers.Serializer):
    tax_id = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    review_status = serializers.CharField()
    eligible = serializers.BooleanField(allow_null=True)
    eligibility_reasons = serializers.SerializerMethodField()

    def get_eligibility_reasons(self, business) -> list[str]:
        # Stored as codes; said in the request's language (Accept-Language).
        return [str(r) for r in business_stored_reasons(business=business)]


class MeSerializer(serializers.Serializer):
    email = serializers.EmailField()
    role = serializers.CharField()
    business = MeBusinessSerializer(allow_null=True)


class MeView(APIView):
    """GET /api/v1/me/ → {email, role, business} (shared/API.md); business is null
    for vendor and staff users."""

    serializer_class = MeSerializer

    def get(self, request):
        return Response(MeSerializer(request.user).data)
