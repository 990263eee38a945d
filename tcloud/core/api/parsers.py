"""The API's one body parser (REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]).

Every request body of /api/v1/ is a JSON object (shared/API.md). This parser is
the one place that refuses, before any view sees the data:

- a body over `API_MAX_BODY_BYTES` -> 413 `{"detail", "code": "request_too_large"}`;
- anything but a JSON object at the top (an array, a string, a number)
  -> 400 `{"non_field_errors": [...]}`;
- nesting deeper than `MAX_JSON_DEPTH` (json would otherwise recurse until
  Python gives up) -> 400;
- text with a NUL character or a lone surrogate, in a key or a value
  -> 400 naming the field where it was found (nested fields nest).

It is not a `JSONParser` subclass on purpose: DRF reads a JSONParser's whole body
through Django's `request.body` first; this one reads at most the limit plus
one byte from the stream itself.
"""

from __future__ import annotations

import codecs
import json

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions, renderers, status
from rest_framework.parsers import BaseParser, get_encoding
from rest_framework.utils.json import strict_constant

from tcloud.core.validators import MAX_JSON_DEPTH, encodable, has_nul

DEFAULT_MAX_BODY_BYTES = 1024 * 1024


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"

    def __init__(self, limit: int):
        super().__init__(
            _("The request body is larger than %(limit)d bytes.") % {"limit": limit},
            code=self.default_code,
        )


def max_body_bytes() -> int:
    return int(getattr(settings, "API_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES))


def _nest(path: list, message: str) -> dict:
    """`{"a": {"b": ["message"]}}` for the path ["a", "b"] (list positions as
    their index, as DRF reports a list field's items)."""
    error: dict | list = [message]
    for key in reversed(path or ["non_field_errors"]):
        error = {str(key): error}
    return error  # type: ignore[return-value]


def check_json(data) -> None:
    """Walk a decoded JSON value without recursion: depth, NULs, surrogates."""
    stack = [(data, [], 1)]
    while stack:
        value, path, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise exceptions.ValidationError(
                _nest(
                    [],
                    _("The JSON is nested too deeply (at most %(depth)d levels).")
                    % {"depth": MAX_JSON_DEPTH},
                )
            )
        if isinstance(value, dict):
            for key, item in value.items():
                _check_text(key, [*path, key])
                stack.append((item, [*path, key], depth + 1))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                stack.append((item, [*path, index], depth + 1))
        elif isinstance(value, str):
            _check_text(value, path)


def _check_text(value: str, path: list) -> None:
    if has_nul(value):
        raise exceptions.ValidationError(_nest(path, _("Null characters are not allowed.")))
    if not encodable(value):
        raise exceptions.ValidationError(_nest(path, _("The text is not valid Unicode.")))


class JSONObjectParser(BaseParser):
    media_type = "application/json"
    renderer_class = renderers.JSONRenderer

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        limit = max_body_bytes()
        request = parser_context.get("request")
        meta = getattr(request, "META", {}) if request is not None else {}
        try:
            declared = int(meta.get("CONTENT_LENGTH") or 0)
        except (TypeError, ValueError):
            declared = 0
        if declared > limit:
            raise RequestTooLarge(limit)
        raw = stream.read(limit + 1)
        if len(raw) > limit:
            raise RequestTooLarge(limit)
        encoding = get_encoding(parser_context)
        try:
            text = codecs.decode(raw, encoding)
        except (UnicodeDecodeError, LookupError):
            raise exceptions.ValidationError(
                _nest([], _("The body is not valid %(encoding)s text.") % {"encoding": encoding})
            ) from None
        try:
            data = json.loads(text, parse_constant=strict_constant)
        except RecursionError:
            data = None
            too_deep = True
        except ValueError as exc:
            raise exceptions.ValidationError(
                _nest([], _("The body is not valid JSON: %(error)s") % {"error": exc})
            ) from None
        else:
            too_deep = False
        if too_deep:
            raise exceptions.ValidationError(
                _nest(
                    [],
                    _("The JSON is nested too deeply (at most %(depth)d levels).")
                    % {"depth": MAX_JSON_DEPTH},
                )
            )
        if not isinstance(data, dict):
            raise exceptions.ValidationError(
                _nest([], _("Send a JSON object ({...}) as the request body."))
            )
        check_json(data)
        return data
