from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tcloud.core.models import Event


class Business(models.Model):
    """An applicant business (RULES M1), identified by its tax ID (統一編號)."""

    class Kind(models.TextChoices):
        COMPANY = "company", _("Registered company or business (中小企業)")
        TAX_REGISTERED = "tax_registered", _("Tax-registered business (稅籍營利事業)")

    class Review(models.TextChoices):
        # RULES M5: only tax-registered businesses wait for staff.
        NOT_REQUIRED = "not_required", _("Not required")
        PENDING = "pending", _("Waiting for staff review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    tax_id = models.CharField(_("tax ID"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # What the business registry said at registration (members.registry).
    representative_name = models.CharField(_("representative"), max_length=100, blank=True)
    # The representative's national ID: needed to match citizen certificates and
    # the phone check (M5). Masked everywhere but staff views; never in URLs/logs.
    representative_national_id = models.CharField(
        _("representative's national ID"), max_length=10, blank=True
    )
    representative_phone = models.CharField(_("representative's mobile"), max_length=20, blank=True)
    paid_in_capital = models.PositiveBigIntegerField(
        _("paid-in capital (NT$)"), null=True, blank=True
    )
    employee_count = models.PositiveIntegerField(_("regular employees"), null=True, blank=True)
    foreign_branch = models.BooleanField(_("Taiwan branch of a foreign company"), default=False)
    domestic_branch = models.BooleanField(_("branch of a domestic company"), default=False)
    registry_source = models.CharField(_("registry source"), max_length=40, blank=True)
    # RULES M5: the method is fixed once chosen; re-authentication uses it too.
    verification_method = models.CharField(_("verification method"), max_length=20, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    declarations = models.JSONField(_("M3 declarations"), default=dict, blank=True)
    review_status = models.CharField(
        _("staff review"), max_length=20, choices=Review.choices, default=Review.NOT_REQUIRED
    )
    review_due_at = models.DateTimeField(_("review due"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        "members.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    review_reason = models.TextField(_("review reason"), blank=True)
    # The last eligibility result (members.eligibility), stored to show the member.
    eligible = models.BooleanField(_("eligible"), null=True, blank=True)
    eligibility_code = models.CharField(_("eligibility code"), max_length=30, blank=True)
    eligibility_reasons = models.JSONField(_("eligibility reasons"), default=list, blank=True)
    eligibility_checked_at = models.DateTimeField(
        _("eligibility checked at"), null=True, blank=True
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("business")
        verbose_name_plural = _("businesses")
        constraints = [
            models.CheckConstraint(
                condition=Q(tax_id__regex=r"^[0-9]{8}$"), name="business_tax_id_8_digits"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.tax_id})"

    @property
    def masked_national_id(self) -> str:
        from members.national_id import mask_national_id

        return mask_national_id(self.representative_national_id)

    @property
    def review_required(self) -> bool:
        return self.review_status != self.Review.NOT_REQUIRED

    @property
    def review_pending(self) -> bool:
        return self.review_status == self.Review.PENDING

    @property
    def review_rejected(self) -> bool:
        return self.review_status == self.Review.REJECTED

    @property
    def eligibility_pending_review(self) -> bool:
        """Not eligible only because staff have not confirmed it yet (M5)."""
        return self.eligibility_code == "pending_review"

    @property
    def review_overdue(self) -> bool:
        return (
            self.review_status == self.Review.PENDING
            and self.review_due_at is not None
            and self.review_due_at < timezone.now()
        )


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields):
        fields.setdefault("role", User.Role.MEMBER)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.update(role=User.Role.STAFF, is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an email address.

    The role decides what the person may see: members act for a Business,
    vendor users for a Vendor, staff run the program in the admin.
    """

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        VENDOR = "vendor", _("Vendor")
        STAFF = "staff", _("Program staff")

    email = models.EmailField(_("email address"), unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    business = models.ForeignKey(
        Business,
        verbose_name=_("business"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    vendor = models.ForeignKey(
        "catalog.Vendor",
        verbose_name=_("vendor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # A user acts for at most one party, and the role says which.
            models.CheckConstraint(
                condition=Q(role="vendor", vendor__isnull=False, business__isnull=True)
                | Q(role="member", vendor__isnull=True)
                | Q(role="staff", vendor__isnull=True, business__isnull=True, is_staff=True),
                name="user_role_matches_party",
            )
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def is_member(self) -> bool:
        return self.role == self.Role.MEMBER

    @property
    def is_vendor(self) -> bool:
        return self.role == self.Role.VENDOR

    @property
    def is_program_staff(self) -> bool:
        return self.role == self.Role.STAFF and self.is_staff


class RegistrationApplication(models.Model):
    """A business on its way through the registration wizard (RULES M6).

    `step` is the state of one state machine (members.machines.REGISTRATION);
    every move writes a MemberEvent. The browser finds its application through
    the session, or through the resume link (a random token whose SHA-256 is
    stored here), so closing the browser loses nothing.
    """

    class Step(models.TextChoices):
        VERIFICATION = "verification", _("Identity verification")
        DECLARATIONS = "declarations", _("Data query and declarations")
        CONSENT = "consent", _("Personal data consent")
        ACCOUNT = "account", _("Account")
        EMAIL = "email", _("Email verification")
        DONE = "done", _("Active member")

    tax_id = models.CharField(_("tax ID"), max_length=8)
    step = models.CharField(
        _("step"), max_length=20, choices=Step.choices, default=Step.VERIFICATION
    )
    resume_token_hash = models.CharField(max_length=64, unique=True)
    registry = models.JSONField(_("registry record"), default=dict)
    kind = models.CharField(_("kind"), max_length=20, choices=Business.Kind.choices)
    verification_method = models.CharField(_("verification method"), max_length=20, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    representative_national_id = models.CharField(max_length=10, blank=True)
    # The representative's name as the applicant declared it, only when the
    # registry names none (the tax-registration data): citizen certificates are
    # matched against it and staff confirm it in the review (M5).
    representative_name = models.CharField(
        _("representative (declared)"), max_length=100, blank=True
    )
    phone = models.CharField(max_length=20, blank=True)
    declarations = models.JSONField(default=dict, blank=True)
    email = models.EmailField(blank=True)
    user = models.OneToOneField(
        "members.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="application"
    )
    business = models.ForeignKey(
        Business, null=True, blank=True, on_delete=models.SET_NULL, related_name="applications"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("registration application")
        verbose_name_plural = _("registration applications")
        constraints = [
            models.CheckConstraint(
                condition=Q(tax_id__regex=r"^[0-9]{8}$"), name="application_tax_id_8_digits"
            ),
            models.CheckConstraint(
                condition=Q(step__in=["verification"]) | Q(verified_at__isnull=False),
                name="application_verified_before_later_steps",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tax_id} ({self.step})"

    def __repr__(self) -> str:
        # Never the national ID (logs, tracebacks).
        return f"<RegistrationApplication {self.pk} {self.tax_id} {self.step}>"


class MemberEvent(Event):
    """One step of a registration or of a business's staff review: who, when, what."""

    ACTION_LABELS = {
        "started": _("Registration started"),
        "method_chosen": _("Verification method chosen"),
        "verification_failed": _("Verification failed"),
        "verified": _("Identity verified"),
        "declarations_accepted": _("Declarations accepted"),
        "consent_given": _("Personal data consent given"),
        "account_created": _("Account created"),
        "email_changed": _("Email address changed"),
        "account_replaced": _("Replaced by a newer application"),
        "email_confirmed": _("Email confirmed: active member"),
        "review_requested": _("Staff review requested"),
        "review_approved": _("Approved by staff"),
        "review_rejected": _("Rejected by staff"),
    }

    application = models.ForeignKey(
        RegistrationApplication,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
    )
    business = models.ForeignKey(
        Business, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )

    class Meta(Event.Meta):
        verbose_name = _("member event")
        verbose_name_plural = _("member events")
        constraints = [
            models.CheckConstraint(
                condition=Q(application__isnull=False) | Q(business__isnull=False),
                name="member_event_has_subject",
            )
        ]


class Consent(models.Model):
    """A consent or declaration accepted, with the version of the text shown."""

    class Kind(models.TextChoices):
        DATA_QUERY = "data_query", _("Authorisation to query business data")
        DECLARATIONS = "declarations", _("Eligibility declarations (M3)")
        PERSONAL_DATA = "personal_data", _("Personal data collection")

    application = models.ForeignKey(
        RegistrationApplication, null=True, on_delete=models.SET_NULL, related_name="consents"
    )
    business = models.ForeignKey(
        Business, null=True, blank=True, on_delete=models.CASCADE, related_name="consents"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text_version = models.CharField(max_length=20)
    accepted_at = models.DateTimeField(default=timezone.now)
    answers = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "kind"], name="consent_once_per_application"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} v{self.text_version}"


class VerificationChallenge(models.Model):
    """One identity check in progress (RULES M5): a code or a signing challenge."""

    application = models.ForeignKey(
        RegistrationApplication,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="challenges",
    )
    business = models.ForeignKey(
        Business, null=True, blank=True, on_delete=models.CASCADE, related_name="challenges"
    )
    method = models.CharField(max_length=20)
    nonce = models.CharField(max_length=100, unique=True)
    code_hash = models.CharField(max_length=64, blank=True)
    external_ref = models.CharField(max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sends = models.PositiveSmallIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    last_sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(application__isnull=False) | Q(business__isnull=False),
                name="challenge_has_subject",
            ),
            models.CheckConstraint(condition=Q(attempts__lte=5), name="challenge_at_most_5_tries"),
        ]

    def __str__(self) -> str:
        return f"{self.method} challenge"


class EmailCode(models.Model):
    """The email verification code of the wizard's email step (M6)."""

    application = models.ForeignKey(
        RegistrationApplication, on_delete=models.CASCADE, related_name="email_codes"
    )
    code_hash = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return "email code"


class ExclusionEntry(models.Model):
    """A business staff listed as excluded (RULES M3), imported by tax ID."""

    class Reason(models.TextChoices):
        LAW = "law", _("Breaks the law")
        BREACH = "breach", _("Major breach on a government project")
        MAINLAND = "mainland", _("Mainland-Chinese capital")
        FOREIGN_BRANCH = "foreign_branch", _("Taiwan branch of a foreign company")
        DOMESTIC_BRANCH = "domestic_branch", _("Branch of a domestic company")
        PRIOR_SUBSIDY = (
            "prior_subsidy",
            _("Already got a digital-transformation subsidy or coaching"),
        )

    tax_id = models.CharField(_("tax ID"), max_length=8, db_index=True)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    source = models.CharField(_("source"), max_length=200)
    listed_on = models.DateField(_("listed on"))
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("exclusion list entry")
        verbose_name_plural = _("exclusion list")
        constraints = [
            models.UniqueConstraint(fields=["tax_id", "reason", "source"], name="exclusion_unique"),
            models.CheckConstraint(
                condition=Q(tax_id__regex=r"^[0-9]{8}$"), name="exclusion_tax_id_8_digits"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tax_id} {self.reason}"


class PriorRecipient(models.Model):
    """A business that got points in an earlier program (RULES M7)."""

    tax_id = models.CharField(_("tax ID"), max_length=8, db_index=True)
    granted_on = models.DateField(_("granted on"))
    source = models.CharField(_("source"), max_length=200)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("prior recipient")
        verbose_name_plural = _("prior recipients")
        constraints = [
            models.UniqueConstraint(fields=["tax_id", "granted_on"], name="prior_recipient_unique"),
            models.CheckConstraint(
                condition=Q(tax_id__regex=r"^[0-9]{8}$"), name="prior_tax_id_8_digits"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tax_id} {self.granted_on}"


class TaxRegisteredReview(Business):
    """The staff queue of tax-registered businesses (RULES M5), in the admin."""

    class Meta:
        proxy = True
        verbose_name = _("tax-registered review")
        verbose_name_plural = _("tax-registered reviews")
