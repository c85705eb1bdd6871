"""Payment initiation, a capability of the provider clients that have it.

``initiator_for(client)`` gives the payment initiator of a bank client, or
None when its standard has none here (then the order leaves as a file). The
Odoo glue never names a provider: it asks for the capability. Each standard
registers its initiator for its client class (``register_initiator``): the
Berlin Group one below, PolishAPI's in ``polishapi_payments.py``; a provider
whose client derives from one of those classes pays through it. An initiator
whose ``psu_authorisation`` is true has the customer authorise each payment
at the bank's page first (``start_authorisation``, then
``complete_authorisation`` gives the token ``initiate`` and ``status`` take).

Berlin Group NextGenPSD2 1.3.11 (``BerlinGroupPayments``): one transfer is a
single payment (``POST /v1/payments/{product}``), several a bulk payment
(``POST /v1/bulk-payments/{product}`` with ``payments`` and one
``requestedExecutionDate``); the product is ``sepa-credit-transfers`` for
euros and ``cross-border-credit-transfers`` otherwise. The answer (201) has
``paymentId``, ``transactionStatus`` and the ``startAuthorisation`` link, which
is followed at once (the customer's authorisation); ``GET .../status`` polls.

Idempotency: the ``X-Request-ID`` of the initiation is the batch's
``idempotency_key``, chosen and kept by the caller before the first attempt;
the HTTP layer keeps it across its own retries, and a person retrying later
sends the same key again, so a bank that deduplicates on it (as the standard
asks) never pays twice. The body's SHA-256 goes in ``Digest``.
"""

import base64
import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .siblings import berlin_group, errors

# ISO 20022 transaction statuses (NextGenPSD2 ``transactionStatus``) as a
# person reads them: sent and waiting, accepted, executed, rejected.
STATUS_STATES = {
    "RCVD": "sent",
    "PDNG": "sent",
    "PATC": "sent",
    "ACTC": "accepted",
    "ACCP": "accepted",
    "ACFC": "accepted",
    "ACWC": "accepted",
    "ACWP": "accepted",
    "ACSP": "accepted",
    "PART": "accepted",
    "ACSC": "executed",
    "ACCC": "executed",
    "RJCT": "rejected",
    "CANC": "rejected",
    # PolishAPI 2.1.1: a payment's generalStatus (PaymentStatus) and a
    # bundle's bundleStatus.
    "submitted": "sent",
    "inProgress": "sent",
    "pending": "accepted",
    "scheduled": "accepted",
    "partiallyDone": "accepted",
    "done": "executed",
    "rejected": "rejected",
    "cancelled": "rejected",
}


@dataclass(frozen=True)
class Transfer:
    end_to_end_id: str
    amount: Decimal
    creditor_iban: str
    creditor_name: str
    remittance: str


@dataclass(frozen=True)
class PaymentBatch:
    debtor_iban: str
    currency: str
    execution_date: date
    transfers: tuple
    idempotency_key: str
    # Ask the bank to book a bulk as one debit of its total (NextGenPSD2
    # ``batchBookingPreferred``); the bank may still book each transfer.
    batch_booking: bool = False


@dataclass(frozen=True)
class Submission:
    payment_id: str
    status: str  # ISO 20022 code
    path: str  # the payment's resource, for its status


def state_of(status: str) -> str:
    """sent, accepted, executed or rejected; BankResponseError for a code
    that is none of the standard's."""
    try:
        return STATUS_STATES[status]
    except KeyError:
        raise errors.BankResponseError(
            f"payment status: {str(status)[:10]!r} is not an ISO 20022 status"
        ) from None


class BerlinGroupPayments:
    PRODUCTS = {"EUR": "sepa-credit-transfers"}
    OTHER_PRODUCT = "cross-border-credit-transfers"
    # The payment is authorised through its startAuthorisation link, within
    # the connection's consent: no page of the bank for the customer.
    psu_authorisation = False

    def __init__(self, client):
        self.client = client

    def initiate(self, batch: PaymentBatch) -> Submission:
        bulk = len(batch.transfers) > 1
        service = "bulk-payments" if bulk else "payments"
        product = self.PRODUCTS.get(batch.currency, self.OTHER_PRODUCT)
        body = self._body(batch, bulk)
        answer = self._post(
            f"{self.client.api_prefix}/{service}/{product}",
            body,
            "payments",
            batch.idempotency_key,
            # The file makes PSU-IP-Address mandatory on a payment initiation:
            # the person's address, else the one we call the bank from.
            psu_mandatory=True,
        ).json()
        payment_id = answer.get("paymentId") if isinstance(answer, dict) else None
        if not isinstance(payment_id, str) or not 0 < len(payment_id) <= 128:
            raise errors.BankResponseError("payments: the answer has no paymentId")
        status = answer.get("transactionStatus")
        state_of(status)
        path = f"{self.client.api_prefix}/{service}/{product}/{payment_id}"
        link = ((answer.get("_links") or {}).get("startAuthorisation") or {}).get(
            "href"
        )
        if link:
            self._authorise(link, batch.idempotency_key)
        return Submission(payment_id=payment_id, status=status, path=path)

    def status(self, submission: Submission) -> str:
        client = self.client
        response = client._call(
            "GET", f"{submission.path}/status", endpoint="payment status"
        )
        status = (response.json() or {}).get("transactionStatus")
        state_of(status)
        return status

    def _body(self, batch, bulk):
        entries = [
            {
                "endToEndIdentification": transfer.end_to_end_id[:35],
                "instructedAmount": {
                    "currency": batch.currency,
                    "amount": f"{transfer.amount:.2f}",
                },
                "creditorAccount": {"iban": transfer.creditor_iban},
                "creditorName": transfer.creditor_name[:70],
                "remittanceInformationUnstructured": transfer.remittance[:140],
            }
            for transfer in batch.transfers
        ]
        debtor = {
            "debtorAccount": {"iban": batch.debtor_iban, "currency": batch.currency}
        }
        if bulk:
            return {
                "batchBookingPreferred": batch.batch_booking,
                **debtor,
                "requestedExecutionDate": batch.execution_date.isoformat(),
                "payments": entries,
            }
        return {
            **entries[0],
            **debtor,
            "requestedExecutionDate": batch.execution_date.isoformat(),
        }

    def _post(self, path, body, endpoint, request_id, psu_mandatory=False):
        client = self.client
        client._ensure_token()
        raw = json.dumps(body, separators=(",", ":")).encode("utf-8")
        digest = "SHA-256=" + base64.b64encode(hashlib.sha256(raw).digest()).decode()

        def prepare():
            return {
                "method": "POST",
                "url": client._url(path),
                "data": raw,
                "request_id": request_id,
                "headers": {
                    **client._headers(consent=True),
                    **client._psu_headers(mandatory=psu_mandatory),
                    "Content-Type": "application/json",
                    "Digest": digest,
                },
            }

        response = client._send(prepare, endpoint=endpoint)
        client._raise_for_status(response, ok=(200, 201))
        return response

    def _authorise(self, link, idempotency_key):
        # The authorisation has its own idempotent request id, derived from
        # the payment's: a retry does not open a second authorisation.
        request_id = str(uuid.uuid5(uuid.UUID(idempotency_key), "authorisation"))
        self._post(link, {}, "payment authorisation", request_id)


_INITIATORS = []  # (client class, initiator class), in registration order


def register_initiator(client_class, initiator_class):
    """Clients of ``client_class`` (and its subclasses) pay through
    ``initiator_class(client)``."""
    _INITIATORS.append((client_class, initiator_class))


def initiator_for(client):
    """The payment capability of ``client``, or None."""
    for client_class, initiator_class in _INITIATORS:
        if isinstance(client, client_class):
            return initiator_class(client)
    return None


register_initiator(berlin_group.BerlinGroupClient, BerlinGroupPayments)
