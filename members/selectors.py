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

    The membership feature (issue 3) replaces this body with the eligibility
    engine; until then every registered business is eligible.
    """
    return Eligibility(eligible=True)
