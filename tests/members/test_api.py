"""The registration wizard through the API (RULES M4-M6)."""

from __future__ import annotations

import pytest
from django.core import mail
from rest_framework.test import APIClient

from members.eligibility import DECLARATION_KEYS
from members.models import Business, RegistrationApplication, User
from tests.factories import PASSWORD, MemberFactory
from tests.members import factories as wf
from tests.members.conftest import COMPANY, NATIONAL_ID, TAX_REGISTERED

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def api():
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


def _start(api, tax_id=COMPANY):
    response = api.post("/api/v1/registrations/", {"tax_id": tax_id}, format="json")
    assert response.status_code == 201, response.json()
    api.credentials(
        HTTP_X_REGISTRATION_TOKEN=response.json()["resume_token"], HTTP_ACCEPT_LANGUAGE="en"
    )
    return response.json()


def test_M6_registration_through_the_api_ends_with_a_member_who_gets_a_token(api, sms_outbox):
    started = _start(api)
    assert started["step"] == "verification" and started["kind"] == "company"
    assert started["methods"] == ["business_cert", "citizen_cert", "mobile_cert", "phone"]
    body = api.post(
        "/api/v1/registrations/current/verification/",
        {
            "method": "phone",
            "national_id": NATIONAL_ID,
            "phone": "0912345678",
            "roc_national": True,
            "postpaid": True,
        },
        format="json",
    ).json()
    assert body["verification"] == {"sent_to": "0912***678"}
    code = wf.email_code(sms_outbox[-1][1])
    assert (
        api.post("/api/v1/registrations/current/verify/", {"code": code}, format="json").json()[
            "step"
        ]
        == "declarations"
    )
    api.post(
        "/api/v1/registrations/current/declarations/",
        {"data_query": True, "declarations": dict.fromkeys(DECLARATION_KEYS, True)},
        format="json",
    )
    api.post("/api/v1/registrations/current/consent/", {"personal_data": True}, format="json")
    body = api.post(
        "/api/v1/registrations/current/account/",
        {"email": "api@example.test", "password": PASSWORD, "name": "王"},
        format="json",
    ).json()
    assert body["step"] == "email"
    token = APIClient().post(
        "/api/v1/auth/token/", {"email": "api@example.test", "password": PASSWORD}, format="json"
    )
    assert token.status_code == 400  # not before the email code
    code = wf.email_code(mail.outbox[-1].body)
    assert (
        api.post("/api/v1/registrations/current/email/", {"code": code}, format="json").json()[
            "step"
        ]
        == "done"
    )
    token = APIClient().post(
        "/api/v1/auth/token/", {"email": "api@example.test", "password": PASSWORD}, format="json"
    )
    assert token.status_code == 200
    me = APIClient(HTTP_AUTHORIZATION=f"Token {token.json()['token']}").get("/api/v1/me/").json()
    assert me["business"]["tax_id"] == COMPANY and me["role"] == "member"


@pytest.mark.parametrize("tax_id", ["12345678", "1234567", "A2345678"])
def test_M4_api_refuses_bad_tax_ids_with_a_field_error(api, tax_id):
    response = api.post("/api/v1/registrations/", {"tax_id": tax_id}, format="json")
    assert response.status_code == 400 and response.json()["tax_id"]
    assert RegistrationApplication.objects.count() == 0


def test_M4_api_refuses_a_duplicate_registration_with_409(api):
    MemberFactory(business__tax_id=COMPANY)
    response = api.post("/api/v1/registrations/", {"tax_id": COMPANY}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "already_registered"
    assert RegistrationApplication.objects.count() == 0 and Business.objects.count() == 1


def test_M5_api_refuses_switching_method_and_disallowed_methods(api):
    _start(api, TAX_REGISTERED)
    refused = api.post(
        "/api/v1/registrations/current/verification/",
        {"method": "phone", "national_id": NATIONAL_ID},
        format="json",
    )
    assert refused.status_code == 409 and refused.json()["code"] == "method_not_allowed"
    api.post(
        "/api/v1/registrations/current/verification/",
        {"method": "citizen_cert", "national_id": NATIONAL_ID},
        format="json",
    )
    switched = api.post(
        "/api/v1/registrations/current/verification/",
        {"method": "mobile_cert", "national_id": NATIONAL_ID},
        format="json",
    )
    assert switched.status_code == 409 and switched.json()["code"] == "method_locked"


def test_M6_api_steps_out_of_order_are_409_and_unknown_tokens_404(api):
    _start(api)
    response = api.post(
        "/api/v1/registrations/current/consent/", {"personal_data": True}, format="json"
    )
    assert response.status_code == 409 and response.json()["code"] == "invalid_state"
    assert (
        APIClient()
        .get("/api/v1/registrations/current/", HTTP_X_REGISTRATION_TOKEN="nope")
        .status_code
        == 404
    )
    assert User.objects.count() == 0
