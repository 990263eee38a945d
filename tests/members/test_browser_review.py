"""Staff's review queue of tax-registered businesses in the admin (M5), in Chromium."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from members.models import Business
from tests.factories import PASSWORD, StaffFactory
from tests.members import factories as wf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_see_overdue_reviews_and_reject_with_a_reason(page, program, artifacts_dir):
    staff = StaffFactory(email="staff@example.test")
    late = wf.member("95179194", email="late@example.test", method="citizen_cert").business
    wf.member("00238778", email="fresh@example.test", method="citizen_cert")
    # The first waited since last week (test setup, not a business operation).
    Business.objects.filter(pk=late.pk).update(review_due_at=timezone.now() - dt.timedelta(days=2))

    # The admin signs in through the site's (allauth) login.
    page.goto(page.base_url + "/admin/login/")
    page.fill('input[name="login"]', staff.email)
    page.fill('input[name="password"]', PASSWORD)
    page.locator('form button[type="submit"]').last.click()
    page.wait_for_url("**/admin/")
    page.goto(page.base_url + "/admin/members/taxregisteredreview/")
    expect(page.locator("[data-overdue]")).to_have_count(1)
    expect(page.locator("#result_list")).to_contain_text("阿嬤的麵攤")
    page.screenshot(path=os.path.join(artifacts_dir, "members-review-queue.png"), full_page=True)

    page.get_by_role("link", name="阿嬤的麵攤").click()
    page.select_option("#id_decision", "reject")
    page.locator("input[name=_save]").click()
    expect(page.locator(".errorlist")).to_be_visible()
    page.select_option("#id_decision", "reject")
    page.fill("#id_reason", "稅籍資料顯示已停業")
    page.screenshot(path=os.path.join(artifacts_dir, "members-review-decide.png"), full_page=True)
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_be_visible()
    late.refresh_from_db()
    assert late.review_status == "rejected" and late.review_reason == "稅籍資料顯示已停業"
    assert any(
        "稅籍資料顯示已停業" in m.body and m.to == ["late@example.test"] for m in mail.outbox
    )
