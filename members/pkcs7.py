"""PKCS#7 / CMS SignedData, as the national signing component returns it (RULES M5).

The component (HiPKI LocalSignServer, "跨平台網頁元件") signs the challenge with
`signatureType: "PKCS7"` and answers base64 DER. Its documentation does not say
whether the content is attached or whether signed attributes are present, so both
shapes are read: the content (when attached) must be the challenge itself; with
signed attributes, their messageDigest must be the SHA-256 of the challenge and the
signature covers the attributes (RFC 5652 5.4); without them it covers the challenge.

`read()` only parses; `SignedData.signer()` verifies the signature with a
certificate (the one the page sent, or one carried inside) and returns it. The
certificate's chain and owner are checked by the caller like any other.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from asn1crypto import cms
from cryptography import x509

# Signature algorithms a card key produces over SHA-256: RSA PKCS#1 v1.5 (named by
# the key's OID or with the hash) and ECDSA. PSS and other hashes are refused.
_SIGNATURE_ALGORITHMS = {
    "rsassa_pkcs1v15",
    "sha256_rsa",
    "ecdsa",
    "sha256_ecdsa",
    "1.2.840.10045.2.1",  # id-ecPublicKey, as some signers name ECDSA
}
# A SignedData from the component carries the signer's certificate and perhaps its
# issuers; more than this is not one card's answer.
MAX_CERTIFICATES = 10


class NotSignedData(ValueError):
    """The bytes are not a PKCS#7 SignedData (a raw signature, or garbage)."""


class Unacceptable(ValueError):
    """A SignedData that can never verify the challenge; `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class SignedData:
    content: bytes | None
    digest_algorithm: str
    signature_algorithm: str
    signature: bytes
    signed_attributes: bytes | None  # DER, re-tagged as SET OF for verification
    message_digest: bytes | None
    content_type: str | None
    certificates: list[x509.Certificate] = field(default_factory=list)

    def signed_bytes(self, challenge: bytes) -> bytes:
        """What the signature must cover for `challenge`, or Unacceptable."""
        if self.digest_algorithm != "sha256":
            raise Unacceptable("digest")
        if self.signature_algorithm not in _SIGNATURE_ALGORITHMS:
            raise Unacceptable("algorithm")
        if self.content is not None and self.content != challenge:
            raise Unacceptable("content")
        if self.signed_attributes is None:
            return challenge
        if self.message_digest != hashlib.sha256(challenge).digest():
            raise Unacceptable("content")
        if self.content_type not in (None, "data"):
            raise Unacceptable("content")
        return self.signed_attributes


def read(raw: bytes) -> SignedData:
    """Parse `raw` (DER) as a ContentInfo holding a SignedData with one signer."""
    if not raw or raw[0] != 0x30:
        raise NotSignedData
    try:
        return _read(raw)
    except NotSignedData:
        raise
    # asn1crypto parses lazily and raises a variety of errors on hostile input;
    # whatever it is, these bytes are not a SignedData we can use.
    except Exception as exc:  # noqa: BLE001
        raise NotSignedData from exc


def _read(raw: bytes) -> SignedData:
    info = cms.ContentInfo.load(raw, strict=True)
    if info["content_type"].native != "signed_data":
        raise NotSignedData
    signed = info["content"]
    signers = list(signed["signer_infos"])
    if len(signers) != 1:
        raise NotSignedData
    signer = signers[0]
    encapsulated = signed["encap_content_info"]
    content = encapsulated["content"]
    attributes = signer["signed_attrs"]
    message_digest = content_type = None
    signed_attributes = None
    if attributes.native is not None:
        # The signature covers the attributes' DER with the SET OF tag (RFC 5652
        # 5.4), not the [0] IMPLICIT tag they carry inside SignerInfo.
        encoded = attributes.dump()
        signed_attributes = b"\x31" + encoded[1:]
        for attribute in attributes:
            kind = attribute["type"].native
            values = list(attribute["values"])
            if len(values) != 1:
                raise NotSignedData
            if kind == "message_digest":
                message_digest = values[0].native
            elif kind == "content_type":
                content_type = values[0].native
    certificates = []
    for choice in signed["certificates"] or []:
        if choice.name != "certificate":
            continue
        if len(certificates) >= MAX_CERTIFICATES:
            break
        certificates.append(x509.load_der_x509_certificate(choice.chosen.dump()))
    return SignedData(
        content=content.native if content.native is not None else None,
        digest_algorithm=signer["digest_algorithm"]["algorithm"].native,
        signature_algorithm=signer["signature_algorithm"]["algorithm"].native,
        signature=signer["signature"].native,
        signed_attributes=signed_attributes,
        message_digest=message_digest,
        content_type=content_type,
        certificates=certificates,
    )
