"""What a verified webhook says, read from its JSON body.

The body follows the Standard Webhooks payload shape::

    {"type": "balance.updated", "timestamp": "...", "data": {
        "account_id": "<bank's account id>",
        "balances": [{"balanceType": "closingBooked", "amount": "12.30",
                      "currency": "PLN", "referenceDate": "2026-11-24"}]}}

    {"type": "transaction.booked", "data": {"account_id": "..."}}

A transaction notification only says that an account has something new: the
transactions themselves are fetched through the bank's API (the sync), so a
forged or replayed notification can at worst cause one sync more.
"""

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

BALANCE_EVENT = "balance.updated"
TRANSACTION_EVENT = "transaction.booked"
MAX_TYPE_LENGTH = 64


class MalformedEventError(ValueError):
    """The body is not a webhook event this receiver can read (400)."""


@dataclass(frozen=True)
class WebhookEvent:
    event_type: str
    account_id: str | None = None
    data: dict = field(default_factory=dict)


@dataclass(frozen=True)
class EventBalance:
    balance_type: str
    amount: Decimal
    currency: str
    reference_date: date | None = None


def parse_event(body):
    """The event of a raw body (bytes); raises MalformedEventError."""
    try:
        document = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise MalformedEventError("The body is not JSON.") from None
    if not isinstance(document, dict):
        raise MalformedEventError("The body is not a JSON object.")
    event_type = document.get("type")
    if not isinstance(event_type, str) or not 0 < len(event_type) <= MAX_TYPE_LENGTH:
        raise MalformedEventError("The event has no type.")
    data = document.get("data") or {}
    if not isinstance(data, dict):
        raise MalformedEventError("The event's data is not an object.")
    account_id = data.get("account_id")
    if account_id is not None and not isinstance(account_id, str):
        raise MalformedEventError("The event's account_id is not a string.")
    return WebhookEvent(event_type=event_type, account_id=account_id, data=data)


def event_balances(event):
    """The balances a balance event carries; raises MalformedEventError."""
    balances = event.data.get("balances")
    if not isinstance(balances, list) or not balances:
        raise MalformedEventError("The balance event carries no balances.")
    return [_balance(entry) for entry in balances]


def _balance(entry):
    if not isinstance(entry, dict):
        raise MalformedEventError("A balance is not an object.")
    try:
        amount = Decimal(str(entry["amount"]))
        reference = entry.get("referenceDate")
        balance = EventBalance(
            balance_type=str(entry["balanceType"]),
            amount=amount,
            currency=str(entry.get("currency") or ""),
            reference_date=date.fromisoformat(reference) if reference else None,
        )
    except (KeyError, TypeError, ValueError, InvalidOperation):
        raise MalformedEventError(
            "A balance needs a balanceType, an amount and an ISO referenceDate."
        ) from None
    if not amount.is_finite():
        raise MalformedEventError("A balance amount is not a number.")
    return balance
