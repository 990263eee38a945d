"""Which language a response speaks.

Pages speak Traditional Chinese unless the person chose English with the switch
(the language cookie); a browser's Accept-Language does not change that, so the
site looks the same to everyone in Taiwan. The API follows Accept-Language
(zh-Hant by default), as shared/API.md promises programs.
"""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header


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
