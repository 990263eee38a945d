import datetime as dt

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from members.selectors import Reason
from tcloud.core.models import Event


class Category(models.Model):
    """One of the subsidy zone's 15 categories (RULES P3); `code` is public API.

    The categories belong to the program: a program's zone is a set of them
    (`Program.categories`), and plans point down at them."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=80)
    position = models.PositiveSmallIntegerField(_("position"), unique=True)

    class Meta:
        ordering = ["position"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh


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
        Category,
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


class Wallet(models.Model):
    """A business's points in one program (RULES T1-T5).

    The figures are kept beside the ledger under `select_for_update()` and always
    satisfy `granted = available + held + spent + returned_to_program`: every
    point the program ever handed to this wallet is in exactly one place, so no
    point is created or lost. `granted` is cumulative: a wallet revoked under T3
    and granted again counts both grants (the first 30,000 sit in
    `returned_to_program`). Figures equal the sums of the wallet's ledger entries
    (`points.selectors.wallet_figures_from_entries`).
    """

    class Status(models.TextChoices):
        # NONE exists only inside a grant's transaction (the row is inserted
        # first so concurrent grants for one business serialise on it).
        NONE = "none", _("No points")
        ACTIVE = "active", _("Active")
        REVOKED = "revoked", _("Revoked (not used in time)")
        EXPIRED = "expired", _("Expired")

    business = models.ForeignKey(
        "members.Business",
        verbose_name=_("business"),
        on_delete=models.PROTECT,
        related_name="wallets",
    )
    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.PROTECT, related_name="wallets"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NONE
    )
    granted = models.PositiveBigIntegerField(_("granted"), default=0)
    available = models.PositiveBigIntegerField(_("available"), default=0)
    held = models.PositiveBigIntegerField(_("held by pending orders"), default=0)
    spent = models.PositiveBigIntegerField(_("spent"), default=0)
    returned_to_program = models.PositiveBigIntegerField(_("returned to the program"), default=0)
    grants = models.PositiveSmallIntegerField(
        _("number of grants"),
        default=0,
        help_text=_("A wallet revoked under T3 may be granted again."),
    )
    granted_at = models.DateTimeField(_("granted at"), null=True, blank=True)
    activation_deadline = models.DateTimeField(_("activation deadline"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    first_used_at = models.DateTimeField(
        _("first used at"),
        null=True,
        blank=True,
        help_text=_("When an order first held points of the current grant (T3)."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("wallet")
        verbose_name_plural = _("wallets")
        constraints = [
            models.UniqueConstraint(fields=["business", "program"], name="wallet_one_per_program"),
            models.CheckConstraint(
                condition=Q(granted__gte=0)
                & Q(available__gte=0)
                & Q(held__gte=0)
                & Q(spent__gte=0)
                & Q(returned_to_program__gte=0),
                name="wallet_no_negative_figure",
            ),
            # T5: no point is created or lost.
            models.CheckConstraint(
                condition=Q(
                    granted=F("available") + F("held") + F("spent") + F("returned_to_program")
                ),
                name="wallet_points_conserved",
            ),
            models.CheckConstraint(
                condition=Q(status="none", grants=0, granted=0)
                | (
                    ~Q(status="none")
                    & Q(
                        grants__gt=0,
                        granted_at__isnull=False,
                        activation_deadline__isnull=False,
                        expires_at__isnull=False,
                    )
                ),
                name="wallet_granted_has_deadlines",
            ),
        ]
        indexes = [
            # The sweeps' scans (T3, T4): only active wallets are ever due.
            models.Index(
                fields=["activation_deadline"],
                condition=Q(status="active", first_used_at__isnull=True),
                name="wallet_due_revoke",
            ),
            models.Index(
                fields=["expires_at"], condition=Q(status="active"), name="wallet_due_expire"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.business} / {self.program}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def is_revoked(self) -> bool:
        return self.status == self.Status.REVOKED

    @property
    def is_expired(self) -> bool:
        return self.status == self.Status.EXPIRED

    def usable_at(self, moment: dt.datetime) -> bool:
        """Whether an order may hold this wallet's points at `moment`: active,
        not past its expiry (T4), and used already or not past its activation
        deadline (T3), even before the sweeps have run. The one definition."""
        return (
            self.status == self.Status.ACTIVE
            and self.expires_at is not None
            and moment <= self.expires_at
            and (self.first_used_at is not None or moment <= self.activation_deadline)
        )

    def is_valid_at(self, moment: dt.datetime) -> bool:
        """Whether points may still come back to this wallet (R5, T4)."""
        return (
            self.status == self.Status.ACTIVE
            and self.expires_at is not None
            and (moment <= self.expires_at)
        )


class LedgerEntry(models.Model):
    """One movement of points (RULES T5). Append-only: a database trigger
    refuses UPDATE and DELETE (migration 0003).

    `points` is always positive; the kind says where the points went:

    - grant: program budget -> available
    - hold: available -> held (an order is pending)
    - release: held -> available, or -> program when `to_program` (T4)
    - spend: held -> spent
    - return: spent -> available, or -> program when `to_program` (R5)
    - revoke (T3), expire (T4): available -> program (`to_program` is true)

    `order_id` is the id of the order that caused the movement, if one did: a
    plain column, so the ledger does not depend on the orders app's tables.
    """

    class Cause(models.TextChoices):
        """Why points moved, stored in `reason` as a code and shown as its label."""

        ASSESSMENT = "assessment", _("Self-assessment")
        ORDER = "order", _("Order")
        REFUND = "refund", _("Refund of a cancelled order")
        ACTIVATION = "activation", _("Not used by the activation deadline")
        VALIDITY = "validity", _("End of the points' validity")
        DEMO = "demo", _("Demo data")

    class Kind(models.TextChoices):
        GRANT = "grant", _("Grant")
        HOLD = "hold", _("Hold")
        RELEASE = "release", _("Release")
        SPEND = "spend", _("Spend")
        RETURN = "return", _("Return")
        REVOKE = "revoke", _("Revoke")
        EXPIRE = "expire", _("Expire")

    wallet = models.ForeignKey(
        Wallet, verbose_name=_("wallet"), on_delete=models.PROTECT, related_name="entries"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    points = models.PositiveBigIntegerField(_("points"))
    to_program = models.BooleanField(_("back to the program"), default=False)
    order_id = models.BigIntegerField(_("order"), null=True, blank=True, db_index=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [
            models.CheckConstraint(condition=Q(points__gt=0), name="ledger_points_positive"),
            models.CheckConstraint(
                condition=Q(kind__in=["revoke", "expire"], to_program=True)
                | Q(kind__in=["grant", "hold", "spend"], to_program=False)
                | Q(kind__in=["release", "return"]),
                name="ledger_destination_matches_kind",
            ),
        ]
        indexes = [models.Index(fields=["wallet", "created_at"], name="ledger_wallet_time")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.points:,}"

    @property
    def reason_label(self) -> str:
        """The cause in the reader's language (entries written before causes
        were codes show their text as it was)."""
        try:
            return str(self.Cause(self.reason).label)
        except ValueError:
            return self.reason


class WalletEvent(Event):
    """A change of a wallet's status (granted, revoked, expired): who, when, and
    how many points it moved (`data.points`, which may be 0). The points
    themselves move in the ledger."""

    ACTION_LABELS = {
        "grant": _("Points granted"),
        "revoke": _("Not used in time: back to the program"),
        "expire": _("Validity ended: unused points back to the program"),
    }

    wallet = models.ForeignKey(Wallet, on_delete=models.CASCADE, related_name="events")

    class Meta(Event.Meta):
        verbose_name = _("wallet event")
        verbose_name_plural = _("wallet events")


class Area(models.TextChoices):
    """The 8 areas of the digital self-assessment (RULES T1)."""

    DAILY_OPERATIONS = "daily_operations", _("Daily operations")
    PRODUCTION_SCHEDULING = "production_scheduling", _("Production scheduling")
    REMOTE_WORK = "remote_work", _("Remote work")
    ONLINE_COLLABORATION = "online_collaboration", _("Online collaboration")
    INFORMATION_SECURITY = "information_security", _("Information security")
    SALES_CHANNELS = "sales_channels", _("Sales management and channels")
    ELECTRONIC_PAYMENT = "electronic_payment", _("Electronic payment")
    CUSTOMER_MANAGEMENT = "customer_management", _("Customer management")


class _Bilingual(models.Model):
    """Question and choice texts are data staff edit, in both UI languages."""

    text_zh = models.CharField(_("text (Chinese)"), max_length=300)
    text_en = models.CharField(_("text (English)"), max_length=300, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        if (get_language() or "").startswith("en") and self.text_en:
            return self.text_en
        return self.text_zh


class Question(_Bilingual):
    """A question of the digital self-assessment (T1), edited by staff."""

    area = models.CharField(_("area"), max_length=30, choices=Area.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("asked"), default=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("assessment question")
        verbose_name_plural = _("assessment questions")


class Choice(_Bilingual):
    """One answer to a question; the categories it points to drive the
    recommendations."""

    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="choices"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    categories = models.ManyToManyField(
        Category,
        verbose_name=_("points to categories"),
        blank=True,
        related_name="assessment_choices",
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("choice")
        verbose_name_plural = _("choices")


class Submission(models.Model):
    """A member's completed self-assessment, kept with its answers (T1)."""

    class Outcome(models.TextChoices):
        GRANTED = "granted", _("Points granted")
        ALREADY_GRANTED = "already_granted", _("Points already granted")
        NOT_ELIGIBLE = "not_eligible", _("Not eligible for points")
        PENDING_REVIEW = "pending_review", _("Waiting for staff review")
        PRIOR_RECIPIENT = "prior_recipient", _("Granted points in an earlier program")
        BUDGET_EXHAUSTED = "budget_exhausted", _("Program budget used up")
        NO_PROGRAM = "no_program", _("No open program")

    business = models.ForeignKey(
        "members.Business",
        verbose_name=_("business"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    program = models.ForeignKey(
        Program,
        verbose_name=_("program"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    recommended_categories = models.ManyToManyField(
        Category,
        verbose_name=_("recommended categories"),
        blank=True,
        related_name="+",
    )
    outcome = models.CharField(_("points outcome"), max_length=20, choices=Outcome.choices)
    # Why the grant was refused, as codes (points.outcomes renders them).
    outcome_reasons = models.JSONField(_("reasons given"), default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")

    def __str__(self) -> str:
        return f"{self.business} {self.created_at:%Y-%m-%d}"

    @property
    def holds_points(self) -> bool:
        """The business has this program's points (granted now or before)."""
        return self.outcome in (self.Outcome.GRANTED, self.Outcome.ALREADY_GRANTED)

    @property
    def tone(self) -> str:
        if self.outcome == self.Outcome.GRANTED:
            return "success"
        return "info" if self.outcome == self.Outcome.ALREADY_GRANTED else "warning"

    @property
    def outcome_message(self) -> str:
        """What the member is told, in the language of the reader."""
        from points.outcomes import outcome_message

        return outcome_message(self.outcome, [Reason.from_json(r) for r in self.outcome_reasons])


class Answer(models.Model):
    submission = models.ForeignKey(
        Submission,
        verbose_name=_("self-assessment"),
        on_delete=models.CASCADE,
        related_name="answers",
    )
    question = models.ForeignKey(Question, verbose_name=_("question"), on_delete=models.PROTECT)
    choice = models.ForeignKey(Choice, verbose_name=_("choice"), on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "question"], name="answer_once_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.choice}"


class ExpertRequest(models.Model):
    """A member's request for an expert visit or call (T1), tracked by staff."""

    class Kind(models.TextChoices):
        VISIT = "visit", _("On-site visit")
        CALL = "call", _("Phone or video call")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ASSIGNED = "assigned", _("Expert assigned")
        SCHEDULED = "scheduled", _("Scheduled")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    business = models.ForeignKey(
        "members.Business",
        verbose_name=_("business"),
        on_delete=models.PROTECT,
        related_name="expert_requests",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    note = models.TextField(_("what the member needs"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    expert = models.CharField(_("expert"), max_length=120, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff in charge"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    scheduled_for = models.DateTimeField(_("scheduled for"), null=True, blank=True)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("expert service request")
        verbose_name_plural = _("expert service requests")

    def __str__(self) -> str:
        return f"{self.business} {self.get_kind_display()} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in {self.Status.REQUESTED, self.Status.ASSIGNED, self.Status.SCHEDULED}


class ExpertRequestEvent(Event):
    """One step of an expert request: who, when, what."""

    ACTION_LABELS = {
        "create": _("Requested by the member"),
        "assign": _("Expert assigned"),
        "schedule": _("Scheduled"),
        "complete": _("Done"),
        "cancel": _("Cancelled"),
    }

    request = models.ForeignKey(
        ExpertRequest,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("request"),
    )

    class Meta(Event.Meta):
        verbose_name = _("expert request event")
        verbose_name_plural = _("expert request events")
