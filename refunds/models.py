from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tcloud.core.models import Event


class Refund(models.Model):
    """What a member gets back for cancelling a paid order (RULES R1-R7).

    The amounts are fixed when the member cancels. The points come back at
    once (to the wallet while it is valid, else to the program: R5); the
    self-pay is owed by the vendor until it confirms paying it back.
    """

    class Status(models.TextChoices):
        OWED = "owed", _("Self-pay refund owed by the vendor")
        DISPUTED = "disputed", _("Disputed: staff are looking at it")
        SETTLED = "settled", _("Settled")

    order = models.OneToOneField(
        "orders.Order", verbose_name=_("order"), on_delete=models.PROTECT, related_name="refund"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    reason = models.TextField(_("member's reason"), blank=True)
    cancelled_on = models.DateField(_("cancelled on"))
    term_months = models.PositiveSmallIntegerField(_("term (months)"))
    used_months = models.PositiveSmallIntegerField(_("months used"))
    over_half = models.BooleanField(_("over half the term"))
    self_pay_refund = models.PositiveIntegerField(_("self-pay to refund (NT$)"))
    points_returned = models.PositiveIntegerField(_("points returned"))
    points_to_wallet = models.PositiveIntegerField(_("points back to the member"))
    points_to_program = models.PositiveIntegerField(_("points back to the program"))
    ledger_entry = models.OneToOneField(
        "points.LedgerEntry",
        verbose_name=_("ledger entry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="refund",
    )
    created_at = models.DateTimeField(_("created at"))
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    points_returned=models.F("points_to_wallet") + models.F("points_to_program")
                ),
                name="refund_points_split_adds_up",
            ),
            models.CheckConstraint(
                condition=Q(status="settled", settled_at__isnull=False)
                | (~Q(status="settled") & Q(settled_at__isnull=True)),
                name="refund_settled_when_settled_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order} {self.get_status_display()}"

    @property
    def is_disputed(self) -> bool:
        return self.status == self.Status.DISPUTED


class RefundEvent(Event):
    ACTION_LABELS = {
        "request": _("Cancelled after payment: refund computed"),
        "confirm": _("Paid back by the vendor"),
        "dispute": _("Disputed"),
        "resolve": _("Resolved by staff"),
    }

    refund = models.ForeignKey(Refund, on_delete=models.CASCADE, related_name="events")

    class Meta(Event.Meta):
        verbose_name = _("refund event")
        verbose_name_plural = _("refund events")
