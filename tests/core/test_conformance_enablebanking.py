"""Conformance: every request our Enable Banking client sends to the Sandbox
Bank's Enable Banking personality, and every answer it gives, validated
against Enable Banking's published OpenAPI file (specs/, see
specs/README.md) with openapi-core, over real HTTP. The exchanges are
recorded by ``BankHttp``'s ``recorder`` hook, exactly as they crossed the
wire.

The customer's page at the bank (the redirect target of ``POST /auth``) is
the bank's web page, not part of the API file: it is visited with a plain
browser-like request and never recorded. A failure lists each problem: the
call, request or response, the field and the rule.
"""

from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from bank_api_sync.core import errors
from bank_api_sync.core.budget import CallBudget
from bank_api_sync.core.providers import ConnectionSettings, build_client
from bank_api_sync_enablebanking.core.sandbox import EnableBankingSandbox

from .conformance import ENABLE_BANKING, SpecCheck, pretty
from .test_enablebanking_client import (
    APP_ID,
    PRIVATE_KEY,
    PUBLIC_KEY,
    RETURN_URL,
    Clock,
)


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


def recorded_client(bank, clock, exchanges, **options):
    settings = ConnectionSettings(
        provider="enablebanking",
        base_url=bank.url,
        client_id=APP_ID,
        client_secret=PRIVATE_KEY,
        timeout=2.0,
        max_retries=1,
        psu_ip_address=options.pop("psu_ip_address", None),
        options={"aspsp_name": "Sandbox Bank PL", "country": "PL", **options},
    )
    return build_client(
        settings,
        CallBudget(None),
        clock=clock,
        sleep=lambda seconds: None,
        recorder=exchanges.append,
    )


def connect(client, decision="approve"):
    consent = client.start_authorization(RETURN_URL, "state-9", date(2027, 2, 1), 4)
    answer = requests.get(
        consent.sca_redirect,
        params={"decision": decision},
        allow_redirects=False,
        timeout=5,
    )
    back = urlsplit(answer.headers["Location"])
    params = {name: values[0] for name, values in parse_qs(back.query).items()}
    return client.complete_authorization(params)


def problems_of(bank, exchanges):
    check = SpecCheck(ENABLE_BANKING, bank.url)
    problems = []
    for exchange in exchanges:
        problems += check.check(exchange)
    return problems


def test_a_whole_connection_and_sync_conforms(bank, clock):
    """The bank list, the redirect round trip with a person present, then an
    unattended sync: the session, accounts, balances, every page of
    transactions, and the session's end."""
    exchanges = []
    client = recorded_client(bank, clock, exchanges, psu_ip_address="203.0.113.7")
    assert client.list_aspsps("PL")
    assert connect(client).status == "valid"
    client.settings.psu_ip_address = None  # the scheduled sync: nobody present
    later = recorded_client(bank, clock, exchanges)
    later.settings.consent_id = client.settings.consent_id
    assert later.get_consent().status == "valid"
    account = later.list_accounts()[0]
    assert later.get_balances(account)
    today = clock.now.date()
    moved = list(later.iter_transactions(account, today - timedelta(days=10), today))
    assert len(moved) == 6 and later.pages_read > 1
    later.delete_consent()
    paths = {(e.method, urlsplit(e.url).path.split("/")[1]) for e in exchanges}
    assert {
        ("GET", "aspsps"),
        ("POST", "auth"),
        ("POST", "sessions"),
        ("GET", "sessions"),
        ("GET", "accounts"),
        ("DELETE", "sessions"),
    } <= paths
    problems = problems_of(bank, exchanges)
    assert not problems, pretty(problems)


def test_refusals_conform(bank, clock):
    """The bank's error answers (a refused customer, a consent longer than
    the bank allows, an unknown session) have the published error shape."""
    exchanges = []
    client = recorded_client(bank, clock, exchanges)
    with pytest.raises(errors.BankApiError):
        client.start_authorization(RETURN_URL, "s", date(2028, 1, 1), 4)
    connect(client, decision="deny")
    client.settings.consent_id = "6f1c2a9e-0000-4000-8000-000000000000"
    with pytest.raises(errors.BankApiError):
        client.get_consent()
    assert any(e.status >= 400 for e in exchanges)
    problems = problems_of(bank, exchanges)
    assert not problems, pretty(problems)
