"""PolishAPI 2.1.1 payments (PIS), through the PolishAPI client.

One transfer is a domestic payment (``payments/domestic``, ``DomesticRequest``),
several a bundle (``payments/bundle``, ``BundleRequest`` with
``typeOfTransfers`` ``domestic``, ``transfersTotalAmount`` and
``domesticTransfers``); ``getPayment`` and ``getBundle`` tell the status
(``generalStatus`` submitted, pending, scheduled, done, rejected, cancelled;
``bundleStatus`` inProgress, partiallyDone, done, cancelled).

Each transfer: ``recipient`` and ``sender`` (``accountNumber``, at most 34
characters: a Polish account as its 26 digits; ``nameAddress.value``, up to
4 lines of 35), ``transferData`` (``description`` at most 140 characters,
``amount`` as a decimal string, ``executionDate``, ``currency``),
``deliveryMode`` StandardD1, ``system`` Elixir, ``executionMode`` Immediate
for today and FutureDated later, and, for a title in the split payment form
(``/VAT/…/IDC/…/INV/…``), ``splitPayment`` with ``transactionInfoSp``
(invoice number, the supplier's NIP, the VAT amount).

Idempotency: ``tppTransactionId`` (a payment) and ``tppBundleId`` (a bundle)
are derived from the batch's idempotency key, as is the requestId of the
request (kept across the HTTP layer's retries): sending again after a timeout
is the same request, which the bank answers with the payment it has.
The client signs the body (``X-JWS-SIGNATURE``) when the connection has a
seal, like every PolishAPI request.
"""

import re
import uuid
from datetime import date
from decimal import Decimal

from .initiation import PaymentBatch, Submission, register_initiator, state_of
from .siblings import errors, polishapi

DOMESTIC = "domestic"
BUNDLE = "bundle"
LINE = 35
SPLIT_TITLE = re.compile(
    r"^/VAT/(?P<vat>\d+(?:,\d{1,2})?)/IDC/(?P<idc>[^/]+)/INV/(?P<inv>.+?)"
    r"(?:/TXT/(?P<txt>.*))?$"
)


def account_number(iban: str) -> str:
    """A Polish IBAN as its 26 digits (NRB), another one as it is."""
    compact = (iban or "").replace(" ", "").upper()
    if compact.startswith("PL") and len(compact) == 28:
        return compact[2:]
    return compact


def name_lines(name: str) -> list:
    """At most 4 lines of 35 characters (``NameAddress``)."""
    text = " ".join((name or "").split())
    return [text[start : start + LINE] for start in range(0, len(text), LINE)][:4] or [
        "-"
    ]


def split_payment_info(title: str):
    """``transactionInfoSp`` of a split payment title, or None."""
    match = SPLIT_TITLE.match(title or "")
    if not match:
        return None
    info = {
        "spInvoiceNumber": match["inv"],
        "spTaxIdentificationNumber": match["idc"],
        "spTaxAmount": match["vat"].replace(",", "."),
    }
    if match["txt"]:
        info["spDescription"] = match["txt"]
    return info


def transaction_id(key: str, end_to_end_id: str) -> str:
    """The ``tppTransactionId`` of one transfer of a batch: stable for the
    batch's key, distinct per transfer."""
    return str(uuid.uuid5(uuid.UUID(key), end_to_end_id))


class PolishApiPayments:
    def __init__(self, client):
        self.client = client

    def initiate(self, batch: PaymentBatch) -> Submission:
        request_id = polishapi.stable_request_id(batch.idempotency_key)
        if len(batch.transfers) == 1:
            fields = self._transfer(batch, batch.transfers[0])
            fields["tppTransactionId"] = batch.idempotency_key
            answer = self.client.initiate_domestic(fields, request_id)
            payment_id = answer.get("paymentId")
            status = answer.get("generalStatus")
            kind = DOMESTIC
        else:
            total = sum((transfer.amount for transfer in batch.transfers), Decimal(0))
            fields = {
                "tppBundleId": batch.idempotency_key,
                "transfersTotalAmount": f"{total:.2f}",
                "typeOfTransfers": "domestic",
                "domesticTransfers": [
                    {
                        **self._transfer(batch, transfer),
                        "tppTransactionId": transaction_id(
                            batch.idempotency_key, transfer.end_to_end_id
                        ),
                    }
                    for transfer in batch.transfers
                ],
            }
            answer = self.client.initiate_bundle(fields, request_id)
            payment_id = answer.get("bundleId")
            status = answer.get("bundleStatus")
            kind = BUNDLE
        if not isinstance(payment_id, str) or not 0 < len(payment_id) <= 128:
            raise errors.BankResponseError(
                f"payments {kind}: the answer has no {kind} id"
            )
        state_of(status)
        return Submission(payment_id=payment_id, status=status, path=kind)

    def status(self, submission: Submission) -> str:
        if submission.path == BUNDLE:
            status = self.client.get_bundle(submission.payment_id).get("bundleStatus")
        else:
            status = self.client.get_payment(submission.payment_id).get("generalStatus")
        state_of(status)
        return status

    def _transfer(self, batch, transfer):
        today = self.client.today()
        execution: date = max(batch.execution_date, today)
        fields = {
            "recipient": {
                "accountNumber": account_number(transfer.creditor_iban),
                "nameAddress": {"value": name_lines(transfer.creditor_name)},
            },
            "sender": {"accountNumber": account_number(batch.debtor_iban)},
            "transferData": {
                "description": transfer.remittance[:140] or transfer.end_to_end_id,
                "amount": f"{transfer.amount:.2f}",
                "executionDate": execution.isoformat(),
                "currency": batch.currency,
            },
            "deliveryMode": "StandardD1",
            "system": "Elixir",
            "executionMode": "Immediate" if execution == today else "FutureDated",
        }
        split = split_payment_info(transfer.remittance)
        if split:
            fields["splitPayment"] = True
            fields["transactionInfoSp"] = split
        return fields


register_initiator(polishapi.PolishApiClient, PolishApiPayments)
