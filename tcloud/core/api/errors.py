"""The API's error format (shared/API.md).

400 `{"field": ["message"]}` (a nested serializer's errors nest as JSON objects,
a list's as lists; never a programming-language repr); every other error
`{"detail", "code"}`. Messages follow the request's language (LanguageMiddleware).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from tcloud.core.api.parsers import RequestTooLarge, max_body_bytes
from tcloud.core.errors import RuleError
from tcloud.core.middleware import is_outage


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class Unprocessable(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "unprocessable"


def _messages(detail) -> list | dict:
    """A field's errors as JSON: a list of strings, a nested object, or a list of
    nested objects (one per item of a list of objects)."""
    if isinstance(detail, dict):
        return {str(key): _messages(value) for key, value in detail.items()}
    if isinstance(detail, list | tuple):
        if any(isinstance(item, dict | list | tuple) for item in detail):
            return [
                _messages(item) if isinstance(item, dict | list | tuple) else [str(item)]
                for item in detail
            ]
        return [str(item) for item in detail]
    return [str(detail)]


def field_errors(detail) -> dict:
    if isinstance(detail, dict):
        return {str(field): _messages(msgs) for field, msgs in detail.items()}
    return {"non_field_errors": _messages(detail if isinstance(detail, list) else [detail])}


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
    elif isinstance(exc, RequestDataTooBig):
        # Django's own limit (DATA_UPLOAD_MAX_MEMORY_SIZE), should a body have
        # been read before the API's parser (tcloud.core.api.parsers) saw it.
        exc = RequestTooLarge(max_body_bytes())

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if response.status_code == status.HTTP_400_BAD_REQUEST:
        # Every 400 in the field format, a malformed body (ParseError) included.
        response.data = field_errors(exc.detail)
        return response
    detail = getattr(exc, "detail", None)
    code = detail.code if hasattr(detail, "code") else getattr(exc, "default_code", "error")
    if isinstance(detail, dict | list):
        detail = _("The request could not be processed.")
    response.data = {"detail": str(detail), "code": str(code)}
    return response
