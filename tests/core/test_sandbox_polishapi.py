"""The Sandbox Bank's PolishAPI personality (sandbox/polishapi.py) over real
HTTP, with the PolishAPI client and the payments' PolishAPI initiator: the
consent through its login page, then each payment authorised by the customer
at that page (``authorize`` with the ``pis`` scope), initiated with the
payment's own token, executed on its date and booked; every request and
answer checked against the published PolishAPI 2.1.1 file."""

import uuid
from datetime import timedelta
from decimal import Decimal
from urllib.error import HTTPError
from urllib.parse import parse_qs, urlencode, urlsplit
from urllib.request import HTTPRedirectHandler, build_opener, urlopen

import pytest

from bank_api_sync.core import pki
from bank_api_sync.core.budget import CallBudget
from bank_api_sync.core.errors import ConsentError, ConsentRefused
from bank_api_sync.core.providers import ConnectionSettings, build_client
from bank_api_sync_payment.core.initiation import (
    PaymentBatch,
    Transfer,
    initiator_for,
    state_of,
)
from bank_api_sync_sandbox.core.sandbox import SandboxBank

from .conformance import POLISHAPI, SpecCheck, pretty, without_known
from .sandbox_support import START, Clock

RETURN = "https://odoo.test/bank_api_sync/consent/return"
CREDITOR = "PL21102028920000000000001234"


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def bank(clock):
    with SandboxBank(seed=3, per_day=1, now=clock) as bank:
        yield bank


class _NoRedirect(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def decide(page_url, decision):
    """The customer at the bank's login page: the page, then the decision
    posted with its form; where the bank sends the browser back."""
    with urlopen(page_url, timeout=5) as page:  # noqa: S310 (the local sandbox)
        assert "Approve" in page.read().decode()
    state = parse_qs(urlsplit(page_url).query)["state"][0]
    form = urlencode({"state": state, "decision": decision}).encode()
    with pytest.raises(HTTPError) as answer:
        build_opener(_NoRedirect).open(page_url, data=form, timeout=5)
    assert answer.value.code == 302
    back = answer.value.headers["Location"]
    assert back.startswith(RETURN)
    return dict(parse_qs(urlsplit(back).query, keep_blank_values=True))


def connected_client(bank, clock, exchanges):
    authority = pki.issue("Sandbox Trust Service CA", is_ca=True, not_before=START)
    settings = ConnectionSettings(
        seal=pki.issue("ACME TPP Seal", authority, not_before=START),
        provider="polishapi",
        base_url=bank.url,
        client_id="tpp-client",
        tpp_redirect_uri=RETURN,
        psu_ip_address="203.0.113.7",
        timeout=2.0,
        options={"tpp_id": "PSDPL-KNF-0000001"},
    )
    client = build_client(
        settings,
        CallBudget(None),
        clock=clock,
        sleep=lambda seconds: None,
        recorder=exchanges.append,
    )
    consent = client.start_authorization(
        RETURN, "state-ais", bank.today() + timedelta(days=30), 4
    )
    back = decide(consent.sca_redirect, "approve")
    assert back["state"] == ["state-ais"]
    client.complete_authorization({"code": back["code"][0]})
    return client


def batch(bank, debtor, count):
    return PaymentBatch(
        debtor_iban=debtor,
        currency="PLN",
        execution_date=bank.today(),
        transfers=tuple(
            Transfer(
                end_to_end_id=f"L0000{n}",
                amount=Decimal("100.00") + n,
                creditor_iban=CREDITOR,
                creditor_name="Hurtownia Volt",
                remittance=f"FV/2026/11/000{n}",
            )
            for n in range(count)
        ),
        idempotency_key=str(uuid.uuid4()),
    )


def authorised_token(payments, order, decision="approve"):
    page = payments.start_authorisation(order, RETURN, "state-pis")
    back = decide(page, decision)
    assert back["state"] == ["state-pis"]
    return payments.complete_authorisation(
        {name: values[0] for name, values in back.items()}, RETURN
    )


@pytest.mark.parametrize("count", [1, 3])
def test_a_payment_authorised_at_the_bank_is_initiated_executed_and_booked(
    bank, clock, count
):
    exchanges = []
    client = connected_client(bank, clock, exchanges)
    pln = next(a for a in client.list_accounts() if a.currency == "PLN")
    payments = initiator_for(client)
    assert payments.psu_authorisation
    order = batch(bank, pln.iban, count)
    token = authorised_token(payments, order)
    assert token != client.tokens.access_token  # the connection's stays its own
    submission = payments.initiate(order, token=token)
    assert state_of(submission.status) == "sent"
    assert len(bank.polishapi.payments) == 1
    assert state_of(payments.status(submission, token=token)) == "executed"
    booked = [
        tx
        for tx in bank.ledger(
            bank.polishapi.accounts[pln.resource_id].resource_id, "booked", bank.today()
        )
        if tx.get("creditorAccount") == {"iban": CREDITOR}
    ]
    assert sorted(tx["transactionAmount"]["amount"] for tx in booked) == [
        f"-{Decimal('100.00') + n}" for n in range(count)
    ]
    problems = [p for e in exchanges for p in SpecCheck(POLISHAPI, bank.url).check(e)]
    problems = without_known(
        problems, r"account/(availableBalance|bookingBalance): pattern — '-\d"
    )
    assert not problems, pretty(problems)
    (authorize,) = [
        e
        for e in exchanges
        if e.url.endswith("/authorize") and b'"pis"' in e.request_body
    ]
    assert b"pis:getPayment" in authorize.request_body or count > 1


def test_the_connections_token_does_not_pay_and_another_payment_is_refused(bank, clock):
    client = connected_client(bank, clock, [])
    pln = next(a for a in client.list_accounts() if a.currency == "PLN")
    payments = initiator_for(client)
    order = batch(bank, pln.iban, 1)
    with pytest.raises(ConsentError):
        payments.initiate(order)  # the account information token
    token = authorised_token(payments, order)
    with pytest.raises(ConsentError):
        payments.initiate(batch(bank, pln.iban, 2), token=token)  # not this one
    assert bank.polishapi.payments == {}
    first = payments.initiate(order, token=token)
    # Authorised again (a retry after a timeout): the same payment.
    again = payments.initiate(order, token=authorised_token(payments, order))
    assert again.payment_id == first.payment_id
    assert len(bank.polishapi.payments) == 1


def test_refused_at_the_bank_pays_nothing(bank, clock):
    client = connected_client(bank, clock, [])
    pln = next(a for a in client.list_accounts() if a.currency == "PLN")
    payments = initiator_for(client)
    with pytest.raises(ConsentRefused, match="access_denied"):
        authorised_token(payments, batch(bank, pln.iban, 2), decision="deny")
    assert bank.polishapi.payments == {}
