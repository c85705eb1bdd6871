"""What a camt.053 / camt.052 file says, as plain objects.

They have the shape of the MT940 core's objects (``account``,
``opening_balance``, ``transactions`` with a stable ``unique_id``, ...), so
that what imports MT940 statements imports these too. Amounts are ``Decimal``
and signed: positive is money in (credit), negative money out.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

BOOKED = "BOOK"
PENDING = "PDNG"


@dataclass(slots=True)
class Balance:
    """A ``Bal`` of a statement or report (OPBD, CLBD, ITBD, CLAV, ...)."""

    code: str  # the balance type: OPBD, PRCD, ITBD, CLBD, CLAV, ITAV, FWAV, ...
    mark: str  # "C" or "D", as MT940 writes it
    date: date
    currency: str
    amount: Decimal  # signed: a debit balance is negative
    line: int = 0


@dataclass(slots=True)
class Transaction:
    """One statement line: an entry (``Ntry``), or one transaction of a
    batched entry (a ``TxDtls`` with its own amount), or the charges of a
    batch whose transactions add up to the entry without them."""

    value_date: date
    entry_date: date | None  # booking date
    amount: Decimal  # signed
    currency: str
    mark: str  # "C", "D", "RC" (reversal booked as credit) or "RD"
    status: str  # BOOK, PDNG, INFO (camt.053.001.08 codes as written)
    reversal: bool
    unique_id: str  # stable across re-imports of the same movement
    entry_number: int  # 1-based position of the Ntry in its statement
    line: int  # line of the Ntry in the file
    account_servicer_reference: str | None = None
    entry_reference: str | None = None  # NtryRef
    end_to_end_id: str | None = None
    transaction_id: str | None = None
    counterparty_name: str | None = None
    counterparty_iban: str | None = None
    counterparty_account: str | None = None  # an account that is no IBAN
    unstructured: tuple = ()  # Ustrd lines
    creditor_references: tuple = ()  # Strd/CdtrRefInf/Ref (e.g. RF18 5390 0754 7034)
    bank_transaction_code: str | None = None  # "PMNT-RCDT-ESCT" or the proprietary code
    proprietary_code: str | None = None
    charges: Decimal = Decimal(0)  # signed: charges debited are negative
    return_reason: str | None = None  # RtrInf/Rsn/Cd
    additional_info: str | None = None
    batch_index: int | None = None  # 1-based TxDtls of a batched entry, else None
    is_charges: bool = False  # the charges line of a batch
    original_amount: Decimal | None = None  # AmtDtls/InstdAmt
    original_currency: str | None = None
    raw: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def booking_date(self):
        return self.entry_date or self.value_date

    @property
    def is_booked(self):
        return self.status == BOOKED

    @property
    def type_code(self):
        return self.bank_transaction_code

    @property
    def title(self):
        """The remittance a person reads: creditor references, then the
        unstructured lines."""
        parts = list(self.creditor_references) + list(self.unstructured)
        return " ".join(parts) or self.additional_info or ""


@dataclass(slots=True)
class Statement:
    """One camt.053 statement (``Stmt``) or camt.052 report (``Rpt``).

    A report without an opening or closing booked balance is *interim*, like
    an MT942 report: its lines are not checked against balances.
    """

    message: str  # "camt.053" or "camt.052"
    version: str | None  # "001.08" from the namespace, None when it says none
    reference: str  # Id
    account: str  # the IBAN, else the other identification, as given
    account_iban: str | None
    account_currency: str | None
    statement_number: int | None  # LglSeqNb, else ElctrncSeqNb
    statement_number_raw: str | None
    opening_balance: Balance | None
    closing_balance: Balance | None
    available_balance: Balance | None  # CLAV / ITAV
    forward_balances: tuple
    transactions: list  # booked and pending lines, in file order
    line: int
    creation_time: datetime | None = None  # CreDtTm of the statement
    from_date: date | None = None  # FrToDt
    to_date: date | None = None
    entries: int = 0
    encoding: str = "xml"
    information: str | None = None  # AddtlStmtInf / AddtlRptInf
    balances: tuple = ()

    @property
    def is_interim(self):
        return self.opening_balance is None or self.closing_balance is None

    @property
    def currency(self):
        if self.account_currency:
            return self.account_currency
        balance = self.opening_balance or self.closing_balance
        if balance is not None:
            return balance.currency
        return self.transactions[0].currency if self.transactions else None

    @property
    def booked_transactions(self):
        return [line for line in self.transactions if line.is_booked]

    @property
    def report_time(self):
        return self.creation_time

    @property
    def report_date(self):
        if self.to_date is not None:
            return self.to_date
        if self.creation_time is not None:
            return self.creation_time.date()
        days = [line.booking_date for line in self.transactions]
        return max(days) if days else None

    @property
    def opening_date(self):
        if self.opening_balance is None:
            return self.from_date or self.report_date
        return self.opening_balance.date

    @property
    def closing_date(self):
        if self.closing_balance is None:
            return self.report_date
        return self.closing_balance.date
