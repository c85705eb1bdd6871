"""PolishAPI 2.1.1 payments through the PolishAPI client, against the fake
PolishAPI bank over real HTTP (its payment operations check the
specification's fields and limits)."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest

from bank_api_sync.core.errors import BankApiError
from bank_api_sync_payment.core.initiation import (
    PaymentBatch,
    Transfer,
    initiator_for,
    state_of,
)
from bank_api_sync_payment.core.polishapi_payments import PolishApiPayments

from ..polishapi_fake import FakePolishApi
from ..sandbox_support import Clock
from ..test_polishapi_client import authorised_client

DEBTOR = "PL61109010140000071219812874"
CREDITOR = "PL21102028920000000000001234"
SPLIT_TITLE = "/VAT/460,00/IDC/5260250274/INV/FV/2026/11/0061"


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def fake(clock):
    with FakePolishApi(clock) as fake:
        yield fake


def batch(clock, count=2, key=None, later=0):
    return PaymentBatch(
        debtor_iban=DEBTOR,
        currency="PLN",
        execution_date=clock().date() + timedelta(days=later),
        transfers=tuple(
            Transfer(
                end_to_end_id=f"L0000{n}",
                amount=Decimal("100.00") + n,
                creditor_iban=CREDITOR,
                creditor_name="Hurtownia Elektryczna Volt Spółka z ograniczoną "
                "odpowiedzialnością Oddział w Gdańsku",
                remittance=SPLIT_TITLE if n == 1 else f"FV/2026/11/000{n}",
            )
            for n in range(count)
        ),
        idempotency_key=key or str(uuid.uuid4()),
    )


def test_the_polishapi_client_pays_through_polishapi_payments(fake, clock):
    client, _consent = authorised_client(fake, clock)
    assert isinstance(initiator_for(client), PolishApiPayments)


def test_one_transfer_is_a_domestic_payment(fake, clock):
    client, _consent = authorised_client(fake, clock)
    order = batch(clock, count=1)
    submission = initiator_for(client).initiate(order)
    assert state_of(submission.status) == "sent"
    (body,) = fake.bodies("domestic")
    assert body["tppTransactionId"] == order.idempotency_key
    assert body["recipient"]["accountNumber"] == CREDITOR[2:]
    assert body["sender"]["accountNumber"] == DEBTOR[2:]
    lines = body["recipient"]["nameAddress"]["value"]
    assert 1 < len(lines) <= 4 and all(len(line) <= 35 for line in lines)
    assert body["transferData"] == {
        "description": "FV/2026/11/0000",
        "amount": "100.00",
        "executionDate": clock().date().isoformat(),
        "currency": "PLN",
    }
    assert (body["system"], body["deliveryMode"], body["executionMode"]) == (
        "Elixir",
        "StandardD1",
        "Immediate",
    )
    assert "splitPayment" not in body
    assert body["requestHeader"]["token"] == client.tokens.access_token
    fake.execute_payments()
    assert state_of(initiator_for(client).status(submission)) == "executed"


def test_several_transfers_are_a_bundle_with_the_split_payment_declared(fake, clock):
    client, _consent = authorised_client(fake, clock)
    order = batch(clock, count=3, later=2)
    submission = initiator_for(client).initiate(order)
    assert submission.status == "inProgress"
    (body,) = fake.bodies("bundle")
    assert body["tppBundleId"] == order.idempotency_key
    assert body["typeOfTransfers"] == "domestic"
    assert body["transfersTotalAmount"] == "303.00"
    transfers = body["domesticTransfers"]
    assert [t["transferData"]["amount"] for t in transfers] == [
        "100.00",
        "101.00",
        "102.00",
    ]
    assert len({t["tppTransactionId"] for t in transfers}) == 3
    assert {t["executionMode"] for t in transfers} == {"FutureDated"}
    assert transfers[1]["splitPayment"] is True
    assert transfers[1]["transactionInfoSp"] == {
        "spInvoiceNumber": "FV/2026/11/0061",
        "spTaxIdentificationNumber": "5260250274",
        "spTaxAmount": "460.00",
    }
    assert initiator_for(client).status(submission) == "inProgress"
    fake.execute_payments()
    assert state_of(initiator_for(client).status(submission)) == "executed"


def test_sending_again_is_the_same_request_and_the_same_payment(fake, clock):
    """A retry (the HTTP layer's, or a person's after a timeout) sends the
    same requestId and tppBundleId: the bank answers the bundle it has."""
    client, _consent = authorised_client(fake, clock)
    order = batch(clock)
    first = initiator_for(client).initiate(order)
    again = initiator_for(client).initiate(order)
    assert again.payment_id == first.payment_id
    assert len(fake.payments) == 1
    # The fake checks that X-REQUEST-ID equals requestHeader.requestId.
    request_ids = {body["requestHeader"]["requestId"] for body in fake.bodies("bundle")}
    assert len(request_ids) == 1
    assert uuid.UUID(request_ids.pop()).version == 1
    # Another payment under the same key is refused, not merged.
    with pytest.raises(BankApiError, match="DUPLICATE_ID"):
        initiator_for(client).initiate(
            PaymentBatch(**{**order.__dict__, "transfers": order.transfers[:1] * 3})
        )


def test_payment_requests_are_signed_with_the_seal(fake, clock):
    signed = []

    def signer(body):
        signed.append(body)
        return "header..signature"

    client, _consent = authorised_client(fake, clock)
    client.jws_signer = signer
    initiator_for(client).initiate(batch(clock, count=1))
    (_operation, headers, _body) = fake.requests[-1]
    headers = {name.lower(): value for name, value in headers.items()}
    assert headers["x-jws-signature"] == "header..signature"
    assert signed[-1] == fake.raw_bodies[-1]


def test_an_answer_without_a_payment_id_is_refused(fake, clock):
    client, _consent = authorised_client(fake, clock)
    fake.op_domestic = lambda body: {"generalStatus": "submitted"}
    with pytest.raises(BankApiError, match="no domestic id"):
        initiator_for(client).initiate(batch(clock, count=1))
