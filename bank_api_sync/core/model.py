"""What a bank API gives us, independent of the provider's wire format."""

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

BOOKED = "booked"
PENDING = "pending"


@dataclass(frozen=True)
class Account:
    """An account the consent gives access to."""

    resource_id: str  # the provider's id, used in URLs
    iban: str | None
    currency: str
    name: str | None = None
    owner_name: str | None = None


@dataclass(frozen=True)
class Balance:
    balance_type: str  # Berlin Group names: closingBooked, interimAvailable, ...
    amount: Decimal
    currency: str
    reference_date: date | None = None


@dataclass(frozen=True)
class Transaction:
    """One movement on an account, booked or pending. ``amount`` is signed:
    positive is money in. Fields the bank left out are None."""

    status: str  # BOOKED or PENDING
    amount: Decimal
    currency: str
    booking_date: date | None
    value_date: date | None
    transaction_id: str | None = None
    entry_reference: str | None = None
    end_to_end_id: str | None = None
    counterparty_name: str | None = None
    counterparty_iban: str | None = None
    remittance: str = ""
    bank_transaction_code: str | None = None
    proprietary_code: str | None = None
    # Amount in another currency when the bank converted (currencyExchange).
    original_amount: Decimal | None = None
    original_currency: str | None = None
    # A pending transaction's id this booked one replaces, when the bank says.
    pending_reference: str | None = None
    raw: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def unique_key(self) -> str:
        """The bank's id when it gives one, else a hash of what identifies the
        movement. Stable across runs: the database enforces uniqueness on it."""
        if self.transaction_id:
            return f"id:{self.transaction_id}"
        if self.entry_reference:
            return f"ref:{self.entry_reference}"
        return self.content_key

    @property
    def content_key(self) -> str:
        """A hash of what identifies the movement, ids left out: the same
        whether or not the bank sent its id this time, so a line imported
        without the id is recognised when the id arrives."""
        content = "|".join(
            str(part or "")
            for part in (
                self.status,
                self.booking_date or self.value_date,
                self.value_date,
                self.amount,
                self.currency,
                self.counterparty_iban,
                self.counterparty_name,
                self.remittance,
                self.end_to_end_id,
            )
        )
        return "hash:" + hashlib.sha256(content.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Tokens:
    """OAuth2 tokens of a connection. Persisted encrypted by the Odoo glue."""

    access_token: str | None = field(default=None, repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    expires_at: datetime | None = None  # aware UTC


@dataclass(frozen=True)
class Consent:
    consent_id: str
    status: str  # received, valid, rejected, revokedByPsu, expired, terminatedByTpp
    valid_until: date | None = None
    frequency_per_day: int | None = None
    sca_redirect: str | None = None


@dataclass(frozen=True)
class CallRecord:
    """One HTTP call, for the usage ledger (calls by endpoint and month)."""

    endpoint: str  # a stable name: "accounts", "balances", "transactions", "token", ...
    status: int | None  # HTTP status, None when no answer came
    duration: float  # seconds
    user_present: bool
    at: datetime  # aware UTC
