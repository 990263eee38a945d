"""The eligibility engine (RULES M2, M3, M5, M7): reads only, no writes.

`evaluate()` judges what is recorded about a business: registry data (M2 and
the branch flags of M3), the applicant's M3 declarations, staff's exclusion
lists (M3), prior-recipient list and this site's grants in earlier programs
(M7), and the staff review of tax-registered businesses (M5). Every failed
test gives one plain sentence.

Unknown data: M2 fails only on what the registry shows (capital above the line
and no proof of fewer than 200 employees, or 200+ employees and no capital
below the line). A business with neither figure (created by staff, not through
the wizard) is not failed on M2; the wizard always records the registry data.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from members.models import Business, ExclusionEntry, PriorRecipient
from members.selectors import Eligibility

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


def m2_reason(business: Business) -> str | None:
    capital, employees = business.paid_in_capital, business.employee_count
    small_capital = capital is not None and capital <= CAPITAL_LIMIT
    few_employees = employees is not None and employees < EMPLOYEE_LIMIT
    if small_capital or few_employees or (capital is None and employees is None):
        return None
    return _(
        "The business is not a small or medium enterprise: its paid-in capital is above "
        "NT$100,000,000 and it does not have fewer than 200 regular employees (M2)."
    )


def granted_in_earlier_program(*, business: Business, program) -> bool:
    """M7 on this site's own records: the business was granted points in a
    program of an earlier year and kept them (active or expired). A grant
    revoked under T3 (never used: every point went back) does not count, as
    T3 lets the member apply again. The imported PriorRecipient list covers
    grants made before this site; the cut-off date applies to that list only.
    Without a program to compare with, there is no "earlier" program."""
    year = getattr(program, "year", None)
    if year is None:
        return False
    from points.models import Wallet

    return (
        Wallet.objects.filter(business_id=business.pk, program__year__lt=year, granted__gt=0)
        .exclude(status=Wallet.Status.REVOKED)
        .exists()
    )


def evaluate(*, business: Business, program) -> Eligibility:
    reasons: list[str] = []
    m2 = m2_reason(business)
    if m2:
        reasons.append(m2)
    excluded = set(
        ExclusionEntry.objects.filter(tax_id=business.tax_id).values_list("reason", flat=True)
    )
    if business.foreign_branch:
        excluded.add("foreign_branch")
    if business.domestic_branch:
        excluded.add("domestic_branch")
    texts = exclusion_texts()
    reasons.extend(texts[key] for key in DECLARATION_KEYS if key in excluded)
    statements = declaration_texts()
    for key in DECLARATION_KEYS:
        if key in business.declarations and not business.declarations[key] and key not in excluded:
            reasons.append(
                _("You did not confirm this statement: “%(text)s” (M3).")
                % {"text": statements[key]}
            )
    if business.review_status == Business.Review.REJECTED:
        reasons.append(
            _("Staff did not confirm the business's qualification: %(reason)s")
            % {"reason": business.review_reason}
        )
    if reasons:
        return Eligibility(eligible=False, code="not_eligible", reasons=reasons)

    prior = PriorRecipient.objects.filter(tax_id=business.tax_id)
    cutoff = getattr(program, "prior_grant_cutoff", None)
    if cutoff:
        prior = prior.filter(granted_on__lt=cutoff)
    if prior.exists() or granted_in_earlier_program(business=business, program=program):
        return Eligibility(
            eligible=False,
            code="prior_recipient",
            reasons=[
                _(
                    "The business already got points in an earlier program, so it cannot get them "
                    "again; it may still buy any plan at full self-pay (M7)."
                )
            ],
        )
    if business.review_status == Business.Review.PENDING:
        return Eligibility(
            eligible=False,
            code="pending_review",
            reasons=[
                _(
                    "Staff are confirming the qualification of your tax-registered business, "
                    "within 1 business day (M5)."
                )
            ],
        )
    return Eligibility(eligible=True)
