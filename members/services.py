"""Write paths of the members app: businesses, accounts, the registration wizard
(RULES M6), verification (M5), eligibility lists (M3, M7) and staff review (M5)."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import secrets

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from members import verification as vf
from members.machines import BUSINESS_REVIEW, REGISTRATION
from members.models import (
    Business,
    Consent,
    EmailCode,
    ExclusionEntry,
    PriorRecipient,
    RegistrationApplication,
    User,
    VerificationChallenge,
)
from members.national_id import national_id_problem
from members.registry import RegistryUnavailable, registry_lookup
from members.selectors import Eligibility
from members.signals import business_facts_changed
from members.taxid import tax_id_problem
from tcloud.core.calendar import business_deadline
from tcloud.core.errors import InvalidState, RuleError
from tcloud.core.locks import lock_row
from tcloud.core.outbox import outbox_email
from tcloud.core.statemachine import APPLICANT

# The columns' lengths (User.email, User.name): longer input is refused with a
# field error, never left for the database to reject.
EMAIL_MAX_LENGTH = 254
NAME_MAX_LENGTH = 150


@transaction.atomic
def business_create(*, tax_id: str, name: str, kind: str) -> Business:
    business = Business(tax_id=tax_id, name=name, kind=kind)
    business.full_clean()
    business.save()
    return business


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str | None,
    role: str,
    name: str = "",
    business: Business | None = None,
    vendor=None,
    email_verified: bool = False,
    password_hash: str | None = None,
    superuser: bool = False,
) -> User:
    """Create an account of any role; staff accounts get admin access.

    `email_verified` is for accounts staff vouch for (seed data, staff-created
    vendors); members confirm their address with the emailed code.
    """
    user = User.objects.create_user(
        email=email,
        password=password,
        role=role,
        name=name,
        business=business,
        vendor=vendor,
        is_staff=role == User.Role.STAFF,
        is_superuser=superuser and role == User.Role.STAFF,
    )
    if password_hash:
        # Bulk demo accounts share one precomputed hash: hashing is slow on purpose.
        user.password = password_hash
        user.save(update_fields=["password"])
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=email_verified)
    return user


# --- registration wizard (RULES M6) -------------------------------------------


Step = RegistrationApplication.Step
# Versions of the texts shown; a new wording gets a new version.
CONSENT_VERSIONS = {
    Consent.Kind.DATA_QUERY: "2026-01",
    Consent.Kind.DECLARATIONS: "2026-01",
    Consent.Kind.PERSONAL_DATA: "2026-01",
}
APPLICATION_LIFETIME = dt.timedelta(days=14)
EMAIL_CODE_LIFETIME = dt.timedelta(minutes=10)
MAX_TRIES = 5
RESEND_AFTER = dt.timedelta(seconds=60)
MAX_SENDS_PER_HOUR = 5


def _too_long(limit: int) -> str:
    return _("Enter at most %(limit)d characters.") % {"limit": limit}


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _transition(
    application: RegistrationApplication,
    action: str,
    *,
    actor=None,
    data: dict | None = None,
    **fields,
) -> None:
    """Move the (locked) application by the wizard's machine; `fields` are saved
    with the move."""
    REGISTRATION.apply(application, action, actor=actor, role=APPLICANT, data=data, **fields)


def _locked(application: RegistrationApplication) -> RegistrationApplication:
    return RegistrationApplication.objects.select_for_update().get(pk=application.pk)


def _throttle(key: str, *, limit: int, seconds: int) -> None:
    """Rate-limit code sending per client (IP) and per target; cache-backed."""
    cache_key = f"members:throttle:{key}"
    cache.add(cache_key, 0, timeout=seconds)
    try:
        count = cache.incr(cache_key)
    except ValueError:
        cache.set(cache_key, 1, timeout=seconds)
        count = 1
    if count > limit:
        raise RuleError(
            _("Too many codes were requested. Wait a while and try again."), code="throttled"
        )


def _already_registered(tax_id: str, *, exclude_user=None) -> bool:
    # Only finished registrations count: an account left at the email step
    # (inactive, cannot sign in) must not block the owner from starting over.
    users = User.objects.filter(business__tax_id=tax_id, role=User.Role.MEMBER, is_active=True)
    if exclude_user is not None:
        users = users.exclude(pk=exclude_user.pk)
    return users.exists()


def _refuse_if_registered(tax_id: str, *, exclude_user=None) -> None:
    """RULES M4: one member per tax ID. Refuses every step of an application whose
    tax ID got an active member meanwhile, so it can neither go on nor touch the
    member's business."""
    if _already_registered(tax_id, exclude_user=exclude_user):
        raise RuleError(
            _(
                "Tax ID %(tax_id)s is already registered as a member. Sign in instead, or "
                "contact us if that was not you."
            )
            % {"tax_id": tax_id},
            code="already_registered",
        )


def _abandoned_user(email: str) -> User | None:
    """The account of an abandoned email step that holds `email`, if any: an
    inactive member that never confirmed its address, never signed in and never
    finished a registration. It does not keep the address from a new application
    (a deactivated member's account, which did confirm, still does)."""
    user = User.objects.filter(
        email__iexact=email, role=User.Role.MEMBER, is_active=False, last_login__isnull=True
    ).first()
    if user is None:
        return None
    if EmailAddress.objects.filter(user=user, verified=True).exists():
        return None
    if RegistrationApplication.objects.filter(user=user, step=Step.DONE).exists():
        return None
    return user


def _email_taken(email: str, *, exclude_user=None) -> bool:
    """Whether `email` belongs to an account other than `exclude_user` or an
    abandoned one (see _abandoned_user)."""
    free = [u.pk for u in (exclude_user, _abandoned_user(email)) if u is not None]
    return (
        User.objects.filter(email__iexact=email).exclude(pk__in=free).exists()
        or EmailAddress.objects.filter(email__iexact=email).exclude(user__in=free).exists()
    )


def _release_abandoned_email(email: str, *, actor=None) -> None:
    """Delete the abandoned account holding `email` (its registration is closed:
    its resume link stops working and its email step is refused)."""
    user = _abandoned_user(email)
    if user is None:
        return
    now = timezone.now()
    for old in RegistrationApplication.objects.select_for_update().filter(user=user):
        _transition(
            old,
            "account_replaced",
            actor=actor,
            data={"reason": "email reused by another application"},
            expires_at=min(old.expires_at, now),
        )
    try:
        with transaction.atomic():
            user.delete()
    except ProtectedError as exc:
        raise ValidationError(
            {"email": [_("This email address already has an account. Use another one or sign in.")]}
        ) from exc


def _require_account(application: RegistrationApplication) -> User:
    if application.user is None:
        raise InvalidState(
            _(
                "This registration was replaced by a newer one that uses the same email "
                "address. Start again."
            )
        )
    return application.user


def registration_resume_get(*, token: str) -> RegistrationApplication | None:
    """The open application a resume link points to (None when unknown/expired)."""
    return (
        RegistrationApplication.objects.filter(
            resume_token_hash=_hash_token(token), expires_at__gt=timezone.now()
        )
        .exclude(step=Step.DONE)
        .first()
    )


@transaction.atomic
def registration_start(*, tax_id: str) -> tuple[RegistrationApplication, str]:
    """Tax ID step (M4, M1): check the ID, look it up, open an application.

    Returns the application and its resume token (shown once, as a link).
    Refuses a tax ID that already has a member account (nothing is created).
    """
    tax_id = (tax_id or "").strip()
    problem = tax_id_problem(tax_id)
    if problem:
        raise ValidationError({"tax_id": [problem]})
    if _already_registered(tax_id):
        raise RuleError(
            _(
                "Tax ID %(tax_id)s is already registered. Sign in instead, or contact us if that "
                "was not you."
            )
            % {"tax_id": tax_id},
            code="already_registered",
        )
    try:
        record = registry_lookup(tax_id)
    except RegistryUnavailable as exc:
        raise RuleError(
            _("The business registry cannot be reached right now. Try again later."),
            code="registry_unavailable",
        ) from exc
    if record is None:
        raise ValidationError(
            {
                "tax_id": [
                    _(
                        "We found no active business with tax ID %(tax_id)s in the company, "
                        "business or tax registration records."
                    )
                    % {"tax_id": tax_id}
                ]
            }
        )
    token = secrets.token_urlsafe(24)
    application = RegistrationApplication.objects.create(
        tax_id=tax_id,
        kind=record.kind,
        registry=record.as_dict(),
        resume_token_hash=_hash_token(token),
        expires_at=timezone.now() + APPLICATION_LIFETIME,
    )
    REGISTRATION.record(
        application,
        "started",
        actor=None,
        role=APPLICANT,
        data={"kind": record.kind, "source": record.source},
    )
    return application, token


def _representative_name(application: RegistrationApplication) -> str:
    """The registry's representative, or the one the applicant declared when the
    registry names none (the tax-registration data)."""
    return application.registry.get("representative") or application.representative_name


def _subject(application: RegistrationApplication) -> vf.Subject:
    return vf.Subject(
        tax_id=application.tax_id,
        representative_name=_representative_name(application),
        national_id=application.representative_national_id,
        phone=application.phone,
    )


def _issue_challenge_for(
    *, challenges, method: str, subject: vf.Subject, ip: str = "", **owner
) -> tuple[VerificationChallenge, dict]:
    """A new challenge (code or nonce) of `method` for `owner` (application= or
    business=), throttled: one a minute, five an hour, twenty an hour per IP."""
    now = timezone.now()
    previous = challenges.order_by("-created_at").first()
    if previous and previous.created_at > now - RESEND_AFTER:
        wait = int((previous.created_at + RESEND_AFTER - now).total_seconds()) + 1
        raise RuleError(
            _("Wait %(n)s seconds before asking for a new code.") % {"n": wait}, code="throttled"
        )
    if challenges.filter(created_at__gt=now - dt.timedelta(hours=1)).count() >= MAX_SENDS_PER_HOUR:
        raise RuleError(
            _("Too many codes were requested. Wait an hour and try again."), code="throttled"
        )
    if ip:
        _throttle(f"ip:{ip}", limit=20, seconds=3600)
    # A new challenge ends the previous ones: only the latest code or nonce works.
    challenges.filter(used_at__isnull=True).update(used_at=now)
    backend = vf.backend_for(method)
    challenge = VerificationChallenge(
        method=method, nonce=secrets.token_urlsafe(32), expires_at=now + backend.lifetime, **owner
    )
    info = backend.start(challenge=challenge, subject=subject)
    challenge.save()
    return challenge, info


def _issue_challenge(
    *, application: RegistrationApplication, ip: str = ""
) -> tuple[VerificationChallenge, dict]:
    return _issue_challenge_for(
        challenges=application.challenges,
        method=application.verification_method,
        subject=_subject(application),
        ip=ip,
        application=application,
    )


def _check_latest(
    *, challenges, subject: vf.Subject, proof: dict
) -> tuple[VerificationChallenge, vf.VerificationFailed | None, bool]:
    """Check `proof` against the latest challenge (locked). Returns the challenge,
    the failure (a wrong proof, to be counted) and whether the simulator passed it.
    Refusals that count no try (used, replaced, expired, too many) are raised."""
    challenge = challenges.select_for_update().order_by("-created_at").first()
    nonce = str((proof or {}).get("challenge") or "")
    if challenge is None:
        raise RuleError(_("Start the verification first."), code="no_challenge")
    if nonce and nonce != challenge.nonce:
        # A signature over an older challenge: a replay.
        raise RuleError(
            _("This challenge was already used or replaced. Start again."), code="challenge_used"
        )
    if challenge.used_at:
        raise RuleError(
            _("This code or challenge was already used. Ask for a new one."),
            code="challenge_used",
        )
    if challenge.expires_at <= timezone.now():
        raise RuleError(_("This code or challenge has expired. Ask for a new one."), code="expired")
    if challenge.attempts >= MAX_TRIES:
        raise RuleError(_("Too many wrong tries. Ask for a new code."), code="too_many_tries")
    simulated = bool(
        settings.VERIFICATION_SIMULATOR and str((proof or {}).get("code", "")) == vf.SIMULATOR_CODE
    )
    failure = None
    if not simulated:
        try:
            vf.backend_for(challenge.method).check(
                challenge=challenge, subject=subject, proof=proof or {}
            )
        except vf.VerificationPending:
            raise
        except vf.VerificationFailed as exc:
            failure = exc
    if failure:
        challenge.attempts += 1
        if challenge.attempts >= MAX_TRIES:
            challenge.used_at = timezone.now()
    else:
        challenge.used_at = timezone.now()
    challenge.save()
    return challenge, failure, simulated


def _raise_counted(challenge: VerificationChallenge, failure: vf.VerificationFailed) -> None:
    left = MAX_TRIES - challenge.attempts
    if left > 0 and failure.code == "wrong_code":
        raise vf.VerificationFailed(
            failure.message + " " + _("%(n)s tries left.") % {"n": left}, code=failure.code
        )
    raise failure


@transaction.atomic
def registration_choose_method(
    *,
    application: RegistrationApplication,
    method: str,
    national_id: str,
    phone: str = "",
    roc_national: bool = False,
    postpaid: bool = False,
    representative_name: str = "",
    ip: str = "",
) -> tuple[VerificationChallenge, dict]:
    """Identity step, first half (M5): fix the method and start the check.

    The method is fixed the first time; choosing another later is refused.
    When the registry names no representative (tax-registration data), the
    applicant declares the name (`representative_name`): the citizen
    certificate must carry it and staff confirm it in the review; otherwise the
    registry's name is used and a declared one is ignored.
    Returns the challenge and what to show (masked phone, nonce to sign, ...).
    """
    application = _locked(application)
    if application.step != Step.VERIFICATION:
        raise InvalidState(_("Identity verification is already done."))
    _refuse_if_registered(application.tax_id)
    allowed = vf.methods_for(application.kind)
    if method not in allowed:
        raise RuleError(
            _("This verification method is not available for this kind of business."),
            code="method_not_allowed",
        )
    # A method that already proved this business in another application of the
    # same tax ID stays fixed too (starting over does not switch it); unverified
    # attempts do not lock, so a stranger cannot lock someone else's choice.
    earlier = (
        RegistrationApplication.objects.filter(
            tax_id=application.tax_id, verified_at__isnull=False, expires_at__gt=timezone.now()
        )
        .exclude(pk=application.pk)
        .exclude(verification_method=method)
        .values_list("verification_method", flat=True)
        .first()
    )
    if earlier:
        raise RuleError(
            _(
                "This business was already verified with %(method)s; that method is fixed "
                "and cannot be switched."
            )
            % {"method": vf.method_labels()[earlier]},
            code="method_locked",
        )
    if application.verification_method and application.verification_method != method:
        raise RuleError(
            _(
                "The verification method was fixed when you chose it (%(method)s) and cannot be "
                "switched."
            )
            % {"method": vf.method_labels()[application.verification_method]},
            code="method_locked",
        )
    errors: dict[str, list[str]] = {}
    national_id = (national_id or "").strip().upper()
    if method != vf.BUSINESS_CERT or national_id:
        problem = national_id_problem(national_id)
        if problem:
            errors["national_id"] = [problem]
    if method == vf.PHONE:
        phone = (phone or "").strip().replace("-", "")
        if not (len(phone) == 10 and phone.startswith("09") and phone.isdigit()):
            errors["phone"] = [_("Enter a Taiwan mobile number: 10 digits starting with 09.")]
        if not roc_national:
            errors["roc_national"] = [
                _("Phone verification is only for representatives of ROC nationality.")
            ]
        if not postpaid:
            errors["postpaid"] = [_("Phone verification needs a postpaid (monthly-plan) number.")]
    representative_name = " ".join((representative_name or "").split())
    if application.registry.get("representative"):
        representative_name = ""
    elif not representative_name:
        errors["representative_name"] = [
            _(
                "The registry does not name the representative: enter the name as it appears "
                "on the representative's citizen certificate."
            )
        ]
    elif len(representative_name) > 100:
        errors["representative_name"] = [_("Enter at most 100 characters.")]
    if errors:
        raise ValidationError(errors)
    first = not application.verification_method
    application.verification_method = method
    application.representative_name = representative_name
    application.representative_national_id = national_id
    application.phone = phone if method == vf.PHONE else ""
    application.save()
    if first:
        _transition(application, "method_chosen", data={"method": method})
    return _issue_challenge(application=application, ip=ip)


@transaction.atomic
def registration_resend(
    *, application: RegistrationApplication, ip: str = ""
) -> tuple[VerificationChallenge, dict]:
    """A new code or challenge for the method already chosen (throttled)."""
    application = _locked(application)
    if application.step != Step.VERIFICATION or not application.verification_method:
        raise InvalidState(_("Choose a verification method first."))
    return _issue_challenge(application=application, ip=ip)


def registration_verify(
    *, application: RegistrationApplication, proof: dict
) -> RegistrationApplication:
    """Identity step, second half (M5): check the proof against the latest challenge.

    A wrong code counts a try (at most 5); an expired, used or replaced
    challenge is refused. Success moves the wizard to the declarations.
    """
    with transaction.atomic():
        application = _locked(application)
        if application.step != Step.VERIFICATION:
            raise InvalidState(_("Identity verification is already done."))
        challenge, failure, simulated = _check_latest(
            challenges=application.challenges, subject=_subject(application), proof=proof
        )
        if failure:
            _transition(
                application,
                "verification_failed",
                data={"code": failure.code, "attempt": challenge.attempts},
            )
        else:
            _transition(
                application,
                "verified",
                data={"method": challenge.method, "simulated": bool(simulated)},
                verified_at=challenge.used_at,
            )
    if failure:
        # Raised after the commit so the counted try is kept.
        _raise_counted(challenge, failure)
    return application


@transaction.atomic
def registration_accept_declarations(
    *, application: RegistrationApplication, data_query: bool, declarations: dict[str, bool]
) -> RegistrationApplication:
    """Authorise the data query and make the M3 declarations (stored with version/time).

    Every statement is answered; a statement not confirmed is kept as such and
    makes the business ineligible (it can still buy at full self-pay).
    """
    from members.eligibility import DECLARATION_KEYS

    application = _locked(application)
    if not data_query:
        raise ValidationError(
            {
                "data_query": [
                    _("We need your authorisation to query the business data to continue.")
                ]
            }
        )
    answers = {key: bool(declarations.get(key)) for key in DECLARATION_KEYS}
    _transition(application, "declarations_accepted")
    application.declarations = answers
    application.save()
    now = timezone.now()
    Consent.objects.create(
        application=application,
        kind=Consent.Kind.DATA_QUERY,
        text_version=CONSENT_VERSIONS[Consent.Kind.DATA_QUERY],
        accepted_at=now,
    )
    Consent.objects.create(
        application=application,
        kind=Consent.Kind.DECLARATIONS,
        text_version=CONSENT_VERSIONS[Consent.Kind.DECLARATIONS],
        accepted_at=now,
        answers=answers,
    )
    return application


@transaction.atomic
def registration_consent(
    *, application: RegistrationApplication, personal_data: bool
) -> RegistrationApplication:
    """Consent to the collection of personal data (stored with version/time)."""
    application = _locked(application)
    if not personal_data:
        raise ValidationError(
            {
                "personal_data": [
                    _("Registration needs your consent to the collection of personal data.")
                ]
            }
        )
    _transition(application, "consent_given")
    Consent.objects.create(
        application=application,
        kind=Consent.Kind.PERSONAL_DATA,
        text_version=CONSENT_VERSIONS[Consent.Kind.PERSONAL_DATA],
    )
    return application


def _send_email_code(application: RegistrationApplication) -> None:
    code = f"{secrets.randbelow(1_000_000):06d}"
    now = timezone.now()
    application.email_codes.filter(used_at__isnull=True).update(used_at=now)
    email_code = EmailCode.objects.create(
        application=application,
        code_hash=vf.code_hash(str(application.pk), code),
        expires_at=now + EMAIL_CODE_LIFETIME,
    )
    outbox_email(
        key=f"email-code:{email_code.pk}",
        to=[application.email],
        subject=_("Your tcloud verification code"),
        body=_("Your email verification code is %(code)s. It is valid for 10 minutes.")
        % {"code": code},
        sensitive=True,
    )


@transaction.atomic
def registration_create_account(
    *, application: RegistrationApplication, email: str, password: str, name: str, ip: str = ""
) -> User:
    """Account step: create the (inactive) member User of this application.

    The user can sign in only after the email step, and only then is the
    business written (registration_confirm_email): until an application
    completes, nothing of it is on the business, so another application of the
    same tax ID cannot overwrite the business or leave its account on it. The
    Business row is created here bare (tax ID, name, kind) when it does not
    exist yet, so that the email step has a row to lock. A tax ID that got a
    member meanwhile is refused and nothing is created. An email address held
    only by an abandoned email step (never confirmed) is taken over.
    """
    application = _locked(application)
    if application.step != Step.ACCOUNT:
        raise InvalidState(_("The account step is not open now."))
    email = (email or "").strip().lower()
    errors: dict[str, list[str]] = {}
    if not email or "@" not in email:
        errors["email"] = [_("Enter a valid email address.")]
    elif len(email) > EMAIL_MAX_LENGTH:
        errors["email"] = [_too_long(EMAIL_MAX_LENGTH)]
    elif _email_taken(email):
        errors["email"] = [
            _("This email address already has an account. Use another one or sign in.")
        ]
    if not (name or "").strip():
        errors["name"] = [_("Enter the name of the contact person.")]
    elif len(name.strip()) > NAME_MAX_LENGTH:
        errors["name"] = [_too_long(NAME_MAX_LENGTH)]
    try:
        password_validation.validate_password(password, User(email=email, name=name))
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        raise ValidationError(errors)
    _refuse_if_registered(application.tax_id)
    business = Business.objects.select_for_update().filter(tax_id=application.tax_id).first()
    if business is None:
        business = business_create(
            tax_id=application.tax_id, name=application.registry["name"], kind=application.kind
        )
    _release_abandoned_email(email)
    try:
        with transaction.atomic():
            user = user_create(
                email=email, password=password, role=User.Role.MEMBER, name=name.strip()
            )
    except IntegrityError as exc:
        raise ValidationError({"email": [_("This email address already has an account.")]}) from exc
    user.is_active = False
    user.save(update_fields=["is_active"])
    application.user = user
    application.business = business
    application.email = email
    _transition(
        application, "account_created", actor=user, user=user, business=business, email=email
    )
    if ip:
        _throttle(f"email-ip:{ip}", limit=20, seconds=3600)
    _send_email_code(application)
    return user


def _review_request(business: Business, *, actor, role: str = APPLICANT) -> None:
    """A tax-registered business waits for staff, due in 1 business day (M5). A
    decision staff already made is kept."""
    if business.review_status != Business.Review.NOT_REQUIRED:
        return
    due = business_deadline(timezone.now(), 1)
    BUSINESS_REVIEW.apply(
        business,
        "review_requested",
        actor=actor,
        role=role,
        data={"due": due.isoformat()},
        review_due_at=due,
    )


def _business_take_over(*, business: Business, application: RegistrationApplication) -> None:
    """Write the completing application's registry, representative and
    verification data on the business (the caller holds the business's lock and
    has checked that the tax ID has no other member). The national ID moves from
    the application to the business (the one place it is kept)."""
    record = application.registry
    national_id = application.representative_national_id
    if not national_id and application.user.business_id == business.pk:
        # An application whose account step ran before the business was written
        # only at the email step: its data is already on the business.
        national_id = business.representative_national_id
    business.name = record["name"]
    business.kind = application.kind
    business.representative_name = _representative_name(application)
    business.representative_national_id = national_id
    business.representative_phone = application.phone
    business.paid_in_capital = record.get("paid_in_capital")
    business.employee_count = record.get("employee_count")
    business.foreign_branch = bool(record.get("foreign_branch"))
    business.domestic_branch = bool(record.get("domestic_branch"))
    business.registry_source = record.get("source", "")
    business.verification_method = application.verification_method
    business.verified_at = application.verified_at
    business.declarations = application.declarations
    business.save()
    # Accounts of unfinished applications that an earlier version of the account
    # step attached to the business are not its members (never confirmed, never
    # signed in); a deactivated member keeps its business.
    User.objects.filter(
        business=business, is_active=False, role=User.Role.MEMBER, last_login__isnull=True
    ).exclude(pk=application.user_id).exclude(emailaddress__verified=True).exclude(
        application__step=Step.DONE
    ).update(business=None)
    application.user.business = business
    application.user.save(update_fields=["business"])
    application.representative_national_id = ""
    application.save(update_fields=["representative_national_id", "updated_at"])
    Consent.objects.filter(application=application).update(business=business)


@transaction.atomic
def registration_change_email(
    *, application: RegistrationApplication, email: str, ip: str = ""
) -> None:
    """Email step: correct a mistyped address (the account is still inactive)
    and send a new code there."""
    application = _locked(application)
    if application.step != Step.EMAIL:
        raise InvalidState(_("The email step is not open now."))
    email = (email or "").strip().lower()
    user = _require_account(application)
    if not email or "@" not in email:
        raise ValidationError({"email": [_("Enter a valid email address.")]})
    if len(email) > EMAIL_MAX_LENGTH:
        raise ValidationError({"email": [_too_long(EMAIL_MAX_LENGTH)]})
    if _email_taken(email, exclude_user=user):
        raise ValidationError(
            {"email": [_("This email address already has an account. Use another one or sign in.")]}
        )
    if email != user.email:
        _release_abandoned_email(email, actor=user)
    previous = application.email
    user.email = email
    user.save(update_fields=["email"])
    EmailAddress.objects.filter(user=user).update(email=email, verified=False)
    application.email = email
    application.save(update_fields=["email", "updated_at"])
    _transition(application, "email_changed", actor=user, data={"from": previous, "to": email})
    if ip:
        _throttle(f"email-ip:{ip}", limit=20, seconds=3600)
    _send_email_code(application)


@transaction.atomic
def registration_resend_email_code(*, application: RegistrationApplication, ip: str = "") -> None:
    """Another email code (throttled: one a minute, five an hour)."""
    application = _locked(application)
    if application.step != Step.EMAIL:
        raise InvalidState(_("The email step is not open now."))
    _require_account(application)
    now = timezone.now()
    latest = application.email_codes.order_by("-created_at").first()
    if latest and latest.created_at > now - RESEND_AFTER:
        wait = int((latest.created_at + RESEND_AFTER - now).total_seconds()) + 1
        raise RuleError(
            _("Wait %(n)s seconds before asking for a new code.") % {"n": wait}, code="throttled"
        )
    if (
        application.email_codes.filter(created_at__gt=now - dt.timedelta(hours=1)).count()
        >= MAX_SENDS_PER_HOUR
    ):
        raise RuleError(
            _("Too many codes were requested. Wait an hour and try again."), code="throttled"
        )
    if ip:
        _throttle(f"email-ip:{ip}", limit=20, seconds=3600)
    _send_email_code(application)


def registration_confirm_email(*, application: RegistrationApplication, code: str) -> User:
    """Email step: the code makes the member active (and able to sign in)."""
    with transaction.atomic():
        application = _locked(application)
        if application.step != Step.EMAIL:
            raise InvalidState(_("The email step is not open now."))
        user = _require_account(application)
        email_code = application.email_codes.select_for_update().order_by("-created_at").first()
        if email_code is None or email_code.used_at:
            raise RuleError(
                _("This code was already used or replaced. Ask for a new one."),
                code="challenge_used",
            )
        if email_code.expires_at <= timezone.now():
            raise RuleError(_("This code has expired. Ask for a new one."), code="expired")
        # The business's lock orders two applications of one tax ID confirming
        # at once: the second sees the first's member and is refused.
        business = Business.objects.select_for_update().get(pk=application.business_id)
        if _already_registered(application.tax_id, exclude_user=user):
            raise RuleError(
                _("Tax ID %(tax_id)s was registered meanwhile by another account.")
                % {"tax_id": application.tax_id},
                code="already_registered",
            )
        ok = vf.code_hash(str(application.pk), (code or "").strip()) == email_code.code_hash
        if not ok:
            email_code.attempts += 1
            if email_code.attempts >= MAX_TRIES:
                email_code.used_at = timezone.now()
            email_code.save()
        else:
            email_code.used_at = timezone.now()
            email_code.save()
            _business_take_over(business=business, application=application)
            user.is_active = True
            user.save(update_fields=["is_active"])
            EmailAddress.objects.filter(user=user, email__iexact=user.email).update(verified=True)
            _transition(application, "email_confirmed", actor=user)
            if application.kind == Business.Kind.TAX_REGISTERED:
                _review_request(business, actor=user)
            _facts_changed(business)
    if not ok:
        left = MAX_TRIES - email_code.attempts
        raise RuleError(
            _("That code is not right. %(n)s tries left.") % {"n": left}, code="wrong_code"
        )
    return user


# --- eligibility and staff review (M2, M3, M5, M7) -----------------------------


def _facts_changed(business: Business) -> None:
    # The points app keeps the stored judgement true (members.signals).
    business_facts_changed.send(sender=Business, business=business)


@transaction.atomic
def business_eligibility_store(*, business: Business, eligibility: Eligibility) -> Business:
    """Store an eligibility judgement on the business, shown to the member and
    staff: the verdict, its code and its reasons as codes (rendered when read)."""
    now = timezone.now()
    fields = {
        "eligible": eligibility.eligible,
        "eligibility_code": eligibility.code or "",
        "eligibility_reasons": [r.as_json() for r in eligibility.reasons],
        "eligibility_checked_at": now,
    }
    Business.objects.filter(pk=business.pk).update(**fields)
    for name, value in fields.items():
        setattr(business, name, value)
    return business


@transaction.atomic
def business_review_decide(
    *, business: Business, actor: User, approve: bool, reason: str = ""
) -> Business:
    """Staff approve or reject a tax-registered business's qualification (M5).

    A rejection needs a reason. The member is emailed either way, after commit.
    """
    business = lock_row(Business.objects.all(), business)
    reason = (reason or "").strip()
    BUSINESS_REVIEW.check(business, "review_approved", actor)
    if not approve and not reason:
        raise ValidationError(
            {"review_reason": [_("Give the reason for the rejection; the member reads it.")]}
        )
    BUSINESS_REVIEW.apply(
        business,
        "review_approved" if approve else "review_rejected",
        actor=actor,
        note=reason,
        review_reason=reason,
        reviewed_by=actor,
        reviewed_at=timezone.now(),
    )
    _facts_changed(business)
    recipients = list(business.users.filter(role=User.Role.MEMBER).values_list("email", flat=True))
    if approve:
        subject = _("Your business is confirmed")
        body = _(
            "Staff confirmed the qualification of %(name)s. You can now complete the "
            "self-assessment and receive points."
        ) % {"name": business.name}
    else:
        subject = _("Your business could not be confirmed")
        body = _(
            "Staff could not confirm the qualification of %(name)s: %(reason)s\nYou may "
            "still buy any plan at full self-pay."
        ) % {"name": business.name, "reason": reason}
    outbox_email(
        key=f"business:{business.pk}:review:{business.reviewed_at.isoformat()}",
        to=recipients,
        subject=subject,
        body=body,
    )
    return business


def _csv_rows(text: str, columns: tuple[str, ...]) -> list[dict]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in columns if c not in (reader.fieldnames or [])]
    if missing:
        raise ValidationError(
            {"file": [_("The CSV needs the columns: %(cols)s.") % {"cols": ", ".join(columns)}]}
        )
    return list(reader)


def _parse_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


@transaction.atomic
def exclusion_import(*, text: str, source: str, listed_on: dt.date) -> int:
    """Import an M3 exclusion list (CSV columns tax_id, reason): all rows or none.

    Returns the number of new entries; rows already listed are skipped.
    """
    if not (source or "").strip():
        raise ValidationError({"source": [_("Say where the list comes from.")]})
    reasons = set(ExclusionEntry.Reason.values)
    errors, created, tax_ids = [], 0, set()
    for line, row in enumerate(_csv_rows(text, ("tax_id", "reason")), start=2):
        tax_id, reason = (row.get("tax_id") or "").strip(), (row.get("reason") or "").strip()
        problem = tax_id_problem(tax_id)
        if problem:
            errors.append(_("Line %(n)s: %(problem)s") % {"n": line, "problem": problem})
            continue
        if reason not in reasons:
            errors.append(
                _("Line %(n)s: unknown reason “%(reason)s”; use one of %(all)s.")
                % {"n": line, "reason": reason, "all": ", ".join(sorted(reasons))}
            )
            continue
        _obj, new = ExclusionEntry.objects.get_or_create(
            tax_id=tax_id, reason=reason, source=source.strip(), defaults={"listed_on": listed_on}
        )
        created += new
        tax_ids.add(tax_id)
    if errors:
        raise ValidationError({"file": errors})
    _refresh_stored_eligibility(tax_ids)
    return created


@transaction.atomic
def prior_recipient_import(*, text: str, source: str) -> int:
    """Import the M7 list of earlier recipients (CSV columns tax_id, granted_on)."""
    if not (source or "").strip():
        raise ValidationError({"source": [_("Say where the list comes from.")]})
    errors, created, tax_ids = [], 0, set()
    for line, row in enumerate(_csv_rows(text, ("tax_id", "granted_on")), start=2):
        tax_id = (row.get("tax_id") or "").strip()
        problem = tax_id_problem(tax_id)
        granted_on = _parse_date(row.get("granted_on", ""))
        if problem:
            errors.append(_("Line %(n)s: %(problem)s") % {"n": line, "problem": problem})
        elif granted_on is None:
            errors.append(_("Line %(n)s: granted_on must be a date like 2021-06-30.") % {"n": line})
        else:
            _obj, new = PriorRecipient.objects.get_or_create(
                tax_id=tax_id, granted_on=granted_on, defaults={"source": source.strip()}
            )
            created += new
            tax_ids.add(tax_id)
    if errors:
        raise ValidationError({"file": errors})
    _refresh_stored_eligibility(tax_ids)
    return created


def _refresh_stored_eligibility(tax_ids: set[str]) -> None:
    # Lists change eligibility of businesses already registered: keep stored results true.
    for business in Business.objects.filter(tax_id__in=tax_ids):
        _facts_changed(business)


@transaction.atomic
def business_profile_set(
    *,
    business: Business,
    record,
    verification_method: str,
    national_id: str = "",
    phone: str = "",
    declarations: dict | None = None,
    review_pending: bool = False,
) -> Business:
    """Record registry data and verification for a business created outside the
    wizard (demo data, staff); the wizard does this in registration_create_account.

    A staff decision already made is never reset.
    """
    from members.eligibility import DECLARATION_KEYS

    business = Business.objects.select_for_update().get(pk=business.pk)
    business.name = record.name
    business.kind = record.kind
    business.representative_name = record.representative
    business.representative_national_id = national_id
    business.representative_phone = phone
    business.paid_in_capital = record.paid_in_capital
    business.employee_count = record.employee_count
    business.foreign_branch = record.foreign_branch
    business.domestic_branch = record.domestic_branch
    business.registry_source = record.source
    business.verification_method = verification_method
    business.verified_at = business.verified_at or timezone.now()
    business.declarations = (
        declarations if declarations is not None else dict.fromkeys(DECLARATION_KEYS, True)
    )
    business.save()
    if review_pending:
        _review_request(business, actor=None, role="staff")
    _facts_changed(business)
    return business


# --- re-authentication with the registered method (M5, used by orders O3) ------


def _business_subject(business: Business) -> vf.Subject:
    return vf.Subject(
        tax_id=business.tax_id,
        representative_name=business.representative_name,
        national_id=business.representative_national_id,
        phone=business.representative_phone,
    )


@transaction.atomic
def business_reauth_start(*, business: Business, ip: str = "") -> dict:
    """Start a new check with the business's fixed method (M5): sends the SMS
    code or issues the signing challenge. Returns what to show: `method` plus
    `sent_to` (phone), `challenge` (certificates) or `pending` (mobile app).
    In simulator mode a business without a method may pass with 000000."""
    business = Business.objects.select_for_update().get(pk=business.pk)
    method = business.verification_method
    if not method:
        if settings.VERIFICATION_SIMULATOR:
            return {"method": "simulator"}
        raise RuleError(
            _("This business has no verification method on record. Contact us."),
            code="verification_unavailable",
        )
    challenge, info = _issue_challenge_for(
        challenges=business.challenges,
        method=method,
        subject=_business_subject(business),
        ip=ip,
        business=business,
    )
    return {"method": method, **info}


def business_reauth_check(*, business: Business, proof: dict) -> None:
    """Raise a RuleError unless `proof` passes the latest challenge of the
    business (one use, expiry, at most 5 tries, like the wizard)."""
    with transaction.atomic():
        business = Business.objects.select_for_update().get(pk=business.pk)
        if (
            not business.verification_method
            and settings.VERIFICATION_SIMULATOR
            and str((proof or {}).get("code", "")) == vf.SIMULATOR_CODE
        ):
            return
        challenge, failure, _simulated = _check_latest(
            challenges=business.challenges, subject=_business_subject(business), proof=proof
        )
    if failure:
        _raise_counted(challenge, failure)


@transaction.atomic
def registration_purge_expired(*, now) -> int:
    """Forget the personal data of abandoned applications once they expire
    (the national ID and phone are kept only as long as needed)."""
    expired = RegistrationApplication.objects.filter(expires_at__lte=now).exclude(
        representative_national_id="", phone="", representative_name=""
    )
    return expired.update(representative_national_id="", phone="", representative_name="")
