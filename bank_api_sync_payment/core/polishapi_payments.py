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

The customer authorises each payment (or bundle) at the bank
(``psu_authorisation``): ``start_authorisation`` asks ``authorize`` with the
``pis`` scope, the payment in ``scope_details.privilegeList`` (``pis:domestic``
with the transfer's fields, or ``pis:bundle`` with the bundle's; and
``pis:getPayment`` / ``pis:getBundle`` with the TPP id, for its status), and
gives the bank's page; ``complete_authorisation`` trades the code the bank
sends back for the payment's access token, which ``initiate`` and ``status``
then use. The TPP ids and the requestId stay derived from the batch's key:
a payment authorised twice (a retry after a timeout) is still one payment.
"""

import re
import uuid
from datetime import date, timedelta
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


# The privilege of a domestic transfer (PrivilegeDomesticTransfer) names the
# transfer's fields; the TPP id and the split payment details are the
# initiation's.
DOMESTIC_PRIVILEGE_FIELDS = (
    "recipient",
    "sender",
    "transferData",
    "deliveryMode",
    "system",
    "executionMode",
)
# How long the customer's authorisation of a payment is asked for: the day
# it is sent and the next (the status is asked with it meanwhile).
AUTHORISATION_DAYS = 1


class PolishApiPayments:
    # The customer authorises each payment at the bank (its ``pis`` scope).
    psu_authorisation = True

    def __init__(self, client):
        self.client = client

    def _fields(self, batch: PaymentBatch):
        """(kind, the initiation's fields) of the batch."""
        if len(batch.transfers) == 1:
            fields = self._transfer(batch, batch.transfers[0])
            fields["tppTransactionId"] = batch.idempotency_key
            return DOMESTIC, fields
        total = sum((transfer.amount for transfer in batch.transfers), Decimal(0))
        return BUNDLE, {
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

    def privileges(self, batch: PaymentBatch) -> dict:
        """The ``privilegeList`` entry asking the customer to authorise the
        batch: the payment itself and the right to ask its status."""
        kind, fields = self._fields(batch)
        privileges = {"accountNumber": account_number(batch.debtor_iban)}
        if kind == DOMESTIC:
            privileges["pis:domestic"] = {
                "scopeUsageLimit": "single",
                **{name: fields[name] for name in DOMESTIC_PRIVILEGE_FIELDS},
            }
            privileges["pis:getPayment"] = {
                "scopeUsageLimit": "multiple",
                "tppTransactionId": fields["tppTransactionId"],
            }
        else:
            privileges["pis:bundle"] = {
                "scopeUsageLimit": "single",
                **{
                    name: value
                    for name, value in fields.items()
                    if name != "tppBundleId"
                },
            }
            privileges["pis:getBundle"] = {
                "scopeUsageLimit": "multiple",
                "tppBundleId": fields["tppBundleId"],
            }
        return privileges

    def start_authorisation(
        self, batch: PaymentBatch, redirect_uri: str, state: str
    ) -> str:
        """Ask the bank for the customer's authorisation of the batch; the
        bank's page to send the customer to (it comes back to
        ``redirect_uri`` with ``state``)."""
        valid_until = self.client.today() + timedelta(days=AUTHORISATION_DAYS)
        return self.client.authorize_payment(
            self.privileges(batch), redirect_uri, state, valid_until
        )

    def complete_authorisation(self, params: dict, redirect_uri: str) -> str:
        """The payment's access token from what the bank sent the customer
        back with (``errors.ConsentRefused`` when they refused)."""
        return self.client.payment_token(params, redirect_uri)

    def initiate(self, batch: PaymentBatch, token: str | None = None) -> Submission:
        """Initiate the batch, with the payment's access token when the
        customer authorised it (``complete_authorisation``)."""
        request_id = polishapi.stable_request_id(batch.idempotency_key)
        kind, fields = self._fields(batch)
        if kind == DOMESTIC:
            answer = self.client.initiate_domestic(fields, request_id, token=token)
            payment_id = answer.get("paymentId")
            status = answer.get("generalStatus")
        else:
            answer = self.client.initiate_bundle(fields, request_id, token=token)
            payment_id = answer.get("bundleId")
            status = answer.get("bundleStatus")
        if not isinstance(payment_id, str) or not 0 < len(payment_id) <= 128:
            raise errors.BankResponseError(
                f"payments {kind}: the answer has no {kind} id"
            )
        state_of(status)
        return Submission(payment_id=payment_id, status=status, path=kind)

    def status(self, submission: Submission, token: str | None = None) -> str:
        if submission.path == BUNDLE:
            answer = self.client.get_bundle(submission.payment_id, token=token)
            status = answer.get("bundleStatus")
        else:
            answer = self.client.get_payment(submission.payment_id, token=token)
            status = answer.get("generalStatus")
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
