"""Conformance: every request our GoCardless Bank Account Data client sends
to the Sandbox Bank's GoCardless personality, and every answer it gives,
validated against the API description GoCardless publishes for Bank
Account Data (specs/, see specs/README.md) with openapi-core, over real
HTTP. The exchanges are recorded by ``BankHttp``'s ``recorder`` hook,
exactly as they crossed the wire.

The customer's page at the bank (the requisition's ``link``) is the bank's
web page, not part of the API file: it is visited with a plain
browser-like request and never recorded. A failure lists each problem: the
call, request or response, the field and the rule.
"""

from datetime import timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from bank_api_sync.core import errors
from bank_api_sync.core.budget import CallBudget
from bank_api_sync.core.model import Tokens
from bank_api_sync.core.providers import ConnectionSettings, build_client
from bank_api_sync_gocardless.core.sandbox import GoCardlessSandbox

from .conformance import GOCARDLESS, SpecCheck, pretty
from .test_gocardless_client import IBAN, RETURN_URL, SECRET_ID, SECRET_KEY, Clock


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


def recorded_client(bank, clock, exchanges, **options):
    settings = ConnectionSettings(
        provider="gocardless",
        base_url=bank.url,
        client_id=SECRET_ID,
        client_secret=options.pop("secret_key", SECRET_KEY),
        timeout=2.0,
        max_retries=1,
        tokens=Tokens(),
        options={"institution_id": "SANDBOXBANK_SNDBPLPW", **options},
    )
    return build_client(
        settings,
        CallBudget(None),
        clock=clock,
        sleep=lambda seconds: None,
        recorder=exchanges.append,
    )


def connect(client, decision="approve"):
    consent = client.start_authorization(RETURN_URL, "state-9", None, 4)
    answer = requests.get(
        consent.sca_redirect,
        params={"decision": decision},
        allow_redirects=False,
        timeout=5,
    )
    back = urlsplit(answer.headers["Location"])
    params = {name: values[0] for name, values in parse_qs(back.query).items()}
    client.settings.consent_id = consent.consent_id
    return client.complete_authorization(params)


# A deviation of the published file, not of the API: its one global
# security requirement (a bearer token) also covers the two token endpoints,
# which are how a bearer token is obtained; GoCardless's own quick start
# calls them with the secrets in the body and no Authorization header.
TOKEN_PATHS = ("/api/v2/token/new/", "/api/v2/token/refresh/")


def problems_of(bank, exchanges):
    check = SpecCheck(GOCARDLESS, bank.url)
    problems = []
    for exchange in exchanges:
        found = check.check(exchange)
        if urlsplit(exchange.url).path in TOKEN_PATHS:
            found = [p for p in found if "request: SecurityValidationError" not in p]
        problems += found
    return problems


def test_a_whole_connection_and_sync_conforms(bank, clock):
    """Tokens, the bank list, agreement and requisition, the redirect round
    trip, accounts, balances, booked and pending transactions, the token's
    refresh, and the requisition's end."""
    exchanges = []
    client = recorded_client(bank, clock, exchanges, history_days=120, access_days=60)
    assert client.list_institutions("PL")
    assert connect(client).status == "valid"
    assert client.get_consent().status == "valid"
    (account,) = client.list_accounts()
    assert client.get_balances(account)
    today = clock.now.date()
    moved = list(client.iter_transactions(account, today - timedelta(days=10), today))
    assert len(moved) == 4
    bank.access_tokens.clear()  # GoCardless forgot the access token
    client.list_institutions("PL")
    client.delete_consent()
    paths = {(e.method, urlsplit(e.url).path) for e in exchanges}
    assert {
        ("POST", "/api/v2/token/new/"),
        ("POST", "/api/v2/token/refresh/"),
        ("GET", "/api/v2/institutions/"),
        ("POST", "/api/v2/agreements/enduser/"),
        ("POST", "/api/v2/requisitions/"),
    } <= paths
    problems = problems_of(bank, exchanges)
    assert not problems, pretty(problems)


def test_refusals_conform(bank, clock):
    """Wrong secrets, an unknown requisition and an expired agreement are
    answered in the published error shape."""
    exchanges = []
    wrong = recorded_client(bank, clock, exchanges, secret_key="wrong-key-123456")
    with pytest.raises(errors.AuthenticationError):
        wrong.list_institutions("PL")
    client = recorded_client(bank, clock, exchanges)
    connect(client)
    (account,) = client.list_accounts()
    bank.expire_agreements()
    with pytest.raises(errors.BankApiError):
        client.get_balances(account)
    client.settings.consent_id = "6f1c2a9e-0000-4000-8000-000000000000"
    with pytest.raises(errors.BankApiError):
        client.get_consent()
    assert sum(e.status >= 400 for e in exchanges) >= 3
    problems = problems_of(bank, exchanges)
    assert not problems, pretty(problems)
