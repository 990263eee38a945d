"""What people do with a refund besides confirming it: dispute it (member or
vendor, in the page and the API) so staff resolve it; the vendor's queue puts
the work first; a quote is only for a paid order; a paid cancel needs a reason."""

import datetime as dt

import pytest
from django.test import Client
from rest_framework.test import APIClient

from orders import services as order_services
from orders.models import Order
from points.models import LedgerEntry
from refunds import services
from refunds.models import Refund
from tests.orders.helpers import confirmed, figures
from tests.refunds.test_refunds import reconciles

pytestmark = pytest.mark.django_db


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_member_disputes_an_unpaid_refund_in_the_api_and_staff_resolve_it(
    member_a, member_b, wallet_a, plan, vendor_a, staff_user
):
    refund = services.refund_request(
        order=confirmed(member_a, plan, vendor_a), actor=member_a, reason="moving office"
    )
    url = f"/api/v1/orders/{refund.order_id}/refund/dispute/"
    assert _api(member_b).post(url, {"note": "x"}, format="json").status_code == 404
    empty = _api(member_a).post(url, {"note": ""}, format="json")
    assert empty.status_code == 400 and "note" in empty.json()
    disputed = _api(member_a).post(url, {"note": "No money after 2 weeks"}, format="json")
    assert disputed.status_code == 200 and disputed.json()["status"] == "disputed"
    # A disputed refund is no longer the vendor's to confirm: staff decide.
    again = _api(vendor_a).post(f"/api/v1/vendor/refunds/{refund.pk}/confirm/")
    assert again.status_code == 409 and again.json()["code"] == "invalid_state"

    services.refund_resolve(refund=refund, actor=staff_user, note="Vendor paid on 6/20")
    refund.refresh_from_db()
    assert refund.status == Refund.Status.SETTLED
    assert Order.objects.get(pk=refund.order_id).status == Order.Status.REFUNDED
    reconciles(wallet_a)


def test_vendor_disputes_in_the_portal_and_a_settled_refund_cannot_be_disputed(
    member_a, plan, vendor_a, vendor_b, staff_user
):
    refund = services.refund_request(
        order=confirmed(member_a, plan, vendor_a), actor=member_a, reason="moving office"
    )
    web = Client()
    web.force_login(vendor_b)
    assert web.post(f"/vendor/refunds/{refund.pk}/dispute/", {"note": "x"}).status_code == 404
    web.force_login(vendor_a)
    page = web.get("/vendor/refunds/").content.decode()
    assert f"/vendor/refunds/{refund.pk}/dispute/" in page
    web.post(f"/vendor/refunds/{refund.pk}/dispute/", {"note": "The member's bank refused it"})
    refund.refresh_from_db()
    assert refund.status == Refund.Status.DISPUTED
    assert list(refund.events.values_list("action", "actor_role")) == [
        ("request", "member"),
        ("dispute", "vendor"),
    ]

    services.refund_resolve(refund=refund, actor=staff_user, note="sorted")
    response = _api(vendor_a).post(
        f"/api/v1/vendor/refunds/{refund.pk}/dispute/", {"note": "late"}, format="json"
    )
    assert response.status_code == 409 and response.json()["code"] == "invalid_state"
    assert Refund.objects.get(pk=refund.pk).status == Refund.Status.SETTLED


def test_member_page_offers_a_dispute_while_the_refund_is_owed(member_a, plan, vendor_a):
    refund = services.refund_request(
        order=confirmed(member_a, plan, vendor_a), actor=member_a, reason="moving office"
    )
    web = Client()
    web.force_login(member_a)
    page = web.get(f"/orders/{refund.order_id}/").content.decode()
    assert f"/orders/{refund.order_id}/refund/dispute/" in page
    web.post(f"/orders/{refund.order_id}/refund/dispute/", {"note": "Nothing received"})
    assert Refund.objects.get(pk=refund.pk).status == Refund.Status.DISPUTED
    page = web.get(f"/orders/{refund.order_id}/").content.decode()
    assert f"/orders/{refund.order_id}/refund/dispute/" not in page


def test_the_vendors_refund_queue_lists_owed_then_disputed_then_settled(
    member_a, member_b, plan, vendor_a, program
):
    from points.services import wallet_grant
    from tests.factories import MemberFactory

    member_c = MemberFactory()
    wallet_grant(business=member_c.business, program=program)
    first, second, third = (
        services.refund_request(order=confirmed(m, plan, vendor_a), actor=m, reason="r")
        for m in (member_a, member_b, member_c)
    )
    services.refund_confirm(refund=first, actor=vendor_a)
    services.refund_dispute(refund=second, actor=vendor_a, note="bank refused")
    listed = _api(vendor_a).get("/api/v1/vendor/refunds/").json()["results"]
    assert [(r["id"], r["status"]) for r in listed] == [
        (third.pk, "owed"),
        (second.pk, "disputed"),
        (first.pk, "settled"),
    ]
    web = Client()
    web.force_login(vendor_a)
    page = web.get("/vendor/refunds/").content.decode()
    numbers = [Refund.objects.get(pk=r.pk).order.number for r in (third, second, first)]
    assert [page.index(n) for n in numbers] == sorted(page.index(n) for n in numbers)


def test_R_a_quote_is_only_for_a_paid_running_order(member_a, wallet_a, plan, vendor_a):
    refund = services.refund_request(
        order=confirmed(member_a, plan, vendor_a), actor=member_a, reason="r"
    )
    api = _api(member_a)
    answer = api.get(f"/api/v1/orders/{refund.order_id}/refund-quote/?on=2022-06-02")
    assert answer.status_code == 409 and answer.json()["code"] == "invalid_state"
    web = Client()
    web.force_login(member_a)
    page = web.get(f"/orders/{refund.order_id}/refund-quote/?on=2022-06-02").content.decode()
    assert 'data-testid="quote-result"' not in page


def test_R_a_paid_order_is_cancelled_only_with_a_reason(member_a, wallet_a, plan, vendor_a):
    order = confirmed(member_a, plan, vendor_a)
    before = (figures(wallet_a), LedgerEntry.objects.count())
    response = _api(member_a).post(f"/api/v1/orders/{order.pk}/cancel/", {}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    assert Order.objects.get(pk=order.pk).status == Order.Status.CONFIRMED
    assert (figures(wallet_a), LedgerEntry.objects.count()) == before
    assert not Refund.objects.exists()
    # Before payment no reason is needed: nothing is owed by anyone.
    unpaid = order_services.order_create(user=member_a, plan=plan)
    assert services.order_cancel(order=unpaid, actor=member_a).status == "cancelled"


def test_R4_the_email_of_a_refund_with_nothing_owed_does_not_ask_the_vendor_to_pay(
    member_a, wallet_a, plan, vendor_a, clock
):
    from django.utils import translation

    from refunds.notifications import _message
    from tests.orders.conftest import at
    from tests.orders.helpers import in_service

    order = in_service(member_a, plan, vendor_a, dt.date(2022, 6, 1))
    clock.to(at(2022, 10, 15, 9))
    refund = services.refund_request(order=order, actor=member_a, reason="closing")
    with translation.override("en"):
        _subject, body = _message(refund, "requested")
    assert "owed by the vendor" not in body and "No self-pay is refunded" in body
    reconciles(wallet_a)
