"""Reads of the members app that other apps rely on."""

from __future__ import annotations

from dataclasses import dataclass, field

from members.models import Business


@dataclass(frozen=True)
class Reason:
    """Why a business is not eligible: a code and its parameters, stored as such
    (`Business.eligibility_reasons`) and rendered in the reader's language."""

    code: str
    params: dict = field(default_factory=dict)

    def __str__(self) -> str:
        from members.eligibility import reason_text

        return reason_text(self)

    def as_json(self) -> dict:
        return {"code": self.code, "params": dict(self.params)}

    @classmethod
    def from_json(cls, value) -> Reason:
        if isinstance(value, str):  # stored before reasons were codes
            return cls("legacy", {"text": value})
        return cls(str(value.get("code", "")), dict(value.get("params") or {}))


@dataclass(frozen=True)
class Eligibility:
    """Whether a business may be granted points in a program, and why not.

    `code` is None when eligible, else one of the API's 409 codes:
    `not_eligible` (M2/M3 failed), `pending_review` (M5: a tax-registered
    business staff have not approved yet), `prior_recipient` (M7).
    `reasons` render as plain-language sentences in the reader's language.
    """

    eligible: bool
    code: str | None = None
    reasons: list[Reason] = field(default_factory=list)


def business_stored_reasons(*, business: Business) -> list[Reason]:
    """The reasons of the last stored judgement (`Business.eligibility_reasons`)."""
    return [Reason.from_json(r) for r in business.eligibility_reasons or []]
