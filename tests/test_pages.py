"""The landing page, the language switch, vendored assets, email sign-up."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from members.models import User

pytestmark = pytest.mark.django_db


def test_landing_explains_the_program_in_traditional_chinese_by_default(client, program):
    # A browser asking for English still gets Chinese until the person switches.
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en").content.decode()
    for text in [
        "誰可以申請",  # who may apply
        "實收資本額在新臺幣一億元以下",  # M2
        "非陸資企業",  # M3
        "NT$30,000",  # what a member gets
        "1 : 1",
        "雲端收銀(POS)",  # the 15 categories
        "能源管理系統(EMS)",
        "加入會員",  # the four steps
        "獲得點數",
        "方案選購",
        "進行付款",
        "1 個月內啟用",  # validity rules
        "有效期限 3 個月",
        "諮詢管道",  # where to get help
    ]:
        assert text in body, text
    assert '<html lang="zh-Hant-TW">' in body


def test_language_switch_to_english_and_back(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    body = response.content.decode()
    assert "Who may apply" in body and '<html lang="en">' in body
    response = client.post("/i18n/setlang/", {"language": "zh-hant", "next": "/"}, follow=True)
    assert "誰可以申請" in response.content.decode()


def test_compiled_message_catalog_is_built():
    assert (Path(settings.BASE_DIR) / "locale/zh_Hant/LC_MESSAGES/django.mo").exists()


def test_bootstrap_and_htmx_are_vendored_and_no_page_uses_a_cdn(client):
    body = client.get("/").content.decode()
    for src in re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', body):
        assert src.startswith("/static/"), src
    static = Path(settings.BASE_DIR) / "static/vendor"
    assert (static / "bootstrap/bootstrap.min.css").exists()
    assert "htmx" in (static / "htmx/htmx.min.js").read_text()[:2000].lower()
    templates = Path(settings.BASE_DIR) / "templates"
    for path in templates.rglob("*.html"):
        assert not re.search(r"https?://[^\"']*(cdn|unpkg|jsdelivr)", path.read_text()), path


def test_money_is_shown_as_ntd():
    from tcloud.core.templatetags.tcloud import ntd, roc_date

    assert ntd(30000) == "NT$30,000"
    assert ntd(0) == "NT$0"
    import datetime as dt

    assert roc_date(dt.date(2022, 1, 3)) == "民國111年1月3日"


def test_simulator_banner_shows_on_every_page_when_on(client, settings):
    settings.VERIFICATION_SIMULATOR = True
    assert 'data-testid="simulator-banner"' in client.get("/").content.decode()
    settings.VERIFICATION_SIMULATOR = False
    assert 'data-testid="simulator-banner"' not in client.get("/").content.decode()


def test_sign_up_leads_to_the_registration_wizard(client):
    # Members register a business (RULES M6): the public sign-up is the wizard at
    # /join/, whose email-code step tests/members/test_wizard.py proves.
    response = client.post(
        "/accounts/signup/",
        {
            "email": "new@example.test",
            "password1": "a-Long-passw0rd!",
            "password2": "a-Long-passw0rd!",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/join/"
    assert not User.objects.filter(email="new@example.test").exists()
