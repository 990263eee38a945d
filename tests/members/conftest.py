"""Fixtures of the members tests: SMS outbox, a test CA, wizard helpers."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs7
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
    """A certification authority of our own, standing in for MOEACA/MOICA.

    Without `parent` it is a self-signed root; with `parent` (a FakeCA or a
    Holder) it is a certificate that `parent` issued, with the BasicConstraints
    and KeyUsage given (None leaves the extension out), so tests can build
    proper intermediates and forged ones.
    """

    def __init__(
        self,
        name: str,
        *,
        parent=None,
        ca: bool | None = True,
        path_length: int | None = None,
        key_usage: x509.KeyUsage | None = None,
    ):
        self.key = ec.generate_private_key(ec.SECP256R1())
        now = dt.datetime.now(dt.UTC)
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(parent.cert.subject if parent else subject)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=365))
            .not_valid_after(now + dt.timedelta(days=3650))
        )
        if ca is not None:
            builder = builder.add_extension(
                x509.BasicConstraints(ca=ca, path_length=path_length), critical=True
            )
        if key_usage is not None:
            builder = builder.add_extension(key_usage, critical=True)
        self.cert = builder.sign(parent.key if parent else self.key, hashes.SHA256())
        # The certificates between this CA and the root (the root left out).
        self.chain = [self.cert, *parent.chain] if parent else []

    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    def issue(self, *, cn: str, serial: str, days_valid=(-10, 365), rsa_key: bool = False):
        # Real MOICA/MOEACA cards hold RSA 2048 keys; EC keys are faster to make.
        key = (
            rsa.generate_private_key(public_exponent=65537, key_size=2048)
            if rsa_key
            else ec.generate_private_key(ec.SECP256R1())
        )
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
        return Holder(key, cert, chain=self.chain)


def key_usage(*, key_cert_sign: bool) -> x509.KeyUsage:
    """A KeyUsage extension for a CA certificate, with or without keyCertSign."""
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=key_cert_sign,
        crl_sign=True,
        encipher_only=False,
        decipher_only=False,
    )


class Holder:
    """A certificate and its key: what the card and the signing component hold."""

    def __init__(self, key, cert, chain=()):
        self.key, self.cert = key, cert
        # This certificate and the ones above it up to (not including) the root.
        self.chain = [cert, *chain]

    def sign_raw(self, data: bytes) -> bytes:
        if isinstance(self.key, rsa.RSAPrivateKey):
            return self.key.sign(data, padding.PKCS1v15(), hashes.SHA256())
        return self.key.sign(data, ec.ECDSA(hashes.SHA256()))

    def pkcs7(
        self,
        data: bytes,
        *,
        detached: bool = False,
        attributes: bool = True,
        certs=None,
        hash_algorithm=None,
    ) -> bytes:
        """A PKCS#7 SignedData over `data`, as the signing component makes it:
        attached with signed attributes by default; `certs` are the certificates
        carried inside (default: this one)."""
        options = [pkcs7.PKCS7Options.Binary]
        if detached:
            options.append(pkcs7.PKCS7Options.DetachedSignature)
        if not attributes:
            options.append(pkcs7.PKCS7Options.NoAttributes)
        carried = [self.cert] if certs is None else list(certs)
        if self.cert not in carried:
            options.append(pkcs7.PKCS7Options.NoCerts)
        builder = pkcs7.PKCS7SignatureBuilder().set_data(data)
        builder = builder.add_signer(self.cert, self.key, hash_algorithm or hashes.SHA256())
        for extra in carried:
            if extra != self.cert:
                builder = builder.add_certificate(extra)
        return builder.sign(serialization.Encoding.DER, options)

    def proof(self, nonce: str) -> dict:
        signature = self.sign_raw(nonce.encode())
        proof = {
            "challenge": nonce,
            "certificate": self.cert.public_bytes(serialization.Encoding.PEM).decode(),
            "signature": base64.b64encode(signature).decode(),
        }
        intermediates = self.chain[1:]
        if intermediates:
            proof["chain"] = [
                c.public_bytes(serialization.Encoding.PEM).decode() for c in intermediates
            ]
        return proof


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
    # tcloud.core.middleware activates the request's language on the test thread and
    # leaves it there; later tests (in any app) expect the default zh-hant.
    from django.utils import translation

    yield
    translation.activate("zh-hant")
