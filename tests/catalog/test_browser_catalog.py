"""Chromium: a buyer browses and filters the catalog; a vendor submits a plan that
staff approve in the admin, and it appears in the catalog."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from catalog.models import Plan
from points.models import Category
from tests import factories
from tests.catalog.factories import PlanFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, email):
    page.goto(page.base_url + "/accounts/login/")
    page.fill('input[name="login"]', email)
    page.fill('input[name="password"]', factories.PASSWORD)
    page.locator('form button[type="submit"]').last.click()
    page.wait_for_load_state("networkidle")


def test_buyer_browses_the_zone_searches_and_filters(page, open_program, artifacts_dir):
    pos = Category.objects.get(code="pos")
    vendor = factories.VendorFactory(name="掌櫃科技有限公司")
    PlanFactory(
        vendor=vendor,
        category=pos,
        name="掌櫃雲端收銀 POS 標準版",
        summary="餐飲零售適用的雲端收銀",
        price=60_000,
        term_months=6,
    )
    PlanFactory(
        vendor=vendor,
        category=pos,
        name="掌櫃雲端收銀 POS 輕量版",
        summary="單店雲端收銀",
        price=18_000,
        term_months=12,
    )
    PlanFactory(
        category=Category.objects.get(code="erp"),
        name="好管家ERP 中小企業版",
        price=60_000,
        term_months=12,
    )

    page.goto(page.base_url + "/catalog/")
    expect(page.get_by_test_id("zone-categories").locator("li")).to_have_count(15)
    expect(page.get_by_test_id("zone-category-pos").get_by_test_id("count")).to_have_text("2")
    page.screenshot(path=os.path.join(artifacts_dir, "catalog-zone.png"), full_page=True)

    page.get_by_test_id("zone-category-pos").click()
    expect(page.get_by_test_id("plan-card")).to_have_count(2)

    page.fill("#f-q", "雲端收銀")
    page.fill("#f-max", "20000")
    page.get_by_test_id("apply-filters").click()
    expect(page.get_by_test_id("plan-card")).to_have_count(1)
    expect(page.get_by_test_id("plan-card")).to_contain_text("掌櫃雲端收銀 POS 輕量版")
    page.screenshot(path=os.path.join(artifacts_dir, "catalog-filtered.png"), full_page=True)

    page.fill("#f-max", "")
    page.get_by_test_id("apply-filters").click()
    page.get_by_test_id("sort").select_option("-price")
    expect(page.get_by_test_id("plan-card").first).to_contain_text("標準版")

    page.get_by_test_id("plan-card").first.locator("a").click()
    expect(page.get_by_test_id("plan-name")).to_have_text("掌櫃雲端收銀 POS 標準版")
    expect(page.get_by_test_id("split-points")).to_have_text("30,000")
    expect(page.get_by_test_id("split-self-pay")).to_have_text("NT$30,000")
    page.screenshot(path=os.path.join(artifacts_dir, "catalog-plan.png"), full_page=True)


def test_vendor_submits_a_plan_and_staff_approve_it_in_the_admin(
    browser, live_server, open_program, artifacts_dir
):
    vendor_user = factories.VendorUserFactory(vendor__name="雲端好夥伴股份有限公司")
    staff = factories.StaffFactory()

    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    _sign_in(page, vendor_user.email)
    page.goto(page.base_url + "/vendor/")
    page.get_by_test_id("new-plan").first.click()
    page.select_option("#id_category", label="雲端收銀(POS)")
    page.fill("#id_name", "夥伴雲端收銀 旗艦版")
    page.fill("#id_summary", "多門市雲端收銀、會員與庫存同步")
    page.fill("#id_description", "含三台平板收銀與教育訓練")
    page.fill("#id_specification", "門市：3\n使用者：15")
    page.fill("#id_price", "60000")
    page.fill("#id_term_months", "6")
    page.screenshot(
        path=os.path.join(artifacts_dir, "catalog-vendor-plan-form.png"), full_page=True
    )
    page.get_by_test_id("save-plan").click()
    expect(page.get_by_test_id("plan-status")).to_have_attribute("data-status", "draft")
    page.get_by_test_id("submit-plan").click()
    expect(page.get_by_test_id("plan-status")).to_have_attribute("data-status", "submitted")
    page.screenshot(
        path=os.path.join(artifacts_dir, "catalog-vendor-submitted.png"), full_page=True
    )
    plan = Plan.objects.get(name="夥伴雲端收銀 旗艦版")
    context.close()

    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    admin = context.new_page()
    admin.set_default_timeout(15_000)
    # The admin signs in through the site's (allauth) login.
    admin.goto(live_server.url + "/admin/login/?next=/admin/catalog/plan/")
    admin.fill('input[name="login"]', staff.email)
    admin.fill('input[name="password"]', factories.PASSWORD)
    admin.locator('form button[type="submit"]').last.click()
    admin.locator(f'a[href="/admin/catalog/plan/{plan.pk}/review/"]').click()
    admin.get_by_label("Approve and list").check() if admin.get_by_label(
        "Approve and list"
    ).count() else admin.locator('input[value="approve"]').check()
    admin.fill("#id_note", "規格清楚，核准上架")
    admin.screenshot(path=os.path.join(artifacts_dir, "catalog-admin-review.png"), full_page=True)
    admin.locator('input[name="_review"]').click()
    expect(admin.locator(".messagelist")).to_be_visible()
    admin.screenshot(path=os.path.join(artifacts_dir, "catalog-admin-reviewed.png"), full_page=True)

    plan.refresh_from_db()
    assert plan.status == Plan.Status.LISTED
    admin.goto(live_server.url + "/plans/?q=旗艦")
    expect(admin.get_by_test_id("plan-card")).to_have_count(1)
    admin.get_by_test_id("plan-card").locator("a").click()
    expect(admin.get_by_test_id("subsidy-badge")).to_be_visible()
    context.close()

    # The vendor sees the staff's note.
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.base_url = live_server.url
    _sign_in(page, vendor_user.email)
    page.goto(f"{live_server.url}/vendor/plans/{plan.pk}/")
    expect(page.get_by_test_id("review-note")).to_contain_text("核准上架")
    page.screenshot(path=os.path.join(artifacts_dir, "catalog-vendor-listed.png"), full_page=True)
    context.close()


def test_M4_company_applies_to_become_a_vendor(page, categories, artifacts_dir):
    from catalog.models import Vendor

    page.goto(page.base_url + "/vendor/apply/")
    values = {
        "#id_tax_id": "12345678",
        "#id_name": "雲端好管家資訊股份有限公司",
        "#id_representative": "林雅婷",
        "#id_address": "台北市信義區信義路五段7號",
        "#id_phone": "02-2712-3456",
        "#id_contact_name": "林雅婷",
        "#id_contact_email": "sales@haoguanjia.test",
        "#id_contact_phone": "0912-345-678",
        "#id_bank_code": "812",
        "#id_bank_branch": "信義分行",
        "#id_bank_account_name": "雲端好管家資訊股份有限公司",
        "#id_bank_account_number": "12345678901234",
        "#id_admin_name": "林雅婷",
        "#id_admin_email": "admin@haoguanjia.test",
        "#id_admin_password": "a-Long-vendor-passw0rd",
    }
    for selector, value in values.items():
        page.fill(selector, value)
    page.get_by_test_id("apply").click()
    expect(page.get_by_test_id("error-tax_id")).to_contain_text("12345678")
    page.screenshot(
        path=os.path.join(artifacts_dir, "catalog-vendor-apply-error.png"), full_page=True
    )
    assert not Vendor.objects.exists()

    page.fill("#id_tax_id", "53212539")
    page.fill("#id_admin_password", values["#id_admin_password"])
    page.get_by_test_id("apply").click()
    expect(page.get_by_test_id("apply-done")).to_be_visible()
    assert Vendor.objects.get().status == Vendor.Status.PENDING
