"""Write paths of the points app: the program (P1, P2), the ledger (T2-T5),
the self-assessment and the grant (T1), expert service requests (T1)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from members.selectors import Reason
from members.services import business_eligibility_store
from points.categories import CATEGORIES
from points.models import (
    Answer,
    Category,
    Choice,
    ExpertRequest,
    ExpertRequestEvent,
    LedgerEntry,
    Program,
    Question,
    Submission,
    Wallet,
)
from points.outcomes import POINTS_EXPIRED
from points.signals import program_changed
from tcloud.core.calendar import TAIPEI, add_months, end_of_day
from tcloud.core.errors import RuleError


@transaction.atomic
def category_ensure_all() -> list[Category]:
    """Create or rename the 15 categories to match `CATEGORIES`; idempotent."""
    result = []
    for position, (code, name_zh, name_en) in enumerate(CATEGORIES, start=1):
        category, _created = Category.objects.update_or_create(
            code=code, defaults={"name_zh": name_zh, "name_en": name_en, "position": position}
        )
        result.append(category)
    return result


# Fields staff may change directly; the budget goes through its own rule.
_PROGRAM_FIELDS = {
    "name",
    "opens_on",
    "closes_on",
    "points_per_member",
    "activation_months",
    "validity_months",
    "copay_self_pay_parts",
    "copay_points_parts",
    "prior_grant_cutoff",
}


@transaction.atomic
def program_create(
    *,
    year: int,
    name: str,
    opens_on: dt.date,
    closes_on: dt.date,
    budget_total: int,
    categories=(),
    **params: Any,
) -> Program:
    """Open a program edition; its whole budget starts available."""
    unknown = set(params) - _PROGRAM_FIELDS
    if unknown:
        raise TypeError(f"unknown program fields: {sorted(unknown)}")
    program = Program(
        year=year,
        name=name,
        opens_on=opens_on,
        closes_on=closes_on,
        budget_total=budget_total,
        budget_available=budget_total,
        **params,
    )
    program.full_clean()
    program.save()
    program.categories.set(categories)
    # The zone and the points a grant gives show in the catalog (it listens).
    program_changed.send(sender=Program, program=program)
    return program


def program_budget_available_after(*, program: Program, budget_total: int) -> int:
    """The available budget once the total becomes `budget_total`: it moves by the
    same amount as the total. Raises ValidationError (on `budget_total`) when the
    new total is below what was already granted (P2: never below zero).

    Writes nothing: `program_update` applies it under the row lock, and the
    admin's form asks it first so that staff see a form error (no HTTP 500)."""
    used = program.budget_total - program.budget_available
    if budget_total < used:
        raise ValidationError(
            {
                "budget_total": _(
                    "The budget cannot be less than the %(used)s points already granted."
                )
                % {"used": f"{used:,}"}
            }
        )
    return budget_total - used


@transaction.atomic
def program_update(
    *, program: Program, budget_total: int | None = None, categories=None, **fields: Any
) -> Program:
    """Change a program's parameters.

    A new total budget moves the available budget by the same amount, under a
    row lock so that concurrent grants are counted; it cannot go below what has
    already been granted (P2: the budget never goes below zero).
    """
    unknown = set(fields) - _PROGRAM_FIELDS
    if unknown:
        raise TypeError(f"unknown program fields: {sorted(unknown)}")
    locked = Program.objects.select_for_update().get(pk=program.pk)
    for name, value in fields.items():
        setattr(locked, name, value)
    if budget_total is not None and budget_total != locked.budget_total:
        locked.budget_available = program_budget_available_after(
            program=locked, budget_total=budget_total
        )
        locked.budget_total = budget_total
    locked.full_clean()
    locked.save()
    if categories is not None:
        locked.categories.set(categories)
    program_changed.send(sender=Program, program=locked)
    return locked


# ---------------------------------------------------------------------------
# The ledger (RULES T1-T5, P2)
#
# Every movement locks the wallet row first and the program row second (the
# sweeps take the same order), checks the idempotency key under the lock, moves
# the figures and appends one LedgerEntry, all in one transaction. A repeat of a
# key returns the first entry and moves nothing. Amounts are positive integers.
# ---------------------------------------------------------------------------


def wallet_deadlines(
    *, granted_at: dt.datetime, program: Program
) -> tuple[dt.datetime, dt.datetime]:
    """(activation deadline, expiry) of a grant: the end of the day one and three
    calendar months (the program's figures) after the grant date, Taipei (T3, T4)."""

    day = granted_at.astimezone(TAIPEI).date()
    return (
        end_of_day(add_months(day, program.activation_months)),
        end_of_day(add_months(day, program.validity_months)),
    )


def _positive(points: int) -> int:
    if isinstance(points, bool) or not isinstance(points, int) or points <= 0:
        raise ValidationError({"points": _("Points must be a whole number above zero.")})
    return points


def _replay(*, key: str, wallet_id: int, kind: str) -> LedgerEntry | None:
    """The first entry written under `key`, if any (idempotency)."""
    entry = LedgerEntry.objects.filter(idempotency_key=key).first()
    if entry is None:
        return None
    if entry.wallet_id != wallet_id or entry.kind != kind:
        raise RuleError(
            _("This idempotency key was already used for another movement."),
            code="idempotency_conflict",
        )
    return entry


def _lock_wallet(wallet: Wallet | int) -> Wallet:
    pk = wallet.pk if isinstance(wallet, Wallet) else wallet
    return Wallet.objects.select_for_update().get(pk=pk)


def _refill_program(*, program_id: int, points: int) -> None:
    """Points going back to the program's budget (P2)."""
    locked = Program.objects.select_for_update().get(pk=program_id)
    # The budget cannot exceed its total: a point can only come back once.
    locked.budget_available = F("budget_available") + points
    locked.save(update_fields=["budget_available"])


def _append(
    wallet: Wallet,
    *,
    kind: str,
    points: int,
    key: str,
    now: dt.datetime,
    to_program: bool = False,
    order_id: int | None = None,
    reason: str = "",
    actor=None,
    fields: tuple[str, ...] = (),
) -> LedgerEntry:
    wallet.save(update_fields=[*fields, "updated_at"])
    return LedgerEntry.objects.create(
        wallet=wallet,
        kind=kind,
        points=points,
        to_program=to_program,
        order_id=order_id,
        reason=reason,
        actor=actor,
        idempotency_key=key,
        created_at=now,
    )


FIGURES = ("available", "held", "spent", "returned_to_program")


@transaction.atomic
def wallet_grant(
    *,
    business,
    program: Program,
    idempotency_key: str | None = None,
    actor=None,
    reason: str = "",
    now: dt.datetime | None = None,
) -> LedgerEntry:
    """Grant the program's points to `business` (T1) from the budget (P2).

    Refuses with `already_granted` while a grant is active or after it expired
    (T4: no new application in this program), and with `budget_exhausted` when
    the budget cannot cover a whole grant (never below zero, under the program
    row lock). A wallet revoked under T3 may be granted again. Eligibility
    (M1-M7) is the caller's check (`assessment_complete`), so that staff tools
    and tests can grant directly. Nothing is written on a refusal.
    """
    now = now or timezone.now()
    # Insert-or-nothing, then lock: two grants for one business serialise here.
    Wallet.objects.bulk_create([Wallet(business=business, program=program)], ignore_conflicts=True)
    wallet = Wallet.objects.select_for_update().get(business=business, program=program)
    key = idempotency_key or f"grant:{wallet.pk}:{wallet.grants + 1}"
    if (first := _replay(key=key, wallet_id=wallet.pk, kind=LedgerEntry.Kind.GRANT)) is not None:
        return first
    if wallet.status == Wallet.Status.ACTIVE:
        raise RuleError(_("Your business has already been granted points."), code="already_granted")
    if wallet.status == Wallet.Status.EXPIRED:
        raise RuleError(
            _("Your points in this program have expired; you may not apply again in it."),
            code="already_granted",
        )
    locked = Program.objects.select_for_update().get(pk=program.pk)
    points = locked.points_per_member
    if locked.budget_available < points:
        raise RuleError(
            _(
                "The program's budget has run out, so no more points can be granted. "
                "You can still buy any plan at full self-pay."
            ),
            code="budget_exhausted",
        )
    locked.budget_available -= points
    locked.save(update_fields=["budget_available"])
    activation, expiry = wallet_deadlines(granted_at=now, program=locked)
    wallet.status = Wallet.Status.ACTIVE
    wallet.granted += points
    wallet.available += points
    wallet.grants += 1
    wallet.granted_at, wallet.activation_deadline, wallet.expires_at = now, activation, expiry
    wallet.first_used_at = None
    return _append(
        wallet,
        kind=LedgerEntry.Kind.GRANT,
        points=points,
        key=key,
        now=now,
        actor=actor,
        reason=reason,
        fields=(
            "status",
            "granted",
            "available",
            "grants",
            "granted_at",
            "activation_deadline",
            "expires_at",
            "first_used_at",
        ),
    )


@transaction.atomic
def wallet_hold(
    *,
    wallet: Wallet | int,
    points: int,
    idempotency_key: str,
    order_id: int | None = None,
    actor=None,
    reason: str = "",
    now: dt.datetime | None = None,
) -> LedgerEntry:
    """Hold points for a pending order (O3): available -> held.

    Refused (`deadline_passed`) once the wallet is past its activation deadline
    unused (T3) or past its expiry (T4), even before the sweep has run;
    `insufficient_points` when fewer points are available. The first hold marks
    the grant as used, which keeps it alive past the activation deadline (T3).
    """
    now = now or timezone.now()
    _positive(points)
    wallet = _lock_wallet(wallet)
    if first := _replay(key=idempotency_key, wallet_id=wallet.pk, kind=LedgerEntry.Kind.HOLD):
        return first
    if wallet.status != Wallet.Status.ACTIVE:
        raise RuleError(_("These points can no longer be used."), code="invalid_state")
    if not wallet.usable_at(now):
        raise RuleError(_("The deadline to use these points has passed."), code="deadline_passed")
    if points > wallet.available:
        raise RuleError(
            _("Only %(available)s points are available.") % {"available": f"{wallet.available:,}"},
            code="insufficient_points",
        )
    wallet.available -= points
    wallet.held += points
    fields = ["available", "held"]
    if wallet.first_used_at is None:
        wallet.first_used_at = now
        fields.append("first_used_at")
    return _append(
        wallet,
        kind=LedgerEntry.Kind.HOLD,
        points=points,
        key=idempotency_key,
        now=now,
        order_id=order_id,
        actor=actor,
        reason=reason,
        fields=tuple(fields),
    )


def _give_back(wallet: Wallet, *, points: int, now: dt.datetime) -> bool:
    """Points that come back from an order go to the member while the wallet is
    valid, else to the program's budget (T4, R5). True when the program got them."""
    if wallet.is_valid_at(now):
        wallet.available += points
        return False
    wallet.returned_to_program += points
    _refill_program(program_id=wallet.program_id, points=points)
    return True


@transaction.atomic
def wallet_release(
    *,
    wallet: Wallet | int,
    points: int,
    idempotency_key: str,
    order_id: int | None = None,
    actor=None,
    reason: str = "",
    now: dt.datetime | None = None,
) -> LedgerEntry:
    """Release held points of an order that failed (O4, O5): held -> available
    while the wallet is valid, else -> the program's budget (T4)."""
    now = now or timezone.now()
    _positive(points)
    wallet = _lock_wallet(wallet)
    if first := _replay(key=idempotency_key, wallet_id=wallet.pk, kind=LedgerEntry.Kind.RELEASE):
        return first
    if points > wallet.held:
        raise RuleError(
            _("Only %(held)s points are held.") % {"held": f"{wallet.held:,}"},
            code="invalid_state",
        )
    wallet.held -= points
    to_program = _give_back(wallet, points=points, now=now)
    return _append(
        wallet,
        kind=LedgerEntry.Kind.RELEASE,
        points=points,
        key=idempotency_key,
        now=now,
        to_program=to_program,
        order_id=order_id,
        actor=actor,
        reason=reason,
        fields=FIGURES,
    )


@transaction.atomic
def wallet_spend(
    *,
    wallet: Wallet | int,
    points: int,
    idempotency_key: str,
    order_id: int | None = None,
    actor=None,
    reason: str = "",
    now: dt.datetime | None = None,
) -> LedgerEntry:
    """Spend held points of a confirmed order (O6): held -> spent. Held points
    stay spendable after expiry: the order held them in time (T4)."""
    now = now or timezone.now()
    _positive(points)
    wallet = _lock_wallet(wallet)
    if first := _replay(key=idempotency_key, wallet_id=wallet.pk, kind=LedgerEntry.Kind.SPEND):
        return first
    if points > wallet.held:
        raise RuleError(
            _("Only %(held)s points are held.") % {"held": f"{wallet.held:,}"},
            code="invalid_state",
        )
    wallet.held -= points
    wallet.spent += points
    return _append(
        wallet,
        kind=LedgerEntry.Kind.SPEND,
        points=points,
        key=idempotency_key,
        now=now,
        order_id=order_id,
        actor=actor,
        reason=reason,
        fields=("held", "spent"),
    )


@transaction.atomic
def wallet_return(
    *,
    wallet: Wallet | int,
    points: int,
    idempotency_key: str,
    order_id: int | None = None,
    actor=None,
    reason: str = "",
    now: dt.datetime | None = None,
) -> LedgerEntry:
    """Return spent points of a refunded order (R1-R5): spent -> available while
    the wallet is valid, else -> the program's budget (R5, T4)."""
    now = now or timezone.now()
    _positive(points)
    wallet = _lock_wallet(wallet)
    if first := _replay(key=idempotency_key, wallet_id=wallet.pk, kind=LedgerEntry.Kind.RETURN):
        return first
    if points > wallet.spent:
        raise RuleError(
            _("Only %(spent)s points were spent.") % {"spent": f"{wallet.spent:,}"},
            code="invalid_state",
        )
    wallet.spent -= points
    to_program = _give_back(wallet, points=points, now=now)
    return _append(
        wallet,
        kind=LedgerEntry.Kind.RETURN,
        points=points,
        key=idempotency_key,
        now=now,
        to_program=to_program,
        order_id=order_id,
        actor=actor,
        reason=reason,
        fields=FIGURES,
    )


def revoke_key(wallet_id: int, grants: int) -> str:
    return f"revoke:{wallet_id}:{grants}"


def expire_key(wallet_id: int, grants: int) -> str:
    return f"expire:{wallet_id}:{grants}"


def _close(
    wallet: Wallet, *, kind: str, status: str, key: str, now: dt.datetime, actor, reason: str
) -> LedgerEntry | None:
    points = wallet.available
    wallet.status = status
    wallet.available = 0
    wallet.returned_to_program += points
    if not points:
        # Nothing left to move (all held or spent): the status changes, no entry.
        wallet.save(update_fields=["status", "updated_at"])
        return None
    _refill_program(program_id=wallet.program_id, points=points)
    return _append(
        wallet,
        kind=kind,
        points=points,
        key=key,
        now=now,
        to_program=True,
        actor=actor,
        reason=reason,
        fields=("status", "available", "returned_to_program"),
    )


@transaction.atomic
def wallet_revoke(
    *, wallet: Wallet | int, actor=None, reason: str = "", now: dt.datetime | None = None
) -> LedgerEntry | None:
    """T3: at the activation deadline, a grant no order ever held or spent goes
    back to the program; the member may apply again. Refused (`invalid_state`)
    before the deadline or once the grant was used; a repeat is a no-op that
    returns the first entry. `points.sweeps.revoke_unused` does this in bulk."""
    now = now or timezone.now()
    wallet = _lock_wallet(wallet)
    key = revoke_key(wallet.pk, wallet.grants)
    if first := _replay(key=key, wallet_id=wallet.pk, kind=LedgerEntry.Kind.REVOKE):
        return first
    if wallet.status == Wallet.Status.REVOKED:
        return None  # revoked with nothing available: already done
    if (
        wallet.status != Wallet.Status.ACTIVE
        or wallet.first_used_at is not None
        or now <= wallet.activation_deadline
    ):
        raise RuleError(_("This grant cannot be revoked."), code="invalid_state")
    return _close(
        wallet,
        kind=LedgerEntry.Kind.REVOKE,
        status=Wallet.Status.REVOKED,
        key=key,
        now=now,
        actor=actor,
        reason=reason or LedgerEntry.Cause.ACTIVATION,
    )


@transaction.atomic
def wallet_expire(
    *, wallet: Wallet | int, actor=None, reason: str = "", now: dt.datetime | None = None
) -> LedgerEntry | None:
    """T4: at the validity deadline every available point goes back to the
    program (held points stay with their orders); no new application in this
    program. `points.sweeps.expire_due` does this in bulk."""
    now = now or timezone.now()
    wallet = _lock_wallet(wallet)
    key = expire_key(wallet.pk, wallet.grants)
    if first := _replay(key=key, wallet_id=wallet.pk, kind=LedgerEntry.Kind.EXPIRE):
        return first
    if wallet.status == Wallet.Status.EXPIRED:
        return None  # expired with nothing available: already done
    if wallet.status != Wallet.Status.ACTIVE or now <= wallet.expires_at:
        raise RuleError(_("These points have not expired."), code="invalid_state")
    return _close(
        wallet,
        kind=LedgerEntry.Kind.EXPIRE,
        status=Wallet.Status.EXPIRED,
        key=key,
        now=now,
        actor=actor,
        reason=reason or LedgerEntry.Cause.VALIDITY,
    )


@transaction.atomic
def business_eligibility_refresh(*, business, program: Program | None = None):
    """Judge `business` by the full grant rule for `program` (the open one by
    default) and store the judgement on it for the member and staff to see
    (M1-M7). Called when what the rules read changes (members.signals)."""
    from points.selectors import business_points_eligibility, program_current

    program = program if program is not None else program_current()
    eligibility = business_points_eligibility(business=business, program=program)
    business_eligibility_store(business=business, eligibility=eligibility)
    return eligibility


# ---------------------------------------------------------------------------
# The digital self-assessment and the grant (RULES T1, P2)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AssessmentResult:
    submission: Submission
    categories: list
    wallet: Wallet | None
    outcome: str

    @property
    def message(self) -> str:
        return self.submission.outcome_message


@transaction.atomic
def assessment_questions_ensure() -> list[Question]:
    """Create the starting questions (points.questions) when there are none;
    staff edit them in the admin afterwards. Idempotent."""
    from points.questions import QUESTIONS

    if not Question.objects.exists():
        by_code = {c.code: c for c in Category.objects.all()}
        for qpos, (area, zh, en, choices) in enumerate(QUESTIONS, start=1):
            question = Question.objects.create(
                area=area, text_zh=zh, text_en=en, position=qpos * 10
            )
            for cpos, (czh, cen, codes) in enumerate(choices, start=1):
                choice = Choice.objects.create(
                    question=question, text_zh=czh, text_en=cen, position=cpos
                )
                choice.categories.set([by_code[c] for c in codes if c in by_code])
    return list(Question.objects.filter(active=True).order_by("position", "id"))


def _parse_answers(answers) -> list[Choice]:
    """One choice for every active question, each belonging to its question."""
    questions = {q.pk: q for q in Question.objects.filter(active=True)}
    picked: dict[int, int] = {}
    errors = []
    for item in answers or []:
        try:
            qid, cid = int(item["question"]), int(item["choice"])
        except (KeyError, TypeError, ValueError):
            errors.append(_("Each answer needs a question and a choice."))
            continue
        if qid not in questions:
            errors.append(_("Question %(id)s is not part of the assessment.") % {"id": qid})
        elif qid in picked:
            errors.append(_("Question %(id)s was answered twice.") % {"id": qid})
        else:
            picked[qid] = cid
    choices = Choice.objects.in_bulk(list(picked.values()))
    for qid, cid in picked.items():
        choice = choices.get(cid)
        if choice is None or choice.question_id != qid:
            errors.append(_("Choice %(c)s does not answer question %(q)s.") % {"c": cid, "q": qid})
    missing = set(questions) - set(picked)
    if missing:
        errors.append(_("Please answer every question (%(n)s unanswered).") % {"n": len(missing)})
    if errors:
        raise ValidationError({"answers": errors})
    return [choices[cid] for cid in picked.values()]


@transaction.atomic
def assessment_complete(
    *, user, answers, now: dt.datetime | None = None, idempotency_key: str | None = None
) -> AssessmentResult:
    """Keep the member's answers, recommend categories, and grant the
    program's points when the rules allow (T1, P2).

    The grant needs an open program, an eligible business (the members app's
    `business_points_eligibility`: M1-M7, staff review of tax-registered
    businesses, no prior grant) and enough budget. A refused grant does not fail
    the assessment: the submission records what the member was told, and the
    member can still buy at full self-pay. The "you can start buying" email
    goes out after commit.
    """
    from points.selectors import business_points_eligibility, program_current, recommend_categories

    now = now or timezone.now()
    business = user.business
    if business is None:
        raise RuleError(_("Register your business before the assessment."), code="not_eligible")
    chosen = _parse_answers(answers)
    program = program_current(on=timezone.localdate(now))
    submission = Submission.objects.create(
        business=business,
        program=program,
        user=user,
        created_at=now,
        outcome=Submission.Outcome.NO_PROGRAM,
    )
    Answer.objects.bulk_create(
        [Answer(submission=submission, question_id=c.question_id, choice=c) for c in chosen]
    )
    categories = recommend_categories(choices=chosen)
    submission.recommended_categories.set(categories)

    wallet, reasons = None, []
    outcome = Submission.Outcome.NO_PROGRAM
    if program is not None:
        eligibility = business_points_eligibility(business=business, program=program)
        existing = Wallet.objects.filter(business=business, program=program).first()
        if existing is not None and existing.status == Wallet.Status.ACTIVE:
            outcome, wallet = Submission.Outcome.ALREADY_GRANTED, existing
        elif not eligibility.eligible:
            outcome, reasons = eligibility.code, eligibility.reasons
        else:
            try:
                entry = wallet_grant(
                    business=business,
                    program=program,
                    actor=user,
                    now=now,
                    reason=LedgerEntry.Cause.ASSESSMENT,
                    idempotency_key=idempotency_key,
                )
            except RuleError as refused:
                outcome = refused.code
                wallet = Wallet.objects.filter(business=business, program=program).first()
                if wallet is not None and wallet.status == Wallet.Status.EXPIRED:
                    reasons = [Reason(POINTS_EXPIRED)]
            else:
                outcome, wallet = Submission.Outcome.GRANTED, entry.wallet
                wallet_id = wallet.pk
                transaction.on_commit(lambda: _send_grant_email(wallet_id))
    if outcome not in Submission.Outcome.values:
        outcome = Submission.Outcome.NOT_ELIGIBLE
    submission.outcome = outcome
    submission.outcome_reasons = [r.as_json() for r in reasons]
    submission.save(update_fields=["outcome", "outcome_reasons"])
    if wallet is not None and wallet.status == Wallet.Status.NONE:
        wallet = None
    return AssessmentResult(submission, categories, wallet, outcome)


def _send_grant_email(wallet_id: int) -> None:
    from points.tasks import send_grant_email

    send_grant_email.delay(wallet_id)


def wallet_notify_granted(*, wallet_id: int) -> bool:
    """Email the business's members that they can start buying (T1). Once per
    grant: a repeat (a retried task) sends nothing. Returns whether it sent."""
    from django.conf import settings
    from django.core.mail import send_mail
    from django.template.loader import render_to_string

    with transaction.atomic():
        wallet = (
            Wallet.objects.select_for_update()
            .select_related("program", "business")
            .get(pk=wallet_id)
        )
        if wallet.status != Wallet.Status.ACTIVE or wallet.grants_notified >= wallet.grants:
            return False
        recipients = list(
            wallet.business.users.filter(is_active=True).values_list("email", flat=True)
        )
        wallet.grants_notified = wallet.grants
        wallet.save(update_fields=["grants_notified", "updated_at"])
    if recipients:
        context = {"wallet": wallet}
        send_mail(
            subject=render_to_string("points/email/granted_subject.txt", context).strip(),
            message=render_to_string("points/email/granted.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=recipients,
        )
    return bool(recipients)


# ---------------------------------------------------------------------------
# Expert service requests (T1): one transition table, one function per move
# ---------------------------------------------------------------------------

_S = ExpertRequest.Status
EXPERT_TRANSITIONS: dict[str, set[str]] = {
    _S.REQUESTED: {_S.ASSIGNED, _S.CANCELLED},
    _S.ASSIGNED: {_S.SCHEDULED, _S.DONE, _S.CANCELLED},
    _S.SCHEDULED: {_S.DONE, _S.CANCELLED},
    _S.DONE: set(),
    _S.CANCELLED: set(),
}


@transaction.atomic
def expert_request_create(
    *, user, kind: str, note: str = "", contact_phone: str = ""
) -> ExpertRequest:
    """A member asks for an expert visit or call (T1)."""
    if user.business is None:
        raise RuleError(_("Register your business first."), code="not_eligible")
    if ExpertRequest.objects.filter(
        business=user.business, status__in=[_S.REQUESTED, _S.ASSIGNED, _S.SCHEDULED]
    ).exists():
        raise RuleError(
            _("You already have an expert service request in progress."), code="invalid_state"
        )
    request = ExpertRequest(
        business=user.business,
        requested_by=user,
        kind=kind,
        note=note,
        contact_phone=contact_phone,
    )
    request.full_clean()
    request.save()
    ExpertRequestEvent.objects.create(
        request=request, from_status="", to_status=request.status, actor=user
    )
    return request


def expert_request_check_move(*, request: ExpertRequest, to: str) -> None:
    """Raise RuleError (`invalid_state`) when `request` cannot move to `to` from
    its current status. Writes nothing: the moves below ask it under the row lock,
    and the admin's form asks it first so that a refused step is a form error."""
    if to not in EXPERT_TRANSITIONS[request.status]:
        raise RuleError(
            _("A request that is %(status)s cannot become %(to)s.")
            % {"status": request.get_status_display(), "to": ExpertRequest.Status(to).label},
            code="invalid_state",
        )


def _expert_move(
    request: ExpertRequest, *, to: str, actor, note: str = "", **fields
) -> ExpertRequest:
    locked = ExpertRequest.objects.select_for_update().get(pk=request.pk)
    expert_request_check_move(request=locked, to=to)
    before = locked.status
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.status = to
    locked.save()
    ExpertRequestEvent.objects.create(
        request=locked, from_status=before, to_status=to, actor=actor, note=note
    )
    return locked


@transaction.atomic
def expert_request_assign(
    *, request: ExpertRequest, actor, expert: str, note: str = ""
) -> ExpertRequest:
    """Staff assign an expert (and take charge of the request)."""
    if not expert.strip():
        raise ValidationError({"expert": _("Name the expert.")})
    return _expert_move(
        request, to=_S.ASSIGNED, actor=actor, note=note, expert=expert, assigned_to=actor
    )


@transaction.atomic
def expert_request_schedule(
    *, request: ExpertRequest, actor, scheduled_for: dt.datetime, note: str = ""
) -> ExpertRequest:
    """Staff record when the visit or call takes place."""
    return _expert_move(
        request, to=_S.SCHEDULED, actor=actor, note=note, scheduled_for=scheduled_for
    )


@transaction.atomic
def expert_request_complete(*, request: ExpertRequest, actor, note: str = "") -> ExpertRequest:
    return _expert_move(request, to=_S.DONE, actor=actor, note=note)


@transaction.atomic
def expert_request_cancel(*, request: ExpertRequest, actor, note: str = "") -> ExpertRequest:
    """Staff, or the member while nobody is assigned, cancel the request."""
    return _expert_move(request, to=_S.CANCELLED, actor=actor, note=note)
