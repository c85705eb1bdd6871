"""The Sandbox Bank's strict TLS mode: HTTPS and mutual TLS, as a real PSD2
bank's API.

``TlsSetup`` holds a certificate authority of the sandbox's own (a stand-in
for a qualified trust service, core/pki.py), the bank's server certificate
issued by it, and a QWAC it issued to the TPP. A bank started with one
(``SandboxBank(tls=...)``, ``--mtls DIR`` on the command line):

* serves HTTPS with the server certificate (the CA file is the connection's
  CA bundle);
* asks every client for a certificate: one the authority did not issue (or
  expired) fails the TLS handshake; none at all is answered, on the API
  (``/v1``, the token and OAuth2 metadata endpoints), with the Berlin Group
  error HTTP 401 ``CERTIFICATE_MISSING``. The customer's pages
  (``/sandbox/...``, opened in a browser, which has no QWAC) stay open.

``TlsSetup.in_folder(folder, host)`` writes the files once and reads them
back afterwards (keys 0600), so that the QWAC uploaded on a connection keeps
working across restarts:

    ca.pem       the authority's certificate: trust it for the bank's HTTPS
    ca-key.pem   the authority's key (it issues the other two)
    server.pem   the bank's server certificate and key
    qwac.pem     the TPP's QWAC, certificate and key: upload it on the
                 connection's Certificates page
    qseal.pem    the TPP's QSealC, certificate and key, for a bank that also
                 requires signed requests (``--require-signatures``)
"""

import contextlib
import os
import ssl
from dataclasses import dataclass, field
from pathlib import Path

from ..siblings import certificates, pki

# How long a client may take over the TLS handshake: a client that opens a
# connection and says nothing does not hold a server thread longer.
HANDSHAKE_TIMEOUT = 10.0


@dataclass(frozen=True)
class TlsSetup:
    authority: object  # core.certificates.Credential, a CA
    server: object  # the bank's server certificate, issued by ``authority``
    qwac: object = field(default=None, repr=False)  # the TPP's, for tests/demo
    ca_file: str | None = None  # ``authority``'s certificate as a PEM file
    qseal: object = field(default=None, repr=False)  # the TPP's seal

    @classmethod
    def generate(cls, host="127.0.0.1", folder=None, days=365) -> "TlsSetup":
        """A new authority, server certificate (for ``host``, localhost and
        127.0.0.1) and QWAC; written to ``folder`` when given."""
        authority = pki.issue("Sandbox Bank Trust Service CA", is_ca=True, days=days)
        names = sorted({host, "localhost", "127.0.0.1"} - {"", "0.0.0.0"})  # noqa: S104
        server = pki.issue(names[0], authority, server_names=names, days=days)
        qwac = pki.issue("Sandbox TPP QWAC", authority, days=days)
        qseal = pki.issue("Sandbox TPP QSealC", authority, days=days)
        setup = cls(authority, server, qwac, qseal=qseal)
        return setup.save(folder) if folder else setup

    @classmethod
    def in_folder(cls, folder, host="127.0.0.1") -> "TlsSetup":
        """The set-up kept in ``folder``, generated there the first time."""
        folder = Path(folder)
        if not (folder / "ca.pem").exists():
            return cls.generate(host, folder)
        authority = certificates.load_credential(
            (folder / "ca.pem").read_bytes() + (folder / "ca-key.pem").read_bytes(),
            what="sandbox CA",
        )
        server = certificates.load_credential(
            (folder / "server.pem").read_bytes(), what="sandbox server certificate"
        )
        qwac, qseal = (
            certificates.load_credential((folder / name).read_bytes(), what=name)
            for name in ("qwac.pem", "qseal.pem")
        )
        return cls(authority, server, qwac, str(folder / "ca.pem"), qseal)

    def save(self, folder) -> "TlsSetup":
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        files = {
            "ca.pem": (self.authority.certificate_pem(), 0o644),
            "ca-key.pem": (self.authority.key_pem(), 0o600),
            "server.pem": (
                self.server.certificate_pem() + self.server.key_pem(),
                0o600,
            ),
            "qwac.pem": (self.qwac.certificate_pem() + self.qwac.key_pem(), 0o600),
            "qseal.pem": (self.qseal.certificate_pem() + self.qseal.key_pem(), 0o600),
        }
        for name, (content, mode) in files.items():
            path = folder / name
            handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
            with os.fdopen(handle, "wb") as stream:
                stream.write(content)
            os.chmod(path, mode)
        return TlsSetup(
            self.authority, self.server, self.qwac, str(folder / "ca.pem"), self.qseal
        )

    def server_context(self) -> ssl.SSLContext:
        """The bank's side: its certificate; a client's certificate asked
        for and, when one is presented, verified against the authority."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        with certificates.private_files(
            self.server.certificate_pem(), self.server.key_pem()
        ) as (cert_path, key_path):
            context.load_cert_chain(cert_path, key_path)
        context.load_verify_locations(cadata=self.authority.certificate_pem().decode())
        # Optional at the TLS layer so that a request without one gets the
        # Berlin Group's answer (CERTIFICATE_MISSING); a wrong one still
        # fails the handshake.
        context.verify_mode = ssl.CERT_OPTIONAL
        return context


def handshake(context, sock):
    """The server side of the TLS handshake on an accepted socket; None (the
    socket closed) when the client's certificate or the handshake fails."""
    sock.settimeout(HANDSHAKE_TIMEOUT)
    try:
        secured = context.wrap_socket(sock, server_side=True)
    except (ssl.SSLError, OSError):
        with contextlib.suppress(OSError):
            sock.close()
        return None
    secured.settimeout(None)
    return secured
