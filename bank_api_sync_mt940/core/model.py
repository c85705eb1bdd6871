"""What an MT940 file says, as plain objects.

Amounts are ``Decimal`` and signed: positive is money in (credit), negative
money out. Dates are ``datetime.date``. Text the bank left out is ``None``.
The objects are built by the parser; treat them as read-only. They are not
frozen dataclasses only because those are six times slower to create, which
would cost a fifth of the parsing time.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from .details import EMPTY_DETAILS, Details
from .structured86 import parse_details

__all__ = [
    "EMPTY_DETAILS",
    "Balance",
    "Details",
    "Statement",
    "Total",
    "Transaction",
]


@dataclass(slots=True)
class Balance:
    """A balance field (:60F:, :62F:, :64:, :65: ...)."""

    mark: str  # "C" or "D" as written
    date: date
    currency: str
    amount: Decimal  # signed: a "D" balance is negative
    intermediate: bool = False  # :60M: / :62M: (a page of a longer statement)
    line: int = 0  # line of the field in the file


@dataclass(slots=True)
class Transaction:
    """One :61: statement line with its :86: information.

    The :86: text is decoded into :attr:`details` when first asked for (it
    cannot fail, so nothing is left unchecked): a file can be validated
    without paying for it, and imported paying for it once.
    """

    value_date: date
    entry_date: date | None  # booking date, when the bank gives it
    amount: Decimal  # signed: credits positive, debits negative
    currency: str
    mark: str  # "C", "D", "RC" (reversal of a credit) or "RD"
    funds_code: str | None
    type_code: str  # "NTRF", "NMSC", "S034", ...
    customer_reference: str | None  # None for "NONREF"
    bank_reference: str | None
    supplementary_details: str | None
    raw_86: str  # the :86: lines as in the file, joined by "\n" ("" when none)
    unique_id: str  # stable across re-imports of the same movement
    line: int  # line of the :61: field in the file
    # The :86: lines as read (trailing spaces matter when joining them) and
    # the Polish sub-field profile, until decoded.
    detail_lines: list | None = field(default=None, repr=False, compare=False)
    profile: str | None = field(default=None, repr=False, compare=False)
    decoded: Details | None = field(default=None, repr=False, compare=False)

    @property
    def details(self):
        """The :86: text decoded into fields (:class:`Details`)."""
        decoded = self.decoded
        if decoded is None:
            if self.detail_lines:
                decoded = parse_details(self.detail_lines, self.profile, self.raw_86)
            else:
                decoded = EMPTY_DETAILS
            self.decoded = decoded
            self.detail_lines = None
        return decoded

    @property
    def booking_date(self):
        return self.entry_date or self.value_date

    @property
    def transaction_code(self):
        """The bank's code for the kind of transaction, from the :86:."""
        return self.details.code

    @property
    def counterparty_name(self):
        return self.details.counterparty_name

    @property
    def counterparty_account(self):
        """The counterparty's IBAN when known, else its account as given."""
        details = self.details
        return details.counterparty_iban or details.counterparty_account

    @property
    def title(self):
        return self.details.title


@dataclass(slots=True)
class Total:
    """An MT942 :90D: or :90C: field: how many debits (credits) and their sum."""

    count: int
    currency: str
    amount: Decimal  # as written: positive
    line: int = 0


@dataclass(slots=True)
class Statement:
    """One statement (all its pages when it is split by :62M:/:60M:), or an
    MT942 interim report (``is_interim``): no opening or closing balance but
    the time of the report, the floor limits and the totals."""

    reference: str  # :20:
    related_reference: str | None  # :21:
    account: str  # :25: as given, spaces and a leading "/" removed
    account_iban: str | None  # the account as an IBAN when it is one
    statement_number: int | None  # :28C: number
    sequence_number: int | None  # :28C: sequence (page) of the first page
    statement_number_raw: str | None
    opening_balance: Balance
    closing_balance: Balance
    available_balance: Balance | None  # :64:
    forward_balances: tuple  # :65: Balances
    transactions: list
    information: str | None  # a :86: that belongs to no transaction
    pages: int
    line: int  # line where the statement starts
    encoding: str  # the codec the text was read with ("ascii": nothing to decide)
    # MT942 interim reports only (opening and closing balances are None):
    report_currency: str | None = None  # of the :34F: floor limit
    report_time: datetime | None = None  # :13D:, aware
    floor_limits: tuple = ()  # :34F: as ("D"/"C"/None, Decimal)
    debit_total: Total | None = None  # :90D:
    credit_total: Total | None = None  # :90C:

    @property
    def is_interim(self):
        """An MT942 interim (intraday) report rather than an MT940 statement."""
        return self.opening_balance is None

    @property
    def currency(self):
        if self.opening_balance is None:
            return self.report_currency
        return self.opening_balance.currency

    @property
    def report_date(self):
        """The day an interim report covers: that of its :13D: time, else of
        its last movement."""
        if self.report_time is not None:
            return self.report_time.date()
        days = [t.booking_date for t in self.transactions]
        return max(days) if days else None

    @property
    def opening_date(self):
        if self.opening_balance is None:
            return self.report_date
        return self.opening_balance.date

    @property
    def closing_date(self):
        if self.closing_balance is None:
            return self.report_date
        return self.closing_balance.date
