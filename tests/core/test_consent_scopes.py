"""Least privilege per connection: the consent asks the bank for no more than
the connection's scopes (balances, transactions), in each standard's words,
and the request stays valid against the published file; the Sandbox Bank
refuses what a consent does not cover (Berlin Group CONSENT_INVALID, 401)."""

import json
from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from bank_api_sync.core import pki
from bank_api_sync.core.errors import ConsentError
from bank_api_sync.core.providers import ACCESS_SCOPES
from bank_api_sync_sandbox.core.sandbox import SandboxBank

from .conformance import BERLIN_GROUP, POLISHAPI, SpecCheck, pretty
from .polishapi_fake import FakePolishApi
from .sandbox_support import START, Clock
from .test_conformance_berlin_group import recorded_client
from .test_conformance_polishapi import recorded_client as polishapi_client

BALANCES_ONLY = frozenset({"balances"})


@pytest.fixture
def clock():
    return Clock()


@pytest.mark.parametrize(
    ("scopes", "access"),
    [
        (ACCESS_SCOPES, {"allPsd2": "allAccounts"}),
        (frozenset({"transactions"}), {"allPsd2": "allAccounts"}),
        (BALANCES_ONLY, {"availableAccountsWithBalance": "allAccounts"}),
        (frozenset(), {"availableAccounts": "allAccounts"}),
    ],
)
def test_the_berlin_group_consent_asks_for_the_scopes_and_conforms(
    clock, scopes, access
):
    exchanges = []
    with SandboxBank(seed=9, now=clock) as bank:
        client = recorded_client(bank, exchanges, scopes=scopes)
        client.create_consent(bank.today() + timedelta(days=30), 4)
        check = SpecCheck(BERLIN_GROUP, bank.url)
        (created,) = [e for e in exchanges if e.url.endswith("/v1/consents")]
        assert json.loads(created.request_body)["access"] == access
        assert created.status == 201
        problems = check.check(created)
    assert not problems, pretty(problems)


def test_a_balances_only_consent_reads_balances_and_the_bank_refuses_transactions(
    clock,
):
    exchanges = []
    with SandboxBank(seed=9, now=clock) as bank:
        client = recorded_client(bank, exchanges, scopes=BALANCES_ONLY)
        client.create_consent(bank.today() + timedelta(days=30), 4)
        account = client.list_accounts()[0]
        assert client.get_balances(account)
        with pytest.raises(ConsentError) as refused:
            list(
                client.iter_transactions(
                    account, bank.today() - timedelta(days=5), bank.today()
                )
            )
        check = SpecCheck(BERLIN_GROUP, bank.url)
        (answer,) = [
            e for e in exchanges if urlsplit(e.url).path.endswith("/transactions")
        ]
        problems = check.check(answer)
    assert refused.value.status == "invalid"
    assert answer.status == 401
    assert json.loads(answer.response_body)["tppMessages"][0]["code"] == (
        "CONSENT_INVALID"
    )
    assert not problems, pretty(problems)


def test_a_full_consent_still_reads_transactions(clock):
    with SandboxBank(seed=9, now=clock) as bank:
        client = recorded_client(bank, [])
        client.create_consent(bank.today() + timedelta(days=30), 4)
        account = client.list_accounts()[0]
        transactions = list(
            client.iter_transactions(
                account, bank.today() - timedelta(days=30), bank.today()
            )
        )
    assert transactions


@pytest.mark.parametrize(
    ("scopes", "scope", "privileges"),
    [
        (
            ACCESS_SCOPES,
            "ais",
            {
                "ais-accounts:getAccounts",
                "ais:getAccount",
                "ais:getTransactionsDone",
                "ais:getTransactionsPending",
                "ais:getHolds",
            },
        ),
        (BALANCES_ONLY, "ais", {"ais-accounts:getAccounts", "ais:getAccount"}),
        (frozenset(), "ais-accounts", {"ais-accounts:getAccounts"}),
    ],
)
def test_the_polishapi_authorize_asks_for_the_scopes_and_conforms(
    clock, scopes, scope, privileges
):
    authority = pki.issue("Sandbox Trust Service CA", is_ca=True, not_before=START)
    seal = pki.issue("ACME TPP Seal", authority, not_before=START)
    exchanges = []
    with FakePolishApi(clock) as fake:
        client = polishapi_client(fake, clock, exchanges, scopes=scopes, seal=seal)
        client.create_consent(fake.today() + timedelta(days=90), 4)
        check = SpecCheck(POLISHAPI, fake.url)
        (authorize,) = [e for e in exchanges if e.url.endswith("/authorize")]
        problems = check.check(authorize)
    sent = json.loads(authorize.request_body)
    assert sent["scope"] == scope
    assert sent["scope_details"]["scopeGroupType"] == scope
    assert set(sent["scope_details"]["privilegeList"][0]) == privileges
    assert not problems, pretty(problems)
