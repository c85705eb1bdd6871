"""A connection's *Bank's CA certificates*: the authorities (PEM) that vouch
for its bank's server certificate, used for that connection's requests only
(the system's store otherwise), and refused at saving when they are no
certificates."""

import os

import pytest

from bank_api_sync.core import certificates, pki
from bank_api_sync.core.errors import CertificateRefused
from bank_api_sync_sandbox.core.sandbox import SandboxBank
from bank_api_sync_sandbox.core.sandbox.tls import TlsSetup

from .sandbox_support import Clock, sandbox_client


@pytest.fixture(scope="module")
def tls():
    return TlsSetup.generate()


@pytest.fixture
def bank(tls):
    with SandboxBank(seed=5, now=Clock(), per_day=2, tls=tls) as bank:
        yield bank


def ca_pem(credential):
    return credential.certificate_pem().decode()


def test_with_the_banks_ca_pasted_the_client_reaches_the_bank(bank, tls):
    client = sandbox_client(
        bank,
        client_certificate=tls.qwac,
        ca_certificates="Sandbox Bank's authority\n" + ca_pem(tls.authority),
        max_retries=0,
    )
    assert client.list_accounts()
    assert client.http.session.verify.endswith(".pem")


def test_without_it_the_system_store_refuses_the_bank_and_says_what_to_set(
    bank, tls, monkeypatch
):
    # Not even the environment's bundle helps: it does not hold the authority.
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    with pytest.raises(CertificateRefused, match="CERTIFICATE_VERIFY_FAILED") as no:
        sandbox_client(bank, client_certificate=tls.qwac, max_retries=0)
    assert "Bank's CA Certificates (Certificates page)" in str(no.value)
    assert bank.request_log == []


def test_another_authority_is_not_trusted_for_this_bank(bank, tls):
    other = pki.issue("Another CA", is_ca=True)
    with pytest.raises(CertificateRefused, match="CERTIFICATE_VERIFY_FAILED"):
        sandbox_client(
            bank,
            client_certificate=tls.qwac,
            ca_certificates=ca_pem(other),
            max_retries=0,
        )
    assert bank.request_log == []


def test_the_bundle_is_one_file_per_content_with_the_certificates_only(tls):
    other = pki.issue("Another CA", is_ca=True)
    text = f"# bank\n{ca_pem(tls.authority)}\n# its old one\n{ca_pem(other)}"
    path = certificates.ca_bundle_file(text)
    assert path == certificates.ca_bundle_file(text.replace("# bank", "# Bank"))
    with open(path, "rb") as stream:
        written = stream.read()
    assert written == tls.authority.certificate_pem() + other.certificate_pem()
    assert os.stat(os.path.dirname(path)).st_mode & 0o077 == 0
    assert len(certificates.load_ca_certificates(text)) == 2
    # A file changed under that name is written again, not trusted as found.
    with open(path, "wb") as stream:
        stream.write(other.certificate_pem())
    assert certificates.ca_bundle_file(text) == path
    with open(path, "rb") as stream:
        assert stream.read() == written


def test_a_shared_folder_is_refused(tmp_path, monkeypatch, tls):
    shared = tmp_path / f"bank_api_sync_ca_{os.getuid()}"
    shared.mkdir(mode=0o777)
    shared.chmod(0o777)
    monkeypatch.setattr(certificates.tempfile, "gettempdir", lambda: str(tmp_path))
    with pytest.raises(certificates.CertificateInvalid, match="not a private folder"):
        certificates.ca_bundle_file(ca_pem(tls.authority))


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "one or more certificates in PEM format"),
        ("not a certificate", "one or more certificates in PEM format"),
        (
            "-----BEGIN CERTIFICATE-----\nMIIBroken\n-----END CERTIFICATE-----\n",
            "certificate 1 cannot be read",
        ),
        ("-----BEGIN CERTIFICATE-----\nMIIB\n", "one or more certificates"),
    ],
)
def test_text_that_is_no_certificate_is_refused_with_the_reason(text, reason):
    with pytest.raises(certificates.CertificateInvalid, match=reason):
        certificates.load_ca_certificates(text)


def test_a_private_key_pasted_by_mistake_is_refused(tls):
    with pytest.raises(certificates.CertificateInvalid, match="private key"):
        certificates.load_ca_certificates(tls.qwac.to_pem())
