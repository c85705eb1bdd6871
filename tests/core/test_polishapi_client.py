"""The PolishAPI client against a fake PolishAPI bank, over real HTTP."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest

from bank_api_sync.core.budget import CallBudget
from bank_api_sync.core.errors import AuthenticationError, BankResponseError
from bank_api_sync.core.providers import ConnectionSettings, build_client
from bank_api_sync.core.providers.polishapi import parse_item

from .polishapi_fake import FakePolishApi
from .sandbox_support import Clock


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def fake(clock):
    with FakePolishApi(clock) as fake:
        yield fake


def make_client(fake, clock, **overrides):
    settings = ConnectionSettings(
        provider="polishapi",
        base_url=fake.url,
        client_id="tpp-client",
        tpp_id="PSDPL-KNF-0000001",
        tpp_redirect_uri="https://odoo.test/polishapi/callback",
        page_size=4,
        max_window_days=31,
        **overrides,
    )
    return build_client(settings, CallBudget(None), clock=clock, sleep=lambda s: None)


def authorised_client(fake, clock, **overrides):
    client = make_client(fake, clock, **overrides)
    consent = client.create_consent(fake.today() + timedelta(days=90), 4)
    code = next(iter(fake.codes))  # what the bank hands back after the PSU's login
    client.exchange_code(code)
    return client, consent


def test_consent_then_code_then_tokens(fake, clock):
    client, consent = authorised_client(fake, clock)
    assert consent.status == "received"
    assert consent.sca_redirect.startswith(f"{fake.url}/login?state=")
    (authorize,) = fake.bodies("authorize")
    details = authorize["scope_details"]
    assert details["consentId"] == consent.consent_id
    assert details["throttlingPolicy"] == "psd2Regulatory"
    assert (
        details["privilegeList"][0]["ais:getTransactionsDone"]["maxAllowedHistoryLong"]
        == 90
    )
    assert authorize["redirect_uri"] == "https://odoo.test/polishapi/callback"
    assert authorize["requestHeader"]["isCompanyContext"] is True
    assert client.tokens.access_token and client.tokens.refresh_token
    assert client.get_consent().status == "valid"
    assert client.get_consent().valid_until == fake.today() + timedelta(days=90)


def test_accounts_and_balances(fake, clock):
    client, _consent = authorised_client(fake, clock)
    accounts = client.list_accounts()
    assert [(a.iban, a.currency) for a in accounts] == [
        ("PL78109000040000000123456789", "PLN"),
        ("PL30109000040000000987654321", "EUR"),
    ]
    balances = {b.balance_type: b.amount for b in client.get_balances(accounts[0])}
    closing, available = fake.ledger.balances("acc-pln", fake.today())
    assert balances == {"closingBooked": closing, "interimAvailable": available}


def test_every_transaction_across_pages_and_windows(fake, clock):
    client, _consent = authorised_client(fake, clock)
    pln = client.list_accounts()[0]
    start = fake.today() - timedelta(days=45)
    got = list(client.iter_transactions(pln, start, fake.today(), "both"))
    booked = fake.ledger.booked("acc-pln", fake.today(), start, fake.today())
    pending = fake.ledger.pending("acc-pln", fake.today(), start, fake.today())
    got_booked = [t for t in got if t.status == "booked"]
    got_pending = [t for t in got if t.status == "pending"]
    assert [t.transaction_id for t in got_booked] == [m.booked_id for m in booked]
    assert [t.transaction_id for t in got_pending] == [m.pending_id for m in pending]
    assert [t.amount for t in got_booked] == [m.amount for m in booked]  # signed
    assert [t.booking_date for t in got_booked] == [m.booking_day for m in booked]
    assert [t.counterparty_iban for t in got_booked] == [
        m.counterparty_iban for m in booked
    ]
    assert [t.remittance for t in got_booked] == [m.remittance for m in booked]
    done = fake.bodies("getTransactionsDone")
    assert {body["bookingDateFrom"] for body in done} == {
        str(start),
        str(start + timedelta(days=31)),
    }
    assert any(body.get("pageId") for body in done)  # it did page


def test_the_envelope_and_its_request_id(fake, clock):
    client, _consent = authorised_client(fake, clock, psu_user_agent="Mozilla/5.0")
    client.list_accounts()
    for _operation, headers, body in fake.requests:
        header = body["requestHeader"]
        headers = {name.lower(): value for name, value in headers.items()}
        assert headers["x-request-id"] == header["requestId"]
        assert uuid.UUID(header["requestId"]).version == 1
        assert header["tppId"] == "PSDPL-KNF-0000001"
        assert header["sendDate"].startswith("2026-11-18T10:00:00")
        assert header["userAgent"] == "Mozilla/5.0"
        assert "ipAddress" not in header  # nobody is there
    (_op, headers, body) = fake.requests[-1]
    assert headers["Authorization"] == f"Bearer {body['requestHeader']['token']}"
    assert body["requestHeader"]["isDirectPsu"] is False
    ids = [body["requestHeader"]["requestId"] for _op, _headers, body in fake.requests]
    assert len(ids) == len(set(ids))


def test_a_person_present_is_said_in_the_envelope(fake, clock):
    client, _consent = authorised_client(fake, clock, psu_ip_address="192.0.2.1")
    client.list_accounts()
    header = fake.bodies("getAccounts")[-1]["requestHeader"]
    assert header["ipAddress"] == "192.0.2.1" and header["isDirectPsu"] is True


def test_an_expired_token_is_refreshed_once(fake, clock):
    client, _consent = authorised_client(fake, clock)
    first = client.tokens.access_token
    fake.expire_next_token = True
    assert len(client.list_accounts()) == 2
    assert client.tokens.access_token != first
    assert client.settings.consent_id == "consent-renewed"


def test_no_refresh_token_means_authorise_first(fake, clock):
    client = make_client(fake, clock)
    with pytest.raises(AuthenticationError, match="not authorised yet"):
        client.list_accounts()


def test_the_jws_signing_hook_signs_the_exact_body(fake, clock):
    signed = []

    def signer(body):
        signed.append(body)
        return f"eyJhbGciOiJQUzI1NiJ9..sig{len(signed)}"

    client, _consent = authorised_client(fake, clock)
    client.jws_signer = signer
    client.list_accounts()
    _op, headers, body = fake.requests[-1]
    assert headers["X-JWS-SIGNATURE"] == f"eyJhbGciOiJQUzI1NiJ9..sig{len(signed)}"
    assert signed[-1].decode() and b'"accountNumber"' in signed[-1]


def test_odd_items_are_reported_with_their_place():
    item = {
        "itemId": "1",
        "amount": "12.50",
        "transactionCategory": "DEBIT",
        "bookingDate": "2026-11-18T00:00:00",
    }
    parsed = parse_item(item, "booked", "PLN", "x")
    assert parsed.amount == Decimal("-12.50") and parsed.currency == "PLN"
    with pytest.raises(BankResponseError, match="page 2 \\[3\\]: amount is missing"):
        parse_item(
            {**item, "amount": None}, "booked", "PLN", "transactions done page 2 [3]"
        )
    with pytest.raises(BankResponseError, match="transactionCategory"):
        parse_item({**item, "transactionCategory": "X"}, "booked", "PLN", "here")
