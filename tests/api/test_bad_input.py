"""No input gets a 5xx (shared/API.md, "Errors"): each malformed input an outside
tester sent answers the documented 4xx in the documented shape, and changes
nothing. The orders fixtures (program 111, a member with points, a vendor)
come from tests/orders/conftest.py."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from members import services as member_services
from members.eligibility import DECLARATION_KEYS
from members.models import User
from orders import services as order_services
from orders.models import Order
from tests.factories import PASSWORD
from tests.members.conftest import COMPANY, NATIONAL_ID
from tests.orders.helpers import confirmed, in_service

pytestmark = pytest.mark.django_db

NUL_MESSAGE = "Null characters are not allowed."
DEEP_ARRAY = "[" * 1000 + "]" * 1000
DEEP_OBJECT = '{"a":' * 1000 + "1" + "}" * 1000


def api_for(user=None) -> APIClient:
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        api.force_authenticate(user)
    return api


def post_raw(api, url, body: str, **extra):
    return api.post(url, body, content_type="application/json", **extra)


def assert_field_errors(body) -> None:
    """The 400 shape of shared/API.md: an object of fields, each a list of
    strings or a nested object (or list of objects); never a repr."""

    def walk(value):
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, str):
                    assert "ErrorDetail" not in item and "{'" not in item, item
                else:
                    walk(item)
        else:
            raise AssertionError(f"not a list or object: {value!r}")

    assert isinstance(body, dict) and body, body
    walk(body)


# --- bodies that are not JSON objects -----------------------------------------------

ENDPOINTS_WITH_BODIES = [
    "/api/v1/auth/token/",
    "/api/v1/registrations/",
    "/api/v1/orders/",
    "/api/v1/assessment/",
]


@pytest.mark.parametrize("url", ENDPOINTS_WITH_BODIES)
@pytest.mark.parametrize("body", [DEEP_ARRAY, DEEP_OBJECT])
def test_json_nested_1000_deep_is_a_400_not_a_recursion_error(url, body, member_a):
    response = post_raw(api_for(member_a), url, body)
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["The JSON is nested too deeply (at most 32 levels)."]
    }


def test_json_nested_just_within_the_limit_reaches_the_view(member_a):
    body = {"answers": [{"question": 1, "choice": {"x": 1}}]}
    response = api_for(member_a).post("/api/v1/assessment/", body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"answers"}  # the serializer's error, not the parser's


@pytest.mark.parametrize("body", ['["x"]', '"x"', "42", "null", "true"])
def test_a_json_value_where_an_object_belongs_is_a_400(body, db):
    response = post_raw(api_for(), "/api/v1/registrations/", body)
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Send a JSON object ({...}) as the request body."]
    }


def test_malformed_json_is_a_400_in_the_field_format(db):
    response = post_raw(api_for(), "/api/v1/registrations/", '{"tax_id": ')
    assert response.status_code == 400
    body = response.json()
    assert list(body) == ["non_field_errors"]
    assert body["non_field_errors"][0].startswith("The body is not valid JSON")


def test_nan_is_not_json(db):
    response = post_raw(api_for(), "/api/v1/registrations/", '{"tax_id": NaN}')
    assert response.status_code == 400


def test_a_body_over_the_limit_is_a_413_with_detail_and_code(settings, member_a):
    settings.API_MAX_BODY_BYTES = 1000
    body = json.dumps({"reason": "x" * 2000})
    response = post_raw(api_for(member_a), "/api/v1/orders/1/cancel/", body)
    assert response.status_code == 413
    assert response.json() == {
        "detail": "The request body is larger than 1000 bytes.",
        "code": "request_too_large",
    }


def test_the_default_limit_is_one_mebibyte(member_a):
    body = json.dumps({"plan": 1, "padding": "x" * (1024 * 1024)})
    response = post_raw(api_for(member_a), "/api/v1/orders/", body)
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
    assert not Order.objects.exists()


def test_a_form_body_is_refused_as_an_unsupported_media_type(member_a, plan):
    response = api_for(member_a).post("/api/v1/orders/", {"plan": plan.pk}, format="multipart")
    assert response.status_code == 415
    assert set(response.json()) == {"detail", "code"}
    assert not Order.objects.exists()


# --- NUL bytes ----------------------------------------------------------------------


@pytest.mark.parametrize("param", ["q", "category", "sort", "page"])
def test_a_nul_byte_in_a_query_parameter_is_a_400_naming_it(param, db):
    response = api_for().get(f"/api/v1/plans/?{param}=a%00b")
    assert response.status_code == 400
    assert response.json() == {param: [NUL_MESSAGE]}


def test_a_nul_byte_in_a_header_is_a_400(member_a, plan):
    response = api_for(member_a).post(
        "/api/v1/orders/", {"plan": plan.pk}, format="json", HTTP_IDEMPOTENCY_KEY="k\x00"
    )
    assert response.status_code == 400
    assert response.json() == {"Idempotency-Key": [NUL_MESSAGE]}
    registration = api_for().get("/api/v1/registrations/current/", HTTP_X_REGISTRATION_TOKEN="\x00")
    assert registration.status_code == 400
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"tax_id": "9510\x000004"},
        {"tax_id": "95100004", "extra": ["\x00"]},
        {"tax_id\x00": "95100004"},
    ],
)
def test_a_nul_byte_anywhere_in_a_json_body_is_a_400(body, db):
    response = api_for().post("/api/v1/registrations/", body, format="json")
    assert response.status_code == 400
    assert_field_errors(response.json())
    assert NUL_MESSAGE in json.dumps(response.json())


def test_a_nul_byte_deep_in_a_body_is_reported_where_it_is(member_a, wallet_a, plan):
    order = order_services.order_create(user=member_a, plan=plan)
    body = {"agree_contract": True, "verification": {"code": "00\x000000"}}
    response = api_for(member_a).post(f"/api/v1/orders/{order.pk}/submit/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {"verification": {"code": [NUL_MESSAGE]}}
    assert Order.objects.get(pk=order.pk).status == Order.Status.DRAFT


def test_a_lone_surrogate_is_a_400_not_an_encoding_error(db):
    response = post_raw(api_for(), "/api/v1/registrations/", '{"tax_id": "\\ud800"}')
    assert response.status_code == 400
    assert response.json() == {"tax_id": ["The text is not valid Unicode."]}


def test_a_nul_byte_in_the_web_cancel_reason_is_a_400_and_cancels_nothing(
    member_a, wallet_a, plan, vendor_a
):
    order = confirmed(member_a, plan, vendor_a)
    client = Client()
    client.force_login(member_a)
    response = client.post(f"/orders/{order.pk}/cancel/", {"reason": "too\x00late"})
    assert response.status_code == 400
    assert b"Null characters" in response.content or "空".encode() in response.content
    assert Order.objects.get(pk=order.pk).status == Order.Status.CONFIRMED


def test_a_nul_byte_in_a_page_query_is_the_400_page(db):
    response = Client().get("/plans/?q=%00")
    assert response.status_code == 400
    assert b"400" in response.content


# --- registration: overlong and NUL-carrying fields ------------------------------------


def _at_account_step() -> APIClient:
    application, token = member_services.registration_start(tax_id=COMPANY)
    member_services.registration_choose_method(
        application=application,
        method="phone",
        national_id=NATIONAL_ID,
        phone="0912345678",
        roc_national=True,
        postpaid=True,
    )
    member_services.registration_verify(application=application, proof={"code": "000000"})
    member_services.registration_accept_declarations(
        application=application,
        data_query=True,
        declarations=dict.fromkeys(DECLARATION_KEYS, True),
    )
    member_services.registration_consent(application=application, personal_data=True)
    api = api_for()
    api.credentials(HTTP_X_REGISTRATION_TOKEN=token, HTTP_ACCEPT_LANGUAGE="en")
    return api


@pytest.fixture
def account_step(db, settings):
    settings.MEMBERS_SMS_BACKEND = "members.verification.LocmemSMSBackend"
    return _at_account_step()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", "a" * 10_000 + "@example.test"),
        ("name", "王" * 10_000),
        ("password", "p" * 10_000),
        ("email", "own\x00er@example.test"),
        ("name", "王\x00"),
    ],
    ids=["long-email", "long-name", "long-password", "nul-email", "nul-name"],
)
def test_an_overlong_or_nul_registration_field_is_a_400_and_creates_no_account(
    account_step, field, value
):
    body = {"email": "owner@example.test", "password": PASSWORD, "name": "王大明", field: value}
    response = account_step.post("/api/v1/registrations/current/account/", body, format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()) == [field]
    assert not User.objects.filter(role="member").exists()


def test_the_service_refuses_an_email_longer_than_its_column(account_step):
    """The web form and the API both end in the service: it checks the length itself."""
    from django.core.exceptions import ValidationError

    from members.models import RegistrationApplication

    application = RegistrationApplication.objects.get()
    with pytest.raises(ValidationError) as refused:
        member_services.registration_create_account(
            application=application, email="a" * 250 + "@x.tw", password=PASSWORD, name="王"
        )
    assert "email" in refused.value.message_dict


def test_an_overlong_tax_id_is_a_400(db):
    response = api_for().post("/api/v1/registrations/", {"tax_id": "9" * 10_000}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["tax_id"]


# --- dates --------------------------------------------------------------------------


def test_year_9999_in_service_start_is_a_400_and_starts_nothing(member_a, wallet_a, plan, vendor_a):
    order = confirmed(member_a, plan, vendor_a)
    response = api_for(vendor_a).post(
        f"/api/v1/vendor/orders/{order.pk}/start-service/",
        {"service_start": "9999-12-31"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"service_start": ["Enter a date between 1911-01-01 and 2200-12-31."]}
    assert Order.objects.get(pk=order.pk).service_start is None


@pytest.mark.parametrize("on", ["9999-12-31", "0001-01-01", "1910-12-31"])
def test_refund_quote_outside_1911_to_2200_is_a_400(member_a, wallet_a, plan, vendor_a, on):
    order = in_service(member_a, plan, vendor_a, dt.date(2022, 6, 1))
    response = api_for(member_a).get(f"/api/v1/orders/{order.pk}/refund-quote/?on={on}")
    assert response.status_code == 400
    assert list(response.json()) == ["on"]


def test_refund_quote_at_the_bounds_answers(member_a, wallet_a, plan, vendor_a):
    order = in_service(member_a, plan, vendor_a, dt.date(2022, 6, 1))
    response = api_for(member_a).get(f"/api/v1/orders/{order.pk}/refund-quote/?on=2200-12-31")
    assert response.status_code == 200


def test_year_9999_on_the_web_never_errors(member_a, wallet_a, plan, vendor_a):
    order = in_service(member_a, plan, vendor_a, dt.date(2022, 6, 1))
    member = Client()
    member.force_login(member_a)
    quote = member.get(f"/orders/{order.pk}/refund-quote/?on=9999-12-31")
    assert quote.status_code == 200  # quotes today instead
    other = confirmed(member_a, plan, vendor_a)
    vendor = Client()
    vendor.force_login(vendor_a)
    started = vendor.post(
        f"/vendor/orders/{other.pk}/start-service/", {"service_start": "9999-12-31"}
    )
    assert started.status_code == 302
    assert Order.objects.get(pk=other.pk).service_start is None


def test_year_9999_in_the_invoice_date_is_a_400(member_a, wallet_a, plan, vendor_a):
    order = confirmed(member_a, plan, vendor_a)
    response = api_for(vendor_a).post(
        f"/api/v1/vendor/orders/{order.pk}/invoice/",
        {"invoice_number": "AB12345678", "issued_on": "9999-01-01"},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["issued_on"]


# --- the 400 shape ------------------------------------------------------------------


def test_the_empty_answers_of_the_outside_tester_are_a_plain_field_error(member_a):
    response = api_for(member_a).post("/api/v1/assessment/", {"answers": []}, format="json")
    assert response.status_code == 400
    assert response.json() == {"answers": ["This list may not be empty."]}


def test_nested_errors_are_json_not_a_python_repr():
    """What made `{"answers": []}` answer `"{'non_field_errors': [ErrorDetail(...`:
    a nested serializer's errors. They nest as JSON objects and lists now."""
    from rest_framework.exceptions import ErrorDetail

    from tcloud.core.api.errors import field_errors

    detail = {
        "answers": {"non_field_errors": [ErrorDetail("This list may not be empty.", "empty")]},
        "verification": {"chain": {"0": [ErrorDetail("Too long.", "max_length")]}},
        "items": [{}, {"question": [ErrorDetail("Required.", "required")]}],
        "plain": ErrorDetail("Bad.", "invalid"),
    }
    assert field_errors(detail) == {
        "answers": {"non_field_errors": ["This list may not be empty."]},
        "verification": {"chain": {"0": ["Too long."]}},
        "items": [{}, {"question": ["Required."]}],
        "plain": ["Bad."],
    }
    assert field_errors([ErrorDetail("Oops.", "x")]) == {"non_field_errors": ["Oops."]}


def test_a_string_field_takes_only_strings(member_a, wallet_a, plan, vendor_a):
    order = order_services.order_submit(
        order=order_services.order_create(user=member_a, plan=plan),
        actor=member_a,
        agree_contract=True,
        verification={"code": "000000"},
    )
    response = api_for(vendor_a).post(
        f"/api/v1/vendor/orders/{order.pk}/accept/",
        {"payment_link": "https://pay.example/1", "payment_options": 0},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["payment_options"]
    assert Order.objects.get(pk=order.pk).status == Order.Status.SUBMITTED


def test_errors_of_a_list_of_objects_nest_by_position(member_a):
    body = {"answers": [{"question": 1, "choice": 1}, {"question": "x"}]}
    response = api_for(member_a).post("/api/v1/assessment/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "answers": {
            "1": {
                "question": ["A valid integer is required."],
                "choice": ["This field is required."],
            }
        }
    }


def test_a_bad_filter_is_a_400_naming_it(db):
    response = api_for().get("/api/v1/plans/?min_price=-1&vendor=abc&q=" + "x" * 101)
    assert response.status_code == 400
    assert set(response.json()) == {"min_price", "vendor", "q"}
    assert_field_errors(response.json())


def test_a_web_form_over_djangos_limit_is_a_400(settings, member_a, wallet_a, plan, vendor_a):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    order = confirmed(member_a, plan, vendor_a)
    client = Client()
    client.force_login(member_a)
    response = client.post(f"/orders/{order.pk}/cancel/", {"reason": "x" * 5000})
    assert response.status_code == 400
    assert Order.objects.get(pk=order.pk).status == Order.Status.CONFIRMED


# --- anything at all ----------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=json_values)
def test_no_json_body_gets_a_5xx(member_a, body):
    api = api_for(member_a)
    for url in ("/api/v1/registrations/", "/api/v1/orders/", "/api/v1/assessment/"):
        response = api.post(url, json.dumps(body), content_type="application/json")
        assert response.status_code < 500, (url, body, response.content)
