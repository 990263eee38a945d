"""The OpenAPI schema tells the truth about errors (REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]).

Every operation gets the error responses it can really give (shared/API.md,
"Errors"), from what the view is, so no view repeats them:

- 400 field errors `{"field": ["message"]}` (nested objects nest): every
  operation, since any query parameter or header carrying a NUL is refused;
- 401 when the view authenticates (a wrong token is refused even where no
  sign-in is needed), 403 when it checks a role;
- 404 for an operation on `{id}`, a paginated list (a page past the end), or a
  view that names it in `error_statuses`;
- 409 `{"detail", "code"}` for operations that change something, and for views
  that name it (a quote refused by the order's state);
- 413 and 415 for operations with a request body;
- 422 `idempotency_key_reused` (and the `Idempotency-Key` header) for
  operations wrapped in `tcloud.core.api.idempotency.idempotent`;
- 429 for throttled views.

A view adds statuses with `error_statuses = (404,)` and removes them with
`error_statuses_never = (409,)`.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import OpenApiParameter
from rest_framework.permissions import AllowAny

from tcloud.core.api.idempotency import HEADER, KEY_MAX_LENGTH
from tcloud.core.api.permissions import _HasRole

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")

FIELD_ERRORS = {
    "type": "object",
    "description": (
        'Field errors: {"field": ["message"]}. A nested object\'s errors nest as an '
        'object; errors not tied to a field are under "non_field_errors".'
    ),
    "additionalProperties": {
        "oneOf": [
            {"type": "array", "items": {"type": "string"}},
            {"$ref": "#/components/schemas/FieldErrors"},
        ]
    },
}
ERROR = {
    "type": "object",
    "properties": {
        "detail": {"type": "string", "description": "in the request's language"},
        "code": {"type": "string", "description": "stable, for programs"},
    },
    "required": ["detail", "code"],
}

DESCRIPTIONS = {
    "400": "Invalid input: field errors.",
    "401": "Not signed in, or a wrong token (`not_authenticated`, `authentication_failed`).",
    "403": "Signed in with another role (`permission_denied`).",
    "404": "Missing, or not yours (`not_found`); another party's object is never revealed.",
    "409": (
        "A rule or the object's state forbids it, with a `code` such as `invalid_state`, "
        "`deadline_passed`, `not_eligible`, `already_granted`, `budget_exhausted`, "
        "`pending_review`, `not_in_subsidy_zone`, `amounts_changed`, `throttled`."
    ),
    "413": "The body is over the limit (`request_too_large`).",
    "415": "The body is not JSON (`unsupported_media_type`).",
    "422": (
        "The Idempotency-Key was used for another request (`idempotency_key_reused`); "
        "the first result stays."
    ),
    "429": "Too many attempts (`too_many_attempts`, `throttled`).",
}


class AutoSchema(SpectacularAutoSchema):
    def _error_statuses(self) -> list[str]:
        view = self.view
        statuses = {"400"}
        if getattr(view, "authentication_classes", None):
            statuses.add("401")
        permissions = getattr(view, "permission_classes", [])
        if any(p is not AllowAny for p in permissions):
            statuses.add("401")
        if any(isinstance(p, type) and issubclass(p, _HasRole) for p in permissions):
            statuses.add("403")
        if "{" in self.path or (self.method == "GET" and self._is_list_view()):
            statuses.add("404")
        if self.method in UNSAFE:
            statuses.update({"409", "413", "415"})
        if self._is_idempotent():
            statuses.add("422")
        if getattr(view, "throttle_classes", None):
            statuses.add("429")
        statuses.update(str(code) for code in getattr(view, "error_statuses", ()))
        statuses.difference_update(str(code) for code in getattr(view, "error_statuses_never", ()))
        return sorted(statuses)

    def _is_idempotent(self) -> bool:
        handler = getattr(self.view, self.method.lower(), None)
        return bool(getattr(handler, "idempotent", False))

    def _register(self, name: str, schema: dict) -> dict:
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema
        )
        self.registry.register_on_missing(component)
        return component.ref

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        field_errors = self._register("FieldErrors", FIELD_ERRORS)
        error = self._register("Error", ERROR)
        for status in self._error_statuses():
            schema = field_errors if status == "400" else error
            responses.setdefault(
                status,
                {
                    "description": DESCRIPTIONS[status],
                    "content": {"application/json": {"schema": schema}},
                },
            )
        return responses

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self._is_idempotent():
            parameters.append(
                OpenApiParameter(
                    HEADER,
                    str,
                    OpenApiParameter.HEADER,
                    required=False,
                    description=(
                        "Repeat the request safely: a repeat with the same key and body "
                        "returns the first result (kept 24 hours); another body is a 422."
                    ),
                )
            )
        return parameters

    def _get_parameters(self):
        parameters = super()._get_parameters()
        for parameter in parameters:
            if parameter.get("in") == "header" and parameter.get("name") == HEADER:
                parameter["schema"] = {"type": "string", "maxLength": KEY_MAX_LENGTH}
        return parameters
