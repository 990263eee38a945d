"""Fixtures of the members tests: SMS outbox, a test CA, wizard helpers."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from members.verification import LocmemSMSBackend

COMPANY = "95100004"  # 晨光文具有限公司 in members/data/registry.json
TAX_REGISTERED = "95179194"  # 阿嬤的麵攤
BIG = "95258383"  # capital and staff above the M2 lines
NATIONAL_ID = "A123456789"


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    settings.MEMBERS_SMS_BACKEND = "members.verification.LocmemSMSBackend"
    LocmemSMSBackend.outbox.clear()
    return LocmemSMSBackend.outbox


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def no_simulator(settings):
    settings.VERIFICATION_SIMULATOR = False


class FakeCA:
    """A certification authority of our own, standing in for MOEACA/MOICA."""

    def __init__(self, name: str):
        self.key = ec.generate_private_key(ec.SECP256R1())
        now = dt.datetime.now(dt.UTC)
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        self.cert = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=365))
            .not_valid_after(now + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(self.key, hashes.SHA256())
        )

    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    def issue(self, *, cn: str, serial: str, days_valid=(-10, 365)):
        key = ec.generate_private_key(ec.SECP256R1())
        now = dt.datetime.now(dt.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(
                x509.Name(
                    [
                        x509.NameAttribute(NameOID.COUNTRY_NAME, "TW"),
                        x509.NameAttribute(NameOID.COMMON_NAME, cn),
                        x509.NameAttribute(NameOID.SERIAL_NUMBER, serial),
                    ]
                )
            )
            .issuer_name(self.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now + dt.timedelta(days=days_valid[0]))
            .not_valid_after(now + dt.timedelta(days=days_valid[1]))
            .sign(self.key, hashes.SHA256())
        )
        return Holder(key, cert)


class Holder:
    """A certificate and its key: what the card and the signing component hold."""

    def __init__(self, key, cert):
        self.key, self.cert = key, cert

    def proof(self, nonce: str) -> dict:
        signature = self.key.sign(nonce.encode(), ec.ECDSA(hashes.SHA256()))
        return {
            "challenge": nonce,
            "certificate": self.cert.public_bytes(serialization.Encoding.PEM).decode(),
            "signature": base64.b64encode(signature).decode(),
        }


@pytest.fixture(scope="session")
def moeaca():
    return FakeCA("Test MOEACA")


@pytest.fixture(scope="session")
def moica():
    return FakeCA("Test MOICA")


@pytest.fixture
def trusted_cas(settings, tmp_path, moeaca, moica):
    business = tmp_path / "moeaca.pem"
    business.write_bytes(moeaca.pem())
    citizen = tmp_path / "moica.pem"
    citizen.write_bytes(moica.pem())
    settings.MEMBERS_CA_FILES = {"business_cert": [str(business)], "citizen_cert": [str(citizen)]}
    return settings.MEMBERS_CA_FILES


@pytest.fixture(autouse=True)
def _restore_language():
    # tcloud.middleware activates the request's language on the test thread and
    # leaves it there; later tests (in any app) expect the default zh-hant.
    from django.utils import translation

    yield
    translation.activate("zh-hant")
