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
from importlib import import_module

from django.db.models import BooleanField, Case, Count, Q, QuerySet, Value, When

from catalog.models import Category, Plan, Vendor
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
# A full grant (RULES T1) when no program is open to say how many points it gives.
DEFAULT_POINTS = 30_000


def full_grant_points(*, program=None) -> int:
    """The points one grant gives: the (open) program's points per member (P1);
    DEFAULT_POINTS only when no program is open. The price preview assumes it
    when it knows no balance (signed out, or no grant yet)."""
    program = program if program is not None else program_current()
    return program.points_per_member if program is not None else DEFAULT_POINTS


def zone_category_ids(*, program=None) -> frozenset[int]:
    """Ids of the categories in the (current) program's subsidy zone (P1)."""
    program = program if program is not None else program_current()
    if program is None:
        return frozenset()
    return frozenset(program.categories.values_list("id", flat=True))


def _eligible_q(zone_ids: frozenset[int]) -> Q:
    return Q(category_id__in=list(zone_ids), excluded_from_zone=False)


def plans_on_sale() -> QuerySet[Plan]:
    """Listed plans of approved vendors: all a buyer may see."""
    return Plan.objects.filter(status=Plan.Status.LISTED, vendor__status=Vendor.Status.APPROVED)


def with_subsidy_flag(qs: QuerySet[Plan], zone_ids: frozenset[int]) -> QuerySet[Plan]:
    """Annotate `subsidy_eligible` (computed in SQL, so it can filter and sort)."""
    if not zone_ids:
        return qs.annotate(subsidy_eligible=Value(False, output_field=BooleanField()))
    return qs.annotate(
        subsidy_eligible=Case(
            When(_eligible_q(zone_ids), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


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
        qs = qs.filter(_eligible_q(zone_ids)) if zone_ids else qs.none()
    elif subsidy is False and zone_ids:
        qs = qs.exclude(_eligible_q(zone_ids))
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
    """RULES O1: may this plan use points? (The orders app asks this.)"""
    return (
        plan.status == Plan.Status.LISTED
        and plan.vendor.status == Vendor.Status.APPROVED
        and not plan.excluded_from_zone
        and plan.category_id in zone_category_ids(program=program)
    )


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


def recommended_category_ids(user) -> frozenset[int]:
    """Category ids the member's digital self-assessment recommends (RULES T1).

    The assessment belongs to the points app. When it provides
    `points.selectors.member_recommended_category_ids(*, user) -> Iterable[int]`
    this uses it; until then (and for anyone not a signed-in member) it returns
    an empty set, so no plan is marked as recommended.
    """
    if not getattr(user, "is_authenticated", False) or getattr(user, "role", None) != "member":
        return frozenset()
    hook = getattr(import_module("points.selectors"), "member_recommended_category_ids", None)
    if hook is None:
        return frozenset()
    return frozenset(int(i) for i in hook(user=user))


def member_available_points(user) -> int | None:
    """The signed-in member's available points in the open program for the price
    preview; None when it has no points yet (the preview then assumes a full
    grant), 0 when its points were revoked or expired. The order itself computes
    the binding split (orders.selectors.order_split)."""
    if not getattr(user, "is_authenticated", False) or getattr(user, "role", None) != "member":
        return None
    hook = getattr(import_module("points.selectors"), "member_available_points", None)
    if hook is not None:
        return hook(user=user)
    from points.models import Wallet

    program = program_current()
    if program is None or user.business_id is None:
        return None
    wallet = (
        Wallet.objects.filter(business_id=user.business_id, program=program)
        .exclude(status=Wallet.Status.NONE)
        .only("status", "available")
        .first()
    )
    if wallet is None:
        return None
    return wallet.available if wallet.status == Wallet.Status.ACTIVE else 0


@dataclass(frozen=True)
class SplitPreview:
    price: int
    available: int
    points: int
    self_pay: int
    assumed: bool  # True when `available` is the default full grant, not a balance


def split_preview(*, price: int, available: int | None, eligible: bool) -> SplitPreview:
    """RULES O2: points = min(available, floor(price / 2)); self-pay = the rest.

    Not eligible for points (O1): all self-pay. Without a known balance the
    preview assumes a full grant: the open program's points per member
    (`full_grant_points`).
    """
    assumed = available is None
    if available is None:
        available = full_grant_points()
    available = max(0, int(available))
    points = min(available, price // 2) if eligible else 0
    return SplitPreview(
        price=price, available=available, points=points, self_pay=price - points, assumed=assumed
    )


def vendor_plans(*, vendor: Vendor) -> QuerySet[Plan]:
    """All of one vendor's plans, any status (the vendor portal)."""
    return (
        Plan.objects.filter(vendor=vendor).select_related("category").order_by("-updated_at", "-id")
    )
