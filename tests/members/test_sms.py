"""Phone codes through the Mitake (三竹) SMS gateway, against a local fake (RULES M5)."""

from __future__ import annotations

import logging
import re
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from rest_framework.test import APIClient

from members import services
from members.models import MemberEvent, RegistrationApplication, VerificationChallenge
from members.sms import MitakeSMSBackend, SMSFailed, parse_answer
from tests.members import factories as wf
from tests.members.conftest import COMPANY, NATIONAL_ID

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_simulator")]


@pytest.fixture(autouse=True)
def _messages_in_english():
    from django.utils import translation

    with translation.override("en"):
        yield


ACCEPTED = "[1]\r\nmsgid=#0000000012\r\nstatuscode=1\r\nAccountPoint=98\r\n"


class FakeMitake:
    """Answers SmSend like Mitake: `key=value` lines. Tests set the answer, an
    HTTP status or a delay."""

    def __init__(self):
        self.requests: list[dict] = []
        self.answer = ACCEPTED.encode()
        self.status = 200
        self.delay = 0.0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode()
                path, _, query = self.path.partition("?")
                fake.requests.append(
                    {
                        "path": path,
                        "query": urllib.parse.parse_qs(query),
                        "form": {k: v[0] for k, v in urllib.parse.parse_qs(body).items()},
                        "content_type": self.headers.get("Content-Type"),
                    }
                )
                if fake.delay:
                    time.sleep(fake.delay)
                self.send_response(fake.status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(fake.answer)))
                self.end_headers()
                self.wfile.write(fake.answer)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/api/mtk/SmSend"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def mitake(settings):
    fake = FakeMitake()
    settings.MEMBERS_SMS_BACKEND = "members.sms.MitakeSMSBackend"
    settings.MEMBERS_SMS_URL = fake.url
    settings.MEMBERS_SMS_USERNAME = "tcloud-account"
    settings.MEMBERS_SMS_PASSWORD = "s3cret"
    settings.MEMBERS_SMS_SENDER = "tcloud"
    settings.MEMBERS_SMS_TIMEOUT = 2
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


def _choose_phone(application):
    return services.registration_choose_method(
        application=application,
        method="phone",
        national_id=NATIONAL_ID,
        phone="0912345678",
        roc_national=True,
        postpaid=True,
    )


def test_M5_phone_code_goes_out_through_mitake_and_verifies(mitake):
    application = wf.start(COMPANY)
    _challenge, info = _choose_phone(application)
    assert info == {"sent_to": "0912***678"}
    [request] = mitake.requests
    assert request["path"] == "/api/mtk/SmSend"
    assert request["query"] == {"CharsetURL": ["UTF-8"]}
    assert request["content_type"] == "application/x-www-form-urlencoded"
    form = request["form"]
    assert form["username"] == "tcloud-account" and form["password"] == "s3cret"
    assert form["dstaddr"] == "0912345678"
    assert form["smbody"].startswith("【tcloud】")
    assert len(form["clientid"]) == 32
    code = re.search(r"\d{6}", form["smbody"]).group()
    services.registration_verify(application=application, proof={"code": code})
    application.refresh_from_db()
    assert application.step == "declarations"


def test_M5_two_codes_to_one_number_carry_different_client_ids(mitake):
    # Mitake drops a repeated clientid: each message must have its own.
    backend = MitakeSMSBackend()
    backend.send(to="0912345678", text="a")
    backend.send(to="0912345678", text="b")
    first, second = (r["form"]["clientid"] for r in mitake.requests)
    assert first != second


def _refused_and_nothing_changed(application, code="sms_unavailable"):
    with pytest.raises(SMSFailed) as refused:
        _choose_phone(application)
    assert refused.value.code == code
    application.refresh_from_db()
    # The method choice and its challenge were rolled back with the failed send.
    assert application.verification_method == ""
    assert not VerificationChallenge.objects.filter(application=application).exists()
    assert not MemberEvent.objects.filter(application=application, action="method_chosen").exists()
    return refused.value


@pytest.mark.parametrize(
    "answer",
    [
        "statuscode=e\r\nError=帳號、密碼錯誤\r\n".encode("big5"),
        b"[1]\r\nstatuscode=v\r\nError=invalid number\r\n",
        b"[1]\r\nstatuscode=s\r\n",
        b"",
        b"<html>maintenance</html>",
    ],
    ids=["wrong-account-big5", "bad-number", "no-credit", "empty", "not-mitake"],
)
def test_M5_a_refusal_by_the_gateway_is_a_clear_rule_error_and_rolls_back(mitake, answer):
    mitake.answer = answer
    error = _refused_and_nothing_changed(wf.start(COMPANY))
    assert "SMS" in error.message


def test_M5_an_http_error_of_the_gateway_is_a_clear_rule_error(mitake):
    mitake.status = 503
    _refused_and_nothing_changed(wf.start(COMPANY))


def test_M5_a_gateway_that_does_not_answer_in_time_is_given_up_on(mitake, settings):
    settings.MEMBERS_SMS_TIMEOUT = 0.5
    mitake.delay = 3
    started = time.monotonic()
    _refused_and_nothing_changed(wf.start(COMPANY))
    assert time.monotonic() - started < 2.5


def test_M5_a_gateway_that_is_down_is_a_clear_rule_error(mitake, settings):
    mitake.server.shutdown()
    mitake.server.server_close()
    _refused_and_nothing_changed(wf.start(COMPANY))


def test_M5_the_logs_name_the_failure_but_never_the_number_or_the_code(mitake, caplog):
    mitake.answer = b"statuscode=e\r\nError=wrong password\r\n"
    with caplog.at_level(logging.INFO, logger="members.sms"), pytest.raises(SMSFailed):
        MitakeSMSBackend().send(to="0912345678", text="code 123456")
    assert "statuscode='e'" in caplog.text and "wrong password" in caplog.text
    assert "0912345678" not in caplog.text and "123456" not in caplog.text
    assert "s3cret" not in caplog.text


def test_M5_the_wizard_page_shows_the_sms_failure_instead_of_an_error_page(mitake, client):
    mitake.answer = b"statuscode=r\r\n"
    application, token = services.registration_start(tax_id=COMPANY)
    client.get(f"/join/resume/{token}/")
    response = client.post(
        "/join/",
        {
            "action": "choose",
            "method": "phone",
            "national_id": NATIONAL_ID,
            "phone": "0912345678",
            "roc_national": "on",
            "postpaid": "on",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "簡訊" in response.content.decode()  # zh-Hant page: the SMS failed
    assert RegistrationApplication.objects.get(pk=application.pk).verification_method == ""


def test_M5_the_api_answers_409_sms_unavailable(mitake):
    mitake.answer = b"statuscode=t\r\n"
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    started = api.post("/api/v1/registrations/", {"tax_id": COMPANY}, format="json").json()
    api.credentials(HTTP_X_REGISTRATION_TOKEN=started["resume_token"], HTTP_ACCEPT_LANGUAGE="en")
    response = api.post(
        "/api/v1/registrations/current/verification/",
        {
            "method": "phone",
            "national_id": NATIONAL_ID,
            "phone": "0912345678",
            "roc_national": True,
            "postpaid": True,
        },
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "sms_unavailable"
    assert "SMS" in response.json()["detail"]


def test_M5_a_line_break_in_the_text_uses_mitakes_own_separator():
    backend = MitakeSMSBackend(url="https://x.test", username="u", password="p", sender="tcloud")
    assert backend.body("a\nb") == "【tcloud】a\x06b"
    assert MitakeSMSBackend(url="https://x.test", username="u", password="p", sender="").body(
        "a"
    ) == ("a")


def test_M5_the_gateway_answer_is_read_in_utf8_or_big5():
    assert parse_answer("statuscode=e\r\nError=帳號錯誤".encode("big5"))["Error"] == "帳號錯誤"
    assert parse_answer(ACCEPTED.encode()) == {
        "msgid": "#0000000012",
        "statuscode": "1",
        "AccountPoint": "98",
    }
