"""RULES R1-R7 end to end: cancelling a paid order, the quote, the vendor's refund."""

import datetime as dt

import pytest
from django.core import mail
from rest_framework.test import APIClient

from orders import sweeps
from orders.models import Order
from points.models import LedgerEntry, Program, Wallet
from refunds import services
from refunds.models import Refund
from tcloud.core.errors import InvalidState
from tests.orders.conftest import at
from tests.orders.helpers import confirmed, figures, in_service

pytestmark = pytest.mark.django_db
D = dt.date


def reconciles(wallet):
    """T5: no point created or lost: granted = available + held + spent + returned."""
    w = Wallet.objects.get(pk=wallet.pk)
    assert w.granted == w.available + w.held + w.spent + w.returned_to_program
    entries = {k: 0 for k in ("grant", "hold", "release", "spend", "return")}
    for kind, pts in LedgerEntry.objects.filter(wallet=w).values_list("kind", "points"):
        entries[kind] = entries.get(kind, 0) + pts
    assert w.spent == entries["spend"] - entries["return"]
    assert w.held == entries["hold"] - entries["release"] - entries["spend"]


def test_R1_cancelling_before_the_service_starts_returns_everything(
    member_a, wallet_a, plan, vendor_a
):
    order = confirmed(member_a, plan, vendor_a)
    refund = services.refund_request(order=order, actor=member_a, reason="not needed")
    assert (refund.self_pay_refund, refund.points_returned, refund.used_months) == (
        30_000,
        30_000,
        0,
    )
    assert refund.status == Refund.Status.OWED
    assert figures(wallet_a) == (30_000, 0, 0, 0)
    assert refund.order.status == Order.Status.CANCELLED
    reconciles(wallet_a)


def test_R6_cancelled_july_15_two_months_used(member_a, wallet_a, plan, vendor_a, clock):
    order = in_service(member_a, plan, vendor_a, D(2022, 6, 1))
    clock.to(at(2022, 7, 15, 16))
    refund = services.refund_request(order=order, actor=member_a)
    assert (refund.used_months, refund.over_half) == (2, False)
    assert (refund.self_pay_refund, refund.points_returned) == (20_000, 20_000)
    assert (refund.points_to_wallet, refund.points_to_program) == (20_000, 0)
    # R5: the wallet is still valid (until 2022-09-01): the points are the member's again.
    assert figures(wallet_a) == (20_000, 0, 10_000, 0)
    # The refund, the order and the ledger entry reference each other.
    assert refund.ledger_entry.order_id == order.pk and refund.ledger_entry.kind == "return"
    assert Order.objects.get(pk=order.pk).refund == refund
    reconciles(wallet_a)


def test_R4_R5_cancelled_october_15_after_expiry_points_go_to_the_program(
    member_a, wallet_a, plan, vendor_a, program, clock
):
    order = in_service(member_a, plan, vendor_a, D(2022, 6, 1))
    budget = Program.objects.get(pk=program.pk).budget_available
    clock.to(at(2022, 10, 15, 9))
    refund = services.refund_request(order=order, actor=member_a)
    assert (refund.used_months, refund.over_half) == (5, True)
    assert (refund.self_pay_refund, refund.points_returned) == (0, 5_000)
    assert (refund.points_to_wallet, refund.points_to_program) == (0, 5_000)
    assert Program.objects.get(pk=program.pk).budget_available == budget + 5_000
    # Nothing is owed by the vendor: settled at once, and the order refunded.
    assert refund.status == Refund.Status.SETTLED
    assert Order.objects.get(pk=order.pk).status == Order.Status.REFUNDED
    reconciles(wallet_a)


def test_R3_exactly_half_is_refunded_pro_rata(member_a, wallet_a, plan, vendor_a, clock):
    order = in_service(member_a, plan, vendor_a, D(2022, 6, 1))
    clock.to(at(2022, 8, 31, 20))
    refund = services.refund_request(order=order, actor=member_a)
    assert (refund.used_months, refund.over_half, refund.self_pay_refund) == (3, False, 15_000)
    reconciles(wallet_a)


def test_R7_after_the_term_the_order_is_completed_and_cannot_be_refunded(
    member_a, plan, vendor_a, clock
):
    order = in_service(member_a, plan, vendor_a, D(2022, 6, 1))
    assert sweeps.complete_ended(now=at(2022, 12, 1, 0, 5)) == 1
    with pytest.raises(InvalidState):
        services.order_cancel(order=order, actor=member_a)
    assert not Refund.objects.exists()


def test_vendor_confirms_the_refund_and_the_order_becomes_refunded(
    member_a, plan, vendor_a, vendor_b, django_capture_on_commit_callbacks
):
    order = confirmed(member_a, plan, vendor_a)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        refund = services.refund_request(order=order, actor=member_a)
    assert {tuple(m.to) for m in mail.outbox} >= {(member_a.email, vendor_a.email)}
    api = APIClient()
    api.force_authenticate(vendor_b)
    assert api.post(f"/api/v1/vendor/refunds/{refund.pk}/confirm/").status_code == 404
    api.force_authenticate(vendor_a)
    listed = api.get("/api/v1/vendor/refunds/").json()
    assert listed["count"] == 1 and listed["results"][0]["self_pay_refund"] == 30_000
    response = api.post(f"/api/v1/vendor/refunds/{refund.pk}/confirm/")
    assert response.status_code == 200 and response.json()["status"] == "settled"
    assert Order.objects.get(pk=order.pk).status == Order.Status.REFUNDED
    again = api.post(f"/api/v1/vendor/refunds/{refund.pk}/confirm/")
    assert again.status_code == 409 and again.json()["code"] == "invalid_state"


def test_refund_quote_api_follows_the_rules_and_changes_nothing(member_a, wallet_a, plan, vendor_a):
    order = in_service(member_a, plan, vendor_a, D(2022, 6, 1))
    before = (figures(wallet_a), LedgerEntry.objects.count(), Order.objects.get(pk=order.pk).status)
    api = APIClient()
    api.force_authenticate(member_a)
    quote = api.get(f"/api/v1/orders/{order.pk}/refund-quote/?on=2022-07-15").json()
    assert quote == {
        "on": "2022-07-15",
        "term_months": 6,
        "used_months": 2,
        "over_half": False,
        "self_pay_refund": 20_000,
        "points_returned": 20_000,
        "points_to_wallet": 20_000,
        "points_to_program": 0,
    }
    late = api.get(f"/api/v1/orders/{order.pk}/refund-quote/?on=2022-10-15").json()
    assert (late["self_pay_refund"], late["points_to_program"]) == (0, 5_000)
    bad = api.get(f"/api/v1/orders/{order.pk}/refund-quote/?on=15-07-2022")
    assert bad.status_code == 400 and "on" in bad.json()
    assert (
        figures(wallet_a),
        LedgerEntry.objects.count(),
        Order.objects.get(pk=order.pk).status,
    ) == before
    assert not Refund.objects.exists()


def test_staff_resolve_a_disputed_refund_in_the_admin(member_a, plan, vendor_a, staff_user):
    order = confirmed(member_a, plan, vendor_a)
    refund = services.refund_request(order=order, actor=member_a)
    services.refund_dispute(refund=refund, actor=member_a, note="Not paid back yet")
    from django.test import Client

    client = Client()
    client.force_login(staff_user)
    response = client.post(
        f"/admin/refunds/refund/{refund.pk}/change/",
        {"resolution_note": "Paid by bank transfer on 6/20"},
    )
    assert response.status_code == 302
    refund.refresh_from_db()
    assert refund.status == Refund.Status.SETTLED
    assert Order.objects.get(pk=order.pk).status == Order.Status.REFUNDED
    assert list(refund.events.values_list("action", "actor_role")) == [
        ("request", "member"),
        ("dispute", "member"),
        ("resolve", "staff"),
    ]
