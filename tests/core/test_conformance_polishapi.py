"""Conformance: every request our PolishAPI client sends, and every answer of
the test suite's PolishAPI bank (polishapi_fake.py; the Sandbox Bank speaks
Berlin Group only), validated against the published PolishAPI 2.1.1 Swagger
file (specs/, see specs/README.md) with openapi-core, over real HTTP, as
``BankHttp``'s ``recorder`` hook saw them cross the wire.

The fake's answers are checked as well as the client's requests, so that the
client is tested against answers shaped as the standard says; a failure lists
each problem: the call, request or response, the field and the rule.
"""

import dataclasses
import json
from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from bank_api_sync.core import pki
from bank_api_sync.core.budget import CallBudget
from bank_api_sync.core.providers import ConnectionSettings, build_client
from bank_api_sync.core.providers.polishapi import VERSIONS

from .conformance import POLISHAPI, POLISHAPI_FILES, SpecCheck, pretty, without_known
from .polishapi_fake import FakePolishApi
from .sandbox_support import START, Clock


@pytest.fixture
def clock():
    return Clock()


def recorded_client(fake, clock, exchanges, **overrides):
    values = {
        "provider": "polishapi",
        "base_url": fake.url,
        "client_id": "tpp-client",
        "tpp_redirect_uri": "https://odoo.test/polishapi/callback",
        "page_size": 4,
        "options": {"tpp_id": "PSDPL-KNF-0000001"},
        **overrides,
    }
    return build_client(
        ConnectionSettings(**values),
        CallBudget(None),
        clock=clock,
        sleep=lambda seconds: None,
        recorder=exchanges.append,
    )


def test_every_covered_version_has_its_published_file():
    assert set(POLISHAPI_FILES) == set(VERSIONS)


@pytest.mark.parametrize("version", sorted(VERSIONS))
def test_a_whole_connection_and_sync_conforms(clock, version):
    """Authorisation with a person present (authorize, the code traded for
    tokens), then an unattended sync (accounts, done and pending transactions,
    holds, over several pages), a token refresh and the consent's end, every
    request signed (X-JWS-SIGNATURE)."""
    authority = pki.issue("Sandbox Trust Service CA", is_ca=True, not_before=START)
    seal = pki.issue("ACME TPP Seal", authority, not_before=START)
    exchanges = []
    with FakePolishApi(clock, version=version) as fake:
        client = recorded_client(
            fake,
            clock,
            exchanges,
            seal=seal,
            options={"tpp_id": "PSDPL-KNF-0000001", "version": version},
            psu_ip_address="203.0.113.7",
            psu_user_agent="Mozilla/5.0 (X11; Linux x86_64)",
        )
        client.create_consent(fake.today() + timedelta(days=90), 4)
        client.exchange_code(next(iter(fake.codes)))
        client.settings.psu_ip_address = client.settings.psu_user_agent = None
        accounts = client.list_accounts()
        for account in accounts:
            client.get_balances(account)
            since = fake.today() - timedelta(days=20)
            assert list(client.iter_transactions(account, since, fake.today()))
            list(client.iter_holds(account, since, fake.today()))
        client.authenticate()  # the refresh grant
        client.delete_consent()
        check = SpecCheck(POLISHAPI_FILES[version], fake.url)
        problems = [problem for e in exchanges for problem in check.check(e)]
    # An overdrawn account: PolishAPI 2.1.1 requires both balances but its
    # amount pattern has no sign; the balance is sent signed, as it is.
    problems = without_known(
        problems, r"account/(availableBalance|bookingBalance): pattern — '-\d"
    )
    assert {urlsplit(e.url).path.split("/")[1] for e in exchanges} == {version}
    operations = {urlsplit(e.url).path.rsplit("/", 1)[1] for e in exchanges}
    assert operations >= {
        "authorize",
        "token",
        "getAccounts",
        "getAccount",
        "getTransactionsDone",
        "getTransactionsPending",
        "getHolds",
        "deleteConsent",
    }
    assert all(e.request_headers.get("X-JWS-SIGNATURE") for e in exchanges)
    assert not problems, pretty(problems)


def test_the_check_names_the_call_the_field_and_the_rule(clock):
    """A request without its requestHeader's requestId, a consent end without
    the date-time format and an answer whose amount is not text are each
    reported (the check is no formality)."""
    authority = pki.issue("Sandbox Trust Service CA", is_ca=True, not_before=START)
    seal = pki.issue("ACME TPP Seal", authority, not_before=START)
    exchanges = []
    with FakePolishApi(clock) as fake:
        client = recorded_client(fake, clock, exchanges, seal=seal)
        client.create_consent(fake.today() + timedelta(days=90), 4)
        client.exchange_code(next(iter(fake.codes)))
        account = client.list_accounts()[0]
        check = SpecCheck(POLISHAPI, fake.url)
    (authorize,) = [e for e in exchanges if e.url.endswith("/authorize")]
    getaccount = next(e for e in exchanges if e.url.endswith("/getAccount"))
    assert check.check(authorize) == [] and check.check(getaccount) == []
    sent = json.loads(authorize.request_body)
    del sent["requestHeader"]["requestId"]
    (problem,) = check.check(
        dataclasses.replace(authorize, request_body=json.dumps(sent).encode())
    )
    assert "POST /v2_1_1.1/auth/v2_1_1.1/authorize" in problem
    assert "requestId" in problem and "required" in problem
    answer = json.loads(getaccount.response_body)
    answer["account"]["accountNumber"] = 12
    (problem,) = check.check(
        dataclasses.replace(getaccount, response_body=json.dumps(answer).encode())
    )
    assert "response" in problem and "account/accountNumber: type" in problem
    assert account.resource_id
