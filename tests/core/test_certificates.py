"""eIDAS certificates: reading uploads (PEM, PKCS#12), expiry, mutual TLS."""

import http.server
import os
import ssl
import stat
import threading
from datetime import datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from bank_api_sync.core import certificates, pki
from bank_api_sync.core.certificates import CertificateInvalid, load_credential
from bank_api_sync.core.errors import BankApiError
from bank_api_sync.core.http import BankHttp
from bank_api_sync.core.providers import ConnectionSettings


@pytest.fixture(scope="module")
def authority():
    return pki.issue("Sandbox Test CA", is_ca=True, days=30)


@pytest.fixture(scope="module")
def qwac(authority):
    return pki.issue("ACME Accounting TPP", authority, days=90)


def test_pem_with_encrypted_key_is_read_and_its_expiry_known(qwac):
    pem = qwac.certificate_pem() + qwac.private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"s3cret"),
    )
    credential = load_credential(pem, "s3cret")
    assert credential.serial_hex == format(qwac.certificate.serial_number, "X")
    assert credential.not_after == qwac.not_after
    assert "ACME Accounting TPP" in credential.subject
    with pytest.raises(CertificateInvalid, match="check its password"):
        load_credential(pem, "wrong")
    with pytest.raises(CertificateInvalid, match="enter its password"):
        load_credential(pem)


def test_pkcs12_is_read_and_survives_the_stored_form(qwac, authority):
    p12 = pkcs12.serialize_key_and_certificates(
        b"tpp",
        qwac.private_key,
        qwac.certificate,
        [authority.certificate],
        serialization.BestAvailableEncryption(b"pw"),
    )
    credential = load_credential(p12, "pw")
    assert credential.chain[0] == authority.certificate
    again = certificates.Credential.from_pem(credential.to_pem())
    assert again.certificate == qwac.certificate
    assert again.key_pem() == credential.key_pem()
    with pytest.raises(CertificateInvalid, match="PKCS#12 file cannot be opened"):
        load_credential(p12, "nope")


def test_refusals_name_what_is_wrong(qwac, authority):
    with pytest.raises(CertificateInvalid, match="both the certificate and its"):
        load_credential(qwac.certificate_pem())
    with pytest.raises(CertificateInvalid, match="does not belong"):
        load_credential(qwac.certificate_pem() + authority.key_pem())
    with pytest.raises(CertificateInvalid, match="over the limit"):
        load_credential(b"x" * (certificates.MAX_CREDENTIAL_BYTES + 1))
    with pytest.raises(CertificateInvalid, match="QWAC: the PKCS#12"):
        load_credential(b"not a certificate", what="QWAC")


def test_expired_and_future_certificates_are_refused(authority):
    old = pki.issue(
        "Old", authority, days=1, not_before=datetime.now(timezone.utc) - timedelta(3)
    )
    with pytest.raises(CertificateInvalid, match="expired on"):
        certificates.check_valid(old, datetime.now(timezone.utc))
    future = pki.issue(
        "Future", authority, not_before=datetime.now(timezone.utc) + timedelta(3)
    )
    with pytest.raises(CertificateInvalid, match="valid only from"):
        certificates.check_valid(future, datetime.now(timezone.utc))


def test_key_files_are_private_and_deleted(qwac):
    with certificates.private_files(b"key") as (path,):
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert not os.path.exists(path)


class _Echo(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        peer = self.connection.getpeercert()
        subject = dict(item[0] for item in peer["subject"])["commonName"]
        body = subject.encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def mtls_server(authority, tmp_path_factory):
    """An HTTPS server that requires a client certificate from ``authority``."""
    server_credential = pki.issue("localhost", authority, server_names=["127.0.0.1"])
    folder = tmp_path_factory.mktemp("tls")
    ca_file = folder / "ca.pem"
    ca_file.write_bytes(authority.certificate_pem())
    cert_file, key_file = folder / "server.pem", folder / "server.key"
    cert_file.write_bytes(server_credential.certificate_pem())
    key_file.write_bytes(server_credential.key_pem())
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    context.load_verify_locations(ca_file)
    context.verify_mode = ssl.CERT_REQUIRED
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.server_address[1]}", str(ca_file)
    server.shutdown()
    server.server_close()


def test_the_qwac_is_presented_in_mutual_tls(mtls_server, qwac):
    url, ca_file = mtls_server
    settings = ConnectionSettings(
        provider="x", base_url=url, client_certificate=qwac, ca_bundle=ca_file
    )
    answer = BankHttp(settings, None).request("GET", f"{url}/who", endpoint="who")
    assert answer.content == b"ACME Accounting TPP"


def test_without_a_client_certificate_the_handshake_fails(mtls_server):
    url, ca_file = mtls_server
    settings = ConnectionSettings(
        provider="x", base_url=url, ca_bundle=ca_file, max_retries=0
    )
    with pytest.raises(BankApiError, match="who: GET /who"):
        BankHttp(settings, None).request("GET", f"{url}/who", endpoint="who")
