"""The PolishAPI client against a fake PolishAPI bank, over real HTTP."""

import uuid
from datetime import datetime, time, timedelta, timezone
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests

from bank_api_sync.core.budget import CallBudget
from bank_api_sync.core.errors import (
    AuthenticationError,
    BankResponseError,
    ConsentError,
    ConsentRefused,
)
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


def make_client(fake, clock, options=None, **overrides):
    options = options or {}
    values = {
        "provider": "polishapi",
        "base_url": fake.url,
        "client_id": "tpp-client",
        "tpp_redirect_uri": "https://odoo.test/polishapi/callback",
        "page_size": 4,
        "max_window_days": 31,
        "options": {"tpp_id": "PSDPL-KNF-0000001", **options},
        **overrides,
    }
    settings = ConnectionSettings(**values)
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


def test_paths_are_those_of_the_published_2_1_1_specification(fake, clock):
    client, _consent = authorised_client(fake, clock)
    client.list_accounts()
    assert {operation for operation, _headers, _body in fake.requests} == {
        "authorize",
        "token",
        "getAccounts",
        "getAccount",
    }
    assert client.path("accounts", "getHolds") == (
        "/v2_1_1.1/accounts/v2_1_1.1/getHolds"
    )


def test_the_version_is_a_setting(clock):
    with FakePolishApi(clock, version="v3_0") as fake:
        client, _consent = authorised_client(fake, clock, options={"version": "v3_0"})
        assert len(client.list_accounts()) == 2
        assert "?" not in {operation for operation, _h, _b in fake.requests}


@pytest.mark.parametrize("version", ["../admin", "v2/../x", "2_1_1", "v" + "1" * 30])
def test_a_version_that_is_no_path_version_is_refused_before_any_call(
    fake, clock, version
):
    client = make_client(fake, clock, options={"version": version})
    with pytest.raises(ValueError, match="is not a path version"):
        client.create_consent(fake.today() + timedelta(days=90), 4)
    assert fake.requests == []


def test_date_times_carry_their_time_zone(fake, clock):
    client, consent = authorised_client(fake, clock)
    (authorize,) = fake.bodies("authorize")
    end = datetime.fromisoformat(authorize["scope_details"]["scopeTimeLimit"])
    assert end == datetime.combine(consent.valid_until, time(23, 59, 59), timezone.utc)
    assert end.utcoffset() == timedelta(0)
    sent = datetime.fromisoformat(authorize["requestHeader"]["sendDate"])
    assert sent == clock() and sent.tzinfo is not None


def test_delete_consent_sends_the_consent_id_alone(fake, clock):
    client, consent = authorised_client(fake, clock)
    fake.requests.clear()
    client.delete_consent()
    ((operation, headers, body),) = fake.requests
    headers = {name.lower(): value for name, value in headers.items()}
    assert operation == "deleteConsent"
    assert body == {"consentId": consent.consent_id}
    assert "authorization" not in headers
    assert uuid.UUID(headers["x-request-id"]).version == 1
    with pytest.raises(ConsentError):
        client.list_accounts()


def test_holds_are_pending_debits_across_pages_and_windows(clock):
    with FakePolishApi(clock, seed=5, per_day=10) as fake:
        client, _consent = authorised_client(fake, clock, page_size=2)
        check_holds(fake, client)


def check_holds(fake, client):
    details = fake.bodies("authorize")[0]["scope_details"]["privilegeList"][0]
    assert details["ais:getHolds"]["maxAllowedHistoryLong"] == 90
    pln = client.list_accounts()[0]
    start = fake.today() - timedelta(days=45)
    holds = list(client.iter_holds(pln, start, fake.today()))
    debits = [
        m
        for m in fake.ledger.pending("acc-pln", fake.today(), start, fake.today())
        if m.amount < 0
    ]
    assert debits, "the ledger has pending debits"
    assert [h.transaction_id for h in holds] == [f"hold-{m.pending_id}" for m in debits]
    assert [h.amount for h in holds] == [m.amount for m in debits]
    assert {h.status for h in holds} == {"pending"}
    assert [h.value_date for h in holds] == [m.day for m in debits]
    requests = fake.bodies("getHolds")
    assert {body["transactionDateFrom"] for body in requests} == {
        str(start),
        str(start + timedelta(days=31)),
    }
    assert all("bookingDateFrom" not in body for body in requests)
    assert any(body.get("pageId") for body in requests)  # it did page


def test_the_authorization_round_trip_ends_with_the_code(fake, clock):
    client = make_client(fake, clock)
    consent = client.start_authorization(
        "https://odoo.example/bank/return",
        "s-456",
        fake.today() + timedelta(days=90),
        4,
    )
    (authorize,) = fake.bodies("authorize")
    assert authorize["state"] == "s-456"
    assert authorize["redirect_uri"] == "https://odoo.example/bank/return"
    assert consent.sca_redirect.endswith("state=s-456")
    with pytest.raises(ConsentRefused, match="refused or cancelled"):
        client.complete_authorization({"error": "access_denied"})
    with pytest.raises(AuthenticationError, match="server_error"):
        client.complete_authorization({"error": "server_error"})
    code = next(iter(fake.codes))
    completed = client.complete_authorization({"code": code, "state": "s-456"})
    assert completed.status == "valid"
    (token,) = fake.bodies("token")
    assert token["redirect_uri"] == "https://odoo.example/bank/return"
    assert client.tokens.refresh_token


def test_the_bank_sends_the_customer_back_with_the_code_and_the_state(fake, clock):
    client = make_client(fake, clock)
    consent = client.start_authorization(
        "https://odoo.example/bank_api_sync/consent/return",
        "s-789",
        fake.today() + timedelta(days=90),
        4,
    )
    login = requests.get(
        f"{consent.sca_redirect}&decision=approve", allow_redirects=False, timeout=5
    )
    back = urlsplit(login.headers["Location"])
    assert back.path == "/bank_api_sync/consent/return"
    params = dict(parse_qsl(back.query))
    assert params["state"] == "s-789" and params["code"]
    assert client.complete_authorization(params).status == "valid"
    assert client.list_accounts()


def test_a_customer_who_refuses_at_the_bank_brings_back_no_code(fake, clock):
    client = make_client(fake, clock)
    consent = client.start_authorization(
        "https://odoo.example/bank_api_sync/consent/return",
        "s-790",
        fake.today() + timedelta(days=90),
        4,
    )
    login = requests.get(
        f"{consent.sca_redirect}&decision=deny", allow_redirects=False, timeout=5
    )
    params = dict(parse_qsl(urlsplit(login.headers["Location"]).query))
    assert params == {"error": "access_denied", "state": "s-790"}
    with pytest.raises(ConsentRefused, match="access_denied") as refused:
        client.complete_authorization(params)
    assert refused.value.status == "rejected"
    assert not client.tokens.access_token
