"""Careful reads of the points app."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db.models import Case, IntegerField, Q, Subquery, Sum, When
from django.utils import timezone

from members.eligibility import evaluate
from members.selectors import Eligibility
from points.models import Category, Choice, LedgerEntry, Program, Question, Submission, Wallet


def program_current(*, on: dt.date | None = None) -> Program | None:
    """The program open on `on` (today in Taipei by default), if any."""
    on = on or timezone.localdate()
    return Program.objects.filter(opens_on__lte=on, closes_on__gte=on).order_by("-year").first()


def granted_in_earlier_program(*, business, program: Program | None) -> bool:
    """M7 on this site's own records: the business was granted points in a
    program of an earlier year and kept them (active or expired). A grant
    revoked under T3 (never used: every point went back) does not count, as T3
    lets the member apply again. The imported prior-recipient list covers grants
    made before this site. Without a program there is no "earlier" program."""
    if program is None:
        return False
    return (
        Wallet.objects.filter(
            business_id=business.pk, program__year__lt=program.year, granted__gt=0
        )
        .exclude(status=Wallet.Status.REVOKED)
        .exists()
    )


def business_points_eligibility(*, business, program: Program | None) -> Eligibility:
    """The one grant rule (RULES M1-M7) for `business` in `program`: the members'
    part (M2, M3, the M5 review, the imported M7 list before the program's
    cut-off) and this site's grants in earlier programs (M7). Codes:
    not_eligible, prior_recipient, pending_review. An ineligible member may
    still buy at full self-pay."""
    return evaluate(
        business=business,
        prior_grant_cutoff=program.prior_grant_cutoff if program is not None else None,
        granted_earlier=granted_in_earlier_program(business=business, program=program),
    )


def wallet_for(*, business, program: Program | None) -> Wallet | None:
    """The business's wallet in `program`, if it was ever granted points."""
    if business is None or program is None:
        return None
    return (
        Wallet.objects.filter(business=business, program=program)
        .exclude(status=Wallet.Status.NONE)
        .select_related("program")
        .first()
    )


def wallet_current(*, business) -> Wallet | None:
    """The wallet of the open program, else the business's latest wallet."""
    wallet = wallet_for(business=business, program=program_current())
    if wallet is None and business is not None:
        wallet = (
            Wallet.objects.filter(business=business)
            .exclude(status=Wallet.Status.NONE)
            .select_related("program")
            .order_by("-program__year")
            .first()
        )
    return wallet


def wallet_entries(*, wallet: Wallet | None):
    if wallet is None:
        return LedgerEntry.objects.none()
    return LedgerEntry.objects.filter(wallet=wallet).order_by("-created_at", "-id")


def _points_where(**cond) -> Sum:
    return Sum(Case(When(Q(**cond), then="points"), default=0, output_field=IntegerField()))


def wallet_figures_from_entries(*, wallet: Wallet) -> dict[str, int]:
    """The wallet's figures recomputed from its ledger alone (T5); they must
    equal the stored figures."""
    K = LedgerEntry.Kind
    s = LedgerEntry.objects.filter(wallet=wallet).aggregate(
        grant=_points_where(kind=K.GRANT),
        hold=_points_where(kind=K.HOLD),
        release_w=_points_where(kind=K.RELEASE, to_program=False),
        release_p=_points_where(kind=K.RELEASE, to_program=True),
        spend=_points_where(kind=K.SPEND),
        return_w=_points_where(kind=K.RETURN, to_program=False),
        return_p=_points_where(kind=K.RETURN, to_program=True),
        closed=_points_where(kind__in=[K.REVOKE, K.EXPIRE]),
    )
    s = {k: v or 0 for k, v in s.items()}
    return {
        "granted": s["grant"],
        "available": s["grant"] - s["hold"] + s["release_w"] + s["return_w"] - s["closed"],
        "held": s["hold"] - s["release_w"] - s["release_p"] - s["spend"],
        "spent": s["spend"] - s["return_w"] - s["return_p"],
        "returned_to_program": s["release_p"] + s["return_p"] + s["closed"],
    }


def assessment_questions():
    """The questions members answer, with their choices, in order."""
    return (
        Question.objects.filter(active=True).prefetch_related("choices").order_by("position", "id")
    )


def recommend_categories(*, choices) -> list:
    """Categories the chosen answers point to, most pointed-to first (T1)."""
    counts = Counter(
        Choice.categories.through.objects.filter(choice__in=choices).values_list(
            "category_id", flat=True
        )
    )
    by_id = Category.objects.in_bulk(list(counts))
    return sorted(by_id.values(), key=lambda c: (-counts[c.pk], c.position))


def submission_latest(*, business) -> Submission | None:
    if business is None:
        return None
    return (
        Submission.objects.filter(business=business)
        .prefetch_related("recommended_categories", "answers__question", "answers__choice")
        .first()
    )


def member_recommended_category_ids(*, user) -> list[int]:
    """Category ids the member's latest self-assessment recommends (T1); the
    catalog marks plans in them as recommended. One query."""

    business_id = getattr(user, "business_id", None)
    if business_id is None:
        return []
    latest = Submission.objects.filter(business_id=business_id).values("pk")[:1]
    through = Submission.recommended_categories.through
    return list(
        through.objects.filter(submission_id=Subquery(latest)).values_list("category_id", flat=True)
    )


def expert_requests_for(*, business):
    from points.models import ExpertRequest

    if business is None:
        return ExpertRequest.objects.none()
    return ExpertRequest.objects.filter(business=business).prefetch_related("events")
