"""Payment initiation against the Sandbox Bank over real HTTP (its payment
endpoints follow the Berlin Group NextGenPSD2 1.3.11 bodies)."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest

from bank_api_sync.core.errors import BankApiError, ConsentError
from bank_api_sync_payment.core.initiation import (
    PaymentBatch,
    Transfer,
    initiator_for,
    state_of,
)
from bank_api_sync_sandbox.core.sandbox import SandboxBank

from ..sandbox_support import START, Clock, api_calls, sandbox_client

CREDITOR = "PL21102028920000000000001234"


@pytest.fixture
def bank():
    clock = Clock(START)
    with SandboxBank(seed=3, port=0, now=clock, per_day=1) as bank:
        bank.clock = clock
        yield bank


def batch(bank, count=2, key=None):
    pln = next(a for a in bank.accounts.values() if a.currency == "PLN")
    return PaymentBatch(
        debtor_iban=pln.iban,
        currency="PLN",
        execution_date=bank.today(),
        transfers=tuple(
            Transfer(
                end_to_end_id=f"P0000{n}",
                amount=Decimal("100.00") + n,
                creditor_iban=CREDITOR,
                creditor_name="Dostawca S.A.",
                remittance=f"FV/2026/11/000{n}",
            )
            for n in range(count)
        ),
        idempotency_key=key or str(uuid.uuid4()),
    )


def payment_posts(bank):
    return [
        call
        for call in api_calls(bank)
        if call.method == "POST" and call.path.count("/") == 3
    ]


def test_a_bulk_is_initiated_authorised_and_executed(bank):
    client = sandbox_client(bank)
    payments = initiator_for(client)
    submission = payments.initiate(batch(bank))
    assert submission.status == "RCVD"
    assert submission.path.startswith(
        "/v1/bulk-payments/cross-border-credit-transfers/"
    )
    stored = bank.payments.payments[submission.payment_id]
    assert [t[0] for t in stored.transfers] == [Decimal("100.00"), Decimal("101.00")]
    assert stored.transfers[1][4] == "FV/2026/11/0001"
    assert state_of(payments.status(submission)) == "executed"
    pln = next(a for a in bank.accounts.values() if a.currency == "PLN")
    booked = {tx.get("endToEndId"): tx for tx in bank.ledger(pln.resource_id, "booked")}
    assert booked["P00001"]["transactionAmount"]["amount"] == "-101.00"
    assert booked["P00001"]["remittanceInformationUnstructured"] == "FV/2026/11/0001"
    assert booked["P00001"]["creditorAccount"] == {"iban": CREDITOR}


def test_one_transfer_is_a_single_payment(bank):
    client = sandbox_client(bank)
    submission = initiator_for(client).initiate(batch(bank, count=1))
    assert submission.path.startswith("/v1/payments/")


def test_a_retry_after_a_timeout_pays_once(bank):
    """The bank creates the payment but answers too late: the client retries
    with the same X-Request-ID, and a person clicking again later sends the
    same key: one payment at the bank."""
    client = sandbox_client(bank)
    bank.set_fault("timeout", times=1, delay=3)
    order = batch(bank)
    first = initiator_for(client).initiate(order)
    again = initiator_for(
        sandbox_client(bank, consent=False, consent_id=client.settings.consent_id)
    ).initiate(order)
    assert again.payment_id == first.payment_id
    assert len(bank.payments.payments) == 1
    assert len(payment_posts(bank)) >= 3  # the late one, its retry, the click
    assert {call.header("X-Request-ID") for call in payment_posts(bank)} == {
        order.idempotency_key
    }


def test_a_payment_without_a_valid_consent_is_refused(bank):
    client = sandbox_client(bank)
    bank.consents.set_status(client.settings.consent_id, "revokedByPsu")
    with pytest.raises(ConsentError):
        initiator_for(client).initiate(batch(bank))
    assert bank.payments.payments == {}


def test_a_body_that_is_not_what_was_signed_is_refused(bank):
    client = sandbox_client(bank)

    def tamper(method, url, headers, body):
        return {"Digest": "SHA-256=" + "A" * 44} if "payments" in url else {}

    client.request_signer = tamper
    with pytest.raises(BankApiError, match="SIGNATURE_INVALID"):
        initiator_for(client).initiate(batch(bank))
    assert bank.payments.payments == {}


def test_the_same_key_for_another_payment_is_refused(bank):
    client = sandbox_client(bank)
    key = str(uuid.uuid4())
    initiator_for(client).initiate(batch(bank, key=key))
    with pytest.raises(BankApiError, match="another payment"):
        initiator_for(client).initiate(batch(bank, count=3, key=key))
    assert len(bank.payments.payments) == 1


def test_a_payment_dated_in_the_past_is_refused(bank):
    client = sandbox_client(bank)
    order = batch(bank)
    past = PaymentBatch(
        **{**order.__dict__, "execution_date": bank.today() - timedelta(days=1)}
    )
    with pytest.raises(BankApiError, match="in the past"):
        initiator_for(client).initiate(past)


def test_an_unknown_status_is_refused():
    with pytest.raises(BankApiError, match="not an ISO 20022 status"):
        state_of("PAID")


def test_a_bulk_booked_as_a_batch_is_one_debit_of_its_total(bank):
    order = PaymentBatch(**{**batch(bank, count=3).__dict__, "batch_booking": True})
    submission = initiator_for(sandbox_client(bank)).initiate(order)
    pln = next(a for a in bank.accounts.values() if a.currency == "PLN")
    ours = [
        tx
        for tx in bank.ledger(pln.resource_id, "booked")
        if submission.payment_id in tx["transactionId"]
    ]
    assert len(ours) == 1
    assert ours[0]["transactionAmount"]["amount"] == "-303.00"
    assert ours[0]["batchIndicator"] is True
    assert ours[0]["batchNumberOfTransactions"] == 3
    assert submission.payment_id in ours[0]["remittanceInformationUnstructured"]
    assert "endToEndId" not in ours[0]


def test_a_single_payment_is_never_booked_as_a_batch(bank):
    order = PaymentBatch(**{**batch(bank, count=1).__dict__, "batch_booking": True})
    submission = initiator_for(sandbox_client(bank)).initiate(order)
    pln = next(a for a in bank.accounts.values() if a.currency == "PLN")
    ours = [
        tx
        for tx in bank.ledger(pln.resource_id, "booked")
        if submission.payment_id in tx["transactionId"]
    ]
    assert [tx["endToEndId"] for tx in ours] == ["P00000"]
