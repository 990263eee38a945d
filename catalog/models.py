from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tcloud.core.models import Event


class Vendor(models.Model):
    """An information-service company (資訊服務業者) that lists plans.

    A vendor applies to join (status pending) and staff approve or reject the
    application with a note the vendor sees. Only approved vendors' listed plans
    appear in the catalog.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    tax_id = models.CharField(_("tax ID"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    # Company data
    representative = models.CharField(_("representative"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("about the company"), blank=True)
    # Contact person for the program office and buyers
    contact_name = models.CharField(_("contact name"), max_length=100, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    # Settlement account: where the program pays the points part of orders
    bank_code = models.CharField(_("bank code"), max_length=3, blank=True)
    bank_branch = models.CharField(_("bank branch"), max_length=100, blank=True)
    bank_account_name = models.CharField(_("account holder"), max_length=200, blank=True)
    bank_account_number = models.CharField(_("account number"), max_length=20, blank=True)

    admin_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("vendor administrator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The vendor user who may invite colleagues."),
    )
    review_note = models.TextField(_("staff note to the vendor"), blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("vendor")
        verbose_name_plural = _("vendors")
        constraints = [
            models.CheckConstraint(
                condition=Q(tax_id__regex=r"^[0-9]{8}$"), name="vendor_tax_id_8_digits"
            ),
            models.CheckConstraint(
                condition=Q(bank_code="") | Q(bank_code__regex=r"^[0-9]{3}$"),
                name="vendor_bank_code_3_digits",
            ),
            models.CheckConstraint(
                condition=Q(bank_account_number="")
                | Q(bank_account_number__regex=r"^[0-9]{10,16}$"),
                name="vendor_bank_account_digits",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def is_rejected(self) -> bool:
        return self.status == self.Status.REJECTED


class VendorEvent(Event):
    """One step of a vendor's life (applied, approved, invited, ...): who, when, what."""

    ACTION_LABELS = {
        "apply": _("Applied to join"),
        "create": _("Registered by staff"),
        "approve": _("Approved by staff"),
        "reject": _("Rejected by staff"),
        "invite": _("Colleague invited"),
        "join": _("Colleague joined"),
    }

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="events")

    class Meta(Event.Meta):
        verbose_name = _("vendor event")
        verbose_name_plural = _("vendor events")


class VendorInvitation(models.Model):
    """A vendor administrator's invitation of a colleague; the token is mailed."""

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email address"))
    token = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("invited at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("vendor invitation")
        verbose_name_plural = _("vendor invitations")
        constraints = [
            # One open invitation per address and vendor.
            models.UniqueConstraint(
                fields=["vendor", "email"],
                condition=Q(accepted_at__isnull=True),
                name="vendor_invitation_one_open_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.vendor}"


class Plan(models.Model):
    """A cloud plan a vendor sells: what buyers see once staff list it.

    The columns hold the version on sale (or being drafted); a change to a listed
    plan waits in a PlanRevision until staff approve it, so the listed version
    stays on sale meanwhile.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Waiting for review")
        LISTED = "listed", _("Listed")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        REJECTED = "rejected", _("Rejected")

    vendor = models.ForeignKey(
        Vendor, verbose_name=_("vendor"), on_delete=models.PROTECT, related_name="plans"
    )
    category = models.ForeignKey(
        "points.Category",
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="plans",
    )
    name = models.CharField(_("name"), max_length=120)
    summary = models.CharField(_("summary"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    specification = models.TextField(
        _("specification"), blank=True, help_text=_("Users, storage, modules, support hours...")
    )
    price = models.PositiveIntegerField(
        _("price (NT$)"), validators=[MinValueValidator(1), MaxValueValidator(10_000_000)]
    )
    term_months = models.PositiveSmallIntegerField(
        _("term (months)"), validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    review_note = models.TextField(_("staff note to the vendor"), blank=True)
    excluded_from_zone = models.BooleanField(
        _("excluded from the subsidy zone"),
        default=False,
        help_text=_(
            "Staff decision: this plan may be bought only at full self-pay (RULES P1, O1)."
        ),
    )
    # Lower-cased name, summary, vendor and category names: one column for the
    # substring search, indexed with trigrams on PostgreSQL (Chinese has no word
    # boundaries, so full-text stemming does not help; trigram LIKE does).
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    listed_at = models.DateTimeField(_("listed at"), null=True, blank=True)

    class Meta:
        ordering = ["-listed_at", "-id"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(price__gte=1) & Q(price__lte=10_000_000), name="plan_price_range"
            ),
            models.CheckConstraint(
                condition=Q(term_months__gte=1) & Q(term_months__lte=60),
                name="plan_term_range",
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=["draft", "submitted", "listed", "changes_requested", "rejected"]
                ),
                name="plan_status_known",
            ),
            models.CheckConstraint(
                condition=~Q(status="listed") | Q(listed_at__isnull=False),
                name="plan_listed_has_listed_at",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "category"], name="plan_status_category"),
            # The catalog's default order (newest first) without sorting every plan.
            models.Index(fields=["status", "-listed_at", "-id"], name="plan_status_listed"),
            models.Index(fields=["status", "price"], name="plan_status_price"),
            models.Index(fields=["vendor", "status"], name="plan_vendor_status"),
            # plan_search_trgm (GIN, gin_trgm_ops on search_text) is created by
            # migration 0004 on PostgreSQL only: SQLite (the demo) has no GIN.
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_listed(self) -> bool:
        return self.status == self.Status.LISTED


class PlanRevision(models.Model):
    """A vendor's change to a listed plan, waiting for staff (the listed version
    stays on sale until it is approved)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="revisions")
    name = models.CharField(_("name"), max_length=120)
    summary = models.CharField(_("summary"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    specification = models.TextField(_("specification"), blank=True)
    price = models.PositiveIntegerField(
        _("price (NT$)"), validators=[MinValueValidator(1), MaxValueValidator(10_000_000)]
    )
    term_months = models.PositiveSmallIntegerField(
        _("term (months)"), validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    review_note = models.TextField(_("staff note to the vendor"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("plan revision")
        verbose_name_plural = _("plan revisions")
        constraints = [
            models.UniqueConstraint(
                fields=["plan"], condition=Q(status="pending"), name="plan_one_pending_revision"
            ),
            models.CheckConstraint(
                condition=Q(price__gte=1) & Q(price__lte=10_000_000),
                name="plan_revision_price_range",
            ),
            models.CheckConstraint(
                condition=Q(term_months__gte=1) & Q(term_months__lte=60),
                name="plan_revision_term_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} ({self.get_status_display()})"

    @property
    def is_rejected(self) -> bool:
        return self.status == self.Status.REJECTED


class PlanEvent(Event):
    """One step of a plan or of a change to it (a revision): who, when, what."""

    ACTION_LABELS = {
        "create": _("Created"),
        "edit": _("Edited"),
        "submit": _("Submitted for review"),
        "approve": _("Approved and listed"),
        "request_changes": _("Changes requested"),
        "reject": _("Rejected"),
        "revision_submit": _("Change sent for review"),
        "revision_approve": _("Change approved"),
        "revision_reject": _("Change rejected"),
        "zone_exclude": _("Taken out of the subsidy zone"),
        "zone_include": _("Put back in the subsidy zone"),
        "seed": _("Listed (demo data)"),
    }

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="events")
    revision = models.ForeignKey(
        PlanRevision, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )

    class Meta(Event.Meta):
        verbose_name = _("plan event")
        verbose_name_plural = _("plan events")
