"""Write paths of the catalog app: categories, vendors, invitations and plans.

Every state change is a function here (keyword-only, atomic) and every
transition writes an event row in the same transaction. Views, API views and
the admin only parse input and call these.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.cache import catalog_changed
from catalog.machines import PLAN, PLAN_REVISION, VENDOR
from catalog.models import (
    Plan,
    PlanEvent,
    PlanRevision,
    Vendor,
    VendorInvitation,
)
from members.models import User
from members.services import user_create
from members.taxid import tax_id_problem
from points.models import Category
from tcloud.core.errors import InvalidState, RuleError
from tcloud.core.locks import lock_row
from tcloud.core.outbox import outbox_email

INVITATION_DAYS = 14
# Fields a vendor edits; a listed plan's changes to any of them wait for review.
PLAN_EDITABLE_FIELDS = ("name", "summary", "description", "specification", "price", "term_months")


# --------------------------------------------------------------------------- vendors


@transaction.atomic
def vendor_create(*, tax_id: str, name: str, approved: bool = False, **fields) -> Vendor:
    """Register a vendor directly (seed data, staff); the public path is `vendor_apply`."""
    problem = tax_id_problem(tax_id)
    if problem:
        raise ValidationError({"tax_id": [problem]})
    vendor = Vendor(
        tax_id=tax_id,
        name=name,
        status=Vendor.Status.APPROVED if approved else Vendor.Status.PENDING,
        **fields,
    )
    vendor.full_clean(exclude=["admin_user"])
    vendor.save()
    VENDOR.record(vendor, "create", actor=None, role="staff")
    catalog_changed()
    return vendor


@transaction.atomic
def vendor_apply(
    *,
    tax_id: str,
    name: str,
    admin_email: str,
    admin_password: str,
    admin_name: str = "",
    representative: str,
    address: str,
    phone: str,
    contact_name: str,
    contact_email: str,
    contact_phone: str,
    bank_code: str,
    bank_branch: str,
    bank_account_name: str,
    bank_account_number: str,
    website: str = "",
    description: str = "",
) -> Vendor:
    """A company applies to join as a vendor (status pending until staff review).

    Creates the vendor and its administrator account (role vendor, who later
    invites colleagues). The tax ID must pass the checksum (RULES M4).
    """

    errors: dict[str, list[str]] = {}
    problem = tax_id_problem(tax_id)
    if problem:
        errors["tax_id"] = [problem]
    elif Vendor.objects.filter(tax_id=tax_id).exists():
        errors["tax_id"] = [_("A vendor with this tax ID has already applied.")]
    admin_email = admin_email.strip().lower()
    if User.objects.filter(email__iexact=admin_email).exists():
        errors["admin_email"] = [_("This email address already has an account.")]
    if errors:
        raise ValidationError(errors)
    vendor = Vendor(
        tax_id=tax_id,
        name=name.strip(),
        representative=representative,
        address=address,
        phone=phone,
        website=website,
        description=description,
        contact_name=contact_name,
        contact_email=contact_email,
        contact_phone=contact_phone,
        bank_code=bank_code,
        bank_branch=bank_branch,
        bank_account_name=bank_account_name,
        bank_account_number=bank_account_number,
    )
    vendor.full_clean(exclude=["admin_user"])
    vendor.save()
    user = user_create(
        email=admin_email,
        password=admin_password,
        role=User.Role.VENDOR,
        name=admin_name,
        vendor=vendor,
    )
    vendor.admin_user = user
    vendor.save(update_fields=["admin_user"])
    VENDOR.record(vendor, "apply", actor=user)
    return vendor


@transaction.atomic
def vendor_set_admin(*, vendor: Vendor, user: User) -> Vendor:
    """Make one of the vendor's users its administrator (who invites colleagues)."""
    if user.role != User.Role.VENDOR or user.vendor_id != vendor.pk:
        raise ValidationError(
            {"admin_user": [_("The administrator must be one of the vendor's users.")]}
        )
    vendor.admin_user = user
    vendor.save(update_fields=["admin_user"])
    return vendor


def _vendor_review(*, vendor: Vendor, action: str, actor: User, note: str) -> Vendor:
    vendor = lock_row(Vendor.objects.all(), vendor)
    VENDOR.apply(
        vendor, action, actor=actor, note=note, review_note=note, reviewed_at=timezone.now()
    )
    catalog_changed()
    _notify_reviewed(
        vendor,
        key=f"vendor:{vendor.pk}:{action}",
        subject=_("tcloud: your vendor application was reviewed"),
        status=vendor.get_status_display(),
        note=note,
    )
    return vendor


@transaction.atomic
def vendor_approve(*, vendor: Vendor, actor: User, note: str = "") -> Vendor:
    """Staff approve a vendor's application; its listed plans can now appear."""
    return _vendor_review(vendor=vendor, action="approve", actor=actor, note=note)


@transaction.atomic
def vendor_reject(*, vendor: Vendor, actor: User, note: str) -> Vendor:
    """Staff reject a vendor's application; the note tells the vendor why."""
    if not note.strip():
        raise ValidationError({"note": [_("Tell the vendor why.")]})
    return _vendor_review(vendor=vendor, action="reject", actor=actor, note=note)


def _notify_reviewed(vendor: Vendor, *, key: str, subject: str, status: str, note: str) -> None:
    """Tell the vendor what staff decided on its application, plan or change."""
    body = _("Status: %(status)s\n\nNote from the program office:\n%(note)s") % {
        "status": status,
        "note": note or "-",
    }
    # One email per decision: the key names the object and the moment of the decision.
    _notify_vendor(vendor, key=f"{key}:{timezone.now().isoformat()}", subject=subject, body=body)


def _notify_vendor(vendor: Vendor, *, key: str, subject: str, body: str) -> None:
    recipients = [vendor.contact_email, getattr(vendor.admin_user, "email", "")]
    outbox_email(key=key, to=recipients, subject=subject, body=body)


@transaction.atomic
def vendor_invite(
    *, vendor: Vendor, actor: User, email: str, base_url: str = ""
) -> VendorInvitation:
    """The vendor's administrator invites a colleague; the link is emailed.

    `base_url` (scheme and host) makes the link absolute in the email.
    """
    if actor.vendor_id != vendor.pk or vendor.admin_user_id != actor.pk:
        raise PermissionDenied("Only the vendor's administrator invites colleagues.")
    if not vendor.is_approved:
        raise RuleError(
            _("Invite colleagues once staff approve your vendor."), code="pending_review"
        )
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": [_("This email address already has an account.")]})
    if VendorInvitation.objects.filter(
        vendor=vendor, email=email, accepted_at__isnull=True
    ).exists():
        raise ValidationError({"email": [_("This address has already been invited.")]})
    invitation = VendorInvitation.objects.create(
        vendor=vendor,
        email=email,
        token=secrets.token_urlsafe(32),
        invited_by=actor,
        expires_at=timezone.now() + dt.timedelta(days=INVITATION_DAYS),
    )
    VENDOR.apply(vendor, "invite", actor=actor, note=email)
    link = base_url + reverse("vendor_invitation", args=[invitation.token])
    subject = _("tcloud: %(vendor)s invites you to its vendor portal") % {"vendor": vendor.name}
    body = _(
        "%(who)s invites you to the vendor portal of %(vendor)s on tcloud.\n\n"
        "Create your account here (valid for %(days)s days):\n%(link)s"
    ) % {"who": actor.email, "vendor": vendor.name, "days": INVITATION_DAYS, "link": link}
    outbox_email(key=f"invitation:{invitation.pk}", to=[email], subject=subject, body=body)
    return invitation


@transaction.atomic
def vendor_invitation_accept(*, token: str, password: str, name: str = "") -> User:
    """A colleague opens the emailed link and creates an account (role vendor).

    The token proves the address, so the email counts as verified.
    """

    invitation = VendorInvitation.objects.select_for_update().filter(token=token).first()
    if invitation is None:
        raise RuleError(_("This invitation does not exist."), code="not_found")
    if invitation.accepted_at:
        raise InvalidState(_("This invitation has already been used."))
    if invitation.expires_at <= timezone.now():
        raise RuleError(
            _("This invitation has expired; ask for a new one."), code="deadline_passed"
        )
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise ValidationError({"email": [_("This email address already has an account.")]})
    user = user_create(
        email=invitation.email,
        password=password,
        role=User.Role.VENDOR,
        name=name,
        vendor=invitation.vendor,
        email_verified=True,
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_user = user
    invitation.save(update_fields=["accepted_at", "accepted_user"])
    VENDOR.apply(invitation.vendor, "join", actor=user, note=user.email)
    return user


# --------------------------------------------------------------------------- plans


def plan_search_text(*, name: str, summary: str, vendor: Vendor, category: Category) -> str:
    """What the catalog search matches: lower-cased, both languages of the category."""
    return " ".join(
        [name, summary, vendor.name, category.name_zh, category.name_en, category.code]
    ).lower()


def _require_vendor_of(actor: User, vendor_id: int) -> None:
    # Views already scope to the user's vendor (404); this guards other callers,
    # with the kernel's answers (tcloud.core.statemachine).
    if not actor or actor.role != User.Role.VENDOR:
        raise InvalidState(_("Your role cannot make this change."))
    if actor.vendor_id != vendor_id:
        raise InvalidState(_("This belongs to another vendor."), code="not_yours")


def _clean_plan_values(values: dict) -> dict:
    errors = {}
    for field in ("name", "summary"):
        if field in values and not str(values[field]).strip():
            errors[field] = [_("This field is required.")]
    for field, low, high in (("price", 1, 10_000_000), ("term_months", 1, 60)):
        if field in values:
            try:
                value = int(values[field])
            except (TypeError, ValueError):
                errors[field] = [_("Enter a whole number.")]
                continue
            if isinstance(values[field], float) or not low <= value <= high:
                errors[field] = [
                    _("Enter a whole number from %(low)s to %(high)s.") % {"low": low, "high": high}
                ]
            values[field] = value
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def plan_create(
    *,
    vendor: Vendor,
    actor: User,
    category: Category,
    name: str,
    summary: str,
    price: int,
    term_months: int,
    description: str = "",
    specification: str = "",
) -> Plan:
    """A vendor drafts a plan; nobody sees it until staff list it."""
    _require_vendor_of(actor, vendor.pk)
    values = _clean_plan_values(
        {"name": name, "summary": summary, "price": price, "term_months": term_months}
    )
    plan = Plan(
        vendor=vendor,
        category=category,
        description=description,
        specification=specification,
        **values,
    )
    plan.search_text = plan_search_text(
        name=plan.name, summary=plan.summary, vendor=vendor, category=category
    )
    plan.full_clean()
    plan.save()
    PLAN.record(plan, "create", actor=actor)
    return plan


@transaction.atomic
def plan_update(*, plan: Plan, actor: User, category: Category | None = None, **changes) -> Plan:
    """A vendor edits its plan.

    Drafts and plans sent back for changes are edited in place. A listed plan's
    changes go into a pending PlanRevision for staff review, and the listed
    version stays on sale meanwhile (a second edit replaces the pending one).
    Plans waiting for review or rejected cannot be edited.
    """
    unknown = set(changes) - set(PLAN_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({f: [_("This field cannot be changed.")] for f in sorted(unknown)})
    plan = _plan_lock(plan)
    changes = _clean_plan_values(dict(changes))
    if plan.status == Plan.Status.LISTED:
        return _plan_propose_change(plan=plan, actor=actor, category=category, changes=changes)
    PLAN.check(plan, "edit", actor)
    for field, value in changes.items():
        setattr(plan, field, value)
    if category is not None:
        plan.category = category
    plan.search_text = plan_search_text(
        name=plan.name, summary=plan.summary, vendor=plan.vendor, category=plan.category
    )
    plan.full_clean()
    plan.save()
    PLAN.record(plan, "edit", actor=actor, from_status=plan.status)
    return plan


def _plan_propose_change(*, plan: Plan, actor: User, category, changes: dict) -> Plan:
    """A listed plan's change waits in its one pending revision; going back to
    what is on sale withdraws it."""
    PLAN.check(plan, "propose_change", actor)
    if category is not None and category.pk != plan.category_id:
        raise ValidationError(
            {"category": [_("A listed plan keeps its category; create a new plan instead.")]}
        )
    pending = lock_pending_revision(plan)
    base = pending or plan
    proposed = {f: changes.get(f, getattr(base, f)) for f in PLAN_EDITABLE_FIELDS}
    if all(proposed[f] == getattr(plan, f) for f in PLAN_EDITABLE_FIELDS):
        if pending:  # back to what is on sale: nothing left to review
            pending.delete()
        return plan
    revision = pending or PlanRevision(plan=plan)
    for field, value in proposed.items():
        setattr(revision, field, value)
    revision.created_by = actor
    revision.full_clean()
    revision.save()
    PLAN_REVISION.record(revision, "revision_submit", actor=actor, from_status="")
    return plan


def _plan_lock(plan: Plan | int) -> Plan:
    return lock_row(Plan.objects.all(), plan, related=("vendor", "category"))


def lock_pending_revision(plan: Plan) -> PlanRevision | None:
    """The plan's pending revision, locked (after its plan: tcloud.core.locks)."""
    return plan.revisions.select_for_update().filter(status=PlanRevision.Status.PENDING).first()


def _plan_review(*, plan: Plan, action: str, actor: User, note: str = "") -> Plan:
    plan = _plan_lock(plan)
    fields = {"review_note": note} if action != "submit" else {}
    if action == "approve":
        fields["listed_at"] = timezone.now()
    PLAN.apply(plan, action, actor=actor, note=note, **fields)
    catalog_changed()
    if action != "submit":
        _notify_reviewed(
            plan.vendor,
            key=f"plan:{plan.pk}:{action}",
            subject=_("tcloud: your plan %(plan)s was reviewed") % {"plan": plan.name},
            status=plan.get_status_display(),
            note=note,
        )
    return plan


@transaction.atomic
def plan_submit(*, plan: Plan, actor: User) -> Plan:
    """The vendor sends a draft (or a plan sent back for changes) to staff."""
    if not plan.vendor.is_approved:
        raise RuleError(
            _("Your vendor application is still being reviewed; submit plans once it is approved."),
            code="pending_review",
        )
    return _plan_review(plan=plan, action="submit", actor=actor)


@transaction.atomic
def plan_approve(*, plan: Plan, actor: User, note: str = "") -> Plan:
    """Staff list a submitted plan: it appears in the catalog (RULES P1)."""
    return _plan_review(plan=plan, action="approve", actor=actor, note=note)


@transaction.atomic
def plan_request_changes(*, plan: Plan, actor: User, note: str) -> Plan:
    """Staff send a submitted plan back to the vendor with a note saying what to fix."""
    if not note.strip():
        raise ValidationError({"note": [_("Tell the vendor what to change.")]})
    return _plan_review(plan=plan, action="request_changes", actor=actor, note=note)


@transaction.atomic
def plan_reject(*, plan: Plan, actor: User, note: str) -> Plan:
    """Staff refuse a submitted plan for good; the note tells the vendor why."""
    if not note.strip():
        raise ValidationError({"note": [_("Tell the vendor why.")]})
    return _plan_review(plan=plan, action="reject", actor=actor, note=note)


def _revision_review(*, revision: PlanRevision, actor: User, note: str, approve: bool) -> Plan:
    # The plan first, then its revision (tcloud.core.locks).
    plan = _plan_lock(revision.plan_id)
    revision = lock_row(PlanRevision.objects.all(), revision)
    revision.plan = plan
    PLAN_REVISION.apply(
        revision,
        "revision_approve" if approve else "revision_reject",
        actor=actor,
        note=note,
        review_note=note,
        reviewed_at=timezone.now(),
    )
    if approve:
        for field in PLAN_EDITABLE_FIELDS:
            setattr(plan, field, getattr(revision, field))
        plan.search_text = plan_search_text(
            name=plan.name, summary=plan.summary, vendor=plan.vendor, category=plan.category
        )
    plan.review_note = note
    plan.save()
    catalog_changed()
    _notify_reviewed(
        plan.vendor,
        key=f"plan-revision:{revision.pk}",
        subject=_("tcloud: your change to %(plan)s was reviewed") % {"plan": plan.name},
        status=revision.get_status_display(),
        note=note,
    )
    return plan


@transaction.atomic
def plan_revision_approve(*, revision: PlanRevision, actor: User, note: str = "") -> Plan:
    """Staff accept a listed plan's change: the plan now sells at the new terms."""
    return _revision_review(revision=revision, actor=actor, note=note, approve=True)


@transaction.atomic
def plan_revision_reject(*, revision: PlanRevision, actor: User, note: str) -> Plan:
    """Staff refuse a listed plan's change; the listed version stays as it was."""
    if not note.strip():
        raise ValidationError({"note": [_("Tell the vendor why.")]})
    return _revision_review(revision=revision, actor=actor, note=note, approve=False)


@transaction.atomic
def plan_set_zone_exclusion(*, plan: Plan, actor: User, excluded: bool, note: str = "") -> Plan:
    """Staff take a plan out of the subsidy zone (or back in) (RULES P1, O1).

    An excluded plan stays listed and may be bought at full self-pay only.
    """
    plan = _plan_lock(plan)
    if plan.excluded_from_zone == excluded:
        PLAN.check(plan, "zone_exclude", actor)  # nothing to do, but only for staff
        return plan
    action = "zone_exclude" if excluded else "zone_include"
    PLAN.apply(plan, action, actor=actor, note=note, excluded_from_zone=excluded)
    catalog_changed()
    return plan


@transaction.atomic
def plan_bulk_create_listed(*, rows: Iterable[dict], batch_size: int = 2000) -> int:
    """Create many listed plans at once (demo and load-test data only).

    Each row has vendor, category, name, summary, description, specification,
    price, term_months. Skips the per-plan review on purpose: it is seed data;
    one event per plan still records how it got listed.
    """
    now = timezone.now()
    plans = []
    for row in rows:
        plan = Plan(status=Plan.Status.LISTED, listed_at=now, **row)
        plan.search_text = plan_search_text(
            name=plan.name, summary=plan.summary, vendor=row["vendor"], category=row["category"]
        )
        plans.append(plan)
    created = Plan.objects.bulk_create(plans, batch_size=batch_size)
    catalog_changed()
    if created and created[0].pk is None:  # SQLite before 3.35 returns no ids
        return len(created)
    PlanEvent.objects.bulk_create(
        [
            PlanEvent(
                plan=p, action="seed", from_status="", to_status=p.status, actor_role="system"
            )
            for p in created
        ],
        batch_size=batch_size,
    )
    return len(created)
