"""What a member is told about the grant of its self-assessment (T1, P2).

A submission stores its outcome as a code and, where the rules gave reasons,
the reasons as codes (`Submission.outcome_reasons`); the sentence is made here,
when read, in the reader's language: the results page, My points and the API
say the same thing in the language each reader uses.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from members.selectors import Reason

# Reasons of the points app's own refusals (the members' are in members.eligibility).
POINTS_EXPIRED = "points_expired"


def _points_reason_text(reason: Reason) -> str | None:
    if reason.code == POINTS_EXPIRED:
        return _("Your points in this program have expired; you may not apply again in it.")
    return None


def reason_text(reason: Reason) -> str:
    return _points_reason_text(reason) or str(reason)


def outcome_message(outcome: str, reasons: list[Reason]) -> str:
    if reasons:
        return " ".join(reason_text(r) for r in reasons)
    messages = {
        "granted": _(
            "You have been granted points. You can start buying plans in the subsidy zone."
        ),
        "already_granted": _(
            "Your business already holds this program's points; this assessment does not add more."
        ),
        "no_program": _(
            "No subsidy program is open today, so no points can be granted. "
            "You can still buy any plan at full self-pay."
        ),
        "budget_exhausted": _(
            "The program's budget has run out, so no more points can be granted. "
            "You can still buy any plan at full self-pay."
        ),
    }
    return messages.get(
        outcome,
        _("Your business is not eligible for points. You can still buy any plan at full self-pay."),
    )
