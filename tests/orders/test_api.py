"""The order API: contract shapes, 409s, idempotency and the permission matrix."""

import pytest
from rest_framework.test import APIClient

from orders.models import Order, OrderEvent
from points.models import LedgerEntry
from tests.factories import StaffFactory
from tests.orders.helpers import SIM, accepted, confirmed, figures, submitted

pytestmark = pytest.mark.django_db


def client_for(user=None):
    api = APIClient()
    if user is not None:
        api.force_authenticate(user)
    return api


def test_O7_member_creates_reviews_and_submits_through_the_api(member_a, wallet_a, plan):
    api = client_for(member_a)
    created = api.post("/api/v1/orders/", {"plan": plan.pk}, format="json")
    assert created.status_code == 201
    body = created.json()
    assert {k: body[k] for k in ("status", "plan", "price", "points_used", "self_pay")} == {
        "status": "draft",
        "plan": plan.pk,
        "price": 60_000,
        "points_used": 30_000,
        "self_pay": 30_000,
    }
    assert body["number"] == f"TC{body['id']:010d}"
    assert api.post(f"/api/v1/orders/{body['id']}/verification/").status_code == 200
    submit = api.post(
        f"/api/v1/orders/{body['id']}/submit/",
        {"agree_contract": True, "verification": SIM, "points_used": 30_000},
        format="json",
    )
    assert submit.status_code == 200, submit.json()
    order = submit.json()
    assert order["status"] == "submitted"
    assert order["respond_by"] == "2022-06-07T23:59:59.999999+08:00"
    assert [e["action"] for e in order["events"]] == ["create", "submit"]
    listed = api.get("/api/v1/orders/").json()
    assert listed["count"] == 1
    for key in (
        "respond_by",
        "pay_by",
        "invoice_by",
        "deliver_by",
        "payment_link",
        "invoice_number",
        "service_start",
        "service_end",
        "flags",
        "vendor",
    ):
        assert key in listed["results"][0]


def test_O3_submit_without_agreeing_is_400_and_holds_nothing(member_a, wallet_a, plan):
    api = client_for(member_a)
    order = api.post("/api/v1/orders/", {"plan": plan.pk}, format="json").json()
    response = api.post(
        f"/api/v1/orders/{order['id']}/submit/",
        {"agree_contract": False, "verification": SIM},
        format="json",
    )
    assert response.status_code == 400
    assert "agree_contract" in response.json()
    assert figures(wallet_a) == (30_000, 0, 0, 0)


def test_an_illegal_transition_is_409_invalid_state_and_changes_nothing(member_a, plan, vendor_a):
    order = confirmed(member_a, plan, vendor_a)
    events = OrderEvent.objects.count()
    response = client_for(vendor_a).post(
        f"/api/v1/vendor/orders/{order.pk}/accept/",
        {"payment_link": "https://x.example/"},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_state"
    assert OrderEvent.objects.count() == events


def test_idempotency_key_on_creation_returns_the_first_order(member_a, plan):
    api = client_for(member_a)
    headers = {"HTTP_IDEMPOTENCY_KEY": "create-1"}
    first = api.post("/api/v1/orders/", {"plan": plan.pk}, format="json", **headers)
    again = api.post("/api/v1/orders/", {"plan": plan.pk}, format="json", **headers)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert Order.objects.count() == 1


def test_idempotency_key_on_submission_holds_points_once(member_a, wallet_a, plan):
    api = client_for(member_a)
    order = api.post("/api/v1/orders/", {"plan": plan.pk}, format="json").json()
    payload = {"agree_contract": True, "verification": SIM}
    for _ in range(2):
        response = api.post(
            f"/api/v1/orders/{order['id']}/submit/",
            payload,
            format="json",
            HTTP_IDEMPOTENCY_KEY="submit-1",
        )
        assert response.status_code == 200
    assert LedgerEntry.objects.filter(wallet=wallet_a, kind="hold").count() == 1
    # The same key for another request is refused (422, shared/API.md) and creates nothing.
    orders = Order.objects.count()
    other = api.post(
        "/api/v1/orders/", {"plan": plan.pk}, format="json", HTTP_IDEMPOTENCY_KEY="submit-1"
    )
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    assert Order.objects.count() == orders


# --- the permission matrix ------------------------------------------------------

MEMBER_ENDPOINTS = [
    ("get", "/api/v1/orders/{id}/", None),
    ("post", "/api/v1/orders/{id}/verification/", {}),
    ("post", "/api/v1/orders/{id}/submit/", {"agree_contract": True, "verification": SIM}),
    ("post", "/api/v1/orders/{id}/cancel/", {"reason": "x"}),
    ("get", "/api/v1/orders/{id}/refund-quote/?on=2022-07-15", None),
    ("post", "/api/v1/orders/{id}/refund/dispute/", {"note": "x"}),
]
VENDOR_ENDPOINTS = [
    ("get", "/api/v1/vendor/orders/{id}/", None),
    ("post", "/api/v1/vendor/orders/{id}/accept/", {"payment_link": "https://x.example/"}),
    ("post", "/api/v1/vendor/orders/{id}/reject/", {"reason": "no"}),
    ("post", "/api/v1/vendor/orders/{id}/confirm-payment/", {}),
    (
        "post",
        "/api/v1/vendor/orders/{id}/invoice/",
        {"invoice_number": "AB12345678", "issued_on": "2022-06-01"},
    ),
    ("post", "/api/v1/vendor/orders/{id}/start-service/", {"service_start": "2022-06-02"}),
]


@pytest.fixture
def parties(member_a, member_b, vendor_a, vendor_b):
    return {
        "anonymous": None,
        "member_a": member_a,
        "member_b": member_b,
        "vendor_a": vendor_a,
        "vendor_b": vendor_b,
        "staff": StaffFactory(),
    }


def snapshot(order):
    order.refresh_from_db()
    return (
        order.status,
        order.updated_at,
        OrderEvent.objects.filter(order=order).count(),
        LedgerEntry.objects.count(),
    )


@pytest.mark.parametrize(
    "who,expected",
    [
        ("anonymous", 401),
        ("member_b", 404),
        ("vendor_a", 403),
        ("vendor_b", 403),
        ("staff", 403),
    ],
)
@pytest.mark.parametrize("method,url,payload", MEMBER_ENDPOINTS)
def test_member_endpoints_permission_matrix(parties, plan, who, expected, method, url, payload):
    order = accepted(parties["member_a"], plan, parties["vendor_a"])
    before = snapshot(order)
    api = client_for(parties[who])
    response = getattr(api, method)(url.format(id=order.pk), payload, format="json")
    assert response.status_code == expected
    assert set(response.json()) == {"detail", "code"}
    assert snapshot(order) == before


@pytest.mark.parametrize(
    "who,expected",
    [
        ("anonymous", 401),
        ("member_a", 403),
        ("member_b", 403),
        ("vendor_b", 404),
        ("staff", 403),
    ],
)
@pytest.mark.parametrize("method,url,payload", VENDOR_ENDPOINTS)
def test_vendor_endpoints_permission_matrix(parties, plan, who, expected, method, url, payload):
    order = submitted(parties["member_a"], plan)
    before = snapshot(order)
    api = client_for(parties[who])
    response = getattr(api, method)(url.format(id=order.pk), payload, format="json")
    assert response.status_code == expected
    assert set(response.json()) == {"detail", "code"}
    assert snapshot(order) == before


def test_lists_show_only_ones_own_orders(parties, plan):
    submitted(parties["member_a"], plan)
    assert client_for(parties["member_b"]).get("/api/v1/orders/").json()["count"] == 0
    assert client_for(parties["vendor_b"]).get("/api/v1/vendor/orders/").json()["count"] == 0
    assert client_for(parties["vendor_a"]).get("/api/v1/vendor/orders/").json()["count"] == 1
    assert client_for(parties["member_a"]).get("/api/v1/orders/").json()["count"] == 1


def test_vendors_never_see_drafts(member_a, plan, vendor_a):
    client_for(member_a).post("/api/v1/orders/", {"plan": plan.pk}, format="json")
    assert client_for(vendor_a).get("/api/v1/vendor/orders/").json()["count"] == 0


def test_vendor_queue_filters_by_status_and_puts_the_nearest_deadline_first(
    member_a, member_b, plan, vendor_a, clock
):
    from tests.orders.conftest import at

    first = submitted(member_a, plan)
    clock.to(at(2022, 6, 2))
    second = submitted(member_b, plan)
    api = client_for(vendor_a)
    ids = [o["id"] for o in api.get("/api/v1/vendor/orders/").json()["results"]]
    assert ids == [first.pk, second.pk]
    assert api.get("/api/v1/vendor/orders/?status=accepted").json()["count"] == 0
    assert api.get("/api/v1/vendor/orders/?status=bogus").status_code == 400


@pytest.mark.parametrize(
    "method,url,payload,allowed",
    [
        ("get", "/api/v1/orders/", None, "member"),
        ("post", "/api/v1/orders/", {"plan": 0}, "member"),
        ("get", "/api/v1/vendor/orders/", None, "vendor"),
        ("get", "/api/v1/vendor/refunds/", None, "vendor"),
    ],
)
def test_list_endpoints_answer_only_their_role(parties, method, url, payload, allowed):
    for who, user in parties.items():
        response = getattr(client_for(user), method)(url, payload, format="json")
        if user is None:
            assert response.status_code == 401, who
        elif who.startswith(allowed):
            assert response.status_code != 403, who
        else:
            assert response.status_code == 403, who
            assert set(response.json()) == {"detail", "code"}


@pytest.mark.parametrize(
    "who,expected",
    [("anonymous", 401), ("member_a", 403), ("vendor_b", 404), ("staff", 403)],
)
@pytest.mark.parametrize("action,payload", [("confirm", {}), ("dispute", {"note": "x"})])
def test_vendor_refund_endpoints_permission_matrix(parties, plan, who, expected, action, payload):
    from refunds.models import Refund
    from refunds.services import refund_request

    order = confirmed(parties["member_a"], plan, parties["vendor_a"])
    refund = refund_request(order=order, actor=parties["member_a"], reason="r")
    response = client_for(parties[who]).post(
        f"/api/v1/vendor/refunds/{refund.pk}/{action}/", payload, format="json"
    )
    assert response.status_code == expected
    assert Refund.objects.get(pk=refund.pk).status == Refund.Status.OWED
