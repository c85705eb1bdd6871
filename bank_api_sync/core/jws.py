"""Detached JWS (RFC 7515, appendix F) of a message body, with ``joserfc``.

PolishAPI's ``X-JWS-SIGNATURE`` is a JWS in compact form whose payload (the
request's or answer's body) is left out: ``<header>..<signature>``. The
header names the algorithm (RS256 for an RSA key, ES256 for a P-256 one),
the signer's certificate (``x5c``) and its ``kid`` (the certificate's serial
number). The signature is made and checked by the library; here the payload
is only detached and, to verify, put back.
"""

import base64
import binascii
import json

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, RSAKey

from .certificates import Credential
from .errors import BankResponseError

# The longest signature header read (a certificate chain is a few kilobytes).
MAX_JWS_LENGTH = 32 * 1024


class SignatureInvalid(BankResponseError):
    """The bank's answer carries a signature that does not verify: the
    answer was refused, nothing of it was used."""


def _algorithm(private_or_public_key) -> str:
    if isinstance(
        private_or_public_key, ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey
    ):
        return "ES256"
    return "RS256"


def _jwk(key):
    if isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    else:
        pem = key.public_bytes(
            serialization.Encoding.PEM,
            serialization.PublicFormat.SubjectPublicKeyInfo,
        )
    return (ECKey if _algorithm(key) == "ES256" else RSAKey).import_key(pem)


def sign_detached(seal: Credential, body: bytes | None) -> str:
    """The detached compact JWS of ``body`` made with the QSealC's key."""
    algorithm = _algorithm(seal.private_key)
    header = {
        "alg": algorithm,
        "kid": seal.serial_hex,
        "x5c": [seal.certificate_der_b64()],
    }
    compact = jws.serialize_compact(
        header, body or b"", _jwk(seal.private_key), algorithms=[algorithm]
    )
    protected, _payload, signature = compact.split(".")
    return f"{protected}..{signature}"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def verify_detached(value: str, body: bytes | None, certificate=None, where="answer"):
    """Check a detached JWS of ``body``. ``certificate``: the signer's
    (x509), known beforehand; without it, the one the JWS carries in
    ``x5c`` (which proves the body intact, not who signed it). Raises
    ``SignatureInvalid`` naming ``where``; returns the JWS header."""
    value = (value or "").strip()
    parts = value.split(".")
    if len(value) > MAX_JWS_LENGTH or len(parts) != 3 or parts[1]:
        raise SignatureInvalid(
            f"{where}: X-JWS-SIGNATURE is not a detached JWS (header..signature)."
        )
    try:
        header = json.loads(
            base64.urlsafe_b64decode(parts[0] + "=" * (-len(parts[0]) % 4))
        )
        if certificate is None:
            certificate = x509.load_der_x509_certificate(
                base64.b64decode(header["x5c"][0])
            )
    except (ValueError, KeyError, IndexError, TypeError, binascii.Error):
        raise SignatureInvalid(
            f"{where}: the X-JWS-SIGNATURE header cannot be read."
        ) from None
    public_key = certificate.public_key()
    algorithm = _algorithm(public_key)
    attached = f"{parts[0]}.{_b64url(body or b'')}.{parts[2]}"
    try:
        jws.deserialize_compact(attached, _jwk(public_key), algorithms=[algorithm])
    except (JoseError, ValueError):
        raise SignatureInvalid(
            f"{where}: the bank's signature (X-JWS-SIGNATURE) does not match the "
            "answer; it was refused and nothing of it was used."
        ) from None
    return header
