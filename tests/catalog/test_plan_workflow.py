"""The listing approval flow (RULES P1): draft → submitted → listed, or back to
the vendor with a note, or rejected; every step an event row; a listed plan's
change waits for review while the listed version stays on sale."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from catalog import selectors, services
from catalog.models import Plan, PlanEvent, PlanRevision, Vendor
from points.models import Category
from tcloud.core.errors import InvalidState, RuleError
from tests import factories

pytestmark = pytest.mark.django_db


def _draft(user, **overrides) -> Plan:
    values = {
        "category": Category.objects.get(code="pos"),
        "name": "掌櫃雲端收銀 POS 標準版",
        "summary": "餐飲零售適用的雲端收銀",
        "price": 60_000,
        "term_months": 6,
        "description": "含平板收銀",
        "specification": "3 台收銀機",
    }
    values.update(overrides)
    return services.plan_create(vendor=user.vendor, actor=user, **values)


def test_P1_plan_is_listed_only_after_staff_approve(vendor_user, staff_user, open_program):
    plan = _draft(vendor_user)
    assert plan.status == Plan.Status.DRAFT
    assert not selectors.plan_list().filter(pk=plan.pk).exists()

    plan = services.plan_submit(plan=plan, actor=vendor_user)
    assert plan.status == Plan.Status.SUBMITTED
    assert not selectors.plan_list().filter(pk=plan.pk).exists()

    plan = services.plan_approve(plan=plan, actor=staff_user, note="OK")
    assert plan.status == Plan.Status.LISTED and plan.listed_at
    listed = selectors.plan_list().get(pk=plan.pk)
    assert listed.subsidy_eligible is True
    events = list(plan.events.values_list("action", "from_status", "to_status", "actor_id"))
    assert events == [
        ("create", "", "draft", vendor_user.pk),
        ("submit", "draft", "submitted", vendor_user.pk),
        ("approve", "submitted", "listed", staff_user.pk),
    ]


def test_P1_staff_request_changes_with_a_note_the_vendor_sees_then_resubmit(
    vendor_user, staff_user, categories
):
    plan = services.plan_submit(plan=_draft(vendor_user), actor=vendor_user)
    with pytest.raises(ValidationError):
        services.plan_request_changes(plan=plan, actor=staff_user, note="  ")
    plan = services.plan_request_changes(plan=plan, actor=staff_user, note="請補上規格")
    assert plan.status == Plan.Status.CHANGES_REQUESTED and plan.review_note == "請補上規格"
    plan = services.plan_update(plan=plan, actor=vendor_user, specification="5 台收銀機")
    plan = services.plan_submit(plan=plan, actor=vendor_user)
    assert plan.status == Plan.Status.SUBMITTED
    assert PlanEvent.objects.filter(plan=plan, action="request_changes", note="請補上規格").exists()


def test_P1_rejected_plan_is_final_and_nothing_changes(vendor_user, staff_user, categories):
    plan = services.plan_submit(plan=_draft(vendor_user), actor=vendor_user)
    plan = services.plan_reject(plan=plan, actor=staff_user, note="不符合補助範圍")
    events_before = PlanEvent.objects.filter(plan=plan).count()
    with pytest.raises(InvalidState):
        services.plan_submit(plan=plan, actor=vendor_user)
    with pytest.raises(InvalidState):
        services.plan_update(plan=plan, actor=vendor_user, price=1)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.REJECTED and plan.price == 60_000
    assert PlanEvent.objects.filter(plan=plan).count() == events_before


def test_only_staff_review_and_only_submitted_plans(vendor_user, staff_user, categories):
    plan = _draft(vendor_user)
    with pytest.raises(InvalidState):
        services.plan_approve(plan=plan, actor=staff_user)
    plan = services.plan_submit(plan=plan, actor=vendor_user)
    with pytest.raises(InvalidState):  # the kernel: not a vendor's move
        services.plan_approve(plan=plan, actor=vendor_user)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.SUBMITTED


def test_pending_vendor_may_draft_but_not_submit(categories):
    user = factories.VendorUserFactory(vendor__status=Vendor.Status.PENDING)
    plan = _draft(user)
    with pytest.raises(RuleError) as exc:
        services.plan_submit(plan=plan, actor=user)
    assert exc.value.code == "pending_review"
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT


def test_P1_changing_a_listed_plans_price_goes_to_review_while_listed_version_stays(
    vendor_user, staff_user, open_program
):
    plan = services.plan_approve(
        plan=services.plan_submit(plan=_draft(vendor_user), actor=vendor_user), actor=staff_user
    )
    services.plan_update(plan=plan, actor=vendor_user, price=72_000, term_months=12)
    plan.refresh_from_db()
    # Still on sale at the listed terms.
    assert (plan.status, plan.price, plan.term_months) == (Plan.Status.LISTED, 60_000, 6)
    assert selectors.plan_list().get(pk=plan.pk).price == 60_000
    revision = PlanRevision.objects.get(plan=plan, status=PlanRevision.Status.PENDING)
    assert (revision.price, revision.term_months) == (72_000, 12)

    # A second edit replaces the pending change: still one pending revision.
    services.plan_update(plan=plan, actor=vendor_user, price=70_000)
    assert PlanRevision.objects.filter(plan=plan, status="pending").count() == 1
    revision.refresh_from_db()
    assert (revision.price, revision.term_months) == (70_000, 12)

    services.plan_revision_approve(revision=revision, actor=staff_user, note="OK")
    plan.refresh_from_db()
    assert (plan.price, plan.term_months, plan.status) == (70_000, 12, Plan.Status.LISTED)
    assert PlanEvent.objects.filter(plan=plan, action="revision_approve").exists()


def test_P1_rejected_change_leaves_the_listed_plan_as_it_was(vendor_user, staff_user, categories):
    plan = services.plan_approve(
        plan=services.plan_submit(plan=_draft(vendor_user), actor=vendor_user), actor=staff_user
    )
    services.plan_update(plan=plan, actor=vendor_user, price=10)
    revision = PlanRevision.objects.get(plan=plan)
    with pytest.raises(ValidationError):
        services.plan_revision_reject(revision=revision, actor=staff_user, note="")
    services.plan_revision_reject(revision=revision, actor=staff_user, note="價格不合理")
    plan.refresh_from_db()
    assert plan.price == 60_000 and plan.status == Plan.Status.LISTED
    with pytest.raises(InvalidState):
        services.plan_revision_approve(revision=revision, actor=staff_user)
    plan.refresh_from_db()
    assert plan.price == 60_000


def test_listed_plan_keeps_its_category(vendor_user, staff_user, categories):
    plan = services.plan_approve(
        plan=services.plan_submit(plan=_draft(vendor_user), actor=vendor_user), actor=staff_user
    )
    with pytest.raises(ValidationError):
        services.plan_update(
            plan=plan, actor=vendor_user, category=Category.objects.get(code="erp"), price=1
        )
    assert not PlanRevision.objects.filter(plan=plan).exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("price", 0),
        ("price", -5),
        ("price", 60_000.5),
        ("term_months", 0),
        ("term_months", 61),
        ("name", " "),
    ],
)
def test_plan_values_are_checked(vendor_user, categories, field, value):
    with pytest.raises(ValidationError) as exc:
        _draft(vendor_user, **{field: value})
    assert field in exc.value.message_dict
    assert not Plan.objects.exists()


def test_another_vendor_cannot_change_a_plan_through_services(
    vendor_user, other_vendor_user, categories
):
    plan = _draft(vendor_user)
    with pytest.raises(InvalidState) as refused:
        services.plan_update(plan=plan, actor=other_vendor_user, price=1)
    assert refused.value.code == "not_yours"
    with pytest.raises(InvalidState) as refused:
        services.plan_submit(plan=plan, actor=other_vendor_user)
    assert refused.value.code == "not_yours"
    plan.refresh_from_db()
    assert plan.price == 60_000 and plan.status == Plan.Status.DRAFT


def test_O1_zone_membership(vendor_user, staff_user, open_program):
    """Eligible = listed, vendor approved, category in the program's zone, not excluded."""
    plan = services.plan_approve(
        plan=services.plan_submit(plan=_draft(vendor_user), actor=vendor_user), actor=staff_user
    )
    assert selectors.plan_is_subsidy_eligible(plan=plan)

    services.plan_set_zone_exclusion(plan=plan, actor=staff_user, excluded=True, note="test")
    plan.refresh_from_db()
    assert not selectors.plan_is_subsidy_eligible(plan=plan)
    assert selectors.plan_list().get(pk=plan.pk).subsidy_eligible is False  # still on sale
    assert not selectors.plan_list(subsidy=True).filter(pk=plan.pk).exists()
    services.plan_set_zone_exclusion(plan=plan, actor=staff_user, excluded=False)

    open_program.categories.remove(plan.category)
    plan.refresh_from_db()
    assert not selectors.plan_is_subsidy_eligible(plan=plan)
    assert selectors.plan_list().get(pk=plan.pk).subsidy_eligible is False


def test_O1_without_an_open_program_nothing_is_eligible(vendor_user, staff_user, program):
    # `program` is 2022's: not open today.
    plan = services.plan_approve(
        plan=services.plan_submit(plan=_draft(vendor_user), actor=vendor_user), actor=staff_user
    )
    assert not selectors.plan_is_subsidy_eligible(plan=plan)
    assert selectors.plan_list().get(pk=plan.pk).subsidy_eligible is False


def test_P1_plans_of_unapproved_vendors_do_not_appear(open_program):
    from tests.catalog.factories import PlanFactory

    shown = PlanFactory()
    hidden = PlanFactory(vendor=factories.VendorFactory(status=Vendor.Status.PENDING))
    draft = PlanFactory(status=Plan.Status.DRAFT, listed_at=None)
    ids = set(selectors.plan_list().values_list("id", flat=True))
    assert shown.pk in ids and hidden.pk not in ids and draft.pk not in ids
    assert selectors.plan_get_on_sale(pk=hidden.pk) is None


@pytest.mark.parametrize(
    ("price", "available", "eligible", "points", "self_pay"),
    [
        (60_000, 30_000, True, 30_000, 30_000),  # O2 worked example: exactly 1:1
        (60_001, 30_000, True, 30_000, 30_001),
        (80_000, 30_000, True, 30_000, 50_000),
        (9_999, 30_000, True, 4_999, 5_000),
        (60_000, 10_000, True, 10_000, 50_000),
        (60_000, None, True, 30_000, 30_000),  # not signed in: a full grant assumed
        (60_000, 30_000, False, 0, 60_000),  # O1: outside the zone, all self-pay
    ],
)
def test_O2_split_preview(price, available, eligible, points, self_pay):
    split = selectors.split_preview(price=price, available=available, eligible=eligible)
    assert (split.points, split.self_pay) == (points, self_pay)
    assert split.points + split.self_pay == price


def test_T1_recommended_plans_are_listed_eligible_plans_of_the_categories(open_program):
    from tests.catalog.factories import PlanFactory

    pos = Category.objects.get(code="pos")
    erp = Category.objects.get(code="erp")
    cheap = PlanFactory(category=pos, price=1_000)
    PlanFactory(category=erp)
    PlanFactory(category=pos, status=Plan.Status.SUBMITTED, listed_at=None)
    excluded = PlanFactory(category=pos, excluded_from_zone=True)
    got = selectors.plan_list_recommended(categories=[pos.pk], limit=6)
    assert [p.pk for p in got][0] == cheap.pk
    assert {p.category_id for p in got} == {pos.pk}
    assert excluded.pk not in {p.pk for p in got}
    assert selectors.plan_list_recommended(categories=[]) == []


def test_T1_no_plan_is_recommended_without_an_assessment(member):
    assert selectors.recommended_category_ids(member) == frozenset()
