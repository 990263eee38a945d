"""Idempotency keys are bound to their request and live 24 hours; another
party's unlisted plan answers exactly as a plan that does not exist
(shared/API.md: 422 `idempotency_key_reused`; 404 "never reveal another party's
object")."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from rest_framework.test import APIClient

from catalog.models import Plan
from orders.models import Order
from tcloud.core.api import idempotency
from tcloud.core.models import IdempotencyRecord
from tcloud.site import sweeps
from tests.catalog.factories import PlanFactory
from tests.factories import VendorUserFactory
from tests.orders.conftest import at

pytestmark = pytest.mark.django_db


def api_for(user) -> APIClient:
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(user)
    return api


@pytest.fixture
def other_plan(program):
    return PlanFactory(price=12_000, term_months=12)


# --- Idempotency-Key ----------------------------------------------------------------


def test_same_key_same_body_replays_the_first_result(member_a, plan):
    api = api_for(member_a)
    first = api.post("/api/v1/orders/", {"plan": plan.pk}, HTTP_IDEMPOTENCY_KEY="k1")
    again = api.post("/api/v1/orders/", {"plan": plan.pk}, HTTP_IDEMPOTENCY_KEY="k1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Order.objects.count() == 1


def test_the_body_is_compared_by_value_not_by_spelling(member_a, plan):
    api = api_for(member_a)
    order = api.post("/api/v1/orders/", {"plan": plan.pk}, HTTP_IDEMPOTENCY_KEY="k1").json()
    spelled = api.post(
        "/api/v1/orders/",
        f'{{ "plan" :  {plan.pk} }}',
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k1",
    )
    assert spelled.status_code == 201 and spelled.json()["id"] == order["id"]


def test_same_key_with_another_body_is_a_422_and_the_first_result_stays(member_a, plan, other_plan):
    api = api_for(member_a)
    first = api.post("/api/v1/orders/", {"plan": plan.pk}, HTTP_IDEMPOTENCY_KEY="k1")
    reused = api.post("/api/v1/orders/", {"plan": other_plan.pk}, HTTP_IDEMPOTENCY_KEY="k1")
    assert reused.status_code == 422
    assert reused.json()["code"] == "idempotency_key_reused"
    assert set(reused.json()) == {"detail", "code"}
    assert list(Order.objects.values_list("plan_id", flat=True)) == [plan.pk]
    # The first result is kept: the original request still replays it.
    again = api.post("/api/v1/orders/", {"plan": plan.pk}, HTTP_IDEMPOTENCY_KEY="k1")
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]


def test_keys_are_per_user(member_a, plan, program):
    from tests.factories import MemberFactory

    other = MemberFactory()
    a = api_for(member_a).post("/api/v1/orders/", {"plan": plan.pk}, HTTP_IDEMPOTENCY_KEY="k1")
    b = api_for(other).post("/api/v1/orders/", {"plan": plan.pk}, HTTP_IDEMPOTENCY_KEY="k1")
    assert a.status_code == b.status_code == 201
    assert a.json()["id"] != b.json()["id"]


def test_a_key_expires_after_24_hours(member_a, plan, other_plan, clock):
    api = api_for(member_a)
    api.post("/api/v1/orders/", {"plan": plan.pk}, HTTP_IDEMPOTENCY_KEY="k1")
    clock.to(at(2022, 6, 2, 9, 59))  # 23 h 59 min later: still bound
    reused = api.post("/api/v1/orders/", {"plan": other_plan.pk}, HTTP_IDEMPOTENCY_KEY="k1")
    assert reused.status_code == 422
    clock.to(at(2022, 6, 2, 10, 1))  # past 24 h: a new key
    fresh = api.post("/api/v1/orders/", {"plan": other_plan.pk}, HTTP_IDEMPOTENCY_KEY="k1")
    assert fresh.status_code == 201
    assert Order.objects.count() == 2
    assert IdempotencyRecord.objects.get(key="k1").body["plan"] == other_plan.pk


def test_the_sweep_forgets_keys_older_than_24_hours(member_a, plan, clock):
    api = api_for(member_a)
    api.post("/api/v1/orders/", {"plan": plan.pk}, HTTP_IDEMPOTENCY_KEY="old")
    clock.to(at(2022, 6, 2, 9, 0))
    api.post("/api/v1/orders/", {"plan": plan.pk}, HTTP_IDEMPOTENCY_KEY="new")
    now = at(2022, 6, 2, 10, 30)
    assert idempotency.expire_keys(now=now) == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
    assert idempotency.expire_keys(now=now) == 0  # safe to run twice
    assert idempotency.expire_keys in sweeps.SWEEPS


def test_a_failed_request_keeps_no_key(member_a, plan):
    api = api_for(member_a)
    refused = api.post("/api/v1/orders/", {"plan": 999_999}, HTTP_IDEMPOTENCY_KEY="k1")
    assert refused.status_code == 400
    assert not IdempotencyRecord.objects.exists()
    assert (
        api.post("/api/v1/orders/", {"plan": plan.pk}, HTTP_IDEMPOTENCY_KEY="k1").status_code == 201
    )


def test_an_overlong_key_is_a_400_in_the_field_format(member_a, plan):
    response = api_for(member_a).post(
        "/api/v1/orders/", {"plan": plan.pk}, HTTP_IDEMPOTENCY_KEY="k" * 201
    )
    assert response.status_code == 400
    assert response.json() == {
        "Idempotency-Key": ["An Idempotency-Key has at most 200 characters."]
    }
    assert not Order.objects.exists()


# --- existence oracle ---------------------------------------------------------------


def _unlisted_plan_of_another_vendor() -> Plan:
    return PlanFactory(status=Plan.Status.DRAFT, listed_at=None)


def _missing_id() -> int:
    return (Plan.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000


CSRF = re.compile(rb'(X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+')


def _same(a, b) -> None:
    """The same answer, byte for byte (a page's CSRF token aside: it differs per
    request, whatever was asked)."""
    assert a.status_code == b.status_code
    assert CSRF.sub(rb"\1", a.content) == CSRF.sub(rb"\1", b.content)
    assert a.get("Content-Type") == b.get("Content-Type")


def test_public_plan_detail_of_an_unlisted_plan_answers_as_a_missing_one(program, member_a):
    hidden = _unlisted_plan_of_another_vendor()
    for client in (APIClient(), api_for(member_a)):
        shown = client.get(f"/api/v1/plans/{hidden.pk}/")
        missing = client.get(f"/api/v1/plans/{_missing_id()}/")
        assert shown.status_code == 404
        _same(shown, missing)


def test_ordering_an_unlisted_plan_answers_as_ordering_a_missing_one(member_a, program):
    hidden = _unlisted_plan_of_another_vendor()
    api = api_for(member_a)
    shown = api.post("/api/v1/orders/", {"plan": hidden.pk})
    missing = api.post("/api/v1/orders/", {"plan": _missing_id()})
    assert shown.status_code == 400
    _same(shown, missing)
    assert not Order.objects.exists()


def test_the_web_order_button_of_an_unlisted_plan_is_a_404_like_a_missing_one(member_a, program):
    hidden = _unlisted_plan_of_another_vendor()
    client = Client()
    client.force_login(member_a)
    shown = client.post("/orders/new/", {"plan": hidden.pk})
    missing = client.post("/orders/new/", {"plan": _missing_id()})
    garbage = client.post("/orders/new/", {"plan": "abc"})
    assert shown.status_code == missing.status_code == garbage.status_code == 404
    _same(shown, missing)
    assert not Order.objects.exists()


def test_the_plan_page_of_an_unlisted_plan_is_the_404_page(program):
    hidden = _unlisted_plan_of_another_vendor()
    shown = Client().get(f"/plans/{hidden.pk}/")
    missing = Client().get(f"/plans/{_missing_id()}/")
    # The page links back to its own address (the language switch): that differs.
    missing.content = missing.content.replace(
        f"/plans/{_missing_id()}/".encode(), f"/plans/{hidden.pk}/".encode()
    )
    assert shown.status_code == 404
    _same(shown, missing)


def test_another_vendors_plan_answers_as_a_missing_one_in_the_vendor_api(program):
    hidden = _unlisted_plan_of_another_vendor()
    vendor = VendorUserFactory()
    api = api_for(vendor)
    for method, body in (("get", None), ("patch", {"name": "mine now"})):
        shown = getattr(api, method)(f"/api/v1/vendor/plans/{hidden.pk}/", body)
        missing = getattr(api, method)(f"/api/v1/vendor/plans/{_missing_id()}/", body)
        assert shown.status_code == 404
        _same(shown, missing)
    assert Plan.objects.get(pk=hidden.pk).name != "mine now"
