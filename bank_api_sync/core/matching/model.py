"""What the matching engine reads and what it answers.

Inputs are loaded by the Odoo glue from the database: ``StatementLine`` from
``account.bank.statement.line``, ``OpenItem`` from the open receivable and
payable ``account.move.line`` records, ``MatchContext`` from partner bank
accounts and the company. Amounts are ``Decimal``; ids are whatever the caller
uses (Odoo record ids), the engine only hands them back.
"""

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .references import SplitPayment

RECEIVABLE = "receivable"
PAYABLE = "payable"


class Signal:
    """Names of the evidence the engine uses. The first group can be switched
    on and off per rule (``MatchRule.signals``); the others are reported in
    ``Proposal.signals`` to say what else supported a proposal."""

    INVOICE_NUMBER = "invoice_number"  # the document number is in the title
    PAYMENT_REFERENCE = "payment_reference"  # the invoice's communication is
    SPLIT_PAYMENT = "split_payment"  # MPP title whose /INV/ names the invoice
    RF_REFERENCE = "rf_reference"  # valid ISO 11649 reference of the invoice
    VIRTUAL_ACCOUNT = "virtual_account"  # paid to the customer's own account
    COUNTERPARTY_IBAN = "counterparty_iban"  # payer's account known on a partner
    AMOUNT_PARTNER = "amount_partner"  # amount and partner, within the window
    AMOUNT_ONLY = "amount_only"  # amount alone, within the window
    SEVERAL_INVOICES = "several_invoices"  # exact sum of a partner's items
    PARTIAL = "partial"  # less than the residual of a referenced invoice
    FOREIGN_CURRENCY = "foreign_currency"  # compared in the invoice's currency

    # Reported only.
    KNOWN_PARTNER = "known_partner"  # partner already set on the line
    SPLIT_PAYMENT_NIP = "split_payment_nip"  # the MPP /IDC/ NIP agrees
    AMOUNT_EQUAL = "amount_equal"
    AMOUNT_TOLERANCE = "amount_tolerance"
    OVERPAYMENT = "overpayment"
    EARLY_DISCOUNT = "early_discount"  # paid in time for the discount
    FEE_CODE = "fee_code"
    FEE_KEYWORD = "fee_keyword"

    CONFIGURABLE = frozenset(
        {
            INVOICE_NUMBER,
            PAYMENT_REFERENCE,
            SPLIT_PAYMENT,
            RF_REFERENCE,
            VIRTUAL_ACCOUNT,
            COUNTERPARTY_IBAN,
            AMOUNT_PARTNER,
            AMOUNT_ONLY,
            SEVERAL_INVOICES,
            PARTIAL,
            FOREIGN_CURRENCY,
        }
    )
    # Evidence that names a document (as opposed to a partner or an amount).
    REFERENCES = frozenset(
        {INVOICE_NUMBER, PAYMENT_REFERENCE, SPLIT_PAYMENT, RF_REFERENCE}
    )


class Kind:
    """What a proposal does with the line."""

    INVOICE = "invoice"  # settles one open item (exactly or with a write-off)
    INVOICES = "invoices"  # settles several open items of one partner
    PARTIAL = "partial"  # pays part of one or several referenced items
    OVERPAYMENT = "overpayment"  # settles items, part of the line stays open
    FEE = "fee"  # a bank fee: no invoice, posted on an account

    ORDER = (INVOICE, INVOICES, PARTIAL, OVERPAYMENT)


# --- Inputs ---------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class StatementLine:
    """A bank statement line to match.

    ``amount`` is signed in ``currency`` (the journal's currency): positive is
    money received. When the payment was made in another currency the bank's
    original amount is in ``amount_currency`` / ``foreign_currency``.
    ``payment_ref`` is the title; join the bank's title lines with ``\\n``
    (never a space) so that numbers cut by the line wrapping are found.
    ``receiving_account`` is our account the money was sent to, which is a
    customer's virtual account number at banks that give each customer one.
    """

    id: Hashable
    date: date | None
    amount: Decimal
    currency: str
    payment_ref: str = ""
    counterparty_name: str | None = None
    counterparty_iban: str | None = None
    partner_id: int | None = None
    receiving_account: str | None = None
    transaction_code: str | None = None
    amount_currency: Decimal | None = None
    foreign_currency: str | None = None


@dataclass(frozen=True, kw_only=True)
class OpenItem:
    """An open receivable or payable journal item.

    ``amount_residual`` is signed in company currency (receivable positive,
    payable negative, credit notes the other way round);
    ``amount_residual_currency`` is the residual in the item's ``currency``
    (None when that is the company currency). ``payment_reference`` is the
    invoice's communication (often its number, or an RF reference); ``ref`` the
    vendor's own number on a bill; ``partner_vat`` the partner's VAT number
    (NIP), compared with a split payment's ``/IDC/``. ``discount_residual``
    is what settles the item when paid by ``discount_date`` (an early payment
    discount, in the item's currency and sign; None: no discount on offer).
    """

    id: Hashable
    move_id: Hashable
    move_name: str
    partner_id: int | None
    kind: str  # RECEIVABLE or PAYABLE
    date: date
    amount_residual: Decimal
    currency: str
    amount_residual_currency: Decimal | None = None
    due_date: date | None = None
    payment_reference: str | None = None
    ref: str | None = None
    partner_name: str | None = None
    partner_vat: str | None = None
    discount_residual: Decimal | None = None
    discount_date: date | None = None

    @property
    def residual_in_currency(self) -> Decimal:
        """The residual in the item's own currency."""
        if self.amount_residual_currency is None:
            return self.amount_residual
        return self.amount_residual_currency


@dataclass(frozen=True, kw_only=True)
class MatchContext:
    """What the engine needs to know beyond the items.

    ``partner_ibans`` maps an account number (any spacing; IBAN or domestic) to
    the partners that have it; ``virtual_accounts`` maps our virtual account
    numbers to the customer each was given to. ``today`` stands in for the
    date of a line that has none. ``partner_names`` names partners in reasons
    (items' ``partner_name`` is used otherwise).
    """

    company_currency: str
    today: date | None = None
    partner_ibans: Mapping[str, frozenset[int] | set[int]] = field(default_factory=dict)
    virtual_accounts: Mapping[str, int] = field(default_factory=dict)
    company_vat: str | None = None
    partner_names: Mapping[int, str] = field(default_factory=dict)


# --- Outputs --------------------------------------------------------------


@dataclass(frozen=True)
class Allocation:
    """Part of a line applied to one open item.

    ``amount`` is in the line's currency with the line's sign: the money of the
    line that goes to the item (the allocations of a proposal never add up to
    more than the line). ``amount_currency`` is the same part in the item's
    currency. ``closes_item`` says that the item is fully settled by the
    proposal, counting its write-off.
    """

    item_id: Hashable
    amount: Decimal
    amount_currency: Decimal
    closes_item: bool


@dataclass(frozen=True, kw_only=True)
class Proposal:
    """One way of reconciling a line, with how sure the engine is about it.

    ``write_off`` (line currency) goes to the rule's write-off account: it is
    ``line amount - residuals closed``, so with the line's sign for an
    overpayment kept within tolerance and the other sign for a shortfall written
    off. ``unallocated`` is what stays open on the line (an overpayment beyond
    tolerance). ``early_discount`` (line currency, the items' sign) is the
    early payment discount the items grant, paid on time. ``auto`` says the
    proposal may be reconciled without a person: confidence at or above the
    rule's threshold, nothing ambiguous, and clearly ahead of the next
    proposal. ``ambiguity`` says why a proposal must not be
    trusted blindly even when its confidence is high.
    """

    kind: str
    allocations: tuple[Allocation, ...]
    confidence: float
    signals: tuple[str, ...]
    reason: str
    partner_id: int | None = None
    write_off: Decimal = Decimal(0)
    unallocated: Decimal = Decimal(0)
    early_discount: Decimal = Decimal(0)
    auto: bool = False
    ambiguity: str | None = None
    split_payment: SplitPayment | None = None
    rule_id: Hashable = None

    @property
    def item_ids(self) -> tuple:
        return tuple(allocation.item_id for allocation in self.allocations)

    @property
    def allocated(self) -> Decimal:
        return sum((allocation.amount for allocation in self.allocations), Decimal(0))


@dataclass(frozen=True, kw_only=True)
class FeeProposal:
    """The line is a bank fee or commission: post it with the fee rule
    ``fee_rule`` (``reference`` is the caller's handle for it, e.g. the
    reconcile model line that holds the account), no invoice involved."""

    amount: Decimal
    fee_rule: str
    reference: Hashable
    confidence: float
    signals: tuple[str, ...]
    reason: str
    auto: bool


@dataclass(frozen=True, kw_only=True)
class LineResult:
    """The engine's answer for one line.

    ``proposals`` are ranked, best first. ``partner_ids`` are the partners the
    line was attributed to (useful to set the partner on a line nobody could
    match). ``split_payment`` is the parsed MPP title, if any, whatever was
    matched; ``notes`` explain ambiguities and why nothing is automatic.
    """

    line_id: Hashable
    proposals: tuple[Proposal, ...] = ()
    fee: FeeProposal | None = None
    split_payment: SplitPayment | None = None
    partner_ids: tuple[int, ...] = ()
    notes: tuple[str, ...] = ()
    rule_id: Hashable = None

    @property
    def best(self) -> Proposal | None:
        return self.proposals[0] if self.proposals else None

    @property
    def auto_proposal(self) -> Proposal | None:
        """The proposal to reconcile without a person, if there is one."""
        best = self.best
        return best if best is not None and best.auto else None
