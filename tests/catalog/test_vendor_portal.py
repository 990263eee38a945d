"""The vendor portal: vendor users see and change only their own vendor's plans
(another vendor's plan is a 404 and nothing changes), pages and API alike."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from catalog.models import Plan, PlanEvent, PlanRevision
from points.models import Category
from tests.catalog.factories import PlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def their_plan(other_vendor_user, categories):
    return PlanFactory(vendor=other_vendor_user.vendor, status=Plan.Status.DRAFT, listed_at=None)


@pytest.fixture
def api(vendor_user):
    client = APIClient()
    client.force_authenticate(vendor_user)
    return client


def _snapshot(plan):
    plan.refresh_from_db()
    return (plan.name, plan.price, plan.term_months, plan.status, plan.events.count())


def test_vendor_creates_edits_and_submits_a_plan_in_the_portal(client, vendor_user, categories):
    client.force_login(vendor_user)
    assert client.get(reverse("vendor_home")).status_code == 200
    response = client.post(
        reverse("vendor_plan_new"),
        {
            "category": Category.objects.get(code="pos").pk,
            "name": "雲端收銀 入門",
            "summary": "s",
            "description": "d",
            "specification": "x",
            "price": "30000",
            "term_months": "6",
        },
    )
    plan = Plan.objects.get(vendor=vendor_user.vendor)
    assert response.status_code == 302 and plan.status == Plan.Status.DRAFT
    response = client.post(
        reverse("vendor_plan_edit", args=[plan.pk]),
        {
            "category": plan.category_id,
            "name": "雲端收銀 入門版",
            "summary": "s",
            "price": "36000",
            "term_months": "6",
        },
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.name, plan.price) == ("雲端收銀 入門版", 36_000)
    client.post(reverse("vendor_plan_submit", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.status == Plan.Status.SUBMITTED
    body = client.get(reverse("vendor_plans")).content.decode()
    assert "雲端收銀 入門版" in body


def test_editing_a_listed_plan_in_the_portal_creates_a_pending_change(
    client, vendor_user, open_program
):
    plan = PlanFactory(vendor=vendor_user.vendor)
    client.force_login(vendor_user)
    response = client.post(
        reverse("vendor_plan_edit", args=[plan.pk]),
        {
            "name": plan.name,
            "summary": plan.summary,
            "description": plan.description,
            "specification": plan.specification,
            "price": "66000",
            "term_months": "6",
        },
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.price == 60_000
    assert PlanRevision.objects.get(plan=plan).price == 66_000
    body = client.get(reverse("vendor_plan", args=[plan.pk])).content.decode()
    assert 'data-testid="pending-revision"' in body


@pytest.mark.parametrize("name", ["vendor_plan", "vendor_plan_edit"])
def test_vendor_cannot_see_another_vendors_plan_page(client, vendor_user, their_plan, name):
    client.force_login(vendor_user)
    assert client.get(reverse(name, args=[their_plan.pk])).status_code == 404


def test_vendor_cannot_change_another_vendors_plan_in_pages(client, vendor_user, their_plan):
    before = _snapshot(their_plan)
    client.force_login(vendor_user)
    r1 = client.post(
        reverse("vendor_plan_edit", args=[their_plan.pk]),
        {
            "name": "x",
            "summary": "x",
            "price": "1",
            "term_months": "1",
            "category": their_plan.category_id,
        },
    )
    r2 = client.post(reverse("vendor_plan_submit", args=[their_plan.pk]))
    assert (r1.status_code, r2.status_code) == (404, 404)
    assert _snapshot(their_plan) == before
    assert their_plan.name not in client.get(reverse("vendor_plans")).content.decode()


def test_vendor_api_cannot_see_or_change_another_vendors_plan(api, their_plan):
    before = _snapshot(their_plan)
    assert api.get(f"/api/v1/vendor/plans/{their_plan.pk}/").status_code == 404
    response = api.patch(
        f"/api/v1/vendor/plans/{their_plan.pk}/", {"price": 1, "submit": True}, format="json"
    )
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert _snapshot(their_plan) == before
    assert api.get("/api/v1/vendor/plans/").json()["count"] == 0


@pytest.mark.parametrize("who", ["member", "staff_user"])
def test_vendor_api_is_403_for_other_roles(request, who, categories):
    client = APIClient()
    client.force_authenticate(request.getfixturevalue(who))
    assert client.get("/api/v1/vendor/plans/").status_code == 403
    response = client.post("/api/v1/vendor/plans/", {"name": "x"}, format="json")
    assert response.status_code == 403
    assert not Plan.objects.exists()


def test_vendor_api_anonymous_is_401():
    assert APIClient().get("/api/v1/vendor/plans/").status_code == 401


def test_vendor_portal_pages_are_403_for_members(client, member):
    client.force_login(member)
    assert client.get(reverse("vendor_plans")).status_code == 403
    assert client.get(reverse("vendor_plan_new")).status_code == 403


def test_vendor_api_create_submit_and_listed_patch(api, vendor_user, staff_user, open_program):
    from catalog import services

    response = api.post(
        "/api/v1/vendor/plans/",
        {
            "category": "pos",
            "name": "API 雲端收銀",
            "summary": "s",
            "price": 60000,
            "term_months": 6,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "draft" and data["subsidy_eligible"] is False
    response = api.patch(f"/api/v1/vendor/plans/{data['id']}/", {"submit": True}, format="json")
    assert response.json()["status"] == "submitted"
    # Not listed before staff approve.
    assert APIClient().get("/api/v1/plans/").json()["count"] == 0
    services.plan_approve(plan=Plan.objects.get(pk=data["id"]), actor=staff_user)
    assert APIClient().get("/api/v1/plans/").json()["count"] == 1

    response = api.patch(f"/api/v1/vendor/plans/{data['id']}/", {"price": 72000}, format="json")
    body = response.json()
    assert (
        body["price"] == 60000 and body["status"] == "listed" and body["subsidy_eligible"] is True
    )
    assert body["pending_change"]["price"] == 72000


def test_vendor_api_validation_errors_are_400_and_state_errors_409(api, vendor_user, categories):
    response = api.post(
        "/api/v1/vendor/plans/",
        {"category": "pos", "name": "x", "summary": "s", "price": 0, "term_months": 6},
        format="json",
    )
    assert response.status_code == 400 and "price" in response.json()
    plan = PlanFactory(vendor=vendor_user.vendor, status=Plan.Status.SUBMITTED, listed_at=None)
    response = api.patch(f"/api/v1/vendor/plans/{plan.pk}/", {"price": 1000}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "invalid_state"
    plan.refresh_from_db()
    assert plan.price == 60_000
    assert not PlanEvent.objects.filter(plan=plan).exists()


# --- create/edit + submit in one request: all or nothing (P1) -----------------


@pytest.fixture
def pending_vendor_api(categories):
    from catalog.models import Vendor
    from tests.factories import VendorUserFactory

    user = VendorUserFactory(vendor__status=Vendor.Status.PENDING)
    client = APIClient()
    client.force_authenticate(user)
    return client, user


def test_P1_api_create_with_refused_submit_is_409_and_saves_no_plan(pending_vendor_api):
    api, _user = pending_vendor_api
    response = api.post(
        "/api/v1/vendor/plans/",
        {
            "category": "pos",
            "name": "API 雲端收銀",
            "summary": "s",
            "price": 60000,
            "term_months": 6,
            "submit": True,
        },
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "pending_review" and response.json()["detail"]
    assert not Plan.objects.exists()
    assert not PlanEvent.objects.exists()


def test_P1_api_edit_with_refused_submit_is_409_and_keeps_the_draft(pending_vendor_api):
    api, user = pending_vendor_api
    plan = PlanFactory(vendor=user.vendor, status=Plan.Status.DRAFT, listed_at=None)
    before = _snapshot(plan)
    response = api.patch(
        f"/api/v1/vendor/plans/{plan.pk}/",
        {"name": "改過的名字", "price": 72000, "submit": True},
        format="json",
    )
    assert response.status_code == 409 and response.json()["code"] == "pending_review"
    assert _snapshot(plan) == before


def test_P1_api_edit_of_listed_plan_with_refused_submit_leaves_no_pending_change(
    api, vendor_user, categories
):
    plan = PlanFactory(vendor=vendor_user.vendor)  # listed: cannot be submitted again
    before = _snapshot(plan)
    response = api.patch(
        f"/api/v1/vendor/plans/{plan.pk}/", {"price": 72000, "submit": True}, format="json"
    )
    assert response.status_code == 409 and response.json()["code"] == "invalid_state"
    assert _snapshot(plan) == before
    assert not PlanRevision.objects.filter(plan=plan).exists()
