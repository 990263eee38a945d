"""The eligibility engine (RULES M2, M3, M5, M7): reads only, no writes.

`evaluate()` judges what is recorded about a business: registry data (M2 and
the branch flags of M3), the applicant's M3 declarations, staff's exclusion
lists (M3), the imported prior-recipient list (M7) and the staff review of
tax-registered businesses (M5). This site's own grants in earlier programs are
the points app's to know: `points.selectors.business_points_eligibility` is the
one full rule and passes them in. Every failed test gives one `Reason`, a code
with parameters that `reason_text` renders in the reader's language.

Unknown data: M2 fails only on what the registry shows (capital above the line
and no proof of fewer than 200 employees, or 200+ employees and no capital
below the line). A business with neither figure (created by staff, not through
the wizard) is not failed on M2; the wizard always records the registry data.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from members.models import Business, ExclusionEntry, PriorRecipient
from members.selectors import Eligibility, Reason

CAPITAL_LIMIT = 100_000_000  # NT$, M2
EMPLOYEE_LIMIT = 200  # fewer than this, M2

# The M3 statements the applicant confirms; the keys match ExclusionEntry.Reason.
DECLARATION_KEYS = (
    "law",
    "breach",
    "mainland",
    "foreign_branch",
    "domestic_branch",
    "prior_subsidy",
)


def declaration_texts() -> dict[str, str]:
    return {
        "law": _("The business does not break the law."),
        "breach": _("The business has no major breach record on a government project."),
        "mainland": _("The business is not a mainland-Chinese-capital enterprise."),
        "foreign_branch": _("The business is not a Taiwan branch of a foreign company."),
        "domestic_branch": _("The business is not a branch of a domestic company."),
        "prior_subsidy": _(
            "The business has not received a digital-transformation subsidy or coaching from "
            "MOEA, the Hakka Affairs Council, the Council of Indigenous Peoples or the Council "
            "of Agriculture."
        ),
    }


def exclusion_texts() -> dict[str, str]:
    return {
        "law": _("Our records show the business has broken the law (M3)."),
        "breach": _("Our records show a major breach on a government project (M3)."),
        "mainland": _("Our records show the business has mainland-Chinese capital (M3)."),
        "foreign_branch": _(
            "The business is a Taiwan branch of a foreign company, which the program excludes (M3)."
        ),
        "domestic_branch": _(
            "The business is a branch of a domestic company, which the program excludes (M3)."
        ),
        "prior_subsidy": _(
            "The business already received a digital-transformation subsidy or coaching (M3)."
        ),
    }


CAPITAL_REASON = "not_sme"
EXCLUDED_REASON = "excluded"
NOT_DECLARED_REASON = "not_declared"
REVIEW_REJECTED_REASON = "review_rejected"
PRIOR_RECIPIENT_REASON = "prior_recipient"
PENDING_REVIEW_REASON = "pending_review"
# Stored before reasons were codes: the sentence as it was written then.
LEGACY_REASON = "legacy"


def reason_text(reason: Reason) -> str:
    """One reason in the language active now (the reader's): reasons are stored
    and passed around as codes with parameters, never as sentences."""
    code, params = reason.code, reason.params
    if code == CAPITAL_REASON:
        return _(
            "The business is not a small or medium enterprise: its paid-in capital is above "
            "NT$100,000,000 and it does not have fewer than 200 regular employees (M2)."
        )
    if code == EXCLUDED_REASON:
        return exclusion_texts().get(params.get("list", ""), "")
    if code == NOT_DECLARED_REASON:
        statement = declaration_texts().get(params.get("statement", ""), "")
        return _("You did not confirm this statement: “%(text)s” (M3).") % {"text": statement}
    if code == REVIEW_REJECTED_REASON:
        return _("Staff did not confirm the business's qualification: %(reason)s") % {
            "reason": params.get("reason", "")
        }
    if code == PRIOR_RECIPIENT_REASON:
        return _(
            "The business already got points in an earlier program, so it cannot get them "
            "again; it may still buy any plan at full self-pay (M7)."
        )
    if code == PENDING_REVIEW_REASON:
        return _(
            "Staff are confirming the qualification of your tax-registered business, "
            "within 1 business day (M5)."
        )
    return str(params.get("text", ""))


def m2_failed(business: Business) -> bool:
    capital, employees = business.paid_in_capital, business.employee_count
    small_capital = capital is not None and capital <= CAPITAL_LIMIT
    few_employees = employees is not None and employees < EMPLOYEE_LIMIT
    return not (small_capital or few_employees or (capital is None and employees is None))


def evaluate(
    *, business: Business, prior_grant_cutoff: dt.date | None, granted_earlier: bool
) -> Eligibility:
    """The members' part of the grant rule, on what is recorded about the
    business. The program's part is passed in by the one caller that knows the
    program (`points.selectors.business_points_eligibility`): the imported
    prior-recipient list counts grants before `prior_grant_cutoff`, and
    `granted_earlier` says whether this site granted points in an earlier
    program (M7)."""
    reasons: list[Reason] = []
    if m2_failed(business):
        reasons.append(Reason(CAPITAL_REASON))
    excluded = set(
        ExclusionEntry.objects.filter(tax_id=business.tax_id).values_list("reason", flat=True)
    )
    if business.foreign_branch:
        excluded.add("foreign_branch")
    if business.domestic_branch:
        excluded.add("domestic_branch")
    reasons.extend(
        Reason(EXCLUDED_REASON, {"list": key}) for key in DECLARATION_KEYS if key in excluded
    )
    for key in DECLARATION_KEYS:
        if key in business.declarations and not business.declarations[key] and key not in excluded:
            reasons.append(Reason(NOT_DECLARED_REASON, {"statement": key}))
    if business.review_status == Business.Review.REJECTED:
        reasons.append(Reason(REVIEW_REJECTED_REASON, {"reason": business.review_reason}))
    if reasons:
        return Eligibility(eligible=False, code="not_eligible", reasons=reasons)

    prior = PriorRecipient.objects.filter(tax_id=business.tax_id)
    if prior_grant_cutoff:
        prior = prior.filter(granted_on__lt=prior_grant_cutoff)
    if granted_earlier or prior.exists():
        return Eligibility(
            eligible=False, code="prior_recipient", reasons=[Reason(PRIOR_RECIPIENT_REASON)]
        )
    if business.review_status == Business.Review.PENDING:
        return Eligibility(
            eligible=False, code="pending_review", reasons=[Reason(PENDING_REVIEW_REASON)]
        )
    return Eligibility(eligible=True)
