"""Write paths of the points app: the program (P1, P2), the ledger (T2-T5),
the self-assessment and the grant (T1), expert service requests (T1)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from members.selectors import Reason
from members.services import business_eligibility_store
from points.categories import CATEGORIES
from points.ledger import BACK, MOVES, PROGRAM
from points.machines import EXPERT_REQUEST, WALLET
from points.models import (
    Answer,
    Category,
    Choice,
    ExpertRequest,
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
from tcloud.core.locks import lock_row
from tcloud.core.outbox import outbox_email


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
# Every movement is one row of the table in points.ledger, made by `_move`: the
# service locks the wallet (then, if points go back to the budget, the program:
# tcloud.core.locks), checks the idempotency key under the lock, moves the
# figures and appends one LedgerEntry, all in one transaction. A repeat of a key
# returns the first entry and moves nothing. Amounts are positive integers.
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


def _refill_program(*, program_id: int, points: int) -> None:
    """Points going back to the program's budget (P2). One UPDATE, which locks
    the row; a point can only come back once, so the budget stays within its
    total (a CHECK constraint says so too)."""
    Program.objects.filter(pk=program_id).update(budget_available=F("budget_available") + points)


def _short(figure: str, have: int) -> RuleError:
    n = f"{have:,}"
    if figure == "available":
        message = _("Only %(available)s points are available.") % {"available": n}
        return RuleError(message, code="insufficient_points")
    if figure == "held":
        return RuleError(_("Only %(held)s points are held.") % {"held": n}, code="invalid_state")
    return RuleError(_("Only %(spent)s points were spent.") % {"spent": n}, code="invalid_state")


def _move(
    wallet: Wallet,
    kind: str,
    *,
    points: int,
    key: str,
    now: dt.datetime,
    order_id: int | None = None,
    actor=None,
    reason: str = "",
) -> LedgerEntry:
    """Move `points` of the locked `wallet` by the table (points.ledger.MOVES) and
    append the entry. The figures are changed on the instance; the caller saves
    them (`_save_figures`, or with a status change)."""
    source, target = MOVES[kind]
    if source == PROGRAM:
        wallet.granted += points  # the grant took them from the budget
    else:
        have = getattr(wallet, source)
        if points > have:
            raise _short(source, have)
        setattr(wallet, source, have - points)
    to_program = target == PROGRAM or (target == BACK and not wallet.is_valid_at(now))
    if to_program:
        wallet.returned_to_program += points
        _refill_program(program_id=wallet.program_id, points=points)
    else:
        target = "available" if target == BACK else target
        setattr(wallet, target, getattr(wallet, target) + points)
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


FIGURES = ("granted", "available", "held", "spent", "returned_to_program")


def _save_figures(wallet: Wallet, *extra: str) -> None:
    wallet.save(update_fields=[*FIGURES, *extra, "updated_at"])


def _wallet_lock(wallet: Wallet | int) -> Wallet:
    return lock_row(Wallet.objects.all(), wallet)


def _order_move(
    kind: str,
    *,
    wallet: Wallet | int,
    points: int,
    idempotency_key: str,
    order_id: int | None,
    actor,
    reason: str,
    now: dt.datetime | None,
) -> LedgerEntry:
    now = now or timezone.now()
    _positive(points)
    wallet = _wallet_lock(wallet)
    if first := _replay(key=idempotency_key, wallet_id=wallet.pk, kind=kind):
        return first
    if kind == LedgerEntry.Kind.HOLD:
        if wallet.status != Wallet.Status.ACTIVE:
            raise RuleError(_("These points can no longer be used."), code="invalid_state")
        if not wallet.usable_at(now):
            raise RuleError(
                _("The deadline to use these points has passed."), code="deadline_passed"
            )
    entry = _move(
        wallet,
        kind,
        points=points,
        key=idempotency_key,
        now=now,
        order_id=order_id,
        actor=actor,
        reason=reason,
    )
    extra = ()
    if kind == LedgerEntry.Kind.HOLD and wallet.first_used_at is None:
        wallet.first_used_at = now  # T3: the grant is used; it no longer lapses
        extra = ("first_used_at",)
    _save_figures(wallet, *extra)
    return entry


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
    wallet = Wallet.objects.select_for_update(of=("self",)).get(business=business, program=program)
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
    locked = lock_row(Program.objects.all(), program)
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
    entry = _move(
        wallet, LedgerEntry.Kind.GRANT, points=points, key=key, now=now, actor=actor, reason=reason
    )
    activation, expiry = wallet_deadlines(granted_at=now, program=locked)
    WALLET.apply(
        wallet,
        "grant",
        actor=actor,
        now=now,
        data={"points": points},
        grants=wallet.grants + 1,
        granted_at=now,
        activation_deadline=activation,
        expires_at=expiry,
        first_used_at=None,
        **{figure: getattr(wallet, figure) for figure in FIGURES},
    )
    return entry


def _order_move_service(kind: str, doc: str):
    """The service of one kind of an order's points move: the same signature for
    all four, one body (`_order_move`), one entry of the ledger's table each."""

    @transaction.atomic
    def service(
        *,
        wallet: Wallet | int,
        points: int,
        idempotency_key: str,
        order_id: int | None = None,
        actor=None,
        reason: str = "",
        now: dt.datetime | None = None,
    ) -> LedgerEntry:
        return _order_move(
            kind,
            wallet=wallet,
            points=points,
            idempotency_key=idempotency_key,
            order_id=order_id,
            actor=actor,
            reason=reason,
            now=now,
        )

    service.__name__ = service.__qualname__ = f"wallet_{kind}"
    service.__doc__ = doc
    return service


wallet_hold = _order_move_service(
    LedgerEntry.Kind.HOLD,
    """Hold points for a pending order (O3): available -> held.

    Refused (`deadline_passed`) once the wallet cannot be used now
    (`Wallet.usable_at`: past its activation deadline unused, T3, or past its
    expiry, T4), even before the sweep has run; `insufficient_points` when fewer
    points are available. The first hold marks the grant as used, which keeps it
    alive past the activation deadline (T3).""",
)
wallet_release = _order_move_service(
    LedgerEntry.Kind.RELEASE,
    """Release held points of an order that failed (O4, O5): held -> available
    while the wallet is valid, else -> the program's budget (T4).""",
)
wallet_spend = _order_move_service(
    LedgerEntry.Kind.SPEND,
    """Spend held points of a confirmed order (O6): held -> spent. Held points
    stay spendable after expiry: the order held them in time (T4).""",
)
wallet_return = _order_move_service(
    LedgerEntry.Kind.RETURN,
    """Return spent points of a refunded order (R1-R5): spent -> available while
    the wallet is valid, else -> the program's budget (R5, T4).""",
)


def close_key(kind: str, wallet_id: int, grants: int) -> str:
    """The ledger key of a grant's revoke or expire: the sweeps (SQL) and the
    services write the same, so the two never move the same points twice."""
    return f"{kind}:{wallet_id}:{grants}"


def _close(
    wallet: Wallet | int,
    kind: str,
    *,
    status: str,
    due: Callable[[Wallet, dt.datetime], bool],
    actor,
    reason: str,
    now: dt.datetime | None,
) -> LedgerEntry | None:
    """Close a grant (revoke T3, expire T4): its status moves by the wallet's
    machine and its available points, if any, go back to the program."""
    now = now or timezone.now()
    wallet = _wallet_lock(wallet)
    key = close_key(kind, wallet.pk, wallet.grants)
    if first := _replay(key=key, wallet_id=wallet.pk, kind=kind):
        return first
    if wallet.status == status:
        return None  # closed with nothing available: already done
    if wallet.status != Wallet.Status.ACTIVE or not due(wallet, now):
        raise RuleError(
            _("These points cannot be taken back now."),
            code="invalid_state",
        )
    points = wallet.available
    entry = None
    if points:
        entry = _move(wallet, kind, points=points, key=key, now=now, actor=actor, reason=reason)
    WALLET.apply(
        wallet,
        kind,
        actor=actor,
        now=now,
        data={"points": points},
        **{figure: getattr(wallet, figure) for figure in FIGURES},
    )
    return entry


@transaction.atomic
def wallet_revoke(
    *, wallet: Wallet | int, actor=None, reason: str = "", now: dt.datetime | None = None
) -> LedgerEntry | None:
    """T3: at the activation deadline, a grant no order ever held or spent goes
    back to the program; the member may apply again. Refused (`invalid_state`)
    before the deadline or once the grant was used; a repeat is a no-op that
    returns the first entry. `points.sweeps.revoke_unused` does this in bulk."""
    return _close(
        wallet,
        LedgerEntry.Kind.REVOKE,
        status=Wallet.Status.REVOKED,
        due=lambda w, now: w.first_used_at is None and now > w.activation_deadline,
        actor=actor,
        reason=reason or LedgerEntry.Cause.ACTIVATION,
        now=now,
    )


@transaction.atomic
def wallet_expire(
    *, wallet: Wallet | int, actor=None, reason: str = "", now: dt.datetime | None = None
) -> LedgerEntry | None:
    """T4: at the validity deadline every available point goes back to the
    program (held points stay with their orders); no new application in this
    program. `points.sweeps.expire_due` does this in bulk."""
    return _close(
        wallet,
        LedgerEntry.Kind.EXPIRE,
        status=Wallet.Status.EXPIRED,
        due=lambda w, now: now > w.expires_at,
        actor=actor,
        reason=reason or LedgerEntry.Cause.VALIDITY,
        now=now,
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
                _grant_email(wallet)
    if outcome not in Submission.Outcome.values:
        outcome = Submission.Outcome.NOT_ELIGIBLE
    submission.outcome = outcome
    submission.outcome_reasons = [r.as_json() for r in reasons]
    submission.save(update_fields=["outcome", "outcome_reasons"])
    if wallet is not None and wallet.status == Wallet.Status.NONE:
        wallet = None
    return AssessmentResult(submission, categories, wallet, outcome)


def _grant_email(wallet: Wallet) -> None:
    """Tell the business's members they can start buying (T1), through the outbox:
    one email per grant (the key names the grant), sent after commit."""
    recipients = list(wallet.business.users.filter(is_active=True).values_list("email", flat=True))
    context = {"wallet": wallet}
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("points/email/granted_subject.txt", context).strip()
        body = render_to_string("points/email/granted.txt", context)
    outbox_email(
        key=f"grant:{wallet.pk}:{wallet.grants}", to=recipients, subject=subject, body=body
    )


# ---------------------------------------------------------------------------
# Expert service requests (T1): one transition table, one function per move
# ---------------------------------------------------------------------------

_S = ExpertRequest.Status


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
    EXPERT_REQUEST.record(request, "create", actor=user)
    return request


def _expert_move(
    request: ExpertRequest, action: str, *, actor, note: str = "", **fields
) -> ExpertRequest:
    request = lock_row(ExpertRequest.objects.all(), request)
    return EXPERT_REQUEST.apply(request, action, actor=actor, note=note, **fields)


@transaction.atomic
def expert_request_assign(
    *, request: ExpertRequest, actor, expert: str, note: str = ""
) -> ExpertRequest:
    """Staff assign an expert (and take charge of the request)."""
    if not expert.strip():
        raise ValidationError({"expert": _("Name the expert.")})
    return _expert_move(request, "assign", actor=actor, note=note, expert=expert, assigned_to=actor)


@transaction.atomic
def expert_request_schedule(
    *, request: ExpertRequest, actor, scheduled_for: dt.datetime, note: str = ""
) -> ExpertRequest:
    """Staff record when the visit or call takes place."""
    return _expert_move(request, "schedule", actor=actor, note=note, scheduled_for=scheduled_for)


@transaction.atomic
def expert_request_complete(*, request: ExpertRequest, actor, note: str = "") -> ExpertRequest:
    """Staff record that the visit or call took place."""
    return _expert_move(request, "complete", actor=actor, note=note)


@transaction.atomic
def expert_request_cancel(*, request: ExpertRequest, actor, note: str = "") -> ExpertRequest:
    """Staff cancel the request."""
    return _expert_move(request, "cancel", actor=actor, note=note)
