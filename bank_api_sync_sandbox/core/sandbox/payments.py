"""The sandbox bank's payment initiation (Berlin Group PIS).

* ``POST /v1/payments/{product}`` and ``POST /v1/bulk-payments/{product}``
  take the JSON bodies of the NextGenPSD2 1.3.11 specification
  (``paymentInitiation_json`` and ``bulkPaymentInitiation_json``: debtor
  account, instructed amount, creditor account and name, unstructured
  remittance of at most 140 characters; a bulk carries ``payments`` and a
  ``requestedExecutionDate``) and answer 201 with ``transactionStatus``
  ``RCVD``, the ``paymentId`` and the ``startAuthorisation`` link.
* The request must carry a valid consent of the connection (``Consent-ID``,
  401 CONSENT_INVALID / CONSENT_EXPIRED otherwise: this bank lets only a
  connected TPP pay) and a ``Digest`` header, the SHA-256 of the body
  (400 SIGNATURE_INVALID when missing or wrong), over the debit account the
  consent covers.
* ``X-Request-ID`` makes the initiation idempotent: the same id with the same
  body answers the payment already created (a retry after a timeout never
  pays twice); with another body it is refused (400 FORMAT_ERROR).
* ``POST /v1/{service}/{product}/{paymentId}/authorisations`` is the
  customer's authorisation (approved at once, as the bank's consents are):
  ``scaStatus`` ``finalised`` and the payment ``ACSP``; its transfers join
  the debit account's ledger, booked on the execution date (with their
  end-to-end id, creditor and remittance), so the next sync brings them.
  ``GET .../{paymentId}/status`` tells ``transactionStatus``, which becomes
  ``ACSC`` once the bank's clock reaches the execution date.
* A bulk with ``batchBookingPreferred`` true is booked as one debit of its
  total (remittance ``Bulk payment {paymentId}, {n} transfers``, with
  ``batchIndicator`` and ``batchNumberOfTransactions``), as banks book a
  batch; otherwise each transfer is its own debit.
"""

import base64
import hashlib
import hmac
import itertools
import json
import threading
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from .server import json_response, tpp_error

SERVICES = ("payments", "bulk-payments")


@dataclass
class SandboxPayment:
    payment_id: str
    service: str
    product: str
    request_id: str
    body_digest: str
    debtor_iban: str
    execution_date: date
    transfers: list  # (amount, currency, creditor iban, name, remittance, e2e id)
    status: str = "RCVD"
    authorisations: list = field(default_factory=list)
    batch_booking: bool = False


class PaymentStore:
    def __init__(self, today):
        self.today = today
        self.payments = {}
        self.by_request_id = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def initiate(self, service, product, request_id, body_digest, parsed):
        """(created, payment): the payment of ``request_id`` if it exists
        (None when that id came with another body), else a new one."""
        with self._lock:
            known = self.by_request_id.get(request_id)
            if known is not None:
                return False, known if known.body_digest == body_digest else None
            payment = SandboxPayment(
                payment_id=f"pay-{next(self._ids):06d}",
                service=service,
                product=product,
                request_id=request_id,
                body_digest=body_digest,
                **parsed,
            )
            self.payments[payment.payment_id] = payment
            self.by_request_id[request_id] = payment
            return True, payment

    def get(self, service, product, payment_id):
        payment = self.payments.get(payment_id)
        if payment is None or (payment.service, payment.product) != (service, product):
            return None
        if payment.status == "ACSP" and payment.execution_date <= self.today():
            payment.status = "ACSC"
        return payment


def body_digest(body: bytes) -> str:
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()


def _amount(value, where):
    if not isinstance(value, dict):
        raise ValueError(f"{where}: instructedAmount is missing")
    try:
        amount = Decimal(str(value.get("amount")))
    except InvalidOperation:
        raise ValueError(f"{where}: instructedAmount.amount is not an amount") from None
    currency = str(value.get("currency") or "")
    if not amount.is_finite() or amount <= 0 or len(currency) != 3:
        raise ValueError(f"{where}: instructedAmount must be positive, in a currency")
    return amount, currency


def _transfer(entry, where):
    if not isinstance(entry, dict):
        raise ValueError(f"{where}: not a JSON object")
    amount, currency = _amount(entry.get("instructedAmount"), where)
    creditor = (entry.get("creditorAccount") or {}).get("iban")
    name = entry.get("creditorName")
    remittance = entry.get("remittanceInformationUnstructured") or ""
    end_to_end = str(entry.get("endToEndIdentification") or "")[:35]
    if not creditor or not name:
        raise ValueError(f"{where}: creditorAccount.iban and creditorName are required")
    if len(remittance) > 140 or len(name) > 70:
        raise ValueError(f"{where}: remittance over 140 or creditorName over 70 chars")
    return amount, currency, creditor, name, remittance, end_to_end


def parse_initiation(service, body, today):
    """The fields the bank keeps, or ValueError naming what is wrong."""
    if not isinstance(body, dict):
        raise ValueError("the body is not a JSON object")
    debtor = (body.get("debtorAccount") or {}).get("iban")
    if not debtor:
        raise ValueError("debtorAccount.iban is required")
    if service == "bulk-payments":
        entries = body.get("payments")
        if not isinstance(entries, list) or not entries:
            raise ValueError("payments: a bulk needs at least one payment")
        transfers = [
            _transfer(entry, f"payments[{index}]")
            for index, entry in enumerate(entries)
        ]
    else:
        transfers = [_transfer(body, "payment")]
    try:
        execution = date.fromisoformat(body.get("requestedExecutionDate") or str(today))
    except ValueError:
        raise ValueError("requestedExecutionDate is not a date") from None
    if execution < today:
        raise ValueError("requestedExecutionDate is in the past")
    return {
        "debtor_iban": debtor,
        "execution_date": execution,
        "transfers": transfers,
        "batch_booking": service == "bulk-payments"
        and body.get("batchBookingPreferred") is True,
    }


def initiate(bank, request, service, product):
    consent_id = request.header("Consent-ID")
    error = bank.consents.check(consent_id)
    if error:
        return tpp_error(*error)
    digest = body_digest(request.body)
    if not hmac.compare_digest(request.header("Digest") or "", digest):
        return tpp_error(
            400, "SIGNATURE_INVALID", "The Digest header is not the body's SHA-256."
        )
    try:
        parsed = parse_initiation(service, json.loads(request.body), bank.today())
    except ValueError as problem:
        return tpp_error(400, "FORMAT_ERROR", str(problem))
    if parsed["debtor_iban"] not in {a.iban for a in bank.accounts.values()}:
        return tpp_error(400, "FORMAT_ERROR", "The debit account is not at this bank.")
    if not bank.consents.get(consent_id).covers(parsed["debtor_iban"]):
        return tpp_error(
            401, "CONSENT_INVALID", "The consent does not cover the debit account."
        )
    created, payment = bank.payments.initiate(
        service, product, request.header("X-Request-ID"), digest, parsed
    )
    if payment is None:
        return tpp_error(
            400, "FORMAT_ERROR", "This X-Request-ID was used for another payment."
        )
    base = f"/v1/{service}/{product}/{payment.payment_id}"
    payload = {
        "transactionStatus": payment.status,
        "paymentId": payment.payment_id,
        "_links": {
            "startAuthorisation": {"href": f"{base}/authorisations"},
            "self": {"href": base},
            "status": {"href": f"{base}/status"},
        },
    }
    return json_response(201, payload, {"Location": base})


def authorise(bank, request, service, product, payment_id):
    payment = bank.payments.get(service, product, payment_id)
    if payment is None:
        return tpp_error(403, "RESOURCE_UNKNOWN", "No payment with this id.")
    if payment.status == "RCVD":
        payment.status = "ACSP"
        bank.book_initiated(payment)
    authorisation_id = f"{payment_id}-auth-{len(payment.authorisations) + 1}"
    payment.authorisations.append(authorisation_id)
    return json_response(
        201,
        {
            "scaStatus": "finalised",
            "authorisationId": authorisation_id,
            "_links": {
                "scaStatus": {
                    "href": f"/v1/{service}/{product}/{payment_id}"
                    f"/authorisations/{authorisation_id}"
                }
            },
        },
    )


def status(bank, request, service, product, payment_id):
    payment = bank.payments.get(service, product, payment_id)
    if payment is None:
        return tpp_error(403, "RESOURCE_UNKNOWN", "No payment with this id.")
    return json_response(200, {"transactionStatus": payment.status})
