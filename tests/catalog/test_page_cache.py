"""Catalog page bodies are cached, and a service changing what buyers see makes
the next request fresh (no stale plan, price or listing)."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from catalog import services
from catalog.models import Plan, PlanRevision
from tests.catalog.factories import PlanFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def page_cache(settings):
    settings.CATALOG_PAGE_CACHE_SECONDS = 60
    # Start from a generation no earlier run used: Redis keeps the bodies other
    # runs cached (under the same plan ids, as each run's test database starts
    # its sequences afresh), and none of them may match.
    cache.set("catalog:generation", time.time_ns(), timeout=None)
    yield
    cache.delete("catalog:generation")


def test_cached_catalog_page_runs_no_catalog_queries(
    client, open_program, page_cache, django_assert_max_num_queries
):
    PlanFactory(name="快取方案")
    assert "快取方案" in client.get(reverse("catalog_plans")).content.decode()
    with django_assert_max_num_queries(0):
        assert "快取方案" in client.get(reverse("catalog_plans")).content.decode()


def test_listing_and_price_changes_show_at_once(
    client, open_program, page_cache, vendor_user, staff_user
):
    plan = PlanFactory(
        vendor=vendor_user.vendor, name="新方案 甲", status=Plan.Status.SUBMITTED, listed_at=None
    )
    url = reverse("catalog_plans")
    assert "新方案 甲" not in client.get(url).content.decode()
    services.plan_approve(plan=plan, actor=staff_user)
    assert "新方案 甲" in client.get(url).content.decode()

    detail = reverse("catalog_plan", args=[plan.pk])
    assert "NT$60,000" in client.get(detail).content.decode()
    services.plan_update(plan=plan, actor=vendor_user, price=72_000)
    assert "NT$60,000" in client.get(detail).content.decode()  # listed version on sale
    services.plan_revision_approve(revision=PlanRevision.objects.get(plan=plan), actor=staff_user)
    assert "NT$72,000" in client.get(detail).content.decode()


def test_signed_in_visitors_do_not_share_anonymous_bodies(client, open_program, page_cache, member):
    plan = PlanFactory()
    url = reverse("catalog_plan", args=[plan.pk])
    assert (
        "account/login" in client.get(url).content.decode()
        or "/accounts/login/" in client.get(url).content.decode()
    )
    client.force_login(member)
    assert "/accounts/login/?next" not in client.get(url).content.decode()


def test_cached_whole_page_gives_each_visitor_a_working_csrf_token(open_program, page_cache):
    import re

    from django.test import Client

    PlanFactory(name="語言切換測試")
    tokens = []
    for _ in range(2):
        visitor = Client(enforce_csrf_checks=True)
        body = visitor.get(reverse("catalog_plans")).content.decode()
        assert "語言切換測試" in body and "__tcloud_catalog_csrf_token__" not in body
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
        tokens.append(token)
        response = visitor.post(
            "/i18n/setlang/", {"language": "en", "csrfmiddlewaretoken": token, "next": "/plans/"}
        )
        assert response.status_code == 302
        # Now with a language cookie the page follows it.
        assert "All plans" in visitor.get(reverse("catalog_plans")).content.decode()
    assert tokens[0] != tokens[1]


def test_member_gets_an_order_form_with_its_own_csrf_token_from_a_cached_body(
    open_program, page_cache
):
    import re

    from django.test import Client

    from tests import factories

    plan = PlanFactory()
    url = reverse("catalog_plan", args=[plan.pk])
    tokens = []
    for _ in range(2):
        visitor = Client(enforce_csrf_checks=True)
        visitor.force_login(factories.MemberFactory())
        body = visitor.get(url).content.decode()
        assert 'data-testid="order"' in body and "__tcloud_catalog_csrf_token__" not in body
        form = body[body.index('action="/orders/new/"') - 200 :]
        tokens.append(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1))
    assert tokens[0] != tokens[1]


def test_P1_signed_out_split_follows_the_programs_points_per_member_at_once(
    client, open_program, page_cache
):
    from points.services import program_update

    plan = PlanFactory(price=60_000)
    url = reverse("catalog_plan", args=[plan.pk])
    before = client.get(url).content.decode()
    assert "NT$40,000" not in before  # 30,000 points + NT$30,000 self-pay
    program_update(program=open_program, points_per_member=20_000)  # staff, in the admin
    assert "NT$40,000" in client.get(url).content.decode()  # self-pay with 20,000 points
