"""Berlin Group request signatures: what the client sends over real HTTP
(to the Sandbox Bank) verifies with the QSealC's public key; what was
tampered with, unsigned or signed under another authority does not."""

import base64
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from bank_api_sync.core import pki, signing
from bank_api_sync.core.certificates import CertificateInvalid
from bank_api_sync.core.errors import AuthenticationError
from bank_api_sync_sandbox.core.sandbox import SandboxBank

from .sandbox_support import START, Clock, api_calls, sandbox_client


@pytest.fixture(scope="module")
def authority():
    return pki.issue("Sandbox Trust Service CA", is_ca=True, not_before=START)


@pytest.fixture(scope="module")
def seal(authority):
    return pki.issue("ACME TPP Seal", authority, not_before=START)


@pytest.fixture
def bank():
    with SandboxBank(seed=3, now=Clock(), per_day=2) as bank:
        yield bank


@pytest.fixture
def signed_calls(bank, seal):
    client = sandbox_client(
        bank,
        seal=seal,
        psu_ip_address="192.0.2.7",
        tpp_redirect_uri="https://odoo.example/bank_api_sync/consent/return",
    )
    client.list_accounts()
    return api_calls(bank)


def test_every_api_request_verifies_with_the_seals_public_key(
    signed_calls, seal, authority
):
    consent, accounts = signed_calls[0], signed_calls[-1]
    assert consent.method == "POST" and consent.body
    assert accounts.method == "GET"
    for call in (consent, accounts):
        certificate = signing.verify_berlin_group(
            call.headers, call.body, trusted_ca=authority.certificate, now=START
        )
        assert certificate == seal.certificate
    parameters = signing.parse_signature(consent.header("Signature"))
    assert parameters["algorithm"] == "rsa-sha256"
    assert parameters["keyId"] == f"SN={seal.serial_hex},CA={seal.issuer}"
    assert "CN=Sandbox Trust Service CA" in parameters["keyId"]
    assert parameters["headers"] == "digest x-request-id tpp-redirect-uri date"
    listing = signing.parse_signature(accounts.header("Signature"))
    assert listing["headers"] == "digest x-request-id date"
    assert consent.header("Digest") == signing.digest(consent.body)
    assert accounts.header("Digest") == signing.digest(b"")
    assert base64.b64decode(consent.header("TPP-Signature-Certificate"))


def test_a_tampered_body_or_header_is_refused(signed_calls, authority):
    consent = signed_calls[0]
    with pytest.raises(signing.SignatureRefused) as refused:
        signing.verify_berlin_group(consent.headers, consent.body + b" ")
    assert refused.value.code == "SIGNATURE_INVALID"
    changed = {**consent.headers, "X-Request-ID": "another-id"}
    with pytest.raises(signing.SignatureRefused, match="does not verify"):
        signing.verify_berlin_group(changed, consent.body)


def test_unsigned_requests_and_foreign_certificates_are_refused(
    signed_calls, authority, seal
):
    call = signed_calls[-1]
    unsigned = {
        name: value for name, value in call.headers.items() if name != "Signature"
    }
    with pytest.raises(signing.SignatureRefused) as refused:
        signing.verify_berlin_group(unsigned, call.body)
    assert (refused.value.code, refused.value.status) == ("SIGNATURE_MISSING", 401)
    other_ca = pki.issue("Another CA", is_ca=True, not_before=START)
    with pytest.raises(signing.SignatureRefused) as refused:
        signing.verify_berlin_group(
            call.headers, call.body, trusted_ca=other_ca.certificate
        )
    assert refused.value.code == "CERTIFICATE_INVALID"
    with pytest.raises(signing.SignatureRefused) as refused:
        signing.verify_berlin_group(
            call.headers, call.body, now=seal.not_after + timedelta(days=1)
        )
    assert refused.value.code == "CERTIFICATE_EXPIRED"


def test_a_signature_by_another_key_is_refused(signed_calls, authority, seal):
    call = signed_calls[-1]
    impostor = pki.issue("ACME TPP Seal", authority, not_before=START)
    forged = {
        **call.headers,
        **signing.berlin_group_headers(impostor, call.headers, call.body, START),
        "TPP-Signature-Certificate": seal.certificate_der_b64(),
    }
    with pytest.raises(signing.SignatureRefused, match="keyId"):
        signing.verify_berlin_group(forged, call.body)


def test_without_a_seal_nothing_is_signed(bank):
    sandbox_client(bank).list_accounts()
    assert all(call.header("Signature") is None for call in api_calls(bank))


def test_an_ec_seal_is_refused_with_its_reason(authority):
    key = ec.generate_private_key(ec.SECP256R1())
    ec_seal = pki.issue("EC Seal", authority, key=key, not_before=START)
    with pytest.raises(CertificateInvalid, match="need an RSA key"):
        signing.berlin_group_headers(ec_seal, {"X-Request-ID": "1"}, b"", START)


@pytest.fixture
def strict_bank(authority):
    with SandboxBank(
        seed=3,
        now=Clock(),
        per_day=2,
        signatures_required=True,
        trusted_ca=authority.certificate,
    ) as bank:
        yield bank


def test_a_strict_sandbox_bank_serves_signed_requests(strict_bank, seal):
    client = sandbox_client(strict_bank, seal=seal)
    assert client.list_accounts()


@pytest.mark.parametrize(
    "case, code",
    [("unsigned", "SIGNATURE_MISSING"), ("foreign", "CERTIFICATE_INVALID")],
)
def test_a_strict_sandbox_bank_refuses_with_the_standards_code(strict_bank, case, code):
    options = {}
    if case == "foreign":
        other_ca = pki.issue("Another CA", is_ca=True, not_before=START)
        options["seal"] = pki.issue("ACME TPP Seal", other_ca, not_before=START)
    with pytest.raises(AuthenticationError, match=f"HTTP 401 {code}") as refused:
        sandbox_client(strict_bank, **options)
    assert "Certificates page" in str(refused.value)
    assert api_calls(strict_bank)[-1].status == 401
