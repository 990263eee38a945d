"""RULES O9: the co-pay ratio is the program's; every place that shows or
charges a split uses the one rule (points.rules.copay_points)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from orders.models import Order
from points.models import Wallet
from points.rules import copay_points
from points.services import wallet_grant
from tests.catalog.factories import PlanFactory
from tests.factories import MemberFactory, ProgramFactory

pytestmark = pytest.mark.django_db

SIM = {"code": "000000"}


@pytest.fixture
def two_to_one(categories):
    """A program open today whose ratio is 2 points : 1 self-pay."""
    today = timezone.localdate()
    program = ProgramFactory(
        year=today.year - 1911,
        opens_on=dt.date(today.year, 1, 1),
        closes_on=dt.date(today.year, 12, 31),
        copay_points_parts=2,
        copay_self_pay_parts=1,
    )
    program.categories.set(categories)
    return program


@pytest.mark.parametrize(
    ("price", "available", "a", "b", "points"),
    [
        (60_000, 30_000, 1, 1, 30_000),  # O2's worked example
        (30_000, 30_000, 2, 1, 20_000),  # floor(30,000 x 2/3)
        (30_001, 30_000, 2, 1, 20_000),  # floor, never rounded up
        (90_000, 30_000, 2, 1, 30_000),  # as far as the points reach
        (10_000, 30_000, 1, 3, 2_500),
    ],
)
def test_O9_the_rule_for_any_ratio(price, available, a, b, points):
    program = type("P", (), {"copay_points_parts": a, "copay_self_pay_parts": b})()
    assert copay_points(price=price, available=available, program=program) == points


def test_O9_plan_page_order_review_api_and_the_held_points_agree_at_2_to_1(two_to_one):
    member = MemberFactory()
    wallet_grant(business=member.business, program=two_to_one)
    plan = PlanFactory(price=30_000, term_months=6)
    expected = (20_000, 10_000)  # 1:1 would say 15,000 + 15,000

    web = Client()
    web.force_login(member)
    page = web.get(reverse("catalog_plan", args=[plan.pk]))
    split = page.context["split"]
    assert (split.points, split.self_pay) == expected
    assert "2:1" in page.content.decode()

    api = APIClient()
    api.force_authenticate(member)
    created = api.post("/api/v1/orders/", {"plan": plan.pk}, format="json").json()
    assert (created["points_used"], created["self_pay"]) == expected
    review = web.get(reverse("order_detail", args=[created["id"]]))
    assert (review.context["split"].points_used, review.context["split"].self_pay) == expected
    assert "2:1" in review.content.decode()

    submitted = api.post(
        f"/api/v1/orders/{created['id']}/submit/",
        {"agree_contract": True, "verification": SIM, "points_used": 20_000},
        format="json",
    )
    assert submitted.status_code == 200, submitted.json()
    assert (submitted.json()["points_used"], submitted.json()["self_pay"]) == expected
    order = Order.objects.get(pk=created["id"])
    assert (order.points_used, order.self_pay) == expected
    assert Wallet.objects.get(business=member.business).held == 20_000


def test_O9_signed_out_preview_assumes_a_full_grant_at_the_programs_ratio(two_to_one):
    plan = PlanFactory(price=30_000, term_months=6)
    split = Client().get(reverse("catalog_plan", args=[plan.pk])).context["split"]
    assert (split.points, split.self_pay, split.assumed) == (20_000, 10_000, True)
