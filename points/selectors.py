"""Careful reads of the points app."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Subquery, Sum
from django.utils import timezone

from members.eligibility import evaluate
from members.selectors import Eligibility
from points.ledger import figures_from
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


FIGURE_NAMES = ("granted", "available", "held", "spent", "returned_to_program")


def wallet_figures_from_entries(*, wallet: Wallet) -> dict[str, int]:
    """The wallet's figures recomputed from its ledger alone (T5), by the ledger's
    one table of moves (points.ledger.MOVES); they must equal the stored figures."""
    rows = (
        LedgerEntry.objects.filter(wallet=wallet)
        .values_list("kind", "to_program")
        .annotate(points=Sum("points"))
        .order_by()
    )
    return figures_from(rows)


@dataclass(frozen=True)
class Reconciliation:
    """A program's books checked from both ends (T5, P2): each wallet's stored
    figures against the sums of its ledger entries, and the budget used against
    what the wallets were granted minus what went back."""

    program: Program
    wallets: int
    wallets_off: list[dict]  # {wallet, stored, from_ledger} for each wallet that differs
    budget_used: int  # budget_total - budget_available
    granted_net: int  # sum(granted) - sum(returned_to_program) over the wallets

    @property
    def balanced(self) -> bool:
        return not self.wallets_off and self.budget_used == self.granted_net


def program_reconciliation(*, program: Program) -> Reconciliation:
    """Three queries, whatever the number of wallets: the wallets' stored
    figures, their ledger sums, and the program's budget as stored now."""
    stored = {
        row["pk"]: row for row in Wallet.objects.filter(program=program).values("pk", *FIGURE_NAMES)
    }
    sums: dict[int, list] = {}
    for wallet_id, kind, to_program, points in (
        LedgerEntry.objects.filter(wallet__program=program)
        .values_list("wallet_id", "kind", "to_program")
        .annotate(points=Sum("points"))
        .order_by()
    ):
        sums.setdefault(wallet_id, []).append((kind, to_program, points))
    off = []
    for wallet_id, figures in stored.items():
        from_ledger = figures_from(sums.get(wallet_id, []))
        mine = {name: figures[name] for name in FIGURE_NAMES}
        if mine != from_ledger:
            off.append({"wallet": wallet_id, "stored": mine, "from_ledger": from_ledger})
    granted = sum(f["granted"] for f in stored.values())
    returned = sum(f["returned_to_program"] for f in stored.values())
    total, available = Program.objects.values_list("budget_total", "budget_available").get(
        pk=program.pk
    )
    return Reconciliation(
        program=program,
        wallets=len(stored),
        wallets_off=off,
        budget_used=total - available,
        granted_net=granted - returned,
    )


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
