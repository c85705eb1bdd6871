"""eIDAS certificates of a connection: reading them and mutual TLS.

A connection may carry two certificates, each with its private key:

* a QWAC (qualified website authentication certificate): the client
  certificate of mutual TLS, presented to the bank on every connection;
* a QSealC (qualified electronic seal certificate): the key that signs
  requests (Berlin Group ``Signature``, PolishAPI ``X-JWS-SIGNATURE``).

``load_credential`` reads what an administrator uploads: a PEM file holding
the certificate and its key (the key possibly encrypted), or a PKCS#12 file;
either with its password. It returns a ``Credential`` that keeps the key
unencrypted in memory only; ``Credential.to_pem()`` is what the Odoo glue
stores, encrypted, and ``Credential.from_pem()`` reads it back.

``mtls_session`` gives a ``requests.Session`` that presents the QWAC: the
certificate and key are written to files only readable by this process
(0600), loaded into an ``ssl.SSLContext`` and deleted at once.

``load_ca_certificates`` reads a connection's *Bank's CA certificates* (PEM,
public: the authorities that vouch for the bank's server certificate) and
``ca_bundle_file`` gives the file ``requests`` verifies that connection's
server against, instead of the system's store.
"""

import base64
import contextlib
import hashlib
import os
import re
import ssl
import stat
import tempfile
from dataclasses import dataclass, field
from datetime import datetime

import requests
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from requests.adapters import HTTPAdapter

from .errors import BankApiError

_PEM_KEY = re.compile(
    rb"-----BEGIN ((?:RSA |EC |ENCRYPTED )?PRIVATE KEY)-----.+?-----END \1-----", re.S
)
# An upload larger than this is no certificate (a chain is a few kilobytes).
MAX_CREDENTIAL_BYTES = 64 * 1024
# A CA bundle larger than this is no bank's (the whole Mozilla store is ~220 kB).
MAX_CA_BUNDLE_BYTES = 512 * 1024
_PEM_CERTIFICATE = re.compile(
    rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.S
)


class CertificateInvalid(BankApiError):
    """An uploaded certificate or key cannot be used; the message says why
    (never the password, never the key)."""


@dataclass(frozen=True)
class Credential:
    """A certificate, its private key and the certificates above it."""

    certificate: x509.Certificate
    private_key: object = field(repr=False)
    chain: tuple = ()

    @property
    def not_after(self) -> datetime:
        """When the certificate expires (aware UTC)."""
        return self.certificate.not_valid_after_utc

    @property
    def subject(self) -> str:
        return self.certificate.subject.rfc4514_string()

    @property
    def issuer(self) -> str:
        return self.certificate.issuer.rfc4514_string()

    @property
    def serial_hex(self) -> str:
        return format(self.certificate.serial_number, "X")

    def certificate_der_b64(self) -> str:
        """The certificate, DER, base64 (Berlin Group's
        ``TPP-Signature-Certificate``, the JWS ``x5c``)."""
        der = self.certificate.public_bytes(serialization.Encoding.DER)
        return base64.b64encode(der).decode()

    def certificate_pem(self) -> bytes:
        return b"".join(
            cert.public_bytes(serialization.Encoding.PEM)
            for cert in (self.certificate, *self.chain)
        )

    def key_pem(self) -> bytes:
        return self.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    def to_pem(self) -> str:
        """Certificate, chain and unencrypted key as one PEM text (to be
        stored encrypted, never shown)."""
        return (self.certificate_pem() + self.key_pem()).decode()

    @classmethod
    def from_pem(cls, text: str) -> "Credential":
        return load_credential(text.encode())


def _check_key(certificate, key, what):
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise CertificateInvalid(
            f"{what}: the private key is neither RSA nor EC; banks accept these two."
        )
    public = serialization.PublicFormat.SubjectPublicKeyInfo
    if key.public_key().public_bytes(
        serialization.Encoding.DER, public
    ) != certificate.public_key().public_bytes(serialization.Encoding.DER, public):
        raise CertificateInvalid(
            f"{what}: the private key does not belong to the certificate "
            f"{certificate.subject.rfc4514_string()}."
        )


def _load_pkcs12(data, password, what):
    try:
        key, certificate, chain = pkcs12.load_key_and_certificates(data, password)
    except ValueError:
        raise CertificateInvalid(
            f"{what}: the PKCS#12 file cannot be opened; check its password."
        ) from None
    return key, certificate, tuple(chain or ())


def _load_pem(data, password, what):
    try:
        certificates = x509.load_pem_x509_certificates(data)
    except ValueError:
        raise CertificateInvalid(
            f"{what}: no certificate found; upload a PEM file holding the "
            "certificate and its private key, or a PKCS#12 (.p12, .pfx) file."
        ) from None
    found = _PEM_KEY.search(data)
    key = None
    if found:
        try:
            key = serialization.load_pem_private_key(found.group(0), password)
        except TypeError:
            raise CertificateInvalid(
                f"{what}: the private key is encrypted; enter its password."
            ) from None
        except ValueError:
            raise CertificateInvalid(
                f"{what}: the private key cannot be read; check its password."
            ) from None
    return key, certificates[0], tuple(certificates[1:])


def load_credential(data: bytes, password: str | None = None, what="certificate"):
    """The ``Credential`` in ``data`` (PEM or PKCS#12); CertificateInvalid
    naming ``what`` when it cannot be used."""
    if not data:
        raise CertificateInvalid(f"{what}: the file is empty.")
    if len(data) > MAX_CREDENTIAL_BYTES:
        raise CertificateInvalid(
            f"{what}: the file is {len(data):,} bytes, over the limit of "
            f"{MAX_CREDENTIAL_BYTES:,}; a certificate with its key is a few kilobytes."
        )
    secret = password.encode() if password else None
    if b"-----BEGIN" in data:
        key, certificate, chain = _load_pem(data, secret, what)
    else:
        key, certificate, chain = _load_pkcs12(data, secret, what)
    if certificate is None or key is None:
        raise CertificateInvalid(
            f"{what}: the file must hold both the certificate and its private key."
        )
    _check_key(certificate, key, what)
    return Credential(certificate=certificate, private_key=key, chain=chain)


def check_valid(credential: Credential, now: datetime, what="certificate"):
    """CertificateInvalid when the certificate is expired or not yet valid."""
    certificate = credential.certificate
    if now < certificate.not_valid_before_utc:
        raise CertificateInvalid(
            f"{what} {credential.subject} is valid only from "
            f"{certificate.not_valid_before_utc:%Y-%m-%d}."
        )
    if now > certificate.not_valid_after_utc:
        raise CertificateInvalid(
            f"{what} {credential.subject} expired on "
            f"{certificate.not_valid_after_utc:%Y-%m-%d}; upload its successor."
        )


@contextlib.contextmanager
def private_files(*contents: bytes):
    """Paths of temporary files holding ``contents``, readable by this
    process only (0600), deleted when the block ends, whatever happens."""
    paths = []
    try:
        for content in contents:
            handle, path = tempfile.mkstemp(prefix="bank_api_sync_", suffix=".pem")
            paths.append(path)
            os.fchmod(handle, 0o600)
            with os.fdopen(handle, "wb") as stream:
                stream.write(content)
        yield paths
    finally:
        for path in paths:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)


def client_ssl_context(credential: Credential, verify=True) -> ssl.SSLContext:
    """A TLS context presenting ``credential`` (mutual TLS). ``verify``: as
    in requests (True: the system's and certifi's CAs; a path: that bundle)."""
    context = ssl.create_default_context(
        cafile=verify if isinstance(verify, str) else None
    )
    if verify is True:
        with contextlib.suppress(ImportError, OSError):
            import certifi

            context.load_verify_locations(certifi.where())
    with private_files(credential.certificate_pem(), credential.key_pem()) as (
        cert_path,
        key_path,
    ):
        context.load_cert_chain(cert_path, key_path)
    return context


class _ClientCertificateAdapter(HTTPAdapter):
    def __init__(self, context, **kwargs):
        self._context = context
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["ssl_context"] = self._context
        return super().init_poolmanager(*args, **kwargs)

    def proxy_manager_for(self, *args, **kwargs):
        kwargs["ssl_context"] = self._context
        return super().proxy_manager_for(*args, **kwargs)


def mtls_session(credential: Credential, verify=True) -> requests.Session:
    """A session that presents ``credential`` to every HTTPS server."""
    session = requests.Session()
    session.verify = verify
    session.mount(
        "https://", _ClientCertificateAdapter(client_ssl_context(credential, verify))
    )
    return session


def load_ca_certificates(text) -> tuple:
    """The certificates of a CA bundle (PEM text or bytes, comments between
    the blocks allowed): the authorities a connection trusts for its bank's
    server certificate. CertificateInvalid when it holds no certificate, a
    block that is not one, a private key (the field is public) or anything
    the TLS layer cannot load."""
    data = text.encode() if isinstance(text, str) else bytes(text or b"")
    if len(data) > MAX_CA_BUNDLE_BYTES:
        raise CertificateInvalid(
            f"CA certificates: {len(data):,} bytes, over the limit of "
            f"{MAX_CA_BUNDLE_BYTES:,}; paste the bank's authorities only."
        )
    if b"PRIVATE KEY-----" in data:
        raise CertificateInvalid(
            "CA certificates: the text holds a private key; paste only the "
            "certificates (-----BEGIN CERTIFICATE-----) and keep the key secret."
        )
    blocks = _PEM_CERTIFICATE.findall(data)
    if not blocks or data.count(b"-----BEGIN") != len(blocks):
        raise CertificateInvalid(
            "CA certificates: paste one or more certificates in PEM format "
            "(-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----)."
        )
    found = []
    for number, block in enumerate(blocks, 1):
        try:
            found.append(x509.load_pem_x509_certificate(block))
        except ValueError:
            raise CertificateInvalid(
                f"CA certificates: certificate {number} cannot be read; paste it "
                "again, whole, as the bank publishes it."
            ) from None
    try:
        ssl.create_default_context(cadata=b"\n".join(blocks).decode("ascii"))
    except (ssl.SSLError, ValueError, UnicodeDecodeError) as error:
        raise CertificateInvalid(
            f"CA certificates: the TLS layer refuses them ({error})."
        ) from None
    return tuple(found)


def ca_bundle_file(text) -> str:
    """The path of a file holding the CA certificates in ``text`` (checked
    by ``load_ca_certificates``), for ``requests``' ``verify``. Certificates
    of authorities are public: the file is named by its content's SHA-256
    in a folder of this process's user and written once, atomically."""
    pem = b"".join(
        certificate.public_bytes(serialization.Encoding.PEM)
        for certificate in load_ca_certificates(text)
    )
    folder = os.path.join(tempfile.gettempdir(), f"bank_api_sync_ca_{os.getuid()}")
    os.makedirs(folder, mode=0o700, exist_ok=True)
    # The temporary directory is shared: a folder someone else made (or a
    # link) could hold an authority of theirs under our file's name.
    status = os.lstat(folder)
    if (
        not stat.S_ISDIR(status.st_mode)
        or status.st_uid != os.getuid()
        or status.st_mode & 0o077
    ):
        raise CertificateInvalid(
            f"CA certificates: {folder} is not a private folder of this "
            "process's user; remove it."
        )
    path = os.path.join(folder, f"{hashlib.sha256(pem).hexdigest()}.pem")
    try:
        with open(path, "rb") as stream:
            current = stream.read()
    except FileNotFoundError:
        current = None
    if current != pem:
        handle, partial = tempfile.mkstemp(dir=folder, suffix=".part")
        with os.fdopen(handle, "wb") as stream:
            stream.write(pem)
        os.replace(partial, path)
    return path
