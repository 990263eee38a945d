"""With 10,000 listed plans the catalog pages run a constant number of queries
(no query per plan, per category or per vendor)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from catalog.models import Plan
from catalog.services import plan_bulk_create_listed
from points.models import Category
from tests import factories

pytestmark = pytest.mark.django_db

# Pinned from a count: program, zone categories, page count, page rows, category
# counts, vendor filter, term filter. A signed-in member adds session, user and
# the assessment's recommended categories (points.selectors).
MAX_QUERIES = 7


@pytest.fixture
def big_catalog(open_program):
    vendors = [factories.VendorFactory() for _ in range(20)]
    categories = list(Category.objects.all())
    rows = [
        {
            "vendor": vendors[i % len(vendors)],
            "category": categories[i % len(categories)],
            "name": f"方案 {i:05d} {categories[i % len(categories)].name_zh}",
            "summary": f"Plan number {i}",
            "description": "說明",
            "specification": "",
            "price": 5_000 + (i * 997) % 95_000,
            "term_months": (6, 12, 24)[i % 3],
        }
        for i in range(10_000)
    ]
    plan_bulk_create_listed(rows=rows)
    assert Plan.objects.filter(status="listed").count() == 10_000
    return vendors


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "雲端收銀"},
        {"q": "plan number 99"},
        {"category": "pos", "min_price": 10000, "max_price": 60000, "term": 6, "sort": "price"},
        {"subsidy": "true", "sort": "-price", "page": 3},
    ],
    ids=["list", "search-zh", "search-en", "filters", "subsidy-page3"],
)
def test_catalog_list_and_search_queries_are_constant(
    client, big_catalog, django_assert_max_num_queries, params
):
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(reverse("catalog_plans"), params)
    assert response.status_code == 200
    assert len(response.context["page"].object_list) > 0


def test_catalog_list_queries_are_constant_for_a_signed_in_member(
    client, member, big_catalog, django_assert_max_num_queries
):
    client.force_login(member)
    with django_assert_max_num_queries(MAX_QUERIES + 3):
        assert client.get(reverse("catalog_plans"), {"q": "收銀"}).status_code == 200


def test_zone_plan_and_vendor_pages_queries_are_constant(
    client, big_catalog, django_assert_max_num_queries
):
    plan = Plan.objects.order_by("id").last()
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get(reverse("catalog_zone")).status_code == 200
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get(reverse("catalog_plan", args=[plan.pk])).status_code == 200
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get(reverse("catalog_vendor", args=[big_catalog[0].pk])).status_code == 200


def test_api_plan_list_queries_are_constant(client, big_catalog, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/plans/", {"q": "收銀", "subsidy": "true"})
    assert response.status_code == 200 and response.json()["count"] > 0


def test_vendor_portal_plan_list_queries_are_constant(
    client, big_catalog, django_assert_max_num_queries
):
    user = factories.VendorUserFactory(vendor=big_catalog[0])
    client.force_login(user)
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get(reverse("vendor_plans")).status_code == 200
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(user)
    with django_assert_max_num_queries(6):
        assert api.get("/api/v1/vendor/plans/").status_code == 200
