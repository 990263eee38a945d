import datetime as dt

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Program(models.Model):
    """One year's edition of the subsidy program (RULES P1).

    Every parameter is a column staff edit in the admin; nothing about the
    program is hard-coded. The budget (P2) is counted in points (1 point = NT$1);
    `budget_available` is drawn down by grants and refilled by revocations,
    expiries and returns, never below zero.
    """

    year = models.PositiveSmallIntegerField(
        _("program year (ROC)"), unique=True, help_text=_("e.g. 111 for 2022")
    )
    name = models.CharField(_("name"), max_length=120)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    points_per_member = models.PositiveIntegerField(
        _("points per member"), default=30_000, validators=[MinValueValidator(1)]
    )
    activation_months = models.PositiveSmallIntegerField(
        _("activation window (months)"), default=1, validators=[MinValueValidator(1)]
    )
    validity_months = models.PositiveSmallIntegerField(
        _("validity (months)"), default=3, validators=[MinValueValidator(1)]
    )
    copay_self_pay_parts = models.PositiveSmallIntegerField(
        _("co-pay: self-pay parts"), default=1, validators=[MinValueValidator(1)]
    )
    copay_points_parts = models.PositiveSmallIntegerField(
        _("co-pay: points parts"), default=1, validators=[MinValueValidator(1)]
    )
    budget_total = models.PositiveBigIntegerField(_("total budget (points)"))
    budget_available = models.PositiveBigIntegerField(_("budget still available (points)"))
    prior_grant_cutoff = models.DateField(
        _("prior-grant cut-off"),
        null=True,
        blank=True,
        help_text=_("Businesses granted points before this date cannot get points again (M7)."),
    )
    categories = models.ManyToManyField(
        "catalog.Category",
        verbose_name=_("subsidy zone categories"),
        related_name="programs",
        blank=True,
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")), name="program_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(validity_months__gte=F("activation_months")),
                name="program_validity_covers_activation",
            ),
            models.CheckConstraint(
                condition=Q(budget_available__lte=F("budget_total")),
                name="program_budget_available_within_total",
            ),
            models.CheckConstraint(
                condition=Q(points_per_member__gt=0)
                & Q(copay_self_pay_parts__gt=0)
                & Q(copay_points_parts__gt=0),
                name="program_positive_parameters",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"

    def is_open_on(self, day: dt.date) -> bool:
        return self.opens_on <= day <= self.closes_on

    @property
    def budget_used(self) -> int:
        return self.budget_total - self.budget_available
