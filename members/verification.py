"""Identity verification backends behind one interface (RULES M5).

A backend knows one method. `start()` begins a check for a challenge the
service created (sends the SMS code, asks the FIDO service, or just hands the
nonce to the browser to sign) and returns what the page/API shows. `check()`
verifies the proof the person sent back and raises `VerificationFailed` with a
plain message when it does not hold. Challenge bookkeeping (expiry, one use,
at most 5 tries, resend throttling) lives in `members.services`.

Methods: business_cert (工商憑證), citizen_cert (自然人憑證), mobile_cert
(行動自然人憑證), phone (the representative's postpaid mobile). Which are offered
depends on the kind of business (`methods_for`). With
`settings.VERIFICATION_SIMULATOR` on, the code 000000 passes any method.

How the browser talks to the national signing component
--------------------------------------------------------
Certificates live on an IC card read by the government's signing component
(HiPKI LocalSignServer, "跨平台網頁元件", a local service on http://localhost:61161).
It sends no CORS headers, so the page (static/js/signer.js) uses its popup: it
opens /popupForm, which asks for its work by postMessage. The page lists the
cards, takes the PIN in the page (it goes only to the component, never to us) and
has the card sign the one-time challenge (`nonce`) as PKCS#7 with SHA-256, then
POSTs `{"challenge", "signature": base64, "certificate": PEM, "chain": [PEM, ...]}`.
`signature` may also be a raw signature over the nonce (PKCS#1 v1.5 or ECDSA with
SHA-256), as API clients and the paste fallback send it.
Only the server decides: signature over this nonce, chain to the configured
MOEACA/MOICA certificates (`MEMBERS_CA_FILES`), validity dates, and the subject:
business certificates carry the tax ID in `serialNumber`; citizen certificates
carry the holder's name in `CN` and the last four characters of the national ID
at the end of `serialNumber`. A challenge is used once and expires in 5 minutes.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import secrets
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from members import pkcs7
from tcloud.core.errors import RuleError

BUSINESS_CERT = "business_cert"
CITIZEN_CERT = "citizen_cert"
MOBILE_CERT = "mobile_cert"
PHONE = "phone"

COMPANY_METHODS = (BUSINESS_CERT, CITIZEN_CERT, MOBILE_CERT, PHONE)
TAX_REGISTERED_METHODS = (CITIZEN_CERT, MOBILE_CERT)

SIMULATOR_CODE = "000000"


def method_labels() -> dict[str, str]:
    return {
        BUSINESS_CERT: _("Business certificate (工商憑證)"),
        CITIZEN_CERT: _("Representative's citizen certificate (自然人憑證)"),
        MOBILE_CERT: _("Representative's mobile citizen certificate (行動自然人憑證)"),
        PHONE: _("Representative's mobile phone (one-time code)"),
    }


def methods_for(kind: str) -> tuple[str, ...]:
    """RULES M5: the methods a kind of business may use."""
    return TAX_REGISTERED_METHODS if kind == "tax_registered" else COMPANY_METHODS


class VerificationFailed(RuleError):
    code = "verification_failed"


class VerificationPending(RuleError):
    """The person has not answered yet (mobile app): ask again shortly."""

    code = "verification_pending"


@dataclass(frozen=True)
class Subject:
    """Whom the proof must belong to."""

    tax_id: str
    representative_name: str
    national_id: str
    phone: str = ""


def code_hash(nonce: str, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{nonce}:{code}".encode(), hashlib.sha256).hexdigest()


def code_matches(challenge, code: str) -> bool:
    return bool(challenge.code_hash) and hmac.compare_digest(
        challenge.code_hash, code_hash(challenge.nonce, code or "")
    )


class Backend:
    method: str = ""
    lifetime = dt.timedelta(minutes=5)

    def start(self, *, challenge, subject: Subject) -> dict:
        return {}

    def check(self, *, challenge, subject: Subject, proof: dict) -> None:
        raise NotImplementedError


# --- phone -----------------------------------------------------------------


class ConsoleSMSBackend:
    """Prints the SMS (the demo). Deployments set MEMBERS_SMS_BACKEND to a gateway."""

    def send(self, *, to: str, text: str) -> None:
        print(f"[SMS to {to}] {text}")  # noqa: T201


class LocmemSMSBackend:
    """Keeps messages in `outbox` (tests)."""

    outbox: list[tuple[str, str]] = []

    def send(self, *, to: str, text: str) -> None:
        self.outbox.append((to, text))


def sms_backend():
    return import_string(
        getattr(settings, "MEMBERS_SMS_BACKEND", "members.verification.ConsoleSMSBackend")
    )()


class PhoneBackend(Backend):
    """A 6-digit code to the representative's postpaid mobile, valid 10 minutes."""

    method = PHONE
    lifetime = dt.timedelta(minutes=10)

    def new_code(self) -> str:
        return f"{secrets.randbelow(1_000_000):06d}"

    def start(self, *, challenge, subject: Subject) -> dict:
        code = self.new_code()
        challenge.code_hash = code_hash(challenge.nonce, code)
        sms_backend().send(
            to=subject.phone,
            text=_("tcloud verification code: %(code)s (valid 10 minutes)") % {"code": code},
        )
        return {"sent_to": mask_phone(subject.phone)}

    def check(self, *, challenge, subject: Subject, proof: dict) -> None:
        if not code_matches(challenge, str(proof.get("code", "")).strip()):
            raise VerificationFailed(
                _("That code is not right. Check the SMS and try again."), code="wrong_code"
            )


def mask_phone(phone: str) -> str:
    return phone[:4] + "***" + phone[-3:] if len(phone) >= 8 else "***"


# --- certificates ------------------------------------------------------------


def load_ca_certs(method: str) -> list[x509.Certificate]:
    """The trusted roots of `method` from MEMBERS_CA_FILES (PEM files; the real
    MOEACA/MOICA roots can be dropped in)."""
    certs: list[x509.Certificate] = []
    for path in getattr(settings, "MEMBERS_CA_FILES", {}).get(method, []):
        certs.extend(x509.load_pem_x509_certificates(Path(path).read_bytes()))
    return certs


def _subject_value(cert: x509.Certificate, oid) -> str:
    values = cert.subject.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def _may_issue(cert: x509.Certificate, *, below: int) -> bool:
    """Whether `cert` may sign certificates, with `below` intermediate CAs under it
    in the path (RFC 5280 4.2.1.3, 4.2.1.9): BasicConstraints ca=True (critical
    or not), path_length respected, and keyCertSign when KeyUsage is present."""
    try:
        constraints = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        return False
    except ValueError:  # malformed or duplicated extensions
        return False
    if not constraints.ca:
        return False
    if constraints.path_length is not None and below > constraints.path_length:
        return False
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return True
    return usage.key_cert_sign


def _issued(cert: x509.Certificate, *, by: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(by)
    except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
        return False
    return True


def _load_certificate(text) -> x509.Certificate | None:
    """A certificate as PEM, or as base64 DER (what the signing component hands
    out as `certb64`); None when there is none."""
    text = str(text or "").strip()
    if not text:
        return None
    if text.startswith("-----BEGIN"):
        return x509.load_pem_x509_certificate(text.encode())
    return x509.load_der_x509_certificate(base64.b64decode("".join(text.split()), validate=True))


def _unreadable() -> VerificationFailed:
    return VerificationFailed(
        _("We could not read the certificate or the signature."), code="bad_certificate"
    )


def _wrong_signature() -> VerificationFailed:
    return VerificationFailed(
        _("The signature does not match this challenge. Start again."), code="bad_signature"
    )


class CertificateBackend(Backend):
    """Signature over the one-time challenge by a certificate of ours to trust."""

    lifetime = dt.timedelta(minutes=5)

    def start(self, *, challenge, subject: Subject) -> dict:
        return {"challenge": challenge.nonce}

    def check(self, *, challenge, subject: Subject, proof: dict) -> None:
        """`signature` is either a raw signature over the challenge (then
        `certificate` is required) or the signing component's PKCS#7 SignedData,
        which may carry the certificate itself (`members.pkcs7`)."""
        nonce = challenge.nonce.encode()
        try:
            given = _load_certificate(proof.get("certificate"))
            chain = [_load_certificate(p) for p in proof.get("chain") or []]
            if not all(chain):
                raise ValueError("empty chain entry")
            signature = base64.b64decode(
                "".join(str(proof.get("signature", "")).split()), validate=True
            )
            if not signature:
                raise ValueError("no signature")
        except (ValueError, TypeError) as exc:
            raise _unreadable() from exc
        try:
            signed = pkcs7.read(signature)
        except pkcs7.NotSignedData:
            signed = None
        if signed is None:
            if given is None:
                raise _unreadable()
            cert = given
            self._check_dates([cert, *chain])
            self._check_chain(cert, chain)
            self._check_signature(cert, nonce, signature)
        else:
            cert = self._pkcs7_signer(signed, given, nonce)
            self._check_dates([cert, *chain])
            self._check_chain(cert, [*chain, *(c for c in signed.certificates if c != cert)])
        self._check_owner(cert, subject)

    def _pkcs7_signer(self, signed: pkcs7.SignedData, given, nonce: bytes):
        """The certificate whose key made the SignedData's signature over `nonce`:
        the one the page sent, or else one the SignedData carries."""
        try:
            data = signed.signed_bytes(nonce)
        except pkcs7.Unacceptable as exc:
            if exc.reason in ("digest", "algorithm"):
                raise VerificationFailed(
                    _("The signature must be made with SHA-256 (RSA or ECDSA)."),
                    code="bad_signature",
                ) from exc
            raise _wrong_signature() from exc
        candidates = [given] if given is not None else signed.certificates
        if not candidates:
            raise _unreadable()
        for cert in candidates:
            try:
                self._check_signature(cert, data, signed.signature)
            except VerificationFailed:
                continue
            return cert
        raise _wrong_signature()

    def _check_dates(self, certs) -> None:
        now = timezone.now()
        for c in certs:
            if c.not_valid_after_utc < now:
                raise VerificationFailed(
                    _("The certificate has expired."), code="certificate_expired"
                )
            if c.not_valid_before_utc > now:
                raise VerificationFailed(
                    _("The certificate is not valid yet."), code="certificate_not_yet_valid"
                )

    def _check_chain(self, cert, chain) -> None:
        """The certificate must lead, through intermediates taken from `chain` (in
        any order), to one of the configured roots (trust anchors). Every
        intermediate used on the way must be a CA allowed to sign certificates
        and within its dates: an ordinary certificate of the root cannot vouch
        for another one."""
        current, issuers, pool = cert, [], list(chain)
        while pool:
            issuer = next((c for c in pool if _issued(current, by=c)), None)
            if issuer is None:
                break
            pool.remove(issuer)
            issuers.append(issuer)
            current = issuer
        self._check_dates(issuers)
        # issuers[0] signed the certificate; issuers[n] has n intermediates below it.
        trusted = all(_may_issue(issuer, below=n) for n, issuer in enumerate(issuers))
        if trusted and any(_issued(current, by=root) for root in load_ca_certs(self.method)):
            return
        raise VerificationFailed(
            _("The certificate was not issued by a certification authority we accept."),
            code="untrusted_certificate",
        )

    def _check_signature(self, cert, data: bytes, signature: bytes) -> None:
        try:
            key = cert.public_key()
        except (ValueError, UnsupportedAlgorithm) as exc:
            raise _unreadable() from exc
        try:
            if isinstance(key, rsa.RSAPublicKey):
                key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
            elif isinstance(key, ec.EllipticCurvePublicKey):
                key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
            else:
                raise InvalidSignature
        except InvalidSignature as exc:
            raise _wrong_signature() from exc

    def _check_owner(self, cert, subject: Subject) -> None:
        raise NotImplementedError


class BusinessCertificateBackend(CertificateBackend):
    method = BUSINESS_CERT

    def _check_owner(self, cert, subject: Subject) -> None:
        if _subject_value(cert, NameOID.SERIAL_NUMBER) != subject.tax_id:
            raise VerificationFailed(
                _("This certificate belongs to another business, not tax ID %(tax_id)s.")
                % {"tax_id": subject.tax_id},
                code="certificate_of_another_party",
            )


class CitizenCertificateBackend(CertificateBackend):
    method = CITIZEN_CERT

    def _check_owner(self, cert, subject: Subject) -> None:
        name = _subject_value(cert, NameOID.COMMON_NAME)
        serial = _subject_value(cert, NameOID.SERIAL_NUMBER)
        if (
            not subject.national_id
            or name != subject.representative_name
            or not serial.endswith(subject.national_id[-4:])
        ):
            raise VerificationFailed(
                _("This certificate does not belong to the business's representative."),
                code="certificate_of_another_party",
            )


# --- mobile citizen certificate (FIDO) -----------------------------------------


class FidoClient:
    """Client of the national mobile citizen certificate (FIDO) service.

    `request()` asks the service to push a signing request for `sign_data` to the
    holder's app and answers a transaction id; `poll()` answers the status:
    pending, approved (with the signer's national ID), rejected or expired.
    The endpoint and key are settings (MEMBERS_FIDO_ENDPOINT, MEMBERS_FIDO_API_KEY).
    """

    def __init__(self, endpoint: str, api_key: str = "", timeout: float = 10):
        self.endpoint = endpoint.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout

    def _call(self, method: str, path: str, body: dict | None = None) -> dict:
        try:
            # Inside the try: an endpoint left unset is "did not answer", not a 500.
            request = urllib.request.Request(  # noqa: S310 - endpoint is a setting
                self.endpoint + path,
                method=method,
                data=json.dumps(body).encode() if body is not None else None,
                headers={
                    "Content-Type": "application/json",
                    "Authorization": f"Bearer {self.api_key}",
                },
            )
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return json.loads(response.read() or b"{}")
        except (OSError, ValueError) as exc:
            raise VerificationFailed(
                _("The mobile citizen certificate service did not answer. Try again shortly."),
                code="fido_unavailable",
            ) from exc

    def request(self, *, national_id: str, sign_data: str, hint: str) -> str:
        answer = self._call(
            "POST", "/sign-requests", {"id_num": national_id, "sign_data": sign_data, "hint": hint}
        )
        if not answer.get("transaction_id"):
            raise VerificationFailed(
                _("The mobile citizen certificate service refused the request."),
                code="fido_refused",
            )
        return str(answer["transaction_id"])

    def poll(self, transaction_id: str) -> dict:
        return self._call("GET", f"/sign-requests/{transaction_id}")


def fido_client() -> FidoClient:
    return FidoClient(
        getattr(settings, "MEMBERS_FIDO_ENDPOINT", ""),
        getattr(settings, "MEMBERS_FIDO_API_KEY", ""),
        getattr(settings, "MEMBERS_FIDO_TIMEOUT", 10),
    )


class MobileCertificateBackend(Backend):
    method = MOBILE_CERT
    lifetime = dt.timedelta(minutes=5)

    def start(self, *, challenge, subject: Subject) -> dict:
        if settings.VERIFICATION_SIMULATOR and not getattr(settings, "MEMBERS_FIDO_ENDPOINT", ""):
            return {"simulated": True}
        challenge.external_ref = fido_client().request(
            national_id=subject.national_id, sign_data=challenge.nonce, hint="tcloud"
        )
        return {"pending": True}

    def check(self, *, challenge, subject: Subject, proof: dict) -> None:
        if not challenge.external_ref:
            raise VerificationFailed(
                _("No request was sent to the app. Start again."), code="bad_state"
            )
        answer = fido_client().poll(challenge.external_ref)
        status = answer.get("status")
        if status == "pending":
            raise VerificationPending(
                _("Waiting for you to approve the request in the mobile app.")
            )
        if status != "approved":
            raise VerificationFailed(
                _("The request was declined or has expired in the app. Start again."),
                code="fido_declined",
            )
        if (
            answer.get("sign_data") != challenge.nonce
            or answer.get("id_num") != subject.national_id
        ):
            raise VerificationFailed(
                _("The approval came from someone other than the business's representative."),
                code="certificate_of_another_party",
            )


BACKENDS: dict[str, Backend] = {
    PHONE: PhoneBackend(),
    BUSINESS_CERT: BusinessCertificateBackend(),
    CITIZEN_CERT: CitizenCertificateBackend(),
    MOBILE_CERT: MobileCertificateBackend(),
}


def backend_for(method: str) -> Backend:
    return BACKENDS[method]
