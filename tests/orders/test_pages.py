"""Order pages: only the parties of an order see it; the vendor's dashboard counts."""

import re

import pytest
from django.test import Client

from tests.orders.helpers import accepted, confirmed, submitted

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_O7_my_orders_lists_status_amounts_and_the_next_deadline(member_a, plan):
    order = submitted(member_a, plan)
    body = signed_in(member_a).get("/orders/").content.decode()
    assert order.number in body and "NT$30,000" in body and "民國111年6月7日" in body


def test_another_business_or_vendor_gets_404_for_an_order_page(
    member_a, member_b, plan, vendor_a, vendor_b
):
    order = accepted(member_a, plan, vendor_a)
    assert signed_in(member_a).get(f"/orders/{order.pk}/").status_code == 200
    assert signed_in(member_b).get(f"/orders/{order.pk}/").status_code == 404
    assert signed_in(vendor_a).get(f"/vendor/orders/{order.pk}/").status_code == 200
    assert signed_in(vendor_b).get(f"/vendor/orders/{order.pk}/").status_code == 404
    response = signed_in(vendor_b).post(f"/vendor/orders/{order.pk}/confirm-payment/")
    assert response.status_code == 404
    order.refresh_from_db()
    assert order.status == "accepted"
    assert signed_in(vendor_a).get(f"/orders/{order.pk}/").status_code == 403


def test_a_refused_step_shows_the_reason_and_changes_nothing(member_a, plan, vendor_a):
    order = confirmed(member_a, plan, vendor_a)
    client = signed_in(vendor_a)
    response = client.post(
        f"/vendor/orders/{order.pk}/invoice/",
        {"invoice_number": "bad", "issued_on": "2022-06-01"},
        follow=True,
    )
    assert "AB12345678" in response.content.decode()  # the message shows the format
    order.refresh_from_db()
    assert order.invoice_number == ""


def test_vendor_dashboard_counts_what_waits(member_a, member_b, plan, vendor_a):
    submitted(member_a, plan)
    confirmed(member_b, plan, vendor_a)
    body = signed_in(vendor_a).get("/vendor/").content.decode()
    counts = body.split('data-testid="order-counts"')[1].split("</table>")[0]
    numbers = [int(n) for n in re.findall(r'text-end">(\d+)<', counts)]
    # to answer, awaiting payment, to start, to invoice, refunds owed
    assert numbers[:5] == [1, 0, 1, 1, 0]


def test_O6_an_order_in_service_without_an_invoice_still_shows_the_invoice_deadline(
    member_a, plan, vendor_a
):
    import datetime as dt

    from tests.orders.helpers import in_service

    order = in_service(member_a, plan, vendor_a, dt.date(2022, 6, 1))
    assert order.invoice_number == "" and order.invoice_by.date() == dt.date(2022, 6, 6)
    body = signed_in(member_a).get(f"/orders/{order.pk}/").content.decode()
    assert "民國111年6月6日" in body  # the invoice deadline (6/3 is Dragon Boat Festival)
