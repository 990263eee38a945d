"""Certificate verification (RULES M5) against a CA the tests build themselves."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from members import services
from members.models import RegistrationApplication
from tcloud.core.errors import RuleError
from tests.members import factories as wf
from tests.members.conftest import COMPANY, NATIONAL_ID, TAX_REGISTERED, FakeCA, key_usage


@pytest.fixture(autouse=True)
def _messages_in_english():
    # These tests read the plain-language messages; they are written in English
    # (the zh-Hant catalog translates them for people).
    from django.utils import translation

    with translation.override("en"):
        yield


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("trusted_cas", "no_simulator")]


def _start(method: str, tax_id: str = COMPANY):
    application = wf.start(tax_id)
    challenge, info = services.registration_choose_method(
        application=application, method=method, national_id=NATIONAL_ID
    )
    assert info == {"challenge": challenge.nonce}
    return application, challenge.nonce


def _refused(application, proof, code):
    with pytest.raises(RuleError) as refused:
        services.registration_verify(application=application, proof=proof)
    assert refused.value.code == code, refused.value.message
    application.refresh_from_db()
    assert application.step == "verification" and application.verified_at is None
    return refused.value


def test_M5_business_certificate_of_this_tax_id_passes(moeaca):
    application, nonce = _start("business_cert")
    holder = moeaca.issue(cn="晨光文具有限公司", serial=COMPANY)
    services.registration_verify(application=application, proof=holder.proof(nonce))
    application.refresh_from_db()
    assert application.step == "declarations"


def test_M5_citizen_certificate_of_the_representative_passes_for_a_tax_registered_business(moica):
    application, nonce = _start("citizen_cert", TAX_REGISTERED)
    holder = moica.issue(cn="李阿嬤", serial="0000000000" + NATIONAL_ID[-4:])
    services.registration_verify(application=application, proof=holder.proof(nonce))
    application.refresh_from_db()
    assert application.step == "declarations"


def test_M5_expired_certificate_is_refused(moeaca):
    application, nonce = _start("business_cert")
    holder = moeaca.issue(cn="x", serial=COMPANY, days_valid=(-400, -1))
    error = _refused(application, holder.proof(nonce), "certificate_expired")
    assert "expired" in error.message


def test_M5_certificate_from_a_foreign_ca_is_refused():
    rogue = FakeCA("Rogue CA")
    application, nonce = _start("business_cert")
    _refused(application, rogue.issue(cn="x", serial=COMPANY).proof(nonce), "untrusted_certificate")


def test_M5_citizen_ca_does_not_vouch_for_business_certificates(moica):
    application, nonce = _start("business_cert")
    _refused(application, moica.issue(cn="x", serial=COMPANY).proof(nonce), "untrusted_certificate")


def test_M5_certificate_of_another_business_is_refused(moeaca):
    application, nonce = _start("business_cert")
    _refused(
        application,
        moeaca.issue(cn="別家", serial="04702088").proof(nonce),
        "certificate_of_another_party",
    )


def test_M5_citizen_certificate_of_someone_else_is_refused(moica):
    application, nonce = _start("citizen_cert")
    _refused(
        application,
        moica.issue(cn="路人甲", serial="00001234").proof(nonce),
        "certificate_of_another_party",
    )


def test_M5_signature_over_other_data_is_refused(moeaca):
    application, nonce = _start("business_cert")
    holder = moeaca.issue(cn="x", serial=COMPANY)
    proof = holder.proof("something-else")
    proof["challenge"] = nonce
    _refused(application, proof, "bad_signature")


def test_M5_garbage_is_refused_with_a_clear_message():
    application, nonce = _start("business_cert")
    error = _refused(
        application,
        {"challenge": nonce, "certificate": "nope", "signature": "!!"},
        "bad_certificate",
    )
    assert "certificate" in error.message


def test_M5_replayed_challenge_is_refused(moeaca):
    holder = moeaca.issue(cn="x", serial=COMPANY)
    application, nonce = _start("business_cert")
    proof = holder.proof(nonce)
    services.registration_verify(application=application, proof=proof)
    # The same signed challenge again, on a new registration of the same business.
    other = wf.start(COMPANY)
    services.registration_choose_method(application=other, method="business_cert", national_id="")
    _refused(other, proof, "challenge_used")


def test_M5_superseded_challenge_is_refused(moeaca):
    holder = moeaca.issue(cn="x", serial=COMPANY)
    application, old = _start("business_cert")
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=61)):
        services.registration_resend(application=application)
        _refused(application, holder.proof(old), "challenge_used")


def test_M5_expired_challenge_is_refused(moeaca):
    holder = moeaca.issue(cn="x", serial=COMPANY)
    application, nonce = _start("business_cert")
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=5, seconds=1)):
        _refused(application, holder.proof(nonce), "expired")
    assert RegistrationApplication.objects.get().step == "verification"


# --- the chain: every issuer between the certificate and the root is a CA ------


def test_M5_certificate_issued_by_an_intermediate_ca_of_the_root_passes(moeaca):
    intermediate = FakeCA(
        "Test MOEACA issuing CA",
        parent=moeaca,
        path_length=0,
        key_usage=key_usage(key_cert_sign=True),
    )
    application, nonce = _start("business_cert")
    holder = intermediate.issue(cn="晨光文具有限公司", serial=COMPANY)
    services.registration_verify(application=application, proof=holder.proof(nonce))
    application.refresh_from_db()
    assert application.step == "declarations"


def test_M5_certificate_signed_by_an_end_entity_certificate_of_the_root_is_refused(moeaca):
    # Someone holding an ordinary certificate of the trusted root signs a new
    # certificate for another tax ID with its key and sends both.
    ordinary = moeaca.issue(cn="別家", serial="04702088")
    forger = FakeCA("別家", parent=ordinary, ca=None)
    forged = forger.issue(cn="晨光文具有限公司", serial=COMPANY)
    application, nonce = _start("business_cert")
    proof = forged.proof(nonce)
    assert len(proof["chain"]) == 2  # the forged issuer and the ordinary certificate
    _refused(application, proof, "untrusted_certificate")


def test_M5_issuer_marked_not_a_ca_is_refused(moeaca):
    not_ca = FakeCA("Not a CA", parent=moeaca, ca=False)
    application, nonce = _start("business_cert")
    _refused(
        application,
        not_ca.issue(cn="x", serial=COMPANY).proof(nonce),
        "untrusted_certificate",
    )


def test_M5_ca_issuer_whose_key_usage_lacks_certificate_signing_is_refused(moeaca):
    no_cert_sign = FakeCA("No keyCertSign", parent=moeaca, key_usage=key_usage(key_cert_sign=False))
    application, nonce = _start("business_cert")
    _refused(
        application,
        no_cert_sign.issue(cn="x", serial=COMPANY).proof(nonce),
        "untrusted_certificate",
    )


def test_M5_intermediate_beyond_its_issuers_path_length_is_refused(moeaca):
    issuing = FakeCA("Issuing CA", parent=moeaca, path_length=0)
    below = FakeCA("One CA too deep", parent=issuing)
    application, nonce = _start("business_cert")
    _refused(application, below.issue(cn="x", serial=COMPANY).proof(nonce), "untrusted_certificate")
