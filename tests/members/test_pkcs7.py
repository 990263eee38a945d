"""The signing component's PKCS#7 signatures (RULES M5): the server checks them
like raw signatures, whatever shape the component chose (attached or detached
content, with or without signed attributes, certificate inside or beside)."""

from __future__ import annotations

import base64
import contextlib

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from members import services
from members import verification as vf
from members.models import MemberEvent, VerificationChallenge
from tcloud.core.errors import RuleError
from tests.members import factories as wf
from tests.members.conftest import COMPANY, NATIONAL_ID, TAX_REGISTERED, FakeCA, key_usage

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("trusted_cas", "no_simulator")]


@pytest.fixture(autouse=True)
def _messages_in_english():
    from django.utils import translation

    with translation.override("en"):
        yield


def _start(method: str = "business_cert", tax_id: str = COMPANY):
    application = wf.start(tax_id)
    challenge, _info = services.registration_choose_method(
        application=application, method=method, national_id=NATIONAL_ID
    )
    return application, challenge.nonce


def _pem(cert) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def _proof(nonce: str, signed: bytes, *, certificate=None, chain=()) -> dict:
    proof = {"challenge": nonce, "signature": base64.b64encode(signed).decode()}
    if certificate is not None:
        proof["certificate"] = _pem(certificate)
    if chain:
        proof["chain"] = [_pem(c) for c in chain]
    return proof


def _passes(application, proof):
    services.registration_verify(application=application, proof=proof)
    application.refresh_from_db()
    assert application.step == "declarations"


def _refused(application, proof, code):
    with pytest.raises(RuleError) as refused:
        services.registration_verify(application=application, proof=proof)
    assert refused.value.code == code, refused.value.message
    application.refresh_from_db()
    assert application.step == "verification" and application.verified_at is None
    return refused.value


@pytest.mark.parametrize(
    "shape",
    [
        {},
        {"detached": True},
        {"attributes": False},
        {"detached": True, "attributes": False},
    ],
    ids=["attached-with-attributes", "detached", "no-attributes", "detached-no-attributes"],
)
@pytest.mark.parametrize("rsa_key", [True, False], ids=["rsa", "ecdsa"])
def test_M5_pkcs7_signature_of_the_challenge_passes_in_every_shape(moeaca, shape, rsa_key):
    application, nonce = _start()
    holder = moeaca.issue(cn="晨光文具有限公司", serial=COMPANY, rsa_key=rsa_key)
    _passes(
        application, _proof(nonce, holder.pkcs7(nonce.encode(), **shape), certificate=holder.cert)
    )


def test_M5_pkcs7_carrying_its_certificate_needs_no_certificate_field(moica):
    application, nonce = _start("citizen_cert", TAX_REGISTERED)
    holder = moica.issue(cn="李阿嬤", serial="0000000000" + NATIONAL_ID[-4:], rsa_key=True)
    _passes(application, _proof(nonce, holder.pkcs7(nonce.encode())))


def test_M5_certificate_as_base64_der_is_read_like_pem(moeaca):
    # The component hands certificates out as `certb64` (base64 DER).
    application, nonce = _start()
    holder = moeaca.issue(cn="x", serial=COMPANY)
    proof = _proof(nonce, holder.pkcs7(nonce.encode(), certs=[]))
    proof["certificate"] = base64.b64encode(
        holder.cert.public_bytes(serialization.Encoding.DER)
    ).decode()
    _passes(application, proof)


def test_M5_pkcs7_intermediates_inside_are_used_in_any_order(moeaca):
    issuing = FakeCA("Issuing CA", parent=moeaca, key_usage=key_usage(key_cert_sign=True))
    below = FakeCA("Sub CA", parent=issuing, key_usage=key_usage(key_cert_sign=True))
    holder = below.issue(cn="x", serial=COMPANY)
    application, nonce = _start()
    signed = holder.pkcs7(nonce.encode(), certs=[issuing.cert, holder.cert, below.cert])
    _passes(application, _proof(nonce, signed))


def test_M5_pkcs7_over_another_challenge_is_refused_and_counts_a_try(moeaca):
    application, nonce = _start()
    holder = moeaca.issue(cn="x", serial=COMPANY)
    for shape in ({}, {"detached": True}, {"attributes": False}):
        signed = holder.pkcs7(b"an older challenge", **shape)
        _refused(application, _proof(nonce, signed, certificate=holder.cert), "bad_signature")
    challenge = VerificationChallenge.objects.get(application=application)
    assert challenge.attempts == 3 and challenge.used_at is None


def test_M5_pkcs7_signed_by_another_key_than_the_certificate_sent_is_refused(moeaca):
    application, nonce = _start()
    owner = moeaca.issue(cn="晨光文具有限公司", serial=COMPANY)
    stranger = moeaca.issue(cn="別家", serial="04702088")
    signed = stranger.pkcs7(nonce.encode())
    _refused(application, _proof(nonce, signed, certificate=owner.cert), "bad_signature")


def test_M5_pkcs7_with_another_hash_than_sha256_is_refused(moeaca):
    application, nonce = _start()
    holder = moeaca.issue(cn="x", serial=COMPANY)
    signed = holder.pkcs7(nonce.encode(), hash_algorithm=hashes.SHA512())
    error = _refused(application, _proof(nonce, signed), "bad_signature")
    assert "SHA-256" in error.message


def test_M5_pkcs7_certificate_from_a_foreign_ca_is_refused():
    application, nonce = _start()
    rogue = FakeCA("Rogue CA").issue(cn="x", serial=COMPANY)
    _refused(application, _proof(nonce, rogue.pkcs7(nonce.encode())), "untrusted_certificate")


def test_M5_pkcs7_of_another_business_is_refused(moeaca):
    application, nonce = _start()
    other = moeaca.issue(cn="別家", serial="04702088")
    _refused(
        application, _proof(nonce, other.pkcs7(nonce.encode())), "certificate_of_another_party"
    )


def test_M5_pkcs7_without_any_certificate_is_refused_as_unreadable(moeaca):
    application, nonce = _start()
    holder = moeaca.issue(cn="x", serial=COMPANY)
    _refused(application, _proof(nonce, holder.pkcs7(nonce.encode(), certs=[])), "bad_certificate")


def test_M5_expired_intermediate_carried_in_the_pkcs7_is_refused(moeaca):
    # Only issuers on the path are looked at; an expired one on it is refused.
    issuing = FakeCA("Issuing CA", parent=moeaca, key_usage=key_usage(key_cert_sign=True))
    holder = issuing.issue(cn="x", serial=COMPANY)
    application, nonce = _start()
    stranger = FakeCA("Unrelated, expired").issue(cn="y", serial="1", days_valid=(-400, -1))
    signed = holder.pkcs7(nonce.encode(), certs=[holder.cert, stranger.cert, issuing.cert])
    _passes(application, _proof(nonce, signed))


class _Challenge:
    nonce = "fuzzed-challenge"


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(blob=st.binary(max_size=600), flip=st.integers(min_value=0, max_value=10_000))
def test_M5_any_bytes_as_signature_are_refused_plainly_never_crash(moeaca, blob, flip):
    # Random bytes, and a valid SignedData with one byte changed: the backend
    # answers VerificationFailed (a 409 or a form error), never another exception.
    holder = moeaca.issue(cn="x", serial=COMPANY)
    valid = bytearray(holder.pkcs7(_Challenge.nonce.encode()))
    valid[flip % len(valid)] ^= 0x5A
    subject = vf.Subject(tax_id=COMPANY, representative_name="", national_id="")
    for signature in (blob, b"\x30" + blob, bytes(valid)):
        proof = {"signature": base64.b64encode(signature).decode()}
        with contextlib.suppress(vf.VerificationFailed):
            vf.BusinessCertificateBackend().check(
                challenge=_Challenge(), subject=subject, proof=proof
            )


def test_M5_pkcs7_failures_write_the_failed_event_with_the_code(moeaca):
    application, nonce = _start()
    holder = moeaca.issue(cn="x", serial=COMPANY)
    _refused(
        application, _proof(nonce, holder.pkcs7(b"other"), certificate=holder.cert), "bad_signature"
    )
    event = MemberEvent.objects.filter(application=application, action="verification_failed").get()
    assert event.data == {"code": "bad_signature", "attempt": 1}
