"""Settlement in Chromium (RULES S2-S5): the member confirms the service, staff
issue the month's statements, approve and pay them in the admin, and the vendor
reads its statement and downloads the CSV."""

from __future__ import annotations

import datetime as dt
import os

import pytest
import time_machine
from django.test import Client
from playwright.sync_api import expect

from orders import services
from points.services import category_ensure_all, wallet_grant
from tcloud.core.calendar import TAIPEI
from tests.catalog.factories import PlanFactory
from tests.factories import MemberFactory, ProgramFactory, StaffFactory, VendorUserFactory
from tests.orders.helpers import confirmed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOV_20 = dt.datetime(2026, 11, 20, 10, tzinfo=TAIPEI)
DEC_1 = dt.datetime(2026, 12, 1, 10, tzinfo=TAIPEI)


def _page(browser, live_server, user, *, width=1280):
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def test_S2_S5_member_confirms_staff_issue_approve_pay_vendor_downloads(
    browser, live_server, artifacts_dir
):
    shot = lambda page, name: page.screenshot(  # noqa: E731
        path=os.path.join(artifacts_dir, f"settlement-{name}.png"), full_page=True
    )
    with time_machine.travel(NOV_20, tick=True) as traveller:
        program = ProgramFactory(
            year=115,
            name="115年度補助專區",
            opens_on=dt.date(2026, 1, 1),
            closes_on=dt.date(2026, 12, 31),
        )
        program.categories.set(category_ensure_all())
        plan = PlanFactory(name="雲端收銀標準版", price=60_000, term_months=6)
        vendor = VendorUserFactory(vendor=plan.vendor)
        member = MemberFactory()
        staff = StaffFactory()
        wallet_grant(business=member.business, program=program)
        order = confirmed(member, plan, vendor)
        order = services.order_record_invoice(
            order=order, actor=vendor, invoice_number="AB12345678", issued_on=dt.date(2026, 11, 20)
        )
        services.order_start_service(order=order, actor=vendor, service_start=dt.date(2026, 11, 20))

        # The member confirms the service works, on a phone.
        context, m = _page(browser, live_server, member, width=390)
        m.goto(f"{live_server.url}/orders/{order.pk}/")
        expect(m.get_by_test_id("acceptance")).to_be_visible()
        shot(m, "1-member-to-confirm-phone")
        m.get_by_test_id("confirm-service").click()
        expect(m.get_by_test_id("points-payable")).to_be_visible()
        shot(m, "2-member-confirmed-phone")
        context.close()

        # The month is over: staff issue November's statements in the admin.
        traveller.move_to(DEC_1)
        context, s = _page(browser, live_server, staff)
        s.goto(f"{live_server.url}/admin/settlement/statement/")
        s.fill("#issue-period", "2026-11")
        s.get_by_test_id("issue-statements").click()
        expect(s.locator(".messagelist")).to_contain_text("2026-11")
        row = s.locator("#result_list tbody tr").first
        expect(row).to_contain_text("30,000")
        shot(s, "3-staff-issued")
        # Approve in bulk, then record the transfer.
        row.locator("input[name=_selected_action]").check()
        s.select_option("select[name=action]", "approve_selected")
        s.locator("button[name=index]").click()
        expect(s.locator(".messagelist")).to_contain_text("1")
        shot(s, "3b-staff-approved")
        s.locator("#result_list tbody tr th a").first.click()
        s.fill("#id_transferred_on", "2026-12-03")
        s.fill("#id_transfer", "TX-20261203-01")
        shot(s, "4-staff-pay")
        s.locator('input[name="_save"]').click()
        expect(s.locator("#result_list tbody tr").first).to_contain_text("2026")
        s.locator("#result_list tbody tr th a").first.click()
        expect(s.locator(".field-transfer_reference")).to_contain_text("TX-20261203-01")
        shot(s, "4b-staff-paid")
        context.close()

        # The vendor reads the paid statement and downloads its CSV.
        context, v = _page(browser, live_server, vendor)
        v.goto(f"{live_server.url}/vendor/settlements/")
        expect(v.get_by_test_id("statements")).to_contain_text("2026-11")
        v.get_by_role("link", name="2026-11").click()
        expect(v.get_by_test_id("statement-status")).to_have_attribute(
            "class", "badge text-bg-success"
        )
        expect(v.get_by_test_id("statement-lines")).to_contain_text(order.number)
        shot(v, "5-vendor-statement")
        with v.expect_download() as download:
            v.get_by_test_id("statement-csv").click()
        path = download.value.path()
        with open(path, encoding="utf-8") as f:
            body = f.read()
        assert body.startswith("\ufeff") and order.number in body and "TX-20261203-01" in body
        v.get_by_test_id("statement-print").click()
        expect(v.get_by_test_id("print-lines")).to_contain_text(order.number)
        shot(v, "6-vendor-printable")
        context.close()
