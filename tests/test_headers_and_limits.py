"""Headers and cookies: a strict Content-Security-Policy on every page, the
language cookie like the session's in production, and the token endpoint's
per-IP limits (failed attempts 10 a minute, successes far more)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.factories import PASSWORD
from tests.test_config import OPTIONAL, PROD_ENV

pytestmark = pytest.mark.django_db


def csp_of(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part
    }


@pytest.mark.parametrize("url", ["/", "/plans/", "/accounts/login/", "/api/docs/", "/admin/login/"])
def test_pages_send_a_strict_content_security_policy(client, categories, url):
    response = client.get(url)
    policy = csp_of(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def test_no_template_has_inline_script_style_or_handlers():
    import re
    from pathlib import Path

    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=", re.I)
    offenders = [
        str(path.relative_to(settings.BASE_DIR))
        for path in (Path(settings.BASE_DIR) / "templates").rglob("*.html")
        if inline.search(path.read_text())
    ]
    assert offenders == []


def test_htmx_is_told_not_to_inject_styles_or_evaluate_code(client, categories):
    page = client.get("/").content.decode()
    assert """<meta name="htmx-config" content='{"includeIndicatorStyles": false""" in page
    assert '"allowEval": false' in page


def test_the_api_docs_load_their_script_from_a_url_not_inline(client):
    page = client.get("/api/docs/").content.decode()
    assert "<script>" not in page and "<style>" not in page
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()


def test_the_language_cookie_is_secure_and_lax_in_production():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.LANGUAGE_COOKIE_SECURE, s.LANGUAGE_COOKIE_SAMESITE, s.LANGUAGE_COOKIE_HTTPONLY, "
        "s.SESSION_COOKIE_SECURE)"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {*PROD_ENV, *OPTIONAL}}
    clean.update(PROD_ENV, DJANGO_SETTINGS_MODULE="tcloud.settings")
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["True", "Lax", "True", "True"], result.stderr


def test_the_language_switch_sets_a_lax_httponly_cookie(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    assert cookie["samesite"] == "Lax" and cookie["httponly"]


# --- the token endpoint's per-IP limits -------------------------------------------


@pytest.fixture
def fresh_limits():
    cache.clear()
    yield
    cache.clear()


def _token(email, password):
    return APIClient().post(
        "/api/v1/auth/token/",
        {"email": email, "password": password},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_successful_token_requests_are_not_limited_like_failures(member, fresh_limits):
    answers = [_token(member.email, PASSWORD).status_code for _ in range(15)]
    assert answers == [200] * 15  # the old limit counted these and refused the 11th


def test_ten_failed_attempts_a_minute_then_429_for_everyone_from_that_ip(member, fresh_limits):
    for _ in range(10):
        assert _token("nobody@example.test", "wrong").status_code == 400
    refused = _token(member.email, PASSWORD)
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"
    assert set(refused.json()) == {"detail", "code"}


def test_successes_have_their_own_far_higher_limit(member, fresh_limits, monkeypatch):
    from tcloud.core.api.auth import SuccessfulTokenRequests

    monkeypatch.setattr(
        SuccessfulTokenRequests, "THROTTLE_RATES", {"auth": "10/min", "auth_success": "3/min"}
    )
    assert [_token(member.email, PASSWORD).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] == {
        "auth": "10/min",
        "auth_success": "120/min",
    }
