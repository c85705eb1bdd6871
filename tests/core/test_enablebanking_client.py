"""The Enable Banking client against the Sandbox Bank's Enable Banking
personality, over real HTTP: signed requests, the bank list, the consent
round trip, accounts, balances, paged transactions, expiry and limits."""

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from bank_api_sync.core import errors
from bank_api_sync.core.budget import CallBudget
from bank_api_sync.core.providers import ConnectionSettings, build_client
from bank_api_sync_enablebanking.core import client as eb
from bank_api_sync_enablebanking.core.sandbox import EnableBankingSandbox, account_uid

APP_ID = "4b1f9d3c-0000-4000-8000-00000000e0b1"
RETURN_URL = "http://odoo.test/bank_api_sync/consent/return"


def _pem_pair():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(
            serialization.Encoding.PEM,
            serialization.PublicFormat.SubjectPublicKeyInfo,
        )
        .decode()
    )
    return private, public


PRIVATE_KEY, PUBLIC_KEY = _pem_pair()


class Clock:
    def __init__(self):
        self.now = datetime(2026, 11, 18, 10, 0, tzinfo=timezone.utc)

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def bank(clock):
    bank = EnableBankingSandbox(PUBLIC_KEY, APP_ID, clock=clock).start()
    bank.add_account("acc-1", "PL61109010140000071219812874")
    day = clock.now.date()
    for number in range(5):
        bank.add_transaction(
            "acc-1",
            f"B{number}",
            Decimal("10.00") * (number + 1),
            day - timedelta(days=number),
        )
    bank.add_transaction(
        "acc-1",
        "P1",
        "-42.50",
        day,
        status="PDNG",
        creditor={"name": "Energa"},
        creditor_account={"iban": "PL27114020040000300201355387"},
    )
    yield bank
    bank.stop()


def make_client(bank, clock, private_key=PRIVATE_KEY, **options):
    settings = ConnectionSettings(
        provider="enablebanking",
        base_url=bank.url,
        client_id=APP_ID,
        client_secret=private_key,
        timeout=2.0,
        max_retries=1,
        psu_ip_address=options.pop("psu_ip_address", "10.0.0.1"),
        options={"aspsp_name": "Sandbox Bank PL", "country": "PL", **options},
    )
    return build_client(settings, CallBudget(None), clock=clock, sleep=lambda s: None)


def connect(client, bank, decision="approve"):
    """The round trip: the bank's page, the customer's answer, the code back."""
    consent = client.start_authorization(RETURN_URL, "state-123", date(2027, 2, 1), 4)
    answer = requests.get(
        consent.sca_redirect,
        params={"decision": decision},
        allow_redirects=False,
        timeout=5,
    )
    back = urlsplit(answer.headers["Location"])
    assert back.geturl().startswith(RETURN_URL)
    params = {name: values[0] for name, values in parse_qs(back.query).items()}
    assert params["state"] == "state-123"
    return client.complete_authorization(params)


def test_every_request_carries_a_jwt_enable_banking_accepts(bank, clock):
    client = make_client(bank, clock)
    header = client.sign_request("GET", bank.url, {}, None)["Authorization"]
    token = header.removeprefix("Bearer ")
    assert jwt.get_unverified_header(token) == {
        "alg": "RS256",
        "kid": APP_ID,
        "typ": "JWT",
    }
    claims = jwt.decode(
        token,
        PUBLIC_KEY,
        algorithms=["RS256"],
        audience="api.enablebanking.com",
        issuer="enablebanking.com",
        options={"verify_exp": False, "verify_iat": False},
    )
    assert 0 < claims["exp"] - claims["iat"] <= 24 * 3600


def test_a_jwt_never_lives_longer_than_a_day(bank, clock):
    client = make_client(bank, clock, jwt_lifetime=10 * 24 * 3600)
    token = client.sign_request("GET", bank.url, {}, None)["Authorization"][7:]
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 24 * 3600
    assert client.list_aspsps("PL")  # and the bank takes it


def test_the_bank_list_of_a_country_with_the_consent_each_allows(bank, clock):
    aspsps = make_client(bank, clock).list_aspsps("PL")
    assert [(a.name, a.country, a.maximum_consent_days) for a in aspsps] == [
        ("Sandbox Bank PL", "PL", 180)
    ]


def test_a_key_that_is_not_the_uploaded_one_is_refused_by_the_bank(bank, clock):
    other_key, _ = _pem_pair()
    with pytest.raises(errors.AuthenticationError, match="public key"):
        make_client(bank, clock, private_key=other_key).list_aspsps("PL")


def test_a_private_key_that_is_no_key_is_named_without_being_quoted(bank, clock):
    with pytest.raises(errors.AuthenticationError, match="PEM") as raised:
        make_client(bank, clock, private_key="not-a-key-s3cr3t").list_aspsps("PL")
    assert "s3cr3t" not in str(raised.value)
    assert bank.request_log == []  # nothing was sent unsigned


def test_connect_through_the_redirect_and_read_the_accounts(bank, clock):
    client = make_client(bank, clock)
    consent = connect(client, bank)
    assert consent.status == "valid"
    assert consent.valid_until == date(2027, 2, 1)
    assert client.settings.consent_id == consent.consent_id
    accounts = client.list_accounts()
    assert [(a.resource_id, a.iban, a.currency) for a in accounts] == [
        (account_uid("acc-1", 1), "PL61109010140000071219812874", "PLN")
    ]
    # A later run (a new client) asks the session for them.
    later = make_client(bank, clock)
    later.settings.consent_id = consent.consent_id
    assert later.list_accounts() == accounts
    assert later.get_consent().status == "valid"


def test_a_customer_who_refuses_at_the_bank_gives_no_session(bank, clock):
    consent = connect(make_client(bank, clock), bank, decision="deny")
    assert consent.status == "rejected"
    assert bank.sessions == {}


def test_a_consent_longer_than_the_bank_allows_is_refused(bank, clock):
    client = make_client(bank, clock)
    with pytest.raises(errors.BankApiError, match="maximum consent validity"):
        client.start_authorization(RETURN_URL, "s", date(2028, 1, 1), 4)


def test_balances_and_every_page_of_booked_and_pending_transactions(bank, clock):
    client = make_client(bank, clock)
    connect(client, bank)
    account = client.list_accounts()[0]
    balances = {b.balance_type: b.amount for b in client.get_balances(account)}
    assert balances == {
        "closingBooked": Decimal("1150.00"),
        "interimAvailable": Decimal("1107.50"),
    }
    today = clock.now.date()
    transactions = list(
        client.iter_transactions(account, today - timedelta(days=10), today)
    )
    assert sorted((t.unique_key, t.status, t.amount) for t in transactions) == [
        ("ref:B0", "booked", Decimal("10.00")),
        ("ref:B1", "booked", Decimal("20.00")),
        ("ref:B2", "booked", Decimal("30.00")),
        ("ref:B3", "booked", Decimal("40.00")),
        ("ref:B4", "booked", Decimal("50.00")),
        ("ref:P1", "pending", Decimal("-42.50")),
    ]
    pending = next(t for t in transactions if t.status == "pending")
    assert (pending.counterparty_name, pending.counterparty_iban) == (
        "Energa",
        "PL27114020040000300201355387",
    )
    # Six transactions at two a page: three pages, each continued by its key.
    assert client.pages_read == 3
    booked_only = list(
        client.iter_transactions(account, today - timedelta(days=10), today, "booked")
    )
    assert {t.status for t in booked_only} == {"booked"}


def test_an_expired_session_asks_for_a_new_consent(bank, clock):
    client = make_client(bank, clock)
    connect(client, bank)
    account = client.list_accounts()[0]
    clock.now += timedelta(days=80)
    assert client.get_consent().status == "expired"
    with pytest.raises(errors.ConsentError, match="connect again") as raised:
        client.get_balances(account)
    assert raised.value.status == "expired"


def test_unattended_accesses_beyond_the_bank_limit_are_rate_limited(bank, clock):
    client = make_client(bank, clock, psu_ip_address=None)
    connect(client, bank)
    account = client.list_accounts()[0]
    today = clock.now.date()
    window = (account, today - timedelta(days=10), today)
    list(client.iter_transactions(*window))  # three pages: three of four accesses
    with pytest.raises(errors.RateLimited):
        list(client.iter_transactions(*window))
    assert bank.request_log[-1][2] == 429


def test_the_client_is_registered_under_its_code():
    from bank_api_sync.core.providers import client_class

    assert client_class("enablebanking") is eb.EnableBankingClient


def test_the_bank_page_asks_a_person_to_approve_or_deny(bank, clock):
    client = make_client(bank, clock)
    consent = client.start_authorization(RETURN_URL, "state-123", date(2027, 2, 1), 4)
    page = requests.get(consent.sca_redirect, allow_redirects=False, timeout=5)
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert "?decision=approve" in page.text and "?decision=deny" in page.text
    approved = requests.get(
        consent.sca_redirect,
        params={"decision": "approve"},
        allow_redirects=False,
        timeout=5,
    )
    assert approved.status_code == 302
    assert approved.headers["Location"].startswith(RETURN_URL)
