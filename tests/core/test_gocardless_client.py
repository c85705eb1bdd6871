"""The GoCardless client against the Sandbox Bank's GoCardless personality,
over real HTTP: tokens and their renewal, the bank list, agreement and
requisition round trip, accounts, balances, booked and pending
transactions, rate-limit headers, a 429 and an expired agreement."""

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from bank_api_sync.core import errors
from bank_api_sync.core.budget import CallBudget
from bank_api_sync.core.model import Tokens
from bank_api_sync.core.providers import ConnectionSettings, build_client
from bank_api_sync_gocardless.core import client as gc
from bank_api_sync_gocardless.core.sandbox import GoCardlessSandbox

SECRET_ID = "9d1c3c7e-0000-4000-8000-00000000gc01"
SECRET_KEY = "s3cr3t-key-" + "x" * 40
RETURN_URL = "http://odoo.test/bank_api_sync/consent/return"
IBAN = "PL61109010140000071219812874"


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
    bank = GoCardlessSandbox(SECRET_ID, SECRET_KEY, clock=clock).start()
    bank.add_account("acc-1", IBAN)
    day = clock.now.date()
    for number in range(3):
        bank.add_transaction(
            "acc-1", f"B{number}", Decimal("10.00") * (number + 1), day
        )
    bank.add_transaction(
        "acc-1",
        "P1",
        "-42.50",
        day,
        status="pending",
        creditorName="Energa",
        creditorAccount={"iban": "PL27114020040000300201355387"},
        remittanceInformationUnstructuredArray=["FV 11/2026", "energia"],
    )
    yield bank
    bank.stop()


def make_client(bank, clock, secret_key=SECRET_KEY, **options):
    settings = ConnectionSettings(
        provider="gocardless",
        base_url=bank.url,
        client_id=SECRET_ID,
        client_secret=secret_key,
        timeout=2.0,
        max_retries=1,
        tokens=options.pop("tokens", Tokens()),
        consent_id=options.pop("consent_id", None),
        options={"institution_id": "SANDBOXBANK_SNDBPLPW", **options},
    )
    return build_client(settings, CallBudget(None), clock=clock, sleep=lambda s: None)


def connect(client, decision="approve"):
    """The round trip: the bank's page, the customer's answer, back to Odoo."""
    consent = client.start_authorization(RETURN_URL, "state-123", None, 4)
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
    assert params["ref"] == "state-123"
    client.settings.consent_id = consent.consent_id
    return client.complete_authorization(params)


def test_the_secrets_buy_a_token_and_a_refused_one_is_renewed(bank, clock):
    client = make_client(bank, clock)
    assert client.list_institutions("PL")[0].name == "Sandbox Bank PL"
    first = client.tokens
    assert first.access_token and first.refresh_token
    assert first.expires_at == clock.now + timedelta(days=1)
    # GoCardless forgets the access token: the refresh token gets a new one.
    bank.access_tokens.clear()
    client.list_institutions("PL")
    assert client.tokens.access_token != first.access_token
    assert client.tokens.refresh_token == first.refresh_token
    assert ("POST", "/api/v2/token/refresh/", 200) in bank.request_log


def test_an_expired_refresh_token_falls_back_to_the_secrets(bank, clock):
    client = make_client(bank, clock)
    client.list_institutions("PL")
    bank.access_tokens.clear()
    bank.refresh_tokens.clear()
    client.list_institutions("PL")
    assert bank.request_log.count(("POST", "/api/v2/token/new/", 200)) == 2


def test_wrong_secrets_are_refused_without_quoting_them(bank, clock):
    client = make_client(bank, clock, secret_key="wrong-key-123456")
    with pytest.raises(errors.AuthenticationError) as refused:
        client.list_institutions("PL")
    assert "secret id and secret key" in str(refused.value)
    assert "wrong-key-123456" not in str(refused.value)


def test_the_bank_list_gives_history_and_access_days(bank, clock):
    (bank_pl,) = make_client(bank, clock).list_institutions("PL")
    assert bank_pl.institution_id == "SANDBOXBANK_SNDBPLPW"
    assert bank_pl.transaction_total_days == 540
    assert bank_pl.max_access_valid_for_days == 180
    assert bank_pl.countries == ("PL",)


def test_connect_sync_and_read_rate_limits(bank, clock):
    client = make_client(bank, clock, history_days=120, access_days=60)
    consent = connect(client)
    assert consent.status == "valid"
    assert consent.valid_until == clock.now.date() + timedelta(days=59)
    (agreement,) = bank.agreements.values()
    assert agreement["max_historical_days"] == 120
    assert agreement["access_scope"] == ["balances", "details", "transactions"]
    assert client.agreement_id == agreement["id"]
    (account,) = client.list_accounts()
    assert (account.iban, account.currency) == (IBAN, "PLN")
    balances = {b.balance_type: b.amount for b in client.get_balances(account)}
    assert balances["closingBooked"] == Decimal("1060.00")
    assert balances["interimAvailable"] == Decimal("1017.50")
    today = clock.now.date()
    moves = list(client.iter_transactions(account, today - timedelta(days=5), today))
    booked = sorted(t.unique_key for t in moves if t.status == "booked")
    assert booked == ["id:B0", "id:B1", "id:B2"]
    (pending,) = [t for t in moves if t.status == "pending"]
    assert pending.amount == Decimal("-42.50")
    assert pending.counterparty_name == "Energa"
    assert pending.remittance == "FV 11/2026 energia"
    assert pending.unique_key == "ref:int-P1"
    limits = client.rate_limits
    assert limits.account_limit == 4
    assert limits.account_remaining == 3  # one transactions call today
    assert limits.account_reset_at == datetime(2026, 11, 19, tzinfo=timezone.utc)
    assert limits.limit == 1000


def test_the_agreement_asks_only_for_the_connections_scopes(bank, clock):
    client = make_client(bank, clock)
    client.settings.scopes = frozenset({"balances"})
    connect(client)
    (agreement,) = bank.agreements.values()
    assert agreement["access_scope"] == ["balances", "details"]


def test_a_long_period_is_one_call_of_the_accounts_few_a_day(bank, clock):
    client = make_client(bank, clock, history_days=120)
    connect(client)
    (account,) = client.list_accounts()
    client.settings.max_history_days = 120
    today = clock.now.date()
    moves = list(client.iter_transactions(account, today - timedelta(days=100), today))
    assert len(moves) == 4
    calls = [line for line in bank.request_log if line[1].endswith("/transactions/")]
    assert len(calls) == 1
    assert client.rate_limits.account_remaining == 3


def test_the_agreement_cannot_ask_more_than_the_bank_allows(bank, clock):
    client = make_client(bank, clock, history_days=900)
    # GoCardless's own bound (730) is applied; the bank's (540) refuses it.
    with pytest.raises(errors.BankApiError, match="max_historical_days"):
        client.start_authorization(RETURN_URL, "s", None, 4)


def test_a_refused_consent_is_not_valid(bank, clock):
    client = make_client(bank, clock)
    assert connect(client, decision="deny").status == "rejected"


def test_a_429_waits_for_the_accounts_reset(bank, clock):
    client = make_client(bank, clock)
    connect(client)
    (account,) = client.list_accounts()
    bank.account_success_per_day = 0
    today = clock.now.date()
    with pytest.raises(errors.RateLimited) as limited:
        list(client.iter_transactions(account, today, today))
    assert limited.value.retry_at == datetime(2026, 11, 19, tzinfo=timezone.utc)


def test_an_expired_agreement_asks_for_renewal(bank, clock):
    client = make_client(bank, clock)
    connect(client)
    (account,) = client.list_accounts()
    bank.expire_agreements()
    today = clock.now.date()
    with pytest.raises(errors.ConsentError) as ended:
        list(client.iter_transactions(account, today, today))
    assert ended.value.status == "expired"
    assert "Renew Consent" in str(ended.value)
    # An ended access is no token problem: no token is bought to retry it.
    assert not [line for line in bank.request_log if "/token/" in line[1]][1:]
    assert client.get_consent().status == "expired"


def test_a_suspended_account_asks_for_a_new_requisition(bank, clock):
    client = make_client(bank, clock)
    connect(client)
    (account,) = client.list_accounts()
    bank.suspended[account.resource_id] = True
    with pytest.raises(errors.ConsentError, match="Account suspended"):
        client.get_balances(account)


def test_history_beyond_the_agreement_is_a_period_error(bank, clock):
    client = make_client(bank, clock, history_days=30)
    connect(client)
    (account,) = client.list_accounts()
    client.settings.max_history_days = 400  # more than the agreement's 30
    today = clock.now.date()
    with pytest.raises(errors.PeriodInvalid):
        list(client.iter_transactions(account, today - timedelta(days=60), today))


def test_a_foreign_link_is_never_followed(bank, clock):
    client = make_client(bank, clock)
    client.list_institutions("PL")
    with pytest.raises(errors.ForeignHostRefused):
        client.http.request("GET", "https://evil.example/api/v2/", endpoint="x")


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"Retry-After": "12"}, 12),
        (
            {
                "HTTP_X_RATELIMIT_ACCOUNT_SUCCESS_REMAINING": "0",
                "HTTP_X_RATELIMIT_ACCOUNT_SUCCESS_RESET": "3600",
                "HTTP_X_RATELIMIT_REMAINING": "50",
                "HTTP_X_RATELIMIT_RESET": "30",
            },
            3600,
        ),
        ({"x-ratelimit-remaining": "0", "X-RateLimit-Reset": "45"}, 45),
        ({"HTTP_X_RATELIMIT_RESET": "not a number"}, None),
    ],
)
def test_the_wait_of_a_429_comes_from_its_headers(headers, seconds):
    now = datetime(2026, 11, 18, tzinfo=timezone.utc)
    assert gc.rate_limit_wait(
        requests.structures.CaseInsensitiveDict(headers), now
    ) == (seconds)


def test_the_bank_page_asks_a_person_to_approve_or_deny(bank, clock):
    client = make_client(bank, clock)
    consent = client.start_authorization(RETURN_URL, "state-123", None, 4)
    page = requests.get(consent.sca_redirect, allow_redirects=False, timeout=5)
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert "?decision=approve" in page.text and "?decision=deny" in page.text
    # Opening the page decides nothing: the approval still sends one back.
    approved = requests.get(
        consent.sca_redirect,
        params={"decision": "approve"},
        allow_redirects=False,
        timeout=5,
    )
    assert approved.status_code == 302
    assert approved.headers["Location"].startswith(RETURN_URL)
