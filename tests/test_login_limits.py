"""One set of failed-login limits for every way in: the web login, the admin and
the API token endpoint (allauth's "login_failed" limits, shared in the cache)."""

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture
def login_limits(settings):
    # The production limits (test settings turn them off for everything else).
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


def _token(api, email, password):
    return api.post(
        TOKEN_URL,
        {"email": email, "password": password},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_api_refuses_the_right_password_after_five_wrong_ones_with_429(api, member, login_limits):
    for _ in range(5):
        assert _token(api, member.email, "wrong").status_code == 400
    response = _token(api, member.email, PASSWORD)
    assert response.status_code == 429
    assert response.json() == {
        "detail": "Too many failed sign-in attempts. Try again later.",
        "code": "too_many_attempts",
    }
    assert not Token.objects.filter(user=member).exists()


def test_api_still_gives_a_token_below_the_limit(api, member, login_limits):
    for _ in range(4):
        _token(api, member.email, "wrong")
    response = _token(api, member.email, PASSWORD)
    assert response.status_code == 200
    assert response.json()["token"] == Token.objects.get(user=member).key


def test_wrong_passwords_on_the_web_login_lock_the_api(client, api, member, login_limits):
    for _ in range(5):
        client.post("/accounts/login/", {"login": member.email, "password": "wrong"})
    response = _token(api, member.email.upper(), PASSWORD)
    assert response.status_code == 429
    assert response.json()["code"] == "too_many_attempts"


def test_wrong_passwords_on_the_api_lock_the_web_login(client, api, member, login_limits):
    for _ in range(5):
        _token(api, member.email, "wrong")
    client.post("/accounts/login/", {"login": member.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_failures_from_one_ip_lock_the_api_for_every_account(client, api, member, login_limits):
    for n in range(10):
        client.post("/accounts/login/", {"login": f"nobody{n}@example.test", "password": "x"})
    response = _token(api, member.email, PASSWORD)
    assert response.status_code == 429
    assert response.json()["code"] == "too_many_attempts"


# The admin signs in through the allauth login, under the same limits.


def test_anonymous_admin_visit_ends_at_the_allauth_login(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/login/?next=/admin/"
    assert response.status_code == 200
    assert 'name="login"' in response.content.decode()


def test_admin_login_keeps_a_local_next_and_drops_a_foreign_one(client):
    response = client.get("/admin/login/?next=/admin/catalog/plan/")
    assert response["Location"] == "/accounts/login/?next=/admin/catalog/plan/"
    response = client.get("/admin/login/?next=https://evil.example/")
    assert response["Location"] == "/accounts/login/?next=/admin/"


def test_the_admin_password_form_no_longer_signs_anyone_in(client, staff_user):
    response = client.post("/admin/login/", {"username": staff_user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_staff_signing_in_through_allauth_land_in_the_admin(client, staff_user, login_limits):
    response = client.post(
        "/accounts/login/?next=/admin/",
        {"login": staff_user.email, "password": PASSWORD},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/admin/"
    assert response.status_code == 200
    assert 'id="user-tools"' in response.content.decode()


def test_a_locked_staff_account_cannot_reach_the_admin(client, staff_user, login_limits):
    for _ in range(5):
        client.post("/accounts/login/?next=/admin/", {"login": staff_user.email, "password": "x"})
    client.post("/accounts/login/?next=/admin/", {"login": staff_user.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_signed_in_staff_opening_the_admin_login_go_to_next(client, staff_user):
    client.force_login(staff_user)
    response = client.get("/admin/login/?next=/admin/catalog/plan/")
    assert response["Location"] == "/admin/catalog/plan/"


def test_signed_in_non_staff_opening_the_admin_get_a_403_not_a_login_loop(client, member):
    client.force_login(member)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert 'data-testid="forbidden"' in response.content.decode()


# The demo's simulator banner shows on admin pages too.


@pytest.mark.parametrize("simulator", [True, False])
def test_admin_pages_show_the_simulator_banner_exactly_when_it_is_on(
    client, settings, staff_user, simulator
):
    settings.VERIFICATION_SIMULATOR = simulator
    client.force_login(staff_user)
    for url in ("/admin/", "/admin/overview/"):
        response = client.get(url)
        assert response.status_code == 200
        assert ('data-testid="simulator-banner"' in response.content.decode()) is simulator
