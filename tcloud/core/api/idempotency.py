"""`Idempotency-Key` for POSTs that create orders or move points (shared/API.md).

The first successful response to a key is stored with it, in the same
transaction as the work it did; a repeat returns that response and does
nothing. A concurrent repeat waits on the key's row until the first commits.
Failed requests store nothing: everything they did was rolled back, so a retry
is a new attempt.
"""

from __future__ import annotations

from functools import wraps

from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.response import Response

from tcloud.core.api.errors import Conflict
from tcloud.core.models import IdempotencyRecord

HEADER = "Idempotency-Key"


def idempotent(method):
    @wraps(method)
    def wrapper(view, request, *args, **kwargs):
        key = request.headers.get(HEADER, "").strip()
        if not key:
            return method(view, request, *args, **kwargs)
        if len(key) > 200:
            raise Conflict(_("An Idempotency-Key has at most 200 characters."), code="bad_key")
        scope = f"{request.method} {request.path}"
        with transaction.atomic():
            record, created = IdempotencyRecord.objects.select_for_update().get_or_create(
                user=request.user, key=key, defaults={"scope": scope}
            )
            if not created:
                if record.scope != scope:
                    raise Conflict(
                        _("This Idempotency-Key was used for another request."),
                        code="idempotency_key_reused",
                    )
                if record.status_code is not None:
                    replay = Response(record.body, status=record.status_code)
                    replay["Idempotent-Replayed"] = "true"
                    return replay
            response = method(view, request, *args, **kwargs)
            if 200 <= response.status_code < 300:
                record.status_code, record.body = response.status_code, response.data
                record.save(update_fields=["status_code", "body"])
            else:
                transaction.set_rollback(True)
            return response

    return wrapper
