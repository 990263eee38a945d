"""The wizard's pages, personal data handling, login protection and GET /api/v1/me/."""

from __future__ import annotations

import logging

import pytest
from django.core import mail

from members.models import Business, RegistrationApplication, User
from tests.factories import PASSWORD, MemberFactory
from tests.members import factories as wf
from tests.members.conftest import COMPANY, NATIONAL_ID

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def en_client(client):
    client.cookies["django_language"] = "en"
    return client


def test_M6_public_signup_leads_to_the_wizard(client):
    response = client.get("/accounts/signup/")
    assert response.status_code == 302 and response.url == "/join/"


@pytest.mark.parametrize(
    ("tax_id", "says"),
    [
        ("12345678", "check digits do not add up"),
        ("1234567", "exactly 8 digits"),
        ("A2345678", "digits only"),
        ("95495951", "found no active business"),
    ],
)
def test_M4_wizard_page_shows_a_clear_message_for_a_bad_tax_id(en_client, tax_id, says):
    page = en_client.post("/join/", {"tax_id": tax_id}, **EN).content.decode()
    assert says in page
    assert RegistrationApplication.objects.count() == 0
    assert "members_application" not in en_client.session


def test_M4_wizard_page_refuses_a_tax_id_already_registered(en_client):
    MemberFactory(business__tax_id=COMPANY)
    page = en_client.post("/join/", {"tax_id": COMPANY}, **EN).content.decode()
    assert "already registered" in page
    assert RegistrationApplication.objects.count() == 0


def test_M6_wizard_pages_walk_to_an_active_signed_in_member(client, sms_outbox):
    assert client.post("/join/", {"tax_id": COMPANY}).status_code == 302
    client.post(
        "/join/",
        {
            "action": "choose",
            "method": "phone",
            "national_id": NATIONAL_ID,
            "phone": "0912345678",
            "roc_national": "on",
            "postpaid": "on",
        },
    )
    code = wf.email_code(sms_outbox[-1][1])
    client.post("/join/", {"action": "verify", "code": code})
    decl = {
        f"decl_{k}": "on"
        for k in ["law", "breach", "mainland", "foreign_branch", "domestic_branch", "prior_subsidy"]
    }
    client.post("/join/", {"data_query": "on", **decl})
    client.post("/join/", {"personal_data": "on"})
    with pytest.MonkeyPatch.context():
        from django.test import TestCase

        with TestCase.captureOnCommitCallbacks(execute=True):
            client.post(
                "/join/",
                {
                    "email": "web@example.test",
                    "name": "張晨光",
                    "password1": PASSWORD,
                    "password2": PASSWORD,
                },
            )
    assert RegistrationApplication.objects.get().step == "email"
    response = client.post(
        "/join/", {"action": "confirm", "code": wf.email_code(mail.outbox[-1].body)}
    )
    assert response.status_code == 302 and response.url == "/me/"
    assert client.get("/me/").status_code == 200
    assert User.objects.get(email="web@example.test").is_active


def test_M6_wizard_resumes_from_the_link_in_a_new_browser(client):
    client.post("/join/", {"tax_id": COMPANY})
    page = client.get("/join/").content.decode()
    link = page.split('data-testid="resume-url"')[0].rsplit('value="', 1)[1].split('"')[0]
    assert "/join/resume/" in link
    client.cookies.clear()  # the browser was closed: a new session
    assert "晨光文具" not in client.get("/join/").content.decode()
    client.get(link.split("testserver", 1)[1])
    assert "晨光文具" in client.get("/join/").content.decode()


def test_M5_switching_method_is_refused_on_the_page(en_client):
    en_client.post("/join/", {"tax_id": COMPANY})
    en_client.post(
        "/join/",
        {
            "action": "choose",
            "method": "phone",
            "national_id": NATIONAL_ID,
            "phone": "0912345678",
            "roc_national": "on",
            "postpaid": "on",
        },
    )
    page = en_client.post(
        "/join/", {"action": "choose", "method": "citizen_cert", "national_id": NATIONAL_ID}, **EN
    ).content.decode()
    assert RegistrationApplication.objects.get().verification_method == "phone"
    assert "chosen-method" in page


def test_national_id_is_masked_for_the_member_never_in_urls_or_logs(client, caplog, program):
    caplog.set_level(logging.DEBUG)
    user = wf.member()
    client.force_login(user)
    page = client.get("/me/").content.decode()
    assert "A1******89" in page and NATIONAL_ID not in page
    assert NATIONAL_ID not in caplog.text
    application = RegistrationApplication.objects.get()
    assert NATIONAL_ID not in repr(application)
    assert all(NATIONAL_ID not in str(event.data) for event in application.events.all())


def test_login_is_locked_per_account_after_repeated_failures(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
    user = MemberFactory()
    for _ in range(5):
        client.post("/accounts/login/", {"login": user.email, "password": "wrong"})
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 429)


def test_login_is_locked_per_ip_after_repeated_failures(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
    user = MemberFactory()
    for n in range(10):
        client.post("/accounts/login/", {"login": f"nobody{n}@example.test", "password": "wrong"})
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_code_sending_is_rate_limited_per_ip(settings):
    from members import services
    from tcloud.core.errors import RuleError

    sent = 0
    with pytest.raises(RuleError) as refused:
        for n in range(30):
            application = wf.start()
            services.registration_choose_method(
                application=application,
                method="phone",
                national_id=NATIONAL_ID,
                phone="0912345678",
                roc_national=True,
                postpaid=True,
                ip="10.0.0.1",
            )
            sent = n + 1
    assert refused.value.code == "throttled" and sent == 20


def test_api_me_answers_email_role_and_business(client):
    user = MemberFactory(business__tax_id=COMPANY, business__name="晨光文具有限公司")
    assert client.get("/api/v1/me/").status_code in (401, 403)
    client.force_login(user)
    body = client.get("/api/v1/me/").json()
    assert body["email"] == user.email and body["role"] == "member"
    assert body["business"]["tax_id"] == COMPANY and body["business"]["kind"] == "company"


def test_api_me_for_staff_has_no_business(client, staff_user):
    client.force_login(staff_user)
    assert client.get("/api/v1/me/").json() == {
        "email": staff_user.email,
        "role": "staff",
        "business": None,
    }


def test_M1_seed_demo_sets_the_states_the_demo_accounts_promise():
    from io import StringIO

    from django.core.management import call_command

    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())  # idempotent
    states = {
        b.tax_id: b
        for b in Business.objects.filter(
            tax_id__in=["04702088", "00651474", "00238778", "22099131"]
        )
    }
    assert states["04702088"].eligible and states["00651474"].eligible
    assert (
        states["00238778"].review_status == "pending"
        and states["00238778"].eligibility_code == "pending_review"
    )
    assert states["22099131"].eligible is False and states["22099131"].foreign_branch
    assert states["04702088"].events.filter(action="review_requested").count() == 0
    assert states["00238778"].events.filter(action="review_requested").count() == 1
