"""`Idempotency-Key` for POSTs that create orders or move points (shared/API.md).

The first successful response to a key is stored with it, in the same
transaction as the work it did, together with a fingerprint of the request
(method, path and body). A repeat with the same fingerprint returns that
response and does nothing; the same key with another body or for another
endpoint is refused with 422 `idempotency_key_reused`, and the first result
stays. A concurrent repeat waits on the key's row until the first commits.
Failed requests store nothing: everything they did was rolled back, so a retry
is a new attempt.

A key lives 24 hours (`KEY_TTL`): after that it is a new key, and the sweep
`expire_keys` (listed in tcloud.site.sweeps) deletes the old records.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from functools import wraps

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response

from tcloud.core.api.errors import Unprocessable
from tcloud.core.models import IdempotencyRecord

HEADER = "Idempotency-Key"
KEY_MAX_LENGTH = 200
KEY_TTL = dt.timedelta(hours=24)


def fingerprint(request) -> str:
    """The request's identity: method, path and the parsed body in a canonical
    form (so key order and spacing do not matter, values do)."""
    data = request.data
    if hasattr(data, "dict"):  # an empty body arrives as a QueryDict
        data = data.dict()
    body = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def _reused():
    return Unprocessable(
        _(
            "This Idempotency-Key was already used for another request. Send a new key "
            "for a new request."
        ),
        code="idempotency_key_reused",
    )


def idempotent(method):
    @wraps(method)
    def wrapper(view, request, *args, **kwargs):
        key = request.headers.get(HEADER, "").strip()
        if not key:
            return method(view, request, *args, **kwargs)
        if len(key) > KEY_MAX_LENGTH:
            raise exceptions.ValidationError(
                {HEADER: [_("An Idempotency-Key has at most 200 characters.")]}
            )
        scope = f"{request.method} {request.path}"
        request_print = fingerprint(request)
        now = timezone.now()
        with transaction.atomic():
            record, created = IdempotencyRecord.objects.select_for_update().get_or_create(
                user=request.user, key=key, defaults={"scope": scope, "fingerprint": request_print}
            )
            if not created and record.created_at <= now - KEY_TTL:
                # Expired (the sweep has not deleted it yet): a new key.
                record.scope, record.fingerprint, record.created_at = scope, request_print, now
                record.status_code = record.body = None
                record.save()
                created = True
            if not created:
                if record.scope != scope or record.fingerprint not in ("", request_print):
                    raise _reused()
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

    wrapper.idempotent = True  # the schema documents the header and the 422
    return wrapper


def expire_keys(*, now: dt.datetime) -> int:
    """Sweep: forget keys older than 24 hours."""
    deleted, _by_model = IdempotencyRecord.objects.filter(created_at__lte=now - KEY_TTL).delete()
    return deleted
