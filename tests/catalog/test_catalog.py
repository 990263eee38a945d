"""The public catalog: zone by category, search in Chinese and English, filters,
sort, pagination, plan and vendor pages, and the catalog API (shared/API.md)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from catalog.models import Plan, Vendor
from points.models import Category
from tests import factories
from tests.catalog.factories import PlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelf(open_program):
    pos, erp = Category.objects.get(code="pos"), Category.objects.get(code="erp")
    a = factories.VendorFactory(name="掌櫃科技有限公司")
    b = factories.VendorFactory(name="Acme Cloud Ltd")
    return {
        "pos_std": PlanFactory(
            vendor=a, category=pos, name="掌櫃雲端收銀 POS 標準版", price=60_000, term_months=6
        ),
        "pos_lite": PlanFactory(
            vendor=a,
            category=pos,
            name="輕量收銀方案",
            summary="小店雲端收銀",
            price=18_000,
            term_months=12,
        ),
        "erp": PlanFactory(
            vendor=b,
            category=erp,
            name="Acme ERP Starter",
            summary="Cloud ERP for small teams",
            price=36_000,
            term_months=12,
        ),
        "hidden": PlanFactory(
            vendor=b, category=pos, name="草稿雲端收銀", status=Plan.Status.DRAFT, listed_at=None
        ),
    }


def _names(response):
    return {p["name"] for p in response.json()["results"]}


def test_search_finds_雲端收銀_plans_by_chinese_text(shelf):
    response = APIClient().get("/api/v1/plans/", {"q": "雲端收銀"})
    # Name, summary and the category name (雲端收銀(POS)) all count; drafts never.
    assert _names(response) == {"掌櫃雲端收銀 POS 標準版", "輕量收銀方案"}
    body = APIClient().get(reverse("catalog_plans"), {"q": "雲端收銀"}).content.decode()
    assert "掌櫃雲端收銀 POS 標準版" in body and "Acme ERP Starter" not in body
    assert "草稿雲端收銀" not in body


def test_search_in_english_is_case_insensitive_and_matches_every_word(shelf):
    assert _names(APIClient().get("/api/v1/plans/", {"q": "acme erp"})) == {"Acme ERP Starter"}
    assert _names(APIClient().get("/api/v1/plans/", {"q": "point of sale"})) == {
        "掌櫃雲端收銀 POS 標準版",
        "輕量收銀方案",
    }
    assert _names(APIClient().get("/api/v1/plans/", {"q": "收銀 erp"})) == set()


def test_api_filters_and_shape(shelf):
    api = APIClient()
    data = api.get("/api/v1/plans/", {"category": "pos", "max_price": 20000}).json()
    assert data["count"] == 1
    assert set(data) == {"count", "next", "previous", "results"}
    row = data["results"][0]
    assert row == {
        "id": shelf["pos_lite"].pk,
        "name": "輕量收銀方案",
        "category": "pos",
        "vendor": {"id": shelf["pos_lite"].vendor_id, "name": "掌櫃科技有限公司"},
        "price": 18000,
        "term_months": 12,
        "subsidy_eligible": True,
    }
    assert api.get("/api/v1/plans/", {"min_price": 40000}).json()["count"] == 1
    assert api.get("/api/v1/plans/", {"vendor": shelf["erp"].vendor_id}).json()["count"] == 1
    assert api.get("/api/v1/plans/", {"min_price": "x"}).status_code == 400
    detail = api.get(f"/api/v1/plans/{shelf['erp'].pk}/").json()
    assert detail["description"] == "說明" and detail["specification"] == "5 users"
    assert api.get(f"/api/v1/plans/{shelf['hidden'].pk}/").status_code == 404


def test_O1_api_subsidy_filter(shelf, open_program):
    open_program.categories.remove(Category.objects.get(code="erp"))
    data = APIClient().get("/api/v1/plans/", {"subsidy": "true"}).json()
    assert {r["name"] for r in data["results"]} == {"掌櫃雲端收銀 POS 標準版", "輕量收銀方案"}
    erp = APIClient().get(f"/api/v1/plans/{shelf['erp'].pk}/").json()
    assert erp["subsidy_eligible"] is False


def test_catalog_page_filters_sort_and_pagination(client, shelf):
    for i in range(30):
        PlanFactory(
            category=Category.objects.get(code="crm"),
            name=f"CRM {i:02d}",
            price=1000 + i,
            term_months=24,
        )
    response = client.get(reverse("catalog_plans"), {"category": "crm", "sort": "price"})
    assert response.status_code == 200
    page = response.context["page"]
    assert page.paginator.count == 30 and len(page.object_list) == 24
    assert [p.price for p in page.object_list] == sorted(p.price for p in page.object_list)
    assert (
        client.get(reverse("catalog_plans"), {"category": "crm", "page": 2}).context["page"].number
        == 2
    )
    response = client.get(reverse("catalog_plans"), {"term": 6, "min_price": "bad"})
    assert {p.name for p in response.context["page"].object_list} == {"掌櫃雲端收銀 POS 標準版"}
    response = client.get(reverse("catalog_plans"), {"sort": "-price"})
    prices = [p.price for p in response.context["page"].object_list]
    assert prices == sorted(prices, reverse=True)


def test_zone_page_shows_counts_per_category(client, shelf):
    response = client.get(reverse("catalog_zone"))
    counts = {c.code: c.plan_count for c in response.context["categories"]}
    assert len(counts) == 15 and counts["pos"] == 2 and counts["erp"] == 1 and counts["hr"] == 0


def test_O2_plan_page_shows_the_split_with_30000_points_when_signed_out(client, shelf):
    response = client.get(reverse("catalog_plan", args=[shelf["pos_std"].pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "NT$60,000" in body
    split = response.context["split"]
    assert (split.points, split.self_pay, split.assumed) == (30_000, 30_000, True)
    assert "掌櫃科技有限公司" in body and "說明" in body and "5 users" in body


def test_P1_O2_signed_out_split_assumes_the_open_programs_points_per_member(
    client, shelf, open_program
):
    from points.models import Program

    Program.objects.filter(pk=open_program.pk).update(points_per_member=20_000)
    response = client.get(reverse("catalog_plan", args=[shelf["pos_std"].pk]))
    split = response.context["split"]
    assert (split.available, split.points, split.self_pay, split.assumed) == (
        20_000,
        20_000,
        40_000,
        True,
    )
    assert "20,000" in response.content.decode()


def test_P1_full_grant_is_30000_only_when_no_program_is_open(open_program):
    from catalog import selectors
    from points.models import Program

    Program.objects.filter(pk=open_program.pk).update(points_per_member=25_000)
    assert selectors.full_grant_points() == 25_000
    split = selectors.split_preview(price=60_000, available=None, eligible=True)
    assert (split.points, split.self_pay, split.assumed) == (25_000, 35_000, True)
    Program.objects.filter(pk=open_program.pk).delete()
    assert selectors.full_grant_points() == 30_000
    split = selectors.split_preview(price=60_000, available=None, eligible=True)
    assert (split.points, split.self_pay) == (30_000, 30_000)


def test_plan_page_404s_for_plans_not_on_sale(client, shelf):
    assert client.get(reverse("catalog_plan", args=[shelf["hidden"].pk])).status_code == 404
    pending_vendor_plan = PlanFactory(vendor=factories.VendorFactory(status=Vendor.Status.PENDING))
    assert client.get(reverse("catalog_plan", args=[pending_vendor_plan.pk])).status_code == 404


def test_vendor_page(client, shelf):
    vendor = shelf["pos_std"].vendor
    response = client.get(reverse("catalog_vendor", args=[vendor.pk]))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 2
    pending = factories.VendorFactory(status=Vendor.Status.PENDING)
    assert client.get(reverse("catalog_vendor", args=[pending.pk])).status_code == 404


def test_T1_recommended_plans_are_marked_for_a_member(client, member, shelf, monkeypatch):
    import points.selectors

    pos = Category.objects.get(code="pos")
    monkeypatch.setattr(
        points.selectors, "member_recommended_category_ids", lambda *, user: [pos.pk], raising=False
    )
    client.force_login(member)
    body = client.get(reverse("catalog_plans")).content.decode()
    assert body.count('data-testid="recommended-badge"') == 2
    zone = client.get(reverse("catalog_zone"))
    assert {p.pk for p in zone.context["recommended_plans"]} == {
        shelf["pos_std"].pk,
        shelf["pos_lite"].pk,
    }
    client.logout()
    assert (
        'data-testid="recommended-badge"'
        not in client.get(reverse("catalog_plans")).content.decode()
    )


@pytest.mark.parametrize(
    ("status", "available", "points", "self_pay"),
    [
        ("active", 10_000, 10_000, 50_000),
        ("active", 30_000, 30_000, 30_000),
        ("expired", 0, 0, 60_000),
    ],
)
def test_O2_plan_page_uses_the_members_available_points(
    client, member, shelf, open_program, status, available, points, self_pay
):
    import datetime as dt

    from django.utils import timezone

    from points.models import Wallet

    now = timezone.now()
    Wallet.objects.create(
        business=member.business,
        program=open_program,
        status=status,
        granted=30_000,
        available=available,
        spent=30_000 - available,
        granted_at=now,
        grants=1,
        activation_deadline=now + dt.timedelta(days=30),
        expires_at=now + dt.timedelta(days=90),
    )
    client.force_login(member)
    split = client.get(reverse("catalog_plan", args=[shelf["pos_std"].pk])).context["split"]
    assert (split.points, split.self_pay, split.assumed) == (points, self_pay, False)
