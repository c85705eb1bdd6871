"""PolishAPI detached JWS: requests signed with the QSealC (X-JWS-SIGNATURE
over the exact body), the bank's signed answers verified, a forged one
refused and logged; over real HTTP with the fake PolishAPI bank."""

import logging

import pytest

from bank_api_sync.core import jws, pki
from bank_api_sync.core.jws import SignatureInvalid

from .polishapi_fake import FakePolishApi
from .sandbox_support import START, Clock
from .test_polishapi_client import authorised_client


@pytest.fixture(scope="module")
def authority():
    return pki.issue("Test Trust Service CA", is_ca=True, not_before=START)


@pytest.fixture(scope="module")
def seal(authority):
    return pki.issue("ACME TPP Seal", authority, not_before=START)


@pytest.fixture(scope="module")
def bank_seal(authority):
    return pki.issue("Bank Seal", authority, not_before=START)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def fake(clock):
    with FakePolishApi(clock) as fake:
        yield fake


def test_every_request_carries_a_detached_jws_of_its_exact_body(fake, clock, seal):
    client, _consent = authorised_client(fake, clock, seal=seal)
    client.list_accounts()
    for (_op, headers, _body), raw in zip(fake.requests, fake.raw_bodies, strict=True):
        value = headers["X-JWS-SIGNATURE"]
        protected, payload, _signature = value.split(".")
        assert payload == ""
        header = jws.verify_detached(value, raw, seal.certificate)
        assert header["alg"] == "RS256"
        assert header["kid"] == seal.serial_hex
        assert header["x5c"] == [seal.certificate_der_b64()]
        with pytest.raises(SignatureInvalid):
            jws.verify_detached(value, raw.replace(b'"', b"'", 1), seal.certificate)


def test_signed_answers_are_verified_with_the_banks_certificate(fake, clock, bank_seal):
    fake.seal = bank_seal
    pem = bank_seal.certificate_pem().decode()
    client, _consent = authorised_client(fake, clock, options={"bank_certificate": pem})
    assert client.list_accounts()


def test_a_forged_answer_signature_is_refused_and_logged(
    fake, clock, bank_seal, seal, caplog
):
    client, _consent = authorised_client(
        fake, clock, options={"bank_certificate": seal.certificate_pem().decode()}
    )
    fake.seal = bank_seal  # signed, but not by the certificate we trust
    with (
        caplog.at_level(logging.WARNING),
        pytest.raises(SignatureInvalid, match="getAccounts|accounts"),
    ):
        client.list_accounts()
    assert "bank answer refused" in caplog.text
    fake.seal, fake.forge_signatures = bank_seal, True
    client.settings.options = {"bank_certificate": None}
    client.__dict__.pop("_bank_certificate", None)
    with pytest.raises(SignatureInvalid, match="does not match the answer"):
        client.list_accounts()


def test_a_malformed_signature_header_is_refused():
    for value in ("", "a.b.c", "x" * 40_000, "bm90IGpzb24..sig"):
        with pytest.raises(SignatureInvalid):
            jws.verify_detached(value, b"{}")
