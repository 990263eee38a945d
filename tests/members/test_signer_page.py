"""What the certificate pages hand static/js/signer.js (RULES M5, O3), without a
browser: the widget's data, the PIN field that posts nothing, and the opener
policy that lets the signing component's popup answer."""

from __future__ import annotations

import re

import pytest

from members import services
from members import verification as vf
from orders import services as order_services
from tests.catalog.factories import PlanFactory
from tests.factories import MemberFactory
from tests.members.conftest import COMPANY, NATIONAL_ID, TAX_REGISTERED

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_simulator")]


def _widget(html: str) -> str:
    return re.search(r"<div class=\"signer[^>]*>", html).group()


def test_M5_the_certificate_step_hands_the_component_address_challenge_and_messages(client):
    application, token = services.registration_start(tax_id=TAX_REGISTERED)
    challenge, _info = services.registration_choose_method(
        application=application, method="citizen_cert", national_id=NATIONAL_ID
    )
    client.get(f"/join/resume/{token}/")
    response = client.get("/join/")
    html = response.content.decode()
    widget = _widget(html)
    assert 'data-component-url="http://localhost:61161"' in widget
    assert f'data-challenge="{challenge.nonce}"' in widget
    assert 'data-msg-no-card="讀卡機中沒有卡片' in widget  # the page's language
    assert "https://moica.nat.gov.tw/rac_plugin.html" in html
    assert "http://localhost:61161/selfTest.htm" in html
    # The PIN field has no name: the form never posts it.
    pin = re.search(r"<input[^>]*data-signer-pin[^>]*>", html).group()
    assert "name=" not in pin and 'type="password"' in pin
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin-allow-popups"
    assert "style=" not in widget


def test_M5_the_widget_is_only_on_certificate_steps_and_other_pages_keep_same_origin(client):
    application, token = services.registration_start(tax_id=COMPANY)
    services.registration_choose_method(
        application=application,
        method="phone",
        national_id=NATIONAL_ID,
        phone="0912345678",
        roc_national=True,
        postpaid=True,
    )
    client.get(f"/join/resume/{token}/")
    assert "data-signer" not in client.get("/join/").content.decode()
    assert client.get("/").headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_O3_the_order_page_lets_the_popup_answer_and_the_reauth_part_carries_the_widget(
    client, program
):
    member = MemberFactory()
    plan = PlanFactory(price=60_000, term_months=6)
    member.business.verification_method = vf.BUSINESS_CERT
    member.business.save(update_fields=["verification_method"])
    order = order_services.order_create(user=member, plan=plan)
    client.force_login(member)
    page = client.get(f"/orders/{order.pk}/")
    assert page.headers["Cross-Origin-Opener-Policy"] == "same-origin-allow-popups"
    part = client.post(f"/orders/{order.pk}/verification/").content.decode()
    challenge = re.search(r'name="challenge" value="([^"]+)"', part).group(1)
    assert f'data-challenge="{challenge}"' in _widget(part)
