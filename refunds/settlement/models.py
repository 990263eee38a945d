"""Statements: what the program pays each vendor for the points of its orders
(RULES S1-S6). Amounts are points, 1 point = NT$1, integers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tcloud.core.models import Event


class Statement(models.Model):
    """One vendor's statement in one program for one month (S3).

    `total = points_payable - points_clawed_back + carried_over`; a negative
    total pays nothing (`amount_due` 0) and is carried, as `carried_over`, to the
    vendor's next statement (S4). From approval on, nothing in it changes (S5).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        PAID = "paid", _("Paid")
        DISPUTED = "disputed", _("Disputed")

    vendor = models.ForeignKey(
        "catalog.Vendor",
        verbose_name=_("vendor"),
        on_delete=models.PROTECT,
        related_name="statements",
    )
    program = models.ForeignKey(
        "points.Program",
        verbose_name=_("program"),
        on_delete=models.PROTECT,
        related_name="statements",
    )
    period = models.DateField(_("period"), help_text=_("The first day of the month stated."))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    points_payable = models.PositiveBigIntegerField(_("points payable"), default=0)
    points_clawed_back = models.PositiveBigIntegerField(_("points clawed back"), default=0)
    carried_over = models.BigIntegerField(
        _("carried over"), default=0, help_text=_("A negative balance from the previous statement.")
    )
    total = models.BigIntegerField(_("total"), default=0)
    amount_due = models.PositiveBigIntegerField(_("amount due (NT$)"), default=0)
    disputed_from = models.CharField(_("disputed from"), max_length=10, blank=True)
    issued_at = models.DateTimeField(_("issued at"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    transfer_reference = models.CharField(_("transfer reference"), max_length=100, blank=True)

    class Meta:
        ordering = ["-period", "vendor__name"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "program", "period"], name="statement_once_per_month"
            ),
            models.CheckConstraint(condition=Q(period__day=1), name="statement_period_is_a_month"),
            models.CheckConstraint(
                condition=Q(
                    total=F("points_payable") - F("points_clawed_back") + F("carried_over")
                ),
                name="statement_total_adds_up",
            ),
            models.CheckConstraint(
                condition=Q(carried_over__lte=0), name="statement_carry_negative"
            ),
            models.CheckConstraint(
                condition=(Q(total__gte=0) & Q(amount_due=F("total")))
                | (Q(total__lt=0) & Q(amount_due=0)),
                name="statement_amount_due_is_positive_total",
            ),
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(paid_on__isnull=False),
                name="statement_paid_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vendor} {self.period:%Y-%m}"

    @property
    def period_label(self) -> str:
        return f"{self.period:%Y-%m}"

    @property
    def carried_forward(self) -> int:
        """What this statement carries to the vendor's next one (≤ 0)."""
        return min(self.total, 0)


class StatementLine(models.Model):
    """An order's points on a statement: payable once (S2, S3), or a clawback of
    a refund that came after it was stated (S4). The database refuses an order
    stated twice and a refund clawed back twice."""

    class Kind(models.TextChoices):
        PAYABLE = "payable", _("Payable")
        CLAWBACK = "clawback", _("Clawback")

    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="lines")
    order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, related_name="statement_lines"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    points = models.PositiveBigIntegerField(_("points"))
    # A payable line: the refund its points were lowered by (S4, refund first);
    # a clawback line: the refund it claws back.
    refund = models.ForeignKey(
        "refunds.Refund", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    payable_at = models.DateTimeField(_("payable since"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["order_id", "kind"]
        verbose_name = _("statement line")
        verbose_name_plural = _("statement lines")
        constraints = [
            models.UniqueConstraint(
                fields=["order"], condition=Q(kind="payable"), name="statement_order_stated_once"
            ),
            models.UniqueConstraint(
                fields=["refund"],
                condition=Q(kind="clawback"),
                name="statement_refund_clawed_back_once",
            ),
            models.CheckConstraint(
                condition=Q(points__gt=0), name="statement_line_points_positive"
            ),
            models.CheckConstraint(
                condition=~Q(kind="clawback") | Q(refund__isnull=False),
                name="statement_clawback_has_refund",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.kind} {self.points}"

    @property
    def signed_points(self) -> int:
        return self.points if self.kind == self.Kind.PAYABLE else -self.points


class StatementEvent(Event):
    ACTION_LABELS = {
        "issue": _("Issued"),
        "add_lines": _("Lines added"),
        "approve": _("Approved by staff"),
        "pay": _("Paid"),
        "dispute": _("Disputed by the vendor"),
        "resolve_to_draft": _("Dispute resolved by staff"),
        "resolve_to_approved": _("Dispute resolved by staff"),
    }

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="events")

    class Meta(Event.Meta):
        verbose_name = _("statement event")
        verbose_name_plural = _("statement events")


class StatementRun(models.Model):
    """A month for which statements were issued: the beat sweep issues each
    month once, on its first business day or the first run after it (S3)."""

    period = models.DateField(_("period"), unique=True)
    issued_at = models.DateTimeField(_("issued at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    statements = models.PositiveIntegerField(_("statements touched"), default=0)

    class Meta:
        ordering = ["-period"]
        verbose_name = _("statement run")
        verbose_name_plural = _("statement runs")

    def __str__(self) -> str:
        return f"{self.period:%Y-%m}"
