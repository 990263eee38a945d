"""The transactional outbox: side effects that must not be lost.

A service that causes a message calls `outbox_email(...)` inside its
transaction: the message is a row (`OutboxMessage`) committed with the change,
or not at all. After commit a Celery task delivers it; when the broker does not
answer, nothing fails (the change is committed and the client gets its 2xx) and
the every-minute sweep (`outbox_sweep`, in tcloud.site.sweeps) delivers what is
left, with a growing wait between tries, giving up after `MAX_ATTEMPTS` (staff
see failed messages in the admin and can retry).

Delivery holds the message's row lock while it sends: two workers never send
one message, and a worker that dies before committing leaves the message
pending for the next try. A worker that dies after the mail server took the
message but before its commit would send it again; the message id
(`<key@tcloud>`) lets mail systems drop such a repeat.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from tcloud.core.models import OutboxMessage

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BATCH = 200


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the `attempts`th failed try: 1, 2, 4, ... minutes, at most 2 hours."""
    return dt.timedelta(minutes=min(2 ** max(attempts - 1, 0), 120))


def outbox_email(
    *, key: str, to: list[str], subject: str, body: str, sensitive: bool = False
) -> OutboxMessage | None:
    """Write an email to send once the caller's transaction commits. Idempotent:
    a key already written (a retried request, a rerun sweep) writes nothing more.
    No recipients, no message. A `sensitive` body (a one-time code) is blanked
    once it is sent."""
    recipients = sorted({address for address in to if address})
    if not recipients:
        return None
    message, created = OutboxMessage.objects.get_or_create(
        key=key,
        defaults={
            "recipients": recipients,
            "subject": subject[:300],
            "body": body,
            "sensitive": sensitive,
        },
    )
    if created:
        transaction.on_commit(lambda: _dispatch(message.pk))
    return message


def _dispatch(message_id: int) -> None:
    """Hand the message to a worker; if the broker is away, the sweep will."""
    from tcloud.core.tasks import deliver_outbox_message

    try:
        deliver_outbox_message.delay(message_id)
    except Exception:  # noqa: BLE001 - any broker failure: the row waits for the sweep
        log.warning("outbox: broker unavailable; message %s waits for the sweep", message_id)


def _send(message: OutboxMessage) -> None:
    email = EmailMessage(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=message.recipients,
        headers={"Message-ID": f"<{message.key}@tcloud>"},
    )
    email.send(fail_silently=False)


def outbox_deliver(*, message_id: int, now: dt.datetime | None = None) -> bool:
    """Send one pending message that is due; True when it was sent now. A message
    already sent, given up, not due yet, or being sent by another worker is left
    alone, so running this twice sends nothing twice."""
    now = now or timezone.now()
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now)
            .first()
        )
        if message is None:
            return False
        message.attempts += 1
        try:
            _send(message)
        except Exception as exc:  # noqa: BLE001 - recorded, retried later
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if message.attempts >= MAX_ATTEMPTS:
                message.status = OutboxMessage.Status.FAILED
            message.next_attempt_at = now + backoff(message.attempts)
            message.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
            log.warning("outbox: message %s failed (%s)", message.pk, message.last_error)
            return False
        message.status = OutboxMessage.Status.SENT
        message.sent_at = timezone.now()
        message.last_error = ""
        if message.sensitive:
            message.body = ""
        message.save(update_fields=["attempts", "status", "sent_at", "last_error", "body"])
        return True


def outbox_sweep(*, now: dt.datetime) -> int:
    """Deliver every pending message that is due (the broker was down at commit
    time, a worker died, an earlier try failed). Returns how many were sent."""
    sent = 0
    due = OutboxMessage.objects.filter(
        status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now
    ).order_by("next_attempt_at", "pk")
    for message_id in due.values_list("pk", flat=True)[:BATCH]:
        sent += outbox_deliver(message_id=message_id, now=now)
    return sent


@transaction.atomic
def outbox_retry(*, message_ids: list[int], now: dt.datetime | None = None) -> int:
    """Staff send failed or waiting messages again now (admin action)."""
    now = now or timezone.now()
    count = (
        OutboxMessage.objects.filter(pk__in=message_ids)
        .exclude(status=OutboxMessage.Status.SENT)
        .update(status=OutboxMessage.Status.PENDING, next_attempt_at=now)
    )
    for message_id in message_ids:
        transaction.on_commit(lambda message_id=message_id: _dispatch(message_id))
    return count
