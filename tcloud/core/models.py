from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    """A day staff set apart from Taiwan's national calendar (RULES O8).

    `closed` days (typhoon days, other closures) are not business days even when
    the national calendar says they are; `working` days are business days even
    when it says they are not.
    """

    class Kind(models.TextChoices):
        CLOSED = "closed", _("Closed (e.g. typhoon day)")
        WORKING = "working", _("Extra working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=200)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days (typhoon days and extra working days)")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}: {self.reason}"


class IdempotencyRecord(models.Model):
    """The first successful answer to a POST sent with an `Idempotency-Key`.

    A repeat with the same key and the same request (`fingerprint`: method,
    path, body) from the same user gets this answer back and moves nothing;
    another request with the key is refused (shared/API.md). Unique per user and
    key in the database; kept 24 hours (tcloud.core.api.idempotency).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    scope = models.CharField(max_length=300)  # method and path the key was first used for
    # sha256 of method, path and canonical body; "" for records from before it existed
    fingerprint = models.CharField(max_length=64, default="")
    status_code = models.PositiveSmallIntegerField(null=True)
    body = models.JSONField(null=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"


class Event(models.Model):
    """One step in the life of an object: who, when, what. Every state machine's
    events extend this (with a foreign key to their subject), so one admin
    inline and one serializer show any history. Written by
    `tcloud.core.statemachine.Machine` in the transaction of the change.

    Users are deactivated, never deleted, except an abandoned registration's
    account that never became active; its events keep their role when the user
    row goes (`SET_NULL`).
    """

    action = models.CharField(_("action"), max_length=40, default="")
    from_status = models.CharField(_("from"), max_length=30, blank=True, default="")
    to_status = models.CharField(_("to"), max_length=30, blank=True, default="")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # member, vendor, staff, system (a deadline sweep), applicant (no account yet)
    actor_role = models.CharField(_("actor role"), max_length=10, blank=True, default="")
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True, default="")
    data = models.JSONField(_("data"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    ACTION_LABELS: dict = {}

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} {self.from_status}->{self.to_status}"

    @property
    def label(self) -> str:
        return str(self.ACTION_LABELS.get(self.action, self.action))


class OutboxMessage(models.Model):
    """A message (an email today) written in the same transaction as the change
    that causes it, and delivered after commit with retries (tcloud.core.outbox).

    `key` is unique: the same change asking for the same message twice writes
    one row, so one row is one email. A committed change always has its message
    here, whether or not the broker answered at the time.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed (gave up retrying)")

    class Kind(models.TextChoices):
        EMAIL = "email", _("Email")

    key = models.CharField(_("key"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.EMAIL)
    recipients = models.JSONField(_("recipients"), default=list)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("body"), blank=True)
    # A body with a one-time code is blanked once sent: the database keeps no code.
    sensitive = models.BooleanField(_("sensitive"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        indexes = [
            # The sweep's scan: only pending messages are ever due.
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="outbox_due",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="sent", sent_at__isnull=False)
                | (~models.Q(status="sent") & models.Q(sent_at__isnull=True)),
                name="outbox_sent_has_sent_at",
            )
        ]

    def __str__(self) -> str:
        return self.key
