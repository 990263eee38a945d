"""The card reader in Chromium (RULES M5, O3): static/js/signer.js against a
stand-in for the national signing component that speaks its popup/postMessage
protocol (tests/members/fake_signer.py), with the simulator off and the server's
real certificate checks."""

from __future__ import annotations

import os
import re
import socket

import pytest
from playwright.sync_api import expect

from members import services
from members import verification as vf
from members.models import MemberEvent, RegistrationApplication, VerificationChallenge
from orders import services as order_services
from orders.models import Order
from tests.members.conftest import NATIONAL_ID, TAX_REGISTERED
from tests.members.fake_signer import FakeSigningComponent
from tests.orders.test_browser_orders import market, signed_in  # noqa: F401 (fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("trusted_cas", "no_simulator"),
]

PIN = "Pin-8731"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def component(settings, moica):
    holder = moica.issue(cn="李阿嬤", serial="0000000000" + NATIONAL_ID[-4:], rsa_key=True)
    fake = FakeSigningComponent(holder, pin=PIN)
    settings.MEMBERS_SIGNER_URL = fake.url
    yield fake
    fake.close()


def _context(browser, viewport=DESKTOP, locale="en-US"):
    context = browser.new_context(locale=locale, viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(15_000)
    # Every request the page makes to our site, to prove the PIN never goes there.
    page.posted = []
    context.on(
        "request",
        lambda request: page.posted.append(f"{request.url} {request.post_data or ''}"),
    )
    return context, page


def _verification_page(page, live_server, *, english=True):
    application, token = services.registration_start(tax_id=TAX_REGISTERED)
    services.registration_choose_method(
        application=application, method="citizen_cert", national_id=NATIONAL_ID
    )
    if english:
        # The switch's cookie (the switch itself is folded away on a phone).
        page.context.add_cookies(
            [{"name": "django_language", "value": "en", "url": live_server.url}]
        )
    page.goto(f"{live_server.url}/join/resume/{token}/")
    expect(page.get_by_test_id("signer")).to_be_visible()
    return application


def _shot(page, artifacts_dir, name):
    page.screenshot(path=os.path.join(artifacts_dir, f"signer-{name}.png"), full_page=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _no_try_counted(application):
    challenge = VerificationChallenge.objects.get(application=application)
    assert challenge.attempts == 0 and challenge.used_at is None
    assert not MemberEvent.objects.filter(
        application=application, action="verification_failed"
    ).exists()
    application.refresh_from_db()
    assert application.step == "verification"


def test_M5_without_the_component_the_page_says_how_to_install_it_in_its_language(
    browser, live_server, settings, artifacts_dir
):
    settings.MEMBERS_SIGNER_URL = f"http://127.0.0.1:{_free_port()}"  # nothing listens
    for viewport, size in ((PHONE, "phone"), (DESKTOP, "desktop")):
        context, page = _context(browser, viewport, locale="zh-TW")
        application = _verification_page(page, live_server, english=False)
        page.get_by_role("button", name="讀取卡片").click()
        install = page.get_by_test_id("signer-install")
        expect(install).to_be_visible(timeout=10_000)
        expect(install).to_contain_text("跨平台網頁元件")
        expect(
            install.get_by_role("link", name="moica.nat.gov.tw/rac_plugin.html")
        ).to_have_attribute("href", "https://moica.nat.gov.tw/rac_plugin.html")
        expect(install.get_by_role("link", name="自我檢測")).to_have_attribute(
            "href", settings.MEMBERS_SIGNER_URL + "/selfTest.htm"
        )
        _shot(page, artifacts_dir, f"absent-zh-{size}")
        # Pasting stays possible for people without the component.
        page.get_by_text("沒有簽章元件？").click()
        expect(page.get_by_label("憑證（PEM）")).to_be_visible()
        _no_try_counted(application)
        context.close()

    context, page = _context(browser)
    _verification_page(page, live_server)
    page.get_by_role("button", name="Read the card").click()
    expect(page.get_by_test_id("signer-install")).to_contain_text(
        "The signing component is not running on this computer", timeout=10_000
    )
    _shot(page, artifacts_dir, "absent-en-desktop")
    context.close()


def test_M5_the_card_signs_the_challenge_and_the_identity_step_completes(
    browser, live_server, component, artifacts_dir
):
    context, page = _context(browser, PHONE)
    application = _verification_page(page, live_server)
    nonce = page.get_by_test_id("challenge").inner_text()
    _shot(page, artifacts_dir, "1-ready-phone")
    page.get_by_role("button", name="Read the card").click()
    expect(page.get_by_test_id("signer-status")).to_contain_text("Card found")
    expect(page.get_by_label("Card", exact=True)).to_contain_text("李阿嬤")
    page.get_by_label("Card PIN").fill(PIN)
    _shot(page, artifacts_dir, "2-card-found-phone")
    page.get_by_role("button", name="Sign and verify").click()

    expect(page.get_by_test_id("declarations-form")).to_be_visible()
    application.refresh_from_db()
    assert application.step == "declarations" and application.verification_method == "citizen_cert"
    assert MemberEvent.objects.filter(application=application, action="verified").exists()
    # What the page asked the component for: the card list, then a PKCS#7 over
    # SHA-256 of exactly the server's challenge.
    listing, signing = component.requests
    assert listing == {"func": "GetUserCert"}
    assert signing["func"] == "MakeSignature" and signing["tbs"] == nonce
    assert signing["signatureType"] == "PKCS7" and signing["hashAlgorithm"] == "SHA256"
    assert signing["slotDescription"] == FakeSigningComponent.READER
    # The PIN went to the component only, never to our site.
    assert not [line for line in page.posted if PIN in line and component.url not in line]
    context.close()


def test_M5_a_wrong_pin_is_explained_and_never_counts_as_a_failed_verification(
    browser, live_server, component, artifacts_dir
):
    for viewport, size in ((PHONE, "phone"), (DESKTOP, "desktop")):
        component.pin_tries = 3
        context, page = _context(browser, viewport)
        application = _verification_page(page, live_server)
        page.get_by_role("button", name="Read the card").click()
        expect(page.get_by_test_id("signer-status")).to_contain_text("Card found")
        page.get_by_label("Card PIN").fill("000000")
        page.get_by_role("button", name="Sign and verify").click()
        status = page.get_by_test_id("signer-status")
        expect(status).to_contain_text("The PIN is not right; 2 more wrong PIN(s)")
        expect(status).to_contain_text("not counted as a failed verification")
        expect(page.get_by_label("Card PIN")).to_have_value("")
        _shot(page, artifacts_dir, f"wrong-pin-{size}")
        _no_try_counted(application)
        if size == "desktop":
            # Enter in the PIN field signs too.
            page.get_by_label("Card PIN").fill(PIN)
            page.get_by_label("Card PIN").press("Enter")
            expect(page.get_by_test_id("declarations-form")).to_be_visible()
            application.refresh_from_db()
            assert application.step == "declarations"
        context.close()


def test_M5_a_locked_card_is_said_plainly(browser, live_server, component, artifacts_dir):
    component.pin_tries = 1
    context, page = _context(browser)
    application = _verification_page(page, live_server)
    page.get_by_role("button", name="Read the card").click()
    page.get_by_label("Card PIN").fill("000000")
    page.get_by_role("button", name="Sign and verify").click()
    expect(page.get_by_test_id("signer-status")).to_contain_text("The card is locked")
    _shot(page, artifacts_dir, "locked-desktop")
    _no_try_counted(application)
    context.close()


def test_M5_no_card_and_no_reader_are_said_plainly(browser, live_server, component, artifacts_dir):
    component.card_in = False
    context, page = _context(browser, PHONE)
    application = _verification_page(page, live_server)
    page.get_by_role("button", name="Read the card").click()
    expect(page.get_by_test_id("signer-status")).to_contain_text("There is no card in the reader")
    expect(page.get_by_label("Card PIN")).to_be_hidden()
    _shot(page, artifacts_dir, "no-card-phone")

    component.readers = []
    page.get_by_role("button", name="Read the card").click()
    expect(page.get_by_test_id("signer-status")).to_contain_text("No card reader was found")

    # The card goes in: reading again finds it, and nothing was counted meanwhile.
    component.readers = [FakeSigningComponent.READER]
    component.card_in = True
    page.get_by_role("button", name="Read the card").click()
    expect(page.get_by_test_id("signer-status")).to_contain_text("Card found")
    _no_try_counted(application)
    context.close()


def test_M5_pasting_the_signature_still_works_without_the_component(
    browser, live_server, component
):
    context, page = _context(browser)
    application = _verification_page(page, live_server)
    nonce = page.get_by_test_id("challenge").inner_text()
    proof = component.holder.proof(nonce)
    page.get_by_text("No signing component?").click()
    page.get_by_label("Certificate (PEM)").fill(proof["certificate"])
    page.get_by_label("Signature (base64)").fill(proof["signature"])
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_test_id("declarations-form")).to_be_visible()
    assert RegistrationApplication.objects.get(pk=application.pk).step == "declarations"
    context.close()


def test_O3_the_card_signs_the_order_reauthentication_and_the_order_is_submitted(
    browser,
    live_server,
    market,  # noqa: F811 (the fixture imported above)
    settings,
    moeaca,
    artifacts_dir,
):
    plan, _vendor, member = market
    business = member.business
    business.verification_method = vf.BUSINESS_CERT
    business.save(update_fields=["verification_method"])
    holder = moeaca.issue(cn=business.name, serial=business.tax_id, rsa_key=True)
    fake = FakeSigningComponent(holder, pin=PIN)
    settings.MEMBERS_SIGNER_URL = fake.url
    order = order_services.order_create(user=member, plan=plan)
    try:
        for viewport, size in ((PHONE, "phone"), (DESKTOP, "desktop")):
            context, page = signed_in(browser, live_server, member)
            page.set_viewport_size(viewport)
            page.goto(f"{live_server.url}/orders/{order.pk}/")
            page.get_by_test_id("send-code").click()
            expect(page.get_by_test_id("signer")).to_be_visible()
            page.get_by_test_id("signer-read").click()
            expect(page.get_by_test_id("signer-card")).to_contain_text(business.name)
            _shot(page, artifacts_dir, f"order-card-found-{size}")
            if size == "phone":
                context.close()
                # A new challenge may be asked for once a minute; the desktop
                # pass below is another person's visit, not a resend.
                VerificationChallenge.objects.filter(business=business).delete()
                continue
            page.locator("#signer-pin").fill(PIN)
            # Signed before ticking the contract: the page asks to finish the form.
            page.get_by_test_id("signer-sign").click()
            expect(page.get_by_test_id("signer-status")).to_contain_text(
                re.compile("已完成簽章|Signed by the card")
            )
            assert Order.objects.get(pk=order.pk).status == "draft"
            page.check("#agree_contract")
            page.get_by_test_id("submit-order").click()
            expect(page.get_by_test_id("order-status")).to_have_text(re.compile("廠商|vendor"))
            _shot(page, artifacts_dir, f"order-submitted-{size}")
            context.close()
        assert Order.objects.get(pk=order.pk).status == "submitted"
        assert [r["func"] for r in fake.requests] == ["GetUserCert", "GetUserCert", "MakeSignature"]
    finally:
        fake.close()
