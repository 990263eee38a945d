"""The registration wizard over the API (RULES M6), for apps and black-box tests.

`POST registrations/` `{tax_id}` opens an application and answers its
`resume_token`; every later call sends it in the `X-Registration-Token` header
(never in the URL) to `registrations/current/...`. Each endpoint parses input
and calls the same service as the page; refusals are 400 (bad field) or 409
(`{"detail", "code"}`: already_registered, method_locked, wrong_code, expired,
challenge_used, invalid_state, throttled, ...).
"""

from __future__ import annotations

from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from members import services
from members import verification as vf
from members.eligibility import DECLARATION_KEYS
from members.models import RegistrationApplication
from members.services import EMAIL_MAX_LENGTH, NAME_MAX_LENGTH
from tcloud.core.api.fields import CharField

TOKEN_HEADER = "HTTP_X_REGISTRATION_TOKEN"


class ApplicationSerializer(serializers.Serializer):
    tax_id = serializers.CharField()
    step = serializers.CharField()
    kind = serializers.CharField()
    name = serializers.SerializerMethodField()
    representative = serializers.SerializerMethodField()
    representative_name_required = serializers.SerializerMethodField()
    verification_method = serializers.CharField()
    methods = serializers.SerializerMethodField()

    def get_name(self, obj) -> str:
        return obj.registry.get("name", "")

    def get_representative(self, obj) -> str:
        return obj.registry.get("representative") or obj.representative_name

    def get_representative_name_required(self, obj) -> bool:
        # The registry names no representative: send representative_name with the method.
        return not obj.registry.get("representative")

    def get_methods(self, obj) -> list[str]:
        return list(vf.methods_for(obj.kind))


def _ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


@method_decorator(
    sensitive_post_parameters("national_id", "phone", "password", "code", "signature"),
    name="dispatch",
)
class RegistrationView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    error_statuses = (404,)  # no application for the X-Registration-Token (schema)

    def application(self, request) -> RegistrationApplication:
        token = request.META.get(TOKEN_HEADER, "")
        application = services.registration_resume_get(token=token) if token else None
        if application is None:
            raise NotFound()
        return application

    def state(self, application, **extra) -> Response:
        application.refresh_from_db()
        return Response({**ApplicationSerializer(application).data, **extra})


# Inputs are read through serializers, whose lengths match the columns the
# services write (or, for proofs never stored, a generous bound), so an overlong
# or NUL-carrying value is a 400 before any query.


class StartSerializer(serializers.Serializer):
    tax_id = CharField(max_length=20, help_text="統一編號, 8 digits (M4)")


class RegistrationStart(RegistrationView):
    @extend_schema(request=StartSerializer, responses={201: ApplicationSerializer})
    def post(self, request):
        data = StartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        application, token = services.registration_start(tax_id=data.validated_data["tax_id"])
        data = {**ApplicationSerializer(application).data, "resume_token": token}
        return Response(data, status=status.HTTP_201_CREATED)


class RegistrationCurrent(RegistrationView):
    @extend_schema(responses=ApplicationSerializer)
    def get(self, request):
        return self.state(self.application(request))


class MethodSerializer(serializers.Serializer):
    method = CharField(max_length=20)
    national_id = CharField(required=False, allow_blank=True, default="", max_length=10)
    phone = CharField(required=False, allow_blank=True, default="", max_length=20)
    roc_national = serializers.BooleanField(required=False, default=False)
    postpaid = serializers.BooleanField(required=False, default=False)
    representative_name = CharField(required=False, allow_blank=True, default="", max_length=100)


class RegistrationMethod(RegistrationView):
    @extend_schema(request=MethodSerializer, responses=ApplicationSerializer)
    def post(self, request):
        application = self.application(request)
        data = MethodSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        _challenge, info = services.registration_choose_method(
            application=application, ip=_ip(request), **data.validated_data
        )
        return self.state(application, verification=info)


class RegistrationResend(RegistrationView):
    @extend_schema(request=None, responses=ApplicationSerializer)
    def post(self, request):
        application = self.application(request)
        _challenge, info = services.registration_resend(application=application, ip=_ip(request))
        return self.state(application, verification=info)


# A PEM certificate is a few kilobytes; these bounds leave room for long chains.
PEM_MAX = 16_384
SIGNATURE_MAX = 4_096


class ProofSerializer(serializers.Serializer):
    code = CharField(required=False, allow_blank=True, max_length=12)
    challenge = CharField(required=False, allow_blank=True, max_length=100)
    signature = CharField(required=False, allow_blank=True, max_length=SIGNATURE_MAX)
    certificate = CharField(required=False, allow_blank=True, max_length=PEM_MAX)
    chain = serializers.ListField(child=CharField(max_length=PEM_MAX), required=False, max_length=8)


class RegistrationVerify(RegistrationView):
    @extend_schema(request=ProofSerializer, responses=ApplicationSerializer)
    def post(self, request):
        application = self.application(request)
        data = ProofSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.registration_verify(
            application=application, proof={k: v for k, v in data.validated_data.items() if v}
        )
        return self.state(application)


class DeclarationsSerializer(serializers.Serializer):
    """Each declaration true or false; one left out counts as not declared."""

    def get_fields(self):
        return {
            key: serializers.BooleanField(required=False, default=False) for key in DECLARATION_KEYS
        }


class RegistrationDeclarationsSerializer(serializers.Serializer):
    data_query = serializers.BooleanField(required=False, default=False)
    declarations = DeclarationsSerializer(required=False)


class RegistrationDeclarations(RegistrationView):
    @extend_schema(request=RegistrationDeclarationsSerializer, responses=ApplicationSerializer)
    def post(self, request):
        application = self.application(request)
        data = RegistrationDeclarationsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        declarations = data.validated_data.get("declarations") or {}
        services.registration_accept_declarations(
            application=application,
            data_query=data.validated_data["data_query"],
            declarations={k: bool(declarations.get(k)) for k in DECLARATION_KEYS},
        )
        return self.state(application)


class ConsentSerializer(serializers.Serializer):
    personal_data = serializers.BooleanField(required=False, default=False)


class RegistrationConsent(RegistrationView):
    @extend_schema(request=ConsentSerializer, responses=ApplicationSerializer)
    def post(self, request):
        application = self.application(request)
        data = ConsentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.registration_consent(
            application=application, personal_data=data.validated_data["personal_data"]
        )
        return self.state(application)


class AccountSerializer(serializers.Serializer):
    # Blank values reach the service, which says what is missing in its own words.
    email = CharField(required=False, allow_blank=True, default="", max_length=EMAIL_MAX_LENGTH)
    password = CharField(
        required=False, allow_blank=True, default="", max_length=4096, trim_whitespace=False
    )
    name = CharField(required=False, allow_blank=True, default="", max_length=NAME_MAX_LENGTH)


class RegistrationAccount(RegistrationView):
    @extend_schema(request=AccountSerializer, responses=ApplicationSerializer)
    def post(self, request):
        application = self.application(request)
        data = AccountSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.registration_create_account(
            application=application, ip=_ip(request), **data.validated_data
        )
        return self.state(application)


class EmailCodeSerializer(serializers.Serializer):
    code = CharField(required=False, allow_blank=True, default="", max_length=12)


class RegistrationEmail(RegistrationView):
    @extend_schema(request=EmailCodeSerializer, responses=ApplicationSerializer)
    def post(self, request):
        application = self.application(request)
        data = EmailCodeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.registration_confirm_email(
            application=application, code=data.validated_data["code"]
        )
        return self.state(application)


class RegistrationEmailResend(RegistrationView):
    @extend_schema(request=None, responses=ApplicationSerializer)
    def post(self, request):
        application = self.application(request)
        services.registration_resend_email_code(application=application, ip=_ip(request))
        return self.state(application)
