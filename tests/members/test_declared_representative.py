"""Tax-registered businesses whose registry names no representative (RULES M5).

The tax-registration data carries no representative's name, yet these
businesses must verify with the representative's citizen certificate: the
applicant declares the name at the verification step, the certificate must
carry it, and it is stored on the business for the staff review.
"""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import TestCase
from rest_framework.test import APIClient

from members import services
from members.eligibility import DECLARATION_KEYS
from members.models import Business, RegistrationApplication
from members.registry import LOCAL_FILE
from tcloud.core.errors import RuleError
from tests.factories import PASSWORD
from tests.members import factories as wf
from tests.members.conftest import NATIONAL_ID, TAX_REGISTERED

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("trusted_cas", "no_simulator")]

SERIAL = "0000000000" + NATIONAL_ID[-4:]


@pytest.fixture(autouse=True)
def _messages_in_english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def registry_without_representative(settings, tmp_path):
    """The local registry, with the tax-registered business's representative left
    out, as the tax-registration open data gives it."""
    rows = json.loads(LOCAL_FILE.read_text(encoding="utf-8"))
    for row in rows:
        if row["tax_id"] == TAX_REGISTERED:
            row["representative"] = ""
    path = tmp_path / "registry.json"
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    settings.MEMBERS_REGISTRY_FILE = str(path)


def _choose(application, **kwargs):
    challenge, _info = services.registration_choose_method(
        application=application, method="citizen_cert", national_id=NATIONAL_ID, **kwargs
    )
    return challenge.nonce


def test_M5_declared_representative_is_matched_by_the_citizen_certificate_and_kept(moica):
    application = wf.start(TAX_REGISTERED)
    assert application.registry["representative"] == ""
    nonce = _choose(application, representative_name=" 李阿嬤 ")
    holder = moica.issue(cn="李阿嬤", serial=SERIAL)
    services.registration_verify(application=application, proof=holder.proof(nonce))
    application.refresh_from_db()
    assert application.step == "declarations" and application.representative_name == "李阿嬤"

    services.registration_accept_declarations(
        application=application,
        data_query=True,
        declarations=dict.fromkeys(DECLARATION_KEYS, True),
    )
    services.registration_consent(application=application, personal_data=True)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.registration_create_account(
            application=application, email="grandma@example.test", password=PASSWORD, name="x"
        )
    application.refresh_from_db()
    services.registration_confirm_email(
        application=application, code=wf.email_code(mail.outbox[-1].body)
    )
    business = Business.objects.get(tax_id=TAX_REGISTERED)
    assert business.representative_name == "李阿嬤"
    assert business.review_status == "pending"  # staff confirm it in the review


def test_M5_citizen_certificate_of_someone_other_than_the_declared_representative_is_refused(
    moica,
):
    application = wf.start(TAX_REGISTERED)
    nonce = _choose(application, representative_name="李阿嬤")
    holder = moica.issue(cn="路人甲", serial=SERIAL)
    with pytest.raises(RuleError) as refused:
        services.registration_verify(application=application, proof=holder.proof(nonce))
    assert refused.value.code == "certificate_of_another_party"


def test_M5_representative_name_is_required_when_the_registry_names_none():
    application = wf.start(TAX_REGISTERED)
    with pytest.raises(ValidationError) as refused:
        _choose(application, representative_name="  ")
    assert "representative_name" in refused.value.message_dict
    application.refresh_from_db()
    assert application.verification_method == "" and not application.challenges.exists()


def test_M5_a_declared_name_cannot_replace_the_registrys_representative(settings, moica):
    settings.MEMBERS_REGISTRY_FILE = str(LOCAL_FILE)  # names 李阿嬤
    application = wf.start(TAX_REGISTERED)
    nonce = _choose(application, representative_name="路人甲")
    holder = moica.issue(cn="路人甲", serial=SERIAL)
    with pytest.raises(RuleError) as refused:
        services.registration_verify(application=application, proof=holder.proof(nonce))
    assert refused.value.code == "certificate_of_another_party"
    application.refresh_from_db()
    assert application.representative_name == ""


def test_M5_verification_page_asks_for_the_representative_when_the_registry_names_none(client):
    client.cookies["django_language"] = "en"
    client.post("/join/", {"tax_id": TAX_REGISTERED})
    page = client.get("/join/").content.decode()
    assert (
        'data-testid="representative-name-field"' in page and 'name="representative_name"' in page
    )
    client.post(
        "/join/",
        {
            "action": "choose",
            "method": "citizen_cert",
            "national_id": NATIONAL_ID,
            "representative_name": "李阿嬤",
        },
    )
    application = RegistrationApplication.objects.get()
    assert application.verification_method == "citizen_cert"
    assert application.representative_name == "李阿嬤"
    assert "李阿嬤" in client.get("/join/").content.decode()


def test_M5_verification_page_does_not_ask_when_the_registry_names_the_representative(
    client, settings
):
    settings.MEMBERS_REGISTRY_FILE = str(LOCAL_FILE)
    client.post("/join/", {"tax_id": TAX_REGISTERED})
    assert 'name="representative_name"' not in client.get("/join/").content.decode()


def test_M5_api_takes_the_declared_representative_with_the_method():
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    started = api.post("/api/v1/registrations/", {"tax_id": TAX_REGISTERED}, format="json").json()
    assert started["representative_name_required"] is True and started["representative"] == ""
    api.credentials(HTTP_X_REGISTRATION_TOKEN=started["resume_token"], HTTP_ACCEPT_LANGUAGE="en")
    missing = api.post(
        "/api/v1/registrations/current/verification/",
        {"method": "citizen_cert", "national_id": NATIONAL_ID},
        format="json",
    )
    assert missing.status_code == 400 and "representative_name" in missing.json()
    body = api.post(
        "/api/v1/registrations/current/verification/",
        {"method": "citizen_cert", "national_id": NATIONAL_ID, "representative_name": "李阿嬤"},
        format="json",
    ).json()
    assert body["representative"] == "李阿嬤" and "challenge" in body["verification"]
