"""A throwaway certificate authority for the Sandbox Bank and the tests.

Real connections use certificates a qualified trust service issued; this
issues look-alikes (RSA, SHA-256) so that mutual TLS and signatures are
exercised end to end without one. Nothing here is used for a real bank.
"""

import ipaddress
from datetime import datetime, timedelta, timezone

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from .certificates import Credential


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "PL"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Sandbox Trust Service"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def new_key(bits: int = 2048):
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def issue(
    common_name: str,
    issuer: Credential | None = None,
    *,
    days: int = 365,
    not_before: datetime | None = None,
    server_names=(),
    is_ca: bool = False,
    key=None,
) -> Credential:
    """A certificate for ``common_name`` signed by ``issuer`` (self-signed
    when None), valid ``days`` from ``not_before`` (now)."""
    key = key or new_key()
    start = not_before or datetime.now(timezone.utc) - timedelta(minutes=5)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(issuer.certificate.subject if issuer else _name(common_name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), True)
    )
    if server_names:
        alt_names = []
        for name in server_names:
            try:
                alt_names.append(x509.IPAddress(ipaddress.ip_address(name)))
            except ValueError:
                alt_names.append(x509.DNSName(name))
        builder = builder.add_extension(
            x509.SubjectAlternativeName(alt_names), False
        ).add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)
    elif not is_ca:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), False
        )
    signer = issuer.private_key if issuer else key
    certificate = builder.sign(signer, hashes.SHA256())
    return Credential(certificate=certificate, private_key=key)
