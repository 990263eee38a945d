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
