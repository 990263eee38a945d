"""The registration wizard in Chromium (RULES M4-M6): a company by phone, a
tax-registered business by citizen certificate (simulated), resumed after the
browser was closed."""

from __future__ import annotations

import os
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from members.models import Business, User
from members.verification import LocmemSMSBackend
from tests.factories import PASSWORD
from tests.members.conftest import COMPANY, NATIONAL_ID, TAX_REGISTERED

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, artifacts_dir, name):
    page.screenshot(path=os.path.join(artifacts_dir, f"members-{name}.png"), full_page=True)


def _code(text: str) -> str:
    return re.search(r"\b(\d{6})\b", text).group(1)


def _declarations_consent_account(page, artifacts_dir, email, prefix):
    expect(page.get_by_test_id("declarations-form")).to_be_visible()
    page.get_by_label("I authorise the program").check()
    for box in page.get_by_test_id("declarations-form").locator("input[name^=decl_]").all():
        box.check()
    _shot(page, artifacts_dir, f"{prefix}-3-declarations")
    page.get_by_role("button", name="Accept and continue").click()
    expect(page.get_by_test_id("consent-text")).to_be_visible()
    page.get_by_role("button", name="Continue").click()  # without consent
    expect(page.get_by_test_id("error-personal_data")).to_be_visible()
    page.get_by_label("I have read the notice above").check()
    page.get_by_role("button", name="Continue").click()
    form = page.get_by_test_id("account-form")
    form.get_by_label("Email (your sign-in)").fill(email)
    form.get_by_label("Contact person").fill("王大明")
    form.get_by_label("Password", exact=True).fill(PASSWORD)
    form.get_by_label("Password again").fill(PASSWORD)
    _shot(page, artifacts_dir, f"{prefix}-4-account")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_test_id("email-form")).to_be_visible()
    page.get_by_label("Code from the email").fill(
        "999999" if "999999" not in mail.outbox[-1].body else "888888"
    )
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_test_id("form-error")).to_contain_text("not right")
    _shot(page, artifacts_dir, f"{prefix}-5-email-wrong-code")
    page.get_by_label("Code from the email").fill(_code(mail.outbox[-1].body))
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(re.compile(r"/me/$"))


def test_company_registers_verifying_by_phone(page, program, artifacts_dir):
    LocmemSMSBackend.outbox.clear()
    page.goto(page.base_url + "/")
    page.get_by_test_id("switch-language").click()  # English
    page.get_by_role("link", name="Join", exact=True).click()
    expect(page).to_have_url(re.compile(r"/join/$"))

    page.get_by_label("Tax ID").fill("12345678")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_test_id("error-tax_id")).to_contain_text("check digits do not add up")
    _shot(page, artifacts_dir, "phone-1-bad-tax-id")
    page.get_by_label("Tax ID").fill(COMPANY)
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_test_id("business-card")).to_contain_text("晨光文具有限公司")
    page.get_by_label("Representative's mobile phone").check()
    page.get_by_label("Representative's national ID").fill(NATIONAL_ID)
    page.get_by_label("Representative's mobile number").fill("0912345678")
    page.get_by_label("The representative is a national").check()
    page.get_by_label("The number is a postpaid").check()
    page.get_by_role("button", name="Start verification").click()
    expect(page.get_by_test_id("chosen-method")).to_contain_text("mobile phone")
    expect(page.locator("main")).to_contain_text("0912***678")
    code = _code(LocmemSMSBackend.outbox[-1][1])
    page.get_by_label("Code from the SMS").fill("000001" if code != "000001" else "000002")
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_test_id("form-error")).to_contain_text("tries left")
    _shot(page, artifacts_dir, "phone-2-wrong-sms-code")
    page.get_by_label("Code from the SMS").fill(code)
    page.get_by_role("button", name="Verify").click()

    _declarations_consent_account(page, artifacts_dir, "phone@example.test", "phone")
    expect(page.get_by_test_id("eligibility")).to_contain_text("can receive points")
    expect(page.get_by_test_id("representative")).to_contain_text("A1******89")
    expect(page.locator("body")).not_to_contain_text(NATIONAL_ID)
    _shot(page, artifacts_dir, "phone-6-member-home")
    user = User.objects.get(email="phone@example.test")
    assert (
        user.is_active
        and user.business.tax_id == COMPANY
        and user.business.verification_method == "phone"
    )


def test_tax_registered_business_registers_by_citizen_certificate_and_resumes(
    browser, live_server, program, artifacts_dir
):
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live_server.url + "/join/")
    page.get_by_test_id("switch-language").click()
    page.get_by_label("Tax ID").fill(TAX_REGISTERED)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_test_id("business-card")).to_contain_text("Tax-registered business")
    # Only the certificates are offered to a tax-registered business (M5).
    methods = page.get_by_test_id("method-form").locator("input[name=method]")
    expect(methods).to_have_count(2)
    expect(page.get_by_label("Representative's mobile phone")).to_have_count(0)
    _shot(page, artifacts_dir, "cert-1-methods")
    resume_url = page.get_by_test_id("resume-url").input_value()
    context.close()  # the browser is closed in the middle

    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(resume_url)
    page.get_by_test_id("switch-language").click()
    expect(page.get_by_test_id("business-card")).to_contain_text("阿嬤的麵攤")
    page.get_by_label("citizen certificate (自然人憑證)").check()
    page.get_by_label("Representative's national ID").fill(NATIONAL_ID)
    page.get_by_role("button", name="Start verification").click()
    expect(page.get_by_test_id("chosen-method")).to_contain_text("citizen certificate")
    expect(page.get_by_test_id("challenge")).not_to_be_empty()
    expect(page.get_by_test_id("simulator-banner")).to_be_visible()
    _shot(page, artifacts_dir, "cert-2-challenge")
    page.get_by_label("Simulator code").fill("000000")
    page.get_by_role("button", name="Verify").click()

    _declarations_consent_account(page, artifacts_dir, "cert@example.test", "cert")
    expect(page.get_by_test_id("review-status")).to_contain_text("Waiting for staff review")
    expect(page.get_by_test_id("eligibility")).to_contain_text("within 1 business day")
    expect(page.get_by_test_id("eligibility")).to_contain_text("full self-pay")
    _shot(page, artifacts_dir, "cert-6-member-home-pending")
    business = Business.objects.get(tax_id=TAX_REGISTERED)
    assert business.review_status == "pending" and business.verification_method == "citizen_cert"
    context.close()
