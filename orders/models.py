import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tcloud.core.models import Event


class Order(models.Model):
    """A member's order of one plan (RULES O1-O8).

    The plan's name, price and term are copied at creation: the order keeps the
    terms the member agreed to even if the vendor later changes the plan. Every
    change of `status` goes through `orders.services` (one transition table) and
    writes an `OrderEvent`.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Waiting for the vendor")
        ACCEPTED = "accepted", _("Accepted: waiting for payment")
        CONFIRMED = "confirmed", _("Paid: waiting for the service")
        IN_SERVICE = "in_service", _("In service")
        COMPLETED = "completed", _("Completed")
        REJECTED = "rejected", _("Rejected by the vendor")
        LAPSED = "lapsed", _("Lapsed: the vendor did not answer")
        CANCELLED = "cancelled", _("Cancelled")
        REFUNDED = "refunded", _("Refunded")

    business = models.ForeignKey(
        "members.Business",
        verbose_name=_("business"),
        on_delete=models.PROTECT,
        related_name="orders",
    )
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("placed by"),
        on_delete=models.PROTECT,
        related_name="orders",
    )
    plan = models.ForeignKey(
        "catalog.Plan", verbose_name=_("plan"), on_delete=models.PROTECT, related_name="orders"
    )
    vendor = models.ForeignKey(
        "catalog.Vendor",
        verbose_name=_("vendor"),
        on_delete=models.PROTECT,
        related_name="orders",
    )
    wallet = models.ForeignKey(
        "points.Wallet",
        verbose_name=_("points wallet"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )
    plan_name = models.CharField(_("plan name"), max_length=120)
    term_months = models.PositiveSmallIntegerField(_("term (months)"))
    price = models.PositiveIntegerField(_("price (NT$)"))
    points_used = models.PositiveIntegerField(_("points used"), default=0)
    self_pay = models.PositiveIntegerField(_("self-pay (NT$)"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )

    # O3: what the member agreed to and how it proved who it is.
    contract_version = models.CharField(_("contract version"), max_length=20, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    # Deadlines (O4-O6): end of the Nth business day, swept by run_deadlines.
    respond_by = models.DateTimeField(_("vendor answers by"), null=True, blank=True)
    pay_by = models.DateTimeField(_("self-pay due by"), null=True, blank=True)
    invoice_by = models.DateTimeField(_("invoice due by"), null=True, blank=True)
    deliver_by = models.DateTimeField(_("service starts by"), null=True, blank=True)

    payment_link = models.URLField(_("payment link"), max_length=500, blank=True)
    payment_options = models.TextField(_("payment options"), blank=True)
    paid_at = models.DateTimeField(_("self-pay received at"), null=True, blank=True)
    invoice_number = models.CharField(_("invoice number"), max_length=10, blank=True)
    invoice_issued_on = models.DateField(_("invoice issued on"), null=True, blank=True)
    service_start = models.DateField(_("service start"), null=True, blank=True)
    service_end = models.DateField(_("service end"), null=True, blank=True)

    # O6: a missed vendor deadline flags the order for staff; it never cancels it.
    invoice_late = models.BooleanField(_("invoice late"), default=False)
    delivery_late = models.BooleanField(_("service start late"), default=False)

    # S2: the member confirms the service works (驗收), or 7 business days pass
    # after its start with no open problem; then the points are payable to the
    # vendor (settlement states them).
    accept_by = models.DateTimeField(_("confirmation clock ends"), null=True, blank=True)
    accept_remind_at = models.DateTimeField(_("confirmation reminder due"), null=True, blank=True)
    service_confirmed_at = models.DateTimeField(_("service confirmed at"), null=True, blank=True)
    problem_open = models.BooleanField(_("service problem open"), default=False)
    payable_at = models.DateTimeField(_("points payable since"), null=True, blank=True)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        constraints = [
            models.CheckConstraint(
                condition=Q(points_used__lte=F("price"))
                & Q(self_pay=F("price") - F("points_used")),
                name="order_points_plus_self_pay_is_price",
            ),
            models.CheckConstraint(
                condition=Q(points_used=0) | Q(wallet__isnull=False),
                name="order_points_need_a_wallet",
            ),
            models.CheckConstraint(
                condition=Q(invoice_number="") | Q(invoice_number__regex=r"^[A-Z]{2}[0-9]{8}$"),
                name="order_invoice_number_format",
            ),
        ]
        indexes = [
            # The S2 sweep's scan: paid orders whose points are not payable yet.
            models.Index(
                fields=["accept_by"],
                condition=Q(payable_at__isnull=True, accept_by__isnull=False),
                name="order_due_payable",
            ),
            models.Index(fields=["status", "respond_by"], name="order_due_respond"),
            models.Index(fields=["status", "pay_by"], name="order_due_pay"),
            models.Index(fields=["vendor", "status"], name="order_vendor_status"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        """The number people quote (TC + 10 digits), derived from the id."""
        return f"TC{self.pk:010d}" if self.pk else ""

    @property
    def deadlines(self) -> list[tuple[str, dt.datetime | dt.date]]:
        """What the order waits for next and by when (ORDER_DEADLINES), first
        the most urgent; a date (not a deadline) for a running service's end."""
        rows = []
        for label, field, while_no_invoice in ORDER_DEADLINES.get(self.status, ()):
            value = getattr(self, field)
            if value and not (while_no_invoice and self.invoice_number):
                rows.append((label, value))
        return rows

    @property
    def awaiting_confirmation(self) -> bool:
        """In service, not yet confirmed and not yet payable (S2)."""
        return (
            self.status == self.Status.IN_SERVICE
            and self.service_confirmed_at is None
            and self.payable_at is None
        )

    @property
    def awaiting_payment(self) -> bool:
        """Accepted: the member pays the self-pay now (O5)."""
        return self.status == self.Status.ACCEPTED

    @property
    def flags(self) -> list[str]:
        return [
            name
            for name, on in (
                ("invoice_late", self.invoice_late),
                ("delivery_late", self.delivery_late),
            )
            if on
        ]


# What an order waits for in each status (O4-O6): (label, column, only while
# the invoice is missing). The vendor's queue sorts by the first that applies
# (orders.selectors.orders_of_vendor); pages list them (`Order.deadlines`).
_S = Order.Status
ORDER_DEADLINES = {
    _S.SUBMITTED: [(_("Vendor answers by"), "respond_by", False)],
    _S.ACCEPTED: [(_("Pay by"), "pay_by", False)],
    _S.CONFIRMED: [
        (_("Invoice by"), "invoice_by", True),
        (_("Service starts by"), "deliver_by", False),
    ],
    _S.IN_SERVICE: [
        (_("Invoice by"), "invoice_by", True),
        (_("Service until"), "service_end", False),
    ],
}


class OrderEvent(Event):
    """One transition or recorded fact of an order: who, when, what."""

    ACTION_LABELS = {
        "create": _("Order started"),
        "submit": _("Submitted by the member"),
        "accept": _("Accepted by the vendor"),
        "reject": _("Rejected by the vendor"),
        "lapse": _("Lapsed: the vendor did not answer in time"),
        "withdraw": _("Cancelled by the member before payment"),
        "cancel_unpaid": _("Cancelled: the self-pay was not paid in time"),
        "confirm_payment": _("Self-pay received"),
        "invoice": _("Invoice recorded"),
        "start_service": _("Service started"),
        "complete": _("Service term ended"),
        "cancel_paid": _("Cancelled by the member after payment"),
        "refund": _("Refund settled"),
        "flag_invoice_late": _("Invoice late: flagged for staff"),
        "flag_delivery_late": _("Service start late: flagged for staff"),
        "confirm_service": _("Service confirmed by the member"),
        "report_problem": _("Problem reported by the member"),
        "resolve_problem": _("Problem resolved by staff"),
        "mark_payable": _("Points payable to the vendor"),
    }

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")

    class Meta(Event.Meta):
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
