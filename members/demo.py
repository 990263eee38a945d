"""Demo data of the members app, called by `manage.py seed_demo` (idempotent).

The lead's seed_demo creates the demo users and businesses; this gives them the
registry data and states their descriptions promise: member@ and eligible@ are
verified eligible companies, taxreg@ is a tax-registered business waiting for
staff review (due in 1 business day), ineligible@ is a Taiwan branch of a
foreign company (M3, also on the demo exclusion list). The registry itself is
members/data/registry.json (more tax IDs there to try the wizard with).
"""

from members.models import Business
from members.registry import LocalRegistry
from members.services import business_profile_set, exclusion_import

# tax ID -> (method, representative's national ID, tax-registered review)
DEMO_PROFILES = {
    "04702088": ("phone", "A123456789", False),
    "00651474": ("business_cert", "", False),
    "00238778": ("citizen_cert", "F222333444", True),
    "22099131": ("phone", "B120000008", False),
}


# Every demo account signs in with this password (README, "Demo accounts").
DEMO_PASSWORD = "tcloud-demo-2026"


def seed(*, command, members: int = 0, plans: int = 0) -> None:
    """Add this app's demo data; `command` is the seed_demo command (stdout, style)."""
    registry = LocalRegistry()
    for tax_id, (method, national_id, review) in DEMO_PROFILES.items():
        business = Business.objects.filter(tax_id=tax_id).first()
        record = registry.lookup(tax_id)
        if business is None or record is None:
            continue
        if tax_id == "22099131":
            exclusion_import(
                text=f"tax_id,reason\n{tax_id},foreign_branch\n",
                source="demo: MOEA foreign company branch list",
                listed_on=business.created_at.date(),
            )
        business_profile_set(
            business=business,
            record=record,
            verification_method=method,
            national_id=national_id,
            phone="0912000001" if method == "phone" else "",
            review_pending=review,
        )
    # Bulk demo members have no registry data and nothing against them: eligible.
    Business.objects.filter(eligible__isnull=True, users__email__startswith="member0").update(
        eligible=True, eligibility_code="", eligibility_reasons=[]
    )
    command.stdout.write(
        "Members: registry demo entries in members/data/registry.json; "
        "try the wizard at /join/ with 95100004 (company) or 95179194 (tax-registered)"
    )
