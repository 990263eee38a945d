"""O3 in Chromium with a real method (simulator off): a business that registered
with its business certificate signs the order page's challenge and submits."""

import os
import re

import pytest
from playwright.sync_api import expect

from members import verification as vf
from orders import services
from tests.members.conftest import FakeCA
from tests.orders.test_browser_orders import market, signed_in  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_O3_certificate_reauth_on_the_order_page(
    browser,
    live_server,
    market,  # noqa: F811 (the fixture imported above)
    artifacts_dir,
    settings,
    tmp_path,
):
    plan, _vendor, member = market
    ca = FakeCA("Test MOEACA (browser)")
    (tmp_path / "root.pem").write_bytes(ca.pem())
    settings.MEMBERS_CA_FILES = {"business_cert": [str(tmp_path / "root.pem")], "citizen_cert": []}
    settings.VERIFICATION_SIMULATOR = False
    business = member.business
    business.verification_method = vf.BUSINESS_CERT
    business.save(update_fields=["verification_method"])
    order = services.order_create(user=member, plan=plan)
    holder = ca.issue(cn="demo", serial=business.tax_id)

    ctx, page = signed_in(browser, live_server, member)
    page.goto(f"{live_server.url}/orders/{order.pk}/")
    page.get_by_test_id("send-code").click()
    challenge = page.get_by_test_id("challenge").inner_text()
    expect(page.locator("#code")).to_have_count(0)
    proof = holder.proof(challenge)
    # Pasting is the fallback behind the card reader (static/js/signer.js).
    page.get_by_test_id("paste-signature").locator("summary").click()
    page.fill("#certificate", proof["certificate"])
    page.fill("#signature", proof["signature"])
    page.check("#agree_contract")
    page.screenshot(
        path=os.path.join(artifacts_dir, "orders-reauth-certificate.png"), full_page=True
    )
    page.get_by_test_id("submit-order").click()
    expect(page.get_by_test_id("order-status")).to_have_text(re.compile("廠商|vendor"))
    ctx.close()
