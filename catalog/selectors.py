"""Reads of the catalog app: what buyers may see and what may use points.

The subsidy zone (RULES P1, P3, O1). A plan is *subsidy-eligible* when all hold:
- it is listed (staff approved it) and its vendor is approved;
- its category is one of the current program's categories (`Program.categories`,
  which staff edit in the admin); with no program open today nothing is
  eligible, because no points can be spent then;
- staff have not excluded it from the zone (`Plan.excluded_from_zone`).
Only subsidy-eligible plans may use points; any listed plan of an approved
vendor can be bought at full self-pay (O1).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import BooleanField, Case, Count, Q, QuerySet, Value, When
from django.utils import timezone

from catalog.models import Plan, PlanRevision, Vendor
from points import selectors as points_selectors
from points.models import Category
from points.rules import copay_parts, copay_points, grant_points
from points.selectors import program_current

SORTS = {
    "newest": ("-listed_at", "-id"),
    "price": ("price", "id"),
    "-price": ("-price", "-id"),
    "term": ("term_months", "price", "id"),
    "name": ("name", "id"),
}
# What a list row needs: the long texts and the vendor's bank data stay in the DB.
LIST_FIELDS = (
    "id",
    "name",
    "summary",
    "price",
    "term_months",
    "status",
    "listed_at",
    "excluded_from_zone",
    "category_id",
    "vendor_id",
    "vendor__id",
    "vendor__name",
    "vendor__status",
    "category__id",
    "category__code",
    "category__name_zh",
    "category__name_en",
    "category__position",
)


def full_grant_points(*, program=None) -> int:
    """The points one grant gives in the (open) program (P1), which the price
    preview assumes when it knows no balance (signed out, or no grant yet)."""
    return grant_points(program if program is not None else program_current())


def zone_category_ids(*, program=None) -> frozenset[int]:
    """Ids of the categories in the (current) program's subsidy zone (P1)."""
    program = program if program is not None else program_current()
    if program is None:
        return frozenset()
    return frozenset(program.categories.values_list("id", flat=True))


ON_SALE = Q(status=Plan.Status.LISTED, vendor__status=Vendor.Status.APPROVED)


def zone_q(zone_ids: frozenset[int]) -> Q:
    """In the subsidy zone: its category is one of the program's and staff have
    not excluded it (P1, P3)."""
    return Q(category_id__in=list(zone_ids), excluded_from_zone=False)


def subsidy_q(zone_ids: frozenset[int]) -> Q:
    """RULES O1, the one definition of "may use points": on sale and in the zone.
    Every check, one plan or a list, filter or flag, is this expression."""
    return ON_SALE & zone_q(zone_ids)


def plans_on_sale() -> QuerySet[Plan]:
    """Listed plans of approved vendors: all a buyer may see."""
    return Plan.objects.filter(ON_SALE)


def _flag(q: Q | None) -> Case | Value:
    if q is None:
        return Value(False, output_field=BooleanField())
    return Case(When(q, then=Value(True)), default=Value(False), output_field=BooleanField())


def with_subsidy_flag(qs: QuerySet[Plan], zone_ids: frozenset[int]) -> QuerySet[Plan]:
    """Annotate `subsidy_eligible` (`subsidy_q`, in SQL, so it can filter and sort)
    and `in_zone` (it would be eligible once on sale)."""
    if not zone_ids:
        return qs.annotate(subsidy_eligible=_flag(None), in_zone=_flag(None))
    return qs.annotate(subsidy_eligible=_flag(subsidy_q(zone_ids)), in_zone=_flag(zone_q(zone_ids)))


def search_terms(q: str) -> list[str]:
    return [t for t in (q or "").lower().split() if t][:8]


def plan_list(
    *,
    category: str | int | None = None,
    q: str = "",
    vendor: int | None = None,
    min_price: int | None = None,
    max_price: int | None = None,
    term_months: int | None = None,
    subsidy: bool | None = None,
    sort: str = "newest",
    zone_ids: frozenset[int] | None = None,
) -> QuerySet[Plan]:
    """Plans on sale, filtered; each with `subsidy_eligible`, vendor and category.

    `q` matches every word as a substring of the plan's name, summary, vendor and
    category names, so Chinese (no spaces between words) and English both work:
    a trigram GIN index serves it on PostgreSQL, a plain LIKE on SQLite.
    """
    zone_ids = zone_category_ids() if zone_ids is None else zone_ids
    qs = plans_on_sale().select_related("vendor", "category").only(*LIST_FIELDS)
    if category:
        if isinstance(category, int) or str(category).isdigit():
            qs = qs.filter(category_id=int(category))
        else:
            qs = qs.filter(category__code=category)
    for term in search_terms(q):
        qs = qs.filter(search_text__contains=term)
    if vendor:
        qs = qs.filter(vendor_id=vendor)
    if min_price is not None:
        qs = qs.filter(price__gte=min_price)
    if max_price is not None:
        qs = qs.filter(price__lte=max_price)
    if term_months:
        qs = qs.filter(term_months=term_months)
    if subsidy is True:
        qs = qs.filter(subsidy_q(zone_ids)) if zone_ids else qs.none()
    elif subsidy is False and zone_ids:
        qs = qs.exclude(subsidy_q(zone_ids))
    qs = with_subsidy_flag(qs, zone_ids)
    return qs.order_by(*SORTS.get(sort, SORTS["newest"]))


def plan_get_on_sale(*, pk: int) -> Plan | None:
    """One plan as a buyer sees it (None when it is not on sale)."""
    return (
        with_subsidy_flag(plans_on_sale(), zone_category_ids())
        .select_related("vendor", "category")
        .filter(pk=pk)
        .first()
    )


def plan_is_subsidy_eligible(*, plan: Plan, program=None) -> bool:
    """RULES O1 for one plan (the orders app asks this): `subsidy_q`, asked of
    the database like every list, so the two can never disagree."""
    zone_ids = zone_category_ids(program=program)
    return bool(zone_ids) and Plan.objects.filter(subsidy_q(zone_ids), pk=plan.pk).exists()


def zone_category_counts(*, zone_ids: frozenset[int] | None = None) -> list[Category]:
    """The categories with `plan_count` (plans on sale) and `in_zone`, one query."""
    zone_ids = zone_category_ids() if zone_ids is None else zone_ids
    on_sale = Q(plans__status=Plan.Status.LISTED, plans__vendor__status=Vendor.Status.APPROVED)
    categories = list(
        Category.objects.annotate(plan_count=Count("plans", filter=on_sale)).order_by("position")
    )
    for category in categories:
        category.in_zone = category.pk in zone_ids
    return categories


def vendors_with_plans() -> QuerySet[Vendor]:
    """Approved vendors with plans on sale (the catalog's vendor filter)."""
    return (
        Vendor.objects.filter(status=Vendor.Status.APPROVED)
        .annotate(plan_count=Count("plans", filter=Q(plans__status=Plan.Status.LISTED)))
        .filter(plan_count__gt=0)
        .order_by("name")
    )


def plan_terms_on_sale() -> list[int]:
    return list(
        plans_on_sale().order_by("term_months").values_list("term_months", flat=True).distinct()
    )


def plan_list_recommended(*, categories, limit: int = 6) -> list[Plan]:
    """Listed, subsidy-eligible plans in `categories` (ids or Category objects),
    cheapest first: what an assessment recommends (RULES T1)."""
    ids = [c.pk if isinstance(c, Category) else int(c) for c in categories]
    if not ids:
        return []
    zone_ids = zone_category_ids()
    return list(
        plan_list(subsidy=True, zone_ids=zone_ids, sort="price").filter(category_id__in=ids)[:limit]
    )


def _is_member(user) -> bool:
    return getattr(user, "is_authenticated", False) and getattr(user, "role", None) == "member"


def recommended_category_ids(user) -> frozenset[int]:
    """Category ids the member's digital self-assessment recommends (RULES T1);
    empty for anyone not a signed-in member."""
    if not _is_member(user):
        return frozenset()
    return frozenset(int(i) for i in points_selectors.member_recommended_category_ids(user=user))


def member_available_points(user, *, program=None, now=None) -> int | None:
    """The signed-in member's points an order could use now, for the price
    preview: None when it has no points yet (the preview then assumes a full
    grant), 0 when its wallet cannot be used (revoked, expired, or past the
    activation deadline unused: `Wallet.usable_at`). The order itself computes
    the binding split (orders.selectors.order_split)."""
    if not _is_member(user) or user.business_id is None:
        return None
    program = program if program is not None else program_current()
    wallet = points_selectors.wallet_for(business=user.business_id, program=program)
    if wallet is None:
        return None
    return wallet.available if wallet.usable_at(now or timezone.now()) else 0


@dataclass(frozen=True)
class SplitPreview:
    price: int
    available: int
    points: int
    self_pay: int
    assumed: bool  # True when `available` is the default full grant, not a balance
    points_parts: int = 1  # the program's ratio (O9), to say it on the page
    self_pay_parts: int = 1

    @property
    def parts_total(self) -> int:
        return self.points_parts + self.self_pay_parts


def split_preview(
    *, price: int, available: int | None, eligible: bool, program=None
) -> SplitPreview:
    """The plan page's split (RULES O9, O2 at 1:1) by the program's ratio
    (`points.rules.copay_points`, the order's own rule).

    Not eligible for points (O1): all self-pay. Without a known balance the
    preview assumes a full grant: the open program's points per member.
    """
    program = program if program is not None else program_current()
    assumed = available is None
    if available is None:
        available = grant_points(program)
    available = max(0, int(available))
    points = copay_points(price=price, available=available, program=program) if eligible else 0
    points_parts, self_pay_parts = copay_parts(program)
    return SplitPreview(
        price=price,
        available=available,
        points=points,
        self_pay=price - points,
        assumed=assumed,
        points_parts=points_parts,
        self_pay_parts=self_pay_parts,
    )


def vendor_plan_counts(*, vendor: Vendor) -> dict:
    """The vendor's plans by status and its changes waiting for review (its dashboard)."""
    counts = dict(
        Plan.objects.filter(vendor=vendor).values_list("status").annotate(n=Count("id")).order_by()
    )
    return {
        "status_rows": [
            (value, label, counts.get(value, 0)) for value, label in Plan.Status.choices
        ],
        "pending_revisions": PlanRevision.objects.filter(
            plan__vendor=vendor, status=PlanRevision.Status.PENDING
        ).count(),
    }


def vendor_plans(*, vendor: Vendor) -> QuerySet[Plan]:
    """All of one vendor's plans, any status (the vendor portal)."""
    return (
        Plan.objects.filter(vendor=vendor).select_related("category").order_by("-updated_at", "-id")
    )
