"""Secrets never reach an exception message, a traceback or a log line."""

import base64
import logging
import traceback
from datetime import timedelta

import pytest

from bank_api_sync.core.errors import AuthenticationError, BankApiError, BankUnavailable
from bank_api_sync.core.redaction import Redactor, redact
from bank_api_sync_sandbox.core.sandbox import SandboxBank

from .sandbox_support import Clock, sandbox_client

SECRET = "Client-S3cret-Do-Not-Print"


def test_known_values_and_credential_shapes_are_masked():
    text = (
        "GET /cb?code=auth-code-1&state=x access_token=at1 "
        '{"refresh_token": "rt1", "code": "TOKEN_EXPIRED", "password": "pw"} '
        f"Authorization: Bearer abc.def Basic Zm9vOmJhcg== and {SECRET}!"
    )
    masked = redact(text, [SECRET])
    for secret in (
        "auth-code-1",
        "at1",
        "rt1",
        '"pw"',
        "abc.def",
        "Zm9vOmJhcg==",
        SECRET,
    ):
        assert secret not in masked
    # What is not secret stays readable: error codes, consent ids, the path.
    assert "TOKEN_EXPIRED" in masked and "GET /cb?" in masked and "state=x" in masked
    assert (
        redact("Consent-ID cns-1234 X-Request-ID 5d1c")
        == "Consent-ID cns-1234 X-Request-ID 5d1c"
    )


def test_header_copies_for_logs():
    headers = Redactor(["tok-123456"]).headers(
        {
            "Authorization": "Bearer tok-123456",
            "Consent-ID": "cns-1",
            "X-Other": "tok-123456",
        }
    )
    assert headers == {"Authorization": "***", "Consent-ID": "cns-1", "X-Other": "***"}


def everything_said(exc, caplog):
    rendered = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return "\n".join([str(exc), repr(exc), rendered, caplog.text])


@pytest.fixture
def bank():
    with SandboxBank(seed=2, now=Clock(), per_day=2, client_secret=SECRET) as bank:
        yield bank


def secrets_of(client):
    basic = base64.b64encode(f"sandbox-client:{SECRET}".encode()).decode()
    return [SECRET, basic, client.tokens.access_token, client.tokens.refresh_token]


def assert_nothing_leaks(said, secrets):
    for secret in secrets:
        assert secret and secret not in said


def test_a_bank_that_echoes_our_headers_leaks_nothing(bank, caplog):
    caplog.set_level(logging.DEBUG)
    client = sandbox_client(bank, client_secret=SECRET)
    bank.set_fault("leak_secrets", path="/v1/accounts")
    with pytest.raises(BankApiError) as caught:
        client.list_accounts()
    said = everything_said(caught.value, caplog)
    assert "FORMAT_ERROR" in said  # the message still says what happened
    assert_nothing_leaks(said, secrets_of(client))


def test_a_refused_token_request_leaks_nothing(bank, caplog):
    caplog.set_level(logging.DEBUG)
    client = sandbox_client(bank, client_secret=SECRET)
    client.settings.tokens = client.tokens
    bank.set_fault("leak_secrets", path="/oauth2/token", times=2)
    with pytest.raises(AuthenticationError) as caught:
        client.authenticate()
    assert_nothing_leaks(everything_said(caught.value, caplog), secrets_of(client))


def test_an_unreachable_bank_leaks_nothing(bank, caplog):
    caplog.set_level(logging.DEBUG)
    client = sandbox_client(bank, client_secret=SECRET, timeout=0.2, max_retries=1)
    pln = client.list_accounts()[0]
    bank.set_fault("timeout", times=2, delay=0.6)
    with pytest.raises(BankUnavailable) as caught:
        list(
            client.iter_transactions(
                pln, bank.today() - timedelta(days=2), bank.today()
            )
        )
    said = everything_said(caught.value, caplog)
    assert "timed out" in said
    assert_nothing_leaks(said, secrets_of(client))
