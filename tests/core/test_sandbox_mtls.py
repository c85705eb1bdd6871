"""The Sandbox Bank in strict TLS mode: HTTPS with its own certificate
authority, the API only for a client presenting a QWAC that authority issued
(mutual TLS). Our Berlin Group client, over real HTTPS: with the QWAC it
connects; without one, or with one of another authority, it is refused, and
the error it raises names the certificate."""

import re
import subprocess
import sys
from datetime import timedelta

import pytest
import requests

from bank_api_sync.core import pki
from bank_api_sync.core.errors import AuthenticationError, CertificateRefused
from bank_api_sync_sandbox.core.sandbox import SandboxBank
from bank_api_sync_sandbox.core.sandbox.tls import TlsSetup

from .sandbox_support import Clock, sandbox_client


@pytest.fixture(scope="module")
def tls(tmp_path_factory):
    return TlsSetup.generate(folder=tmp_path_factory.mktemp("sandbox-tls"))


@pytest.fixture
def bank(tls):
    with SandboxBank(seed=5, now=Clock(), per_day=2, tls=tls) as bank:
        yield bank


def test_with_the_qwac_the_client_connects_over_https(bank, tls):
    assert bank.url.startswith("https://127.0.0.1:")
    client = sandbox_client(
        bank, client_certificate=tls.qwac, ca_bundle=tls.ca_file, max_retries=0
    )
    accounts = client.list_accounts()
    assert accounts
    assert client.get_balances(accounts[0])
    # Every API request came in over mutual TLS, the consent's links too.
    assert {entry.status for entry in bank.request_log} <= {200, 201}
    assert client.settings.consent_id


def test_without_a_certificate_the_bank_answers_certificate_missing(bank, tls):
    with pytest.raises(AuthenticationError, match="CERTIFICATE_MISSING") as refused:
        sandbox_client(bank, ca_bundle=tls.ca_file, max_retries=0)
    message = str(refused.value)
    assert "no certificate (QWAC" in message and "Certificates page" in message
    assert "client id and secret" not in message  # not a credentials problem
    assert bank.request_log[-1].status == 401


def test_a_qwac_of_another_authority_fails_the_handshake(bank, tls):
    other = pki.issue("Another CA", is_ca=True)
    impostor = pki.issue("Sandbox TPP QWAC", other)
    with pytest.raises(CertificateRefused, match="TLS handshake") as refused:
        sandbox_client(
            bank, client_certificate=impostor, ca_bundle=tls.ca_file, max_retries=3
        )
    message = str(refused.value)
    assert "client certificate (QWAC: the connection's)" in message
    # The TLS layer's reason: the bank's alert (unknown CA) or, when the
    # bank drops the refused handshake first (TLS 1.3), the end of file.
    assert re.search(r"failed \(\[?SSL", message), message
    assert "Certificates page" in message
    assert bank.request_log == []  # nothing reached the bank's API


def test_a_bank_we_do_not_trust_is_refused_before_anything_is_sent(bank, tls):
    """Without the sandbox's CA in the bundle its server certificate is not
    trusted: refused at the handshake too, the certificate named."""
    with pytest.raises(CertificateRefused, match="CERTIFICATE_VERIFY_FAILED"):
        sandbox_client(bank, client_certificate=tls.qwac, max_retries=0)
    assert bank.request_log == []


def test_the_customers_pages_stay_open_to_a_browser(bank, tls):
    """A browser has no QWAC: the bank's own pages (consent approval, admin)
    are served to it over HTTPS all the same."""
    answer = requests.get(f"{bank.url}/sandbox", verify=tls.ca_file, timeout=5)
    assert answer.status_code == 200 and answer.json()["seed"] == 5


def test_the_command_line_serves_strict_tls_with_the_files_it_made(tmp_path):
    """The commands the README gives: the folder gets the CA, a QWAC and a
    QSealC, and a client with that QWAC is served; the same folder serves
    again, then with signatures required too (the QSealC signs)."""
    folder = tmp_path / "tls"
    command = [
        sys.executable,
        "-m",
        "odoo.addons.bank_api_sync_sandbox.core.sandbox",
        *("--port", "0", "--seed", "3", "--mtls", str(folder)),
    ]
    for extra in ([], ["--require-signatures"]):
        process = subprocess.Popen(
            [*command, *extra], stdout=subprocess.PIPE, text=True
        )
        try:
            first_line = process.stdout.readline()
            assert first_line.startswith("Sandbox bank listening on https://")
            url = first_line.split()[4]
            printed = "".join(process.stdout.readline() for _ in range(6 + len(extra)))
            assert str(folder / "qwac.pem") in printed
            qwac, qseal = (
                pki.Credential.from_pem((folder / name).read_text())
                for name in ("qwac.pem", "qseal.pem")
            )
            settings = {"client_certificate": qwac, "ca_bundle": str(folder / "ca.pem")}
            if extra:
                assert str(folder / "qseal.pem") in printed
                with pytest.raises(AuthenticationError, match="SIGNATURE_MISSING"):
                    _client(url, **settings).list_accounts()
                settings["seal"] = qseal
            assert _client(url, **settings).list_accounts()
            del settings["client_certificate"]
            with pytest.raises(AuthenticationError, match="CERTIFICATE_MISSING"):
                _client(url, **settings).list_accounts()
        finally:
            process.terminate()
            process.wait(timeout=10)
    assert (folder / "qwac.pem").stat().st_mode & 0o077 == 0


def _client(url, **settings):
    bank = _Remote(url)
    client = sandbox_client(bank, consent=False, max_retries=0, **settings)
    client.create_consent(bank.today() + timedelta(days=30), 4)
    return client


class _Remote:
    """What ``sandbox_client`` needs of a bank served by another process."""

    def __init__(self, url):
        self.url = url

    @staticmethod
    def now():
        from datetime import datetime, timezone

        return datetime.now(timezone.utc)

    def today(self):
        return self.now().date()
