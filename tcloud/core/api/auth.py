from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from tcloud.core.api.fields import CharField


class TooManyAttempts(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = _("Too many failed sign-in attempts. Try again later.")
    default_code = "too_many_attempts"


def authenticate_with_login_limits(request, *, email: str, password: str):
    """Check a password as the web login does, under the same failed-login limits.

    allauth's adapter counts failures per address and per IP (ACCOUNT_RATE_LIMITS
    "login_failed") in the cache it shares with /accounts/login/, so failures on
    either count for both and a locked account stays locked here. Raises
    TooManyAttempts while locked; returns the user or None.
    """
    http_request = getattr(request, "_request", request)
    try:
        return get_adapter(http_request).authenticate(http_request, email=email, password=password)
    except DjangoValidationError as exc:
        if getattr(exc, "code", None) == "too_many_login_attempts":
            raise TooManyAttempts() from None
        raise


class _OutcomeThrottle(SimpleRateThrottle):
    """A per-IP limit that counts only the requests whose outcome the view
    records (`record`), unlike DRF's throttles, which count every request."""

    def get_cache_key(self, request, view=None):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def _history(self, key) -> list[float]:
        now = self.timer()
        return [t for t in self.cache.get(key, []) if t > now - self.duration]

    def allow_request(self, request, view):
        self.key = self.get_cache_key(request, view)
        self.now = self.timer()
        self.history = self._history(self.key)
        if len(self.history) >= self.num_requests:
            return self.throttle_failure()
        return True

    def record(self, request) -> None:
        key = self.get_cache_key(request)
        self.cache.set(key, [self.timer(), *self._history(key)], self.duration)


class FailedTokenRequests(_OutcomeThrottle):
    """Failed attempts (wrong password, bad input) per IP: "auth", 10 a minute."""

    scope = "auth"


class SuccessfulTokenRequests(_OutcomeThrottle):
    """Tokens handed out per IP: "auth_success", a far higher limit (an ERP that
    signs in often is not an attacker)."""

    scope = "auth_success"


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})

    def validate(self, attrs):
        user = authenticate_with_login_limits(
            self.context["request"], email=attrs["email"].lower(), password=attrs["password"]
        )
        if user is None:
            raise serializers.ValidationError(
                _("The email address and password do not match an active account."),
                code="authorization",
            )
        addresses = EmailAddress.objects.filter(user=user)
        if addresses.exists() and not addresses.filter(verified=True).exists():
            raise serializers.ValidationError(
                _("Verify your email address with the code we sent before using the API."),
                code="unverified",
            )
        attrs["user"] = user
        return attrs


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()


class TokenView(APIView):
    """Exchange an email and password for an API token (`Authorization: Token <token>`)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [FailedTokenRequests, SuccessfulTokenRequests]
    error_statuses_never = (409,)  # nothing here is a rule or a state (schema)

    @extend_schema(
        request=TokenRequestSerializer, responses={200: TokenResponseSerializer, 429: None}
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            FailedTokenRequests().record(request)
            raise exceptions.ValidationError(serializer.errors)
        SuccessfulTokenRequests().record(request)
        token, _created = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})
