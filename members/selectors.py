"""Reads of the members app that other apps rely on."""

from __future__ import annotations

from dataclasses import dataclass, field

from members.models import Business


@dataclass(frozen=True)
class Eligibility:
    """Whether a business may be granted points in a program, and why not.

    `code` is None when eligible, else one of the API's 409 codes:
    `not_eligible` (M2/M3 failed), `pending_review` (M5: a tax-registered
    business staff have not approved yet), `prior_recipient` (M7).
    `reasons` are plain-language sentences to show the member.
    """

    eligible: bool
    code: str | None = None
    reasons: list[str] = field(default_factory=list)


def business_points_eligibility(*, business: Business, program) -> Eligibility:
    """The eligibility of `business` for points in `program` (RULES M1-M7).

    Computed live by the eligibility engine (`members.eligibility.evaluate`);
    codes: not_eligible (M2/M3 or staff rejected), prior_recipient (M7),
    pending_review (M5). An ineligible member may still buy at full self-pay.
    """
    from members.eligibility import evaluate

    return evaluate(business=business, program=program)
