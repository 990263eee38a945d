"""The OpenAPI schema tells the truth (/api/schema/): errors, constraints, nullability."""

from __future__ import annotations

import pytest
import yaml
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        response = APIClient().get("/api/schema/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield method.upper(), path, operation


def test_every_operation_documents_field_errors_in_the_shared_shape(schema):
    for method, path, operation in operations(schema):
        bad = operation["responses"]["400"]["content"]["application/json"]["schema"]
        assert bad == {"$ref": "#/components/schemas/FieldErrors"}, (method, path)
    assert "additionalProperties" in schema["components"]["schemas"]["FieldErrors"]
    assert schema["components"]["schemas"]["Error"]["required"] == ["detail", "code"]


def test_operations_document_the_errors_they_can_give(schema):
    by_key = {(m, p): set(o["responses"]) for m, p, o in operations(schema)}
    assert {"401", "403", "404", "409", "413", "415", "422"} <= by_key[
        ("POST", "/api/v1/orders/{id}/submit/")
    ]
    assert {"401", "403", "404"} <= by_key[("GET", "/api/v1/vendor/orders/")]
    assert {"429", "413", "415"} <= by_key[("POST", "/api/v1/auth/token/")]
    assert "409" not in by_key[("POST", "/api/v1/auth/token/")]
    assert "401" not in by_key[("POST", "/api/v1/registrations/")]  # no sign-in at all
    assert "404" in by_key[("POST", "/api/v1/registrations/current/account/")]
    assert "409" in by_key[("GET", "/api/v1/orders/{id}/refund-quote/")]
    assert "422" not in by_key[("POST", "/api/v1/vendor/orders/{id}/accept/")]  # not idempotent
    conflict = schema["paths"]["/api/v1/orders/{id}/cancel/"]["post"]["responses"]["409"]
    assert "invalid_state" in conflict["description"]


def test_idempotent_operations_document_the_header_and_its_bound(schema):
    for method, path in [
        ("post", "/api/v1/orders/"),
        ("post", "/api/v1/orders/{id}/submit/"),
        ("post", "/api/v1/orders/{id}/cancel/"),
        ("post", "/api/v1/vendor/orders/{id}/confirm-payment/"),
        ("post", "/api/v1/assessment/"),
    ]:
        operation = schema["paths"][path][method]
        headers = [p for p in operation["parameters"] if p["in"] == "header"]
        assert [h["name"] for h in headers] == ["Idempotency-Key"], path
        assert headers[0]["schema"]["maxLength"] == 200
        assert "422" in operation["responses"]


def test_payment_link_is_a_uri_or_empty(schema):
    link = schema["components"]["schemas"]["Order"]["properties"]["payment_link"]
    assert link.get("format") != "uri"
    assert {"format": "uri"} in link["anyOf"] and {"maxLength": 0} in link["anyOf"]


def test_the_real_constraints_are_in_the_schema(schema):
    components = schema["components"]["schemas"]
    assert components["Account"]["properties"]["email"]["maxLength"] == 254
    assert components["Account"]["properties"]["name"]["maxLength"] == 150
    assert components["Reason"]["properties"]["reason"]["maxLength"] == 1000
    start = components["StartService"]["properties"]["service_start"]
    assert start["format"] == "date" and "from 1911-01-01 to 2200-12-31" in start["description"]
    assert components["VendorPlan"]["properties"]["description"]["maxLength"] == 10_000
    assert components["AssessmentIn"]["properties"]["answers"]["minItems"] == 1
    plans = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/plans/"]["get"]["parameters"]}
    assert plans["page_size"] == {"type": "integer", "minimum": 1, "maximum": 200}
    assert plans["min_price"]["minimum"] == 0 and plans["q"]["maxLength"] == 100


def test_nullable_fields_are_declared_nullable(schema):
    order = schema["components"]["schemas"]["Order"]["properties"]
    for name in ("respond_by", "pay_by", "service_start", "invoice_issued_on"):
        assert order[name].get("nullable") is True, name
    wallet = schema["components"]["schemas"]["Wallet"]["properties"]
    assert wallet["granted_at"]["nullable"] is True
