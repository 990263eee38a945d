"""The whole life of an order in Chromium, member and vendor side by side:
plan page → review → re-authenticate → submit → vendor accepts → payment link →
vendor confirms payment, records the invoice, starts the service → the member
asks for a refund quote and cancels → the vendor confirms the refund."""

import datetime as dt
import os
import re

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from points.services import category_ensure_all, wallet_grant
from tests.catalog.factories import PlanFactory
from tests.factories import MemberFactory, ProgramFactory, VendorUserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in(browser, live_server, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


@pytest.fixture
def market(db):
    today = timezone.localdate()
    program = ProgramFactory(
        year=today.year - 1911,
        name="示範年度",
        opens_on=today - dt.timedelta(days=30),
        closes_on=today + dt.timedelta(days=300),
    )
    program.categories.set(category_ensure_all())
    plan = PlanFactory(name="雲端收銀標準版", price=60_000, term_months=6)
    vendor = VendorUserFactory(vendor=plan.vendor)
    member = MemberFactory()
    wallet_grant(business=member.business, program=program)
    return plan, vendor, member


def test_order_happy_path_refund_in_two_browsers(browser, live_server, market, artifacts_dir):
    plan, vendor, member = market
    shot = lambda page, name: page.screenshot(  # noqa: E731
        path=os.path.join(artifacts_dir, f"orders-{name}.png"), full_page=True
    )
    m_ctx, m = signed_in(browser, live_server, member)
    v_ctx, v = signed_in(browser, live_server, vendor)

    # Member: plan page → order → review with the 1:1 split.
    m.goto(f"{live_server.url}/plans/{plan.pk}/")
    m.get_by_test_id("order").click()
    expect(m.get_by_test_id("points-used")).to_have_text("30,000")
    expect(m.get_by_test_id("self-pay")).to_have_text("NT$30,000")
    m.get_by_test_id("send-code").click()
    expect(m.locator("#verification-status .alert")).to_be_visible()
    m.fill("#code", "000000")
    m.check("#agree_contract")
    shot(m, "1-review")
    m.get_by_test_id("submit-order").click()
    expect(m.get_by_test_id("order-status")).to_have_text(re.compile("廠商|vendor"))
    order_url = m.url

    # Vendor: the queue, accept with a payment link.
    v.goto(f"{live_server.url}/vendor/orders/")
    expect(v.get_by_test_id("vendor-orders")).to_contain_text("雲端收銀標準版")
    shot(v, "2-vendor-queue")
    v.get_by_test_id("vendor-orders").locator("a").first.click()
    v.fill("#payment_link", "https://pay.example.tw/abc")
    v.get_by_test_id("accept").click()
    expect(v.get_by_test_id("confirm-payment")).to_be_visible()

    # Member: the payment link and the deadline.
    m.goto(order_url)
    expect(m.get_by_test_id("payment-link")).to_have_attribute("href", "https://pay.example.tw/abc")
    shot(m, "3-pay")

    # Vendor: payment received, invoice, service start.
    v.get_by_test_id("confirm-payment").click()
    v.fill("#invoice_number", "AB12345678")
    v.get_by_test_id("record-invoice").click()
    v.get_by_test_id("start-service").click()
    expect(v.get_by_test_id("order-status")).to_have_text(re.compile("服務中|In service"))
    shot(v, "4-vendor-in-service")

    # Member: the invoice, the refund quote for a date, then cancel.
    m.goto(order_url)
    expect(m.get_by_test_id("invoice-number")).to_contain_text("AB12345678")
    start = timezone.localdate()
    m.fill("[data-testid=quote-date]", (start + dt.timedelta(days=44)).isoformat())
    m.get_by_test_id("quote-date").dispatch_event("change")
    expect(m.get_by_test_id("quote-self-pay")).to_have_text("NT$20,000")
    expect(m.get_by_test_id("quote-points")).to_have_text("20,000")
    shot(m, "5-quote")
    m.fill("#reason", "改用其他方案")
    m.get_by_test_id("cancel-paid").click()
    expect(m.get_by_test_id("refund")).to_contain_text("NT$25,000")  # 1 month used of 6

    # Vendor: pays the self-pay back and confirms.
    v.goto(f"{live_server.url}/vendor/refunds/")
    shot(v, "6-vendor-refunds")
    v.get_by_test_id("confirm-refund").click()
    m.goto(order_url)
    expect(m.get_by_test_id("order-status")).to_have_text(re.compile("已退款|Refunded"))
    shot(m, "7-refunded")
    m_ctx.close()
    v_ctx.close()
