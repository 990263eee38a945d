from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Business(models.Model):
    """An applicant business (RULES M1), identified by its tax ID (統一編號)."""

    class Kind(models.TextChoices):
        COMPANY = "company", _("Registered company or business (中小企業)")
        TAX_REGISTERED = "tax_registered", _("Tax-registered business (稅籍營利事業)")

    tax_id = models.CharField(_("tax ID"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

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
