"""Conformance: every request our Berlin Group client sends to the Sandbox
Bank, and every answer the bank gives, validated against the published
NextGenPSD2 v1.3.11 OpenAPI file (specs/, see specs/README.md) with
openapi-core, over real HTTP. The exchanges are recorded by ``BankHttp``'s
``recorder`` hook, exactly as they crossed the wire.

The OAuth2 token endpoint and the bank's OAuth2 server metadata are not part
of that file (RFC 6749 and RFC 8414 define them); every other call must be in
it and valid both ways. A failure lists each problem: the call, request or
response, the field and the rule.
"""

import dataclasses
import json
import uuid
from datetime import timedelta
from decimal import Decimal
from urllib.parse import parse_qs, parse_qsl, urlsplit

import pytest
import requests

from bank_api_sync.core import pki
from bank_api_sync.core.budget import CallBudget
from bank_api_sync.core.errors import ConsentError, PeriodInvalid
from bank_api_sync.core.providers import build_client
from bank_api_sync_payment.core.initiation import PaymentBatch, Transfer, initiator_for
from bank_api_sync_sandbox.core.sandbox import SandboxBank
from bank_api_sync_sandbox.core.sandbox.tls import TlsSetup

from .conformance import BERLIN_GROUP, SpecCheck, pretty
from .sandbox_support import START, Clock, sandbox_settings

OUTSIDE_THE_FILE = ("/oauth2/token", "/.well-known/oauth-authorization-server")


def recorded_client(bank, exchanges, **overrides):
    settings = sandbox_settings(bank, **{"provider": "berlin_group", **overrides})
    return build_client(
        settings,
        CallBudget(None),
        clock=bank.now,
        sleep=lambda seconds: None,
        jitter=lambda: 0.5,
        recorder=exchanges.append,
    )


def problems_of(bank, exchanges):
    check = SpecCheck(BERLIN_GROUP, bank.url)
    checked, problems = [], []
    for exchange in exchanges:
        if urlsplit(exchange.url).path in OUTSIDE_THE_FILE:
            continue
        checked.append(exchange)
        problems += check.check(exchange)
    return checked, problems


def approve(consent):
    answer = requests.post(
        consent.sca_redirect,
        data={"decision": "approve"},
        allow_redirects=False,
        timeout=5,
    )
    back = urlsplit(answer.headers["Location"])
    return {name: values[0] for name, values in parse_qs(back.query).items()}


@pytest.fixture
def clock():
    return Clock()


def test_a_whole_connection_and_sync_conforms(clock):
    """Redirect SCA with a person present, then an unattended sync of every
    account (JSON pages, MT940, camt.053) and the consent's end."""
    exchanges = []
    with SandboxBank(
        seed=9, now=clock, per_day=4, page_size=7, auto_approve_consents=False
    ) as bank:
        client = recorded_client(
            bank,
            exchanges,
            psu_ip_address="203.0.113.7",
            psu_user_agent="Mozilla/5.0 (X11; Linux x86_64)",
        )
        consent = client.start_authorization(
            "https://odoo.example/bank/return",
            "s-1",
            bank.today() + timedelta(days=60),
            4,
        )
        assert client.complete_authorization(approve(consent)).status == "valid"
        # The same connection, unattended (no person: the scheduled sync).
        client.settings.psu_ip_address = client.settings.psu_user_agent = None
        accounts = client.list_accounts()
        for account in accounts:
            client.get_balances(account)
            moved = list(
                client.iter_transactions(
                    account, bank.today() - timedelta(days=40), bank.today()
                )
            )
            assert moved
        client.get_mt940_statements(
            accounts[0], bank.today() - timedelta(5), bank.today()
        )
        client.get_camt_statements(
            accounts[0], bank.today() - timedelta(5), bank.today()
        )
        client.delete_consent()
        checked, problems = problems_of(bank, exchanges)
    paths = {urlsplit(e.url).path for e in checked}
    assert "/v1/consents" in paths and len(checked) > 10
    assert not problems, pretty(problems)


def test_an_unattended_consent_and_error_answers_conform(clock):
    """A consent created without a person (PSU-IP-Address: ours), a period
    the bank refuses and a consent it no longer knows: the error answers
    conform too."""
    exchanges = []
    with SandboxBank(seed=9, now=clock, per_day=2, max_window_days=10) as bank:
        client = recorded_client(bank, exchanges, tpp_redirect_uri=None)
        client.create_consent(bank.today() + timedelta(days=30), 4)
        account = client.list_accounts()[0]
        client.settings.max_window_days = 40
        with pytest.raises(PeriodInvalid):
            list(
                client.iter_transactions(
                    account, bank.today() - timedelta(days=35), bank.today()
                )
            )
        client.settings.consent_id = "no-such-consent"
        with pytest.raises(ConsentError):
            client.list_accounts()
        checked, problems = problems_of(bank, exchanges)
    assert {e.status for e in checked} >= {201, 200, 400}
    assert len({e.status for e in checked if e.status >= 400}) >= 2
    assert not problems, pretty(problems)


def test_the_check_names_the_call_the_field_and_the_rule(clock):
    """The check is no formality: a consent request without its mandatory
    PSU-IP-Address, an answer without X-Request-ID, a consent status the
    standard does not have and a number sent as text are each reported."""
    exchanges = []
    with SandboxBank(seed=9, now=clock) as bank:
        client = recorded_client(bank, exchanges)
        client.create_consent(bank.today() + timedelta(days=30), 4)
        check = SpecCheck(BERLIN_GROUP, bank.url)
    (created,) = [e for e in exchanges if e.url.endswith("/v1/consents")]
    assert check.check(created) == []
    request_body = json.loads(created.request_body)
    answer_body = json.loads(created.response_body)
    broken = {
        "PSU-IP-Address": dataclasses.replace(
            created,
            request_headers={
                name: value
                for name, value in created.request_headers.items()
                if name != "PSU-IP-Address"
            },
        ),
        "X-Request-ID": dataclasses.replace(
            created,
            response_headers={
                name: value
                for name, value in created.response_headers.items()
                if name != "X-Request-ID"
            },
        ),
        "consentStatus": dataclasses.replace(
            created,
            response_body=json.dumps({**answer_body, "consentStatus": "ok"}).encode(),
        ),
        "frequencyPerDay": dataclasses.replace(
            created,
            request_body=json.dumps({**request_body, "frequencyPerDay": "4"}).encode(),
        ),
    }
    for field, exchange in broken.items():
        (problem,) = check.check(exchange)
        assert "POST /v1/consents -> 201" in problem, problem
        assert field in problem, problem
    assert "enum" in check.check(broken["consentStatus"])[0]
    assert "type" in check.check(broken["frequencyPerDay"])[0]


def test_oauth_sca_and_signed_requests_to_a_strict_bank_conform(clock, tmp_path):
    """A bank that approves consents the OAuth way (scaOAuth) and, in strict
    mode, wants mutual TLS with a QWAC and every request signed with a QSealC
    (Digest, Signature, TPP-Signature-Certificate): those headers and links
    conform too."""
    authority = pki.issue("Sandbox Trust Service CA", is_ca=True, not_before=START)
    seal = pki.issue("ACME TPP Seal", authority, not_before=START)
    tls = TlsSetup.generate(folder=tmp_path)
    exchanges = []
    with SandboxBank(
        seed=9,
        now=clock,
        per_day=2,
        auto_approve_consents=False,
        sca_oauth=True,
        signatures_required=True,
        trusted_ca=authority.certificate,
        tls=tls,
    ) as bank:
        client = recorded_client(
            bank,
            exchanges,
            seal=seal,
            client_certificate=tls.qwac,
            ca_bundle=tls.ca_file,
        )
        consent = client.start_authorization(
            "https://odoo.example/bank/return",
            "s-2",
            bank.today() + timedelta(days=30),
            4,
        )
        asked = urlsplit(consent.sca_redirect)
        answer = requests.post(
            consent.sca_redirect,
            data={**dict(parse_qsl(asked.query)), "decision": "approve"},
            allow_redirects=False,
            timeout=5,
            verify=tls.ca_file,
        )
        params = dict(parse_qsl(urlsplit(answer.headers["Location"]).query))
        assert client.complete_authorization(params).status == "valid"
        assert client.list_accounts()
        checked, problems = problems_of(bank, exchanges)
    assert all(e.request_headers.get("Signature") for e in checked)
    assert all(e.url.startswith("https://") for e in checked)
    assert not problems, pretty(problems)


def test_payment_initiation_conforms(clock):
    """Payment initiation (bank_api_sync_payment): a bulk and a single
    payment, their authorisation and status, against the file's PIS paths."""
    exchanges = []
    with SandboxBank(seed=3, now=clock, per_day=1) as bank:
        client = recorded_client(bank, exchanges, provider="sandbox")
        client.create_consent(bank.today() + timedelta(days=30), 4)
        payments = initiator_for(client)
        pln = next(a for a in bank.accounts.values() if a.currency == "PLN")
        for count in (2, 1):
            order = PaymentBatch(
                debtor_iban=pln.iban,
                currency="PLN",
                execution_date=bank.today(),
                transfers=tuple(
                    Transfer(
                        end_to_end_id=f"P{count}{n}",
                        amount=Decimal("100.00") + n,
                        creditor_iban="PL21102028920000000000001234",
                        creditor_name="Dostawca S.A.",
                        remittance=f"FV/2026/11/000{n}",
                    )
                    for n in range(count)
                ),
                idempotency_key=str(uuid.uuid4()),
            )
            payments.status(payments.initiate(order))
        checked, problems = problems_of(bank, exchanges)
    paths = {urlsplit(e.url).path.split("/")[2] for e in checked}
    assert {"payments", "bulk-payments"} <= paths
    assert not problems, pretty(problems)
