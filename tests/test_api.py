"""The API skeleton: token auth, error format, schema, docs, categories."""

import pytest
from rest_framework.test import APIClient

from points.categories import CATEGORIES
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

CODES = [
    "inventory", "erp", "accounting", "hr", "crm", "collaboration", "pos", "production",
    "mobile_payment", "e_invoice", "customer_service", "security", "online_store", "carbon",
    "energy",
]  # fmt: skip


@pytest.fixture
def api():
    return APIClient()


def test_P3_categories_lists_the_15_codes_of_the_public_contract(api, categories):
    response = api.get("/api/v1/categories/")
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"count", "next", "previous", "results"}
    assert data["count"] == 15
    assert [c["code"] for c in data["results"]] == CODES
    assert data["results"][6] == {"code": "pos", "name": "雲端收銀(POS)"}
    assert [c[0] for c in CATEGORIES] == CODES


def test_categories_speak_the_request_language(api, categories):
    response = api.get("/api/v1/categories/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["results"][6]["name"] == "Cloud point of sale (POS)"


def test_token_for_email_and_password_then_token_auth(api, member):
    response = api.post(
        "/api/v1/auth/token/", {"email": member.email, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    # The same key again: one token per user.
    again = APIClient().post(
        "/api/v1/auth/token/", {"email": member.email.upper(), "password": PASSWORD}, format="json"
    )
    assert again.json() == {"token": token}


def test_bad_credentials_answer_400_in_the_field_format(api, member):
    response = api.post(
        "/api/v1/auth/token/", {"email": member.email, "password": "wrong"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["電子郵件或密碼錯誤，或帳號未啟用。"]}
    missing = api.post(
        "/api/v1/auth/token/", {"email": "x"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert set(missing.json()) == {"email", "password"}
    assert missing.json()["password"] == ["This field is required."]


def test_unverified_email_gets_no_token(api, member):
    member.emailaddress_set.update(verified=False)
    response = api.post(
        "/api/v1/auth/token/",
        {"email": member.email, "password": PASSWORD},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "Verify your email" in response.json()["non_field_errors"][0]


def test_errors_other_than_400_have_detail_and_code(api):
    response = api.get("/api/v1/nowhere/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


def test_rule_errors_answer_409_with_their_code(rf):
    from tcloud.core.api.errors import exception_handler
    from tcloud.core.errors import RuleError

    response = exception_handler(RuleError("No budget left.", code="budget_exhausted"), {})
    assert response.status_code == 409
    assert response.data == {"detail": "No budget left.", "code": "budget_exhausted"}


def test_not_signed_in_is_401_with_detail_and_code():
    from rest_framework.decorators import api_view
    from rest_framework.test import APIRequestFactory

    @api_view(["GET"])
    def private(request):  # any view with the default permission
        return None

    response = private(APIRequestFactory().get("/api/v1/private/", HTTP_ACCEPT_LANGUAGE="en"))
    assert response.status_code == 401
    assert response.data == {
        "detail": "Authentication credentials were not provided.",
        "code": "not_authenticated",
    }


def test_openapi_schema_and_docs_are_served_without_a_cdn(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/auth/token/" in paths and "/api/v1/categories/" in paths
    docs = api.get("/api/docs/")
    assert docs.status_code == 200
    assert "cdn" not in docs.content.decode().lower()
