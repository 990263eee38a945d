"""The API's error format (shared/API.md).

400 `{"field": ["message"]}`; every other error `{"detail", "code"}`. Messages
follow the request's language (LocaleMiddleware).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from tcloud.core.errors import RuleError
from tcloud.core.middleware import is_outage


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def _field_errors(detail) -> dict:
    if isinstance(detail, dict):
        return {
            field: [str(m) for m in (msgs if isinstance(msgs, list) else [msgs])]
            for field, msgs in detail.items()
        }
    msgs = detail if isinstance(detail, list) else [detail]
    return {"non_field_errors": [str(m) for m in msgs]}


def exception_handler(exc, context):
    if is_outage(exc):
        # Left to OutageMiddleware: the same 503 for every client.
        return None
    if isinstance(exc, RuleError):
        return Response({"detail": exc.message, "code": exc.code}, status=409)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = _field_errors(exc.detail)
        return response
    detail = getattr(exc, "detail", None)
    code = detail.code if hasattr(detail, "code") else getattr(exc, "default_code", "error")
    if isinstance(detail, dict | list):
        detail = _("The request could not be processed.")
    response.data = {"detail": str(detail), "code": str(code)}
    return response
