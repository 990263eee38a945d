"""The mobile citizen certificate (FIDO) client against a local fake service (M5)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from members import services
from members.verification import VerificationPending
from tcloud.core.errors import RuleError
from tests.members import factories as wf
from tests.members.conftest import NATIONAL_ID, TAX_REGISTERED

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_simulator")]


class FakeFido:
    """Records sign requests; the test decides what each poll answers."""

    def __init__(self):
        self.requests: list[dict] = []
        self.status = "pending"
        self.signer = NATIONAL_ID
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, body: dict, status: int = 200):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                length = int(self.headers["Content-Length"])
                fake.requests.append(json.loads(self.rfile.read(length)))
                fake.auth = self.headers.get("Authorization")
                self._answer({"transaction_id": f"tx{len(fake.requests)}"})

            def do_GET(self):
                request = fake.requests[int(self.path.rsplit("tx", 1)[1].strip("/")) - 1]
                self._answer(
                    {
                        "status": fake.status,
                        "id_num": fake.signer,
                        "sign_data": request["sign_data"],
                    }
                )

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def fido(settings):
    fake = FakeFido()
    settings.MEMBERS_FIDO_ENDPOINT = fake.url
    settings.MEMBERS_FIDO_API_KEY = "k"
    yield fake
    fake.server.shutdown()


def _start():
    application = wf.start(TAX_REGISTERED)
    challenge, info = services.registration_choose_method(
        application=application, method="mobile_cert", national_id=NATIONAL_ID
    )
    return application, challenge


def test_M5_mobile_certificate_request_then_poll_until_approved(fido):
    application, challenge = _start()
    assert fido.requests == [
        {"id_num": NATIONAL_ID, "sign_data": challenge.nonce, "hint": "tcloud"}
    ]
    assert fido.auth == "Bearer k"
    with pytest.raises(VerificationPending):
        services.registration_verify(application=application, proof={})
    challenge.refresh_from_db()
    assert challenge.attempts == 0  # waiting is not a failed try
    fido.status = "approved"
    services.registration_verify(application=application, proof={})
    application.refresh_from_db()
    assert application.step == "declarations"


def test_M5_mobile_certificate_approved_by_someone_else_is_refused(fido):
    application, _challenge = _start()
    fido.status, fido.signer = "approved", "F222333444"
    with pytest.raises(RuleError) as refused:
        services.registration_verify(application=application, proof={})
    assert refused.value.code == "certificate_of_another_party"
    application.refresh_from_db()
    assert application.step == "verification"


def test_M5_mobile_certificate_declined_in_the_app_is_refused(fido):
    application, _challenge = _start()
    fido.status = "rejected"
    with pytest.raises(RuleError) as refused:
        services.registration_verify(application=application, proof={})
    assert refused.value.code == "fido_declined"


def test_M5_unreachable_fido_service_gives_a_clear_message(settings):
    settings.MEMBERS_FIDO_ENDPOINT = "http://127.0.0.1:9"  # nothing listens
    application = wf.start(TAX_REGISTERED)
    with pytest.raises(RuleError) as refused:
        services.registration_choose_method(
            application=application, method="mobile_cert", national_id=NATIONAL_ID
        )
    assert refused.value.code == "fido_unavailable"
    application.refresh_from_db()
    assert application.verification_method == ""  # the choice rolled back with the failed request


def test_M5_an_unset_fido_endpoint_is_a_clear_refusal_not_a_crash(settings):
    settings.MEMBERS_FIDO_ENDPOINT = ""
    application = wf.start(TAX_REGISTERED)
    with pytest.raises(RuleError) as refused:
        services.registration_choose_method(
            application=application, method="mobile_cert", national_id=NATIONAL_ID
        )
    assert refused.value.code == "fido_unavailable"
