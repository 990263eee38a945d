"""Which language a response speaks.

Pages speak Traditional Chinese unless the person chose English with the switch
(the language cookie); a browser's Accept-Language does not change that, so the
site looks the same to everyone in Taiwan. The API follows Accept-Language
(zh-Hant by default), as shared/API.md promises programs.
"""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header

from tcloud.core.api.parsers import RequestTooLarge, max_body_bytes
from tcloud.core.validators import has_nul, refuse_nul


def _supported(code: str | None) -> str | None:
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = self._choose(request)
        request.LANGUAGE_CODE = language
        # override() restores the thread's language afterwards, so one request's
        # choice never leaks into the next thing the thread does.
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        if request.path.startswith("/api/"):
            patch_vary_headers(response, ["Accept-Language"])
        else:
            patch_vary_headers(response, ["Cookie"])
        return response

    def _choose(self, request) -> str:
        if request.path.startswith("/api/"):
            header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
            for code, _q in parse_accept_lang_header(header):
                if code == "*":
                    break
                if found := _supported(code):
                    return found
            return settings.LANGUAGE_CODE
        return (
            _supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)) or settings.LANGUAGE_CODE
        )


class InputGuardMiddleware:
    """Refuse, before any view or query sees it:

    - an API request whose declared body is over `API_MAX_BODY_BYTES`: 413
      `{"detail", "code": "request_too_large"}` (the parser,
      tcloud.core.api.parsers, holds the same limit for what it reads);
    - a request with a NUL character in its path, a query parameter, a header
      or a form value: 400.

    Fields run `tcloud.core.validators.refuse_nul` themselves; this covers what
    views read without a field (search words, filters, tokens in headers, a
    cancel reason read from the POST). The API answers in its field format,
    `{"q": ["Null characters are not allowed."]}`; pages show the 400 page.
    API bodies are JSON and checked by the API's parser.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/") and self._declared_length(request) > max_body_bytes():
            error = RequestTooLarge(max_body_bytes())
            return JsonResponse(
                {"detail": str(error.detail), "code": error.default_code},
                status=error.status_code,
                json_dumps_params={"ensure_ascii": False},
            )
        field = self._offending_field(request)
        if field is not None:
            return self._refuse(request, field)
        return self.get_response(request)

    @staticmethod
    def _declared_length(request) -> int:
        try:
            return int(request.META.get("CONTENT_LENGTH") or 0)
        except (TypeError, ValueError):
            return 0

    def _offending_field(self, request) -> str | None:
        if has_nul(request.path):
            return "non_field_errors"
        for key, values in request.GET.lists():
            if has_nul(key) or any(has_nul(v) for v in values):
                return key.replace("\x00", "") or "non_field_errors"
        for key, value in request.META.items():
            if key.startswith("HTTP_") and isinstance(value, str) and has_nul(value):
                return key[5:].replace("_", "-").title()
        if (
            request.method == "POST"
            and not request.path.startswith("/api/")
            and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data")
        ):
            for key, values in request.POST.lists():
                if has_nul(key) or any(has_nul(v) for v in values):
                    return key.replace("\x00", "") or "non_field_errors"
        return None

    def _refuse(self, request, field: str):
        message = str(refuse_nul.message)
        if request.path.startswith("/api/"):
            return JsonResponse(
                {field: [message]}, status=400, json_dumps_params={"ensure_ascii": False}
            )
        return render(request, "400.html", {"message": message}, status=400)


# What "the database or Redis is away" looks like to a request.
try:
    from redis.exceptions import ConnectionError as _RedisDown
except ImportError:  # pragma: no cover - redis is a dependency
    _RedisDown = ConnectionError


def is_outage(exc: BaseException) -> bool:
    from django.db import InterfaceError, OperationalError

    return isinstance(exc, (OperationalError, InterfaceError, _RedisDown))


class OutageMiddleware:
    """A request that meets a dropped database connection (or a Redis call with no
    fallback) answers 503: JSON on the API, a page that says so on the web. The
    request's transaction was rolled back, so nothing is half-written."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_outage(exception):
            return None
        import logging

        from django.http import JsonResponse
        from django.shortcuts import render
        from django.utils.translation import gettext as _

        logging.getLogger(__name__).error("outage: %s answered 503 (%r)", request.path, exception)
        if request.path.startswith("/api/"):
            response = JsonResponse(
                {
                    "detail": _("The service is briefly unavailable. Try again in a moment."),
                    "code": "service_unavailable",
                },
                status=503,
            )
        else:
            response = render(request, "503.html", status=503)
        response["Retry-After"] = "30"
        return response
