"""Berlin Group NextGenPSD2 request signatures (plain Python, ``cryptography``).

What the Implementation Guidelines ask of a TPP that signs its requests
with its QSealC (after draft-cavage-http-signatures):

* ``Digest``: ``SHA-256=`` and the base64 SHA-256 of the body as sent
  (of nothing for a GET);
* ``Signature``: ``keyId="SN=<certificate serial, hex>,CA=<issuer DN>"``,
  ``algorithm="rsa-sha256"``, ``headers`` listing the signed headers in
  order (``digest x-request-id``, then ``psu-id``, ``psu-corporate-id`` and
  ``tpp-redirect-uri`` when the request has them, and ``date``) and
  ``signature``: the base64 RSA PKCS#1 v1.5 SHA-256 signature of the lines
  ``<name>: <value>`` of those headers joined by newlines;
* ``TPP-Signature-Certificate``: the QSealC, DER, base64.

``verify_berlin_group`` is the bank's side (the Sandbox Bank in strict mode,
the tests): it raises ``SignatureRefused`` with the standard's code
(``SIGNATURE_MISSING``, ``SIGNATURE_INVALID``, ``CERTIFICATE_INVALID``,
``CERTIFICATE_EXPIRED``), each answered with HTTP 401.
"""

import base64
import binascii
import hashlib
import re
from datetime import datetime
from email.utils import format_datetime

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from .certificates import CertificateInvalid, Credential
from .errors import BankApiError

# The headers a signature covers, in this order, each when the request has it.
SIGNED_HEADERS = (
    "digest",
    "x-request-id",
    "psu-id",
    "psu-corporate-id",
    "tpp-redirect-uri",
    "date",
)
REQUIRED_SIGNED_HEADERS = ("digest", "x-request-id", "date")
ALGORITHM = "rsa-sha256"
_PARAMETER = re.compile(r'\s*(\w+)\s*=\s*"([^"]*)"\s*(?:,|$)')


class SignatureRefused(BankApiError):
    """A request's signature does not hold; ``code`` is the Berlin Group
    error code to answer with, ``status`` the HTTP status."""

    def __init__(self, code: str, message: str, status: int = 401):
        super().__init__(message)
        self.code = code
        self.status = status


def digest(body: bytes | None) -> str:
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body or b"").digest()).decode()


def key_id(certificate: x509.Certificate) -> str:
    return (
        f"SN={format(certificate.serial_number, 'X')},"
        f"CA={certificate.issuer.rfc4514_string()}"
    )


def signing_string(headers: dict, names) -> bytes:
    lower = {name.lower(): str(value) for name, value in headers.items()}
    return "\n".join(f"{name}: {lower[name]}" for name in names).encode()


def berlin_group_headers(
    seal: Credential, headers: dict, body: bytes | None, now: datetime
) -> dict:
    """The headers that sign a request: Digest, Date, Signature and
    TPP-Signature-Certificate (``headers``: the request's, X-Request-ID
    already among them)."""
    if not isinstance(seal.private_key, rsa.RSAPrivateKey):
        raise CertificateInvalid(
            f"QSealC {seal.subject}: Berlin Group signatures ({ALGORITHM}) need "
            "an RSA key."
        )
    added = {"Digest": digest(body), "Date": format_datetime(now, usegmt=True)}
    present = {name.lower() for name in headers} | {"digest", "date"}
    names = [name for name in SIGNED_HEADERS if name in present]
    signature = seal.private_key.sign(
        signing_string({**headers, **added}, names),
        padding.PKCS1v15(),
        hashes.SHA256(),
    )
    added["Signature"] = (
        f'keyId="{key_id(seal.certificate)}",algorithm="{ALGORITHM}",'
        f'headers="{" ".join(names)}",'
        f'signature="{base64.b64encode(signature).decode()}"'
    )
    added["TPP-Signature-Certificate"] = seal.certificate_der_b64()
    return added


def parse_signature(value: str) -> dict:
    """The parameters of a ``Signature`` header; SIGNATURE_INVALID when it
    is not a list of ``name="value"``."""
    parameters, position = {}, 0
    while position < len(value):
        found = _PARAMETER.match(value, position)
        if not found:
            raise SignatureRefused(
                "SIGNATURE_INVALID", "The Signature header cannot be parsed."
            )
        parameters[found.group(1)] = found.group(2)
        position = found.end()
    return parameters


def _certificate(headers) -> x509.Certificate:
    encoded = headers.get("tpp-signature-certificate")
    if not encoded:
        raise SignatureRefused(
            "CERTIFICATE_INVALID", "TPP-Signature-Certificate is missing."
        )
    try:
        return x509.load_der_x509_certificate(base64.b64decode(encoded))
    except (ValueError, binascii.Error):
        raise SignatureRefused(
            "CERTIFICATE_INVALID", "TPP-Signature-Certificate is no certificate."
        ) from None


def _check_certificate(certificate, trusted_ca, now):
    if trusted_ca is not None:
        try:
            certificate.verify_directly_issued_by(trusted_ca)
        except (ValueError, TypeError, InvalidSignature):
            raise SignatureRefused(
                "CERTIFICATE_INVALID",
                "The signature certificate is not issued by a trusted authority.",
            ) from None
    if now is not None and not (
        certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc
    ):
        raise SignatureRefused(
            "CERTIFICATE_EXPIRED", "The signature certificate is not valid now."
        )


def verify_berlin_group(
    headers: dict, body: bytes | None, trusted_ca=None, now=None
) -> x509.Certificate:
    """The certificate that signed the request (``headers`` as received);
    ``SignatureRefused`` with the standard's code when it does not hold.
    ``trusted_ca``: the certificate that must have issued the signer's."""
    headers = {name.lower(): value for name, value in headers.items()}
    if not headers.get("signature"):
        raise SignatureRefused("SIGNATURE_MISSING", "The request is not signed.")
    parameters = parse_signature(headers["signature"])
    certificate = _certificate(headers)
    _check_certificate(certificate, trusted_ca, now)
    names = parameters.get("headers", "").lower().split()
    missing = [name for name in REQUIRED_SIGNED_HEADERS if name not in names]
    if missing or parameters.get("algorithm") != ALGORITHM:
        raise SignatureRefused(
            "SIGNATURE_INVALID",
            f"The signature must use {ALGORITHM} and cover "
            f"{', '.join(REQUIRED_SIGNED_HEADERS)}.",
        )
    if parameters.get("keyId") != key_id(certificate):
        raise SignatureRefused(
            "SIGNATURE_INVALID", "keyId does not name the signature certificate."
        )
    absent = [name for name in names if name not in headers]
    if absent or headers["digest"] != digest(body):
        raise SignatureRefused(
            "SIGNATURE_INVALID",
            "Digest does not match the body, or a signed " "header is absent.",
        )
    try:
        certificate.public_key().verify(
            base64.b64decode(parameters.get("signature", "")),
            signing_string(headers, names),
            padding.PKCS1v15(),
            hashes.SHA256(),
        )
    except (InvalidSignature, ValueError, TypeError, binascii.Error):
        raise SignatureRefused(
            "SIGNATURE_INVALID", "The signature does not verify."
        ) from None
    return certificate
