"""Executed payments found on the bank statement.

An order sent to the bank comes back on a later statement: one debit per
transfer (the bank books each payment of a bulk), or one debit for the whole
bulk when the bank books it as a batch. ``match_executed`` pairs each such
bank line with the sent payments it pays, on evidence only, never on the
amount alone:

* one transfer: the line's end-to-end id is the payment's (what was sent as
  ``endToEndIdentification``), the amount is the payment's and the payee's
  account, when the bank names it, is the payment's; or, without an
  end-to-end id, the payment's reference (its order line) is in the line's
  text, with the amount and the payee's account both equal;
* a batch: the line's text or end-to-end id names the bank's id of the bulk
  (or the order), and its amount is the sum of that order's payments not
  matched yet.

A line two payments would fit equally is left alone (a person decides).
"""

import re
from dataclasses import dataclass
from decimal import Decimal

_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class SentPayment:
    """One transfer of an order the bank took, not yet on a statement."""

    id: int
    order_id: int
    amount: Decimal  # positive: what leaves the account
    currency: str
    end_to_end_id: str
    creditor_iban: str
    references: tuple = ()  # the order lines' references
    batch_ids: tuple = ()  # the bank's id of the bulk, the order's name


@dataclass(frozen=True)
class BookedLine:
    """A bank statement line, as far as the matching needs it."""

    id: int
    amount: Decimal  # signed: a debit is negative
    currency: str
    end_to_end_id: str | None = None
    counterparty_iban: str | None = None
    text: str = ""


@dataclass(frozen=True)
class ExecutedMatch:
    line_id: int
    payment_ids: tuple
    how: str  # end_to_end, reference, batch


def compact(value) -> str:
    return _SPACES.sub("", str(value or "")).upper()


def _iban_fits(line, payment, required):
    if not line.counterparty_iban:
        return not required
    return compact(line.counterparty_iban) == compact(payment.creditor_iban)


def _names(text, reference):
    """Whether ``text`` (upper case) quotes ``reference`` as a whole word:
    L0001 is not quoted by L00012."""
    reference = compact(reference)
    if not reference:
        return False
    pattern = r"(?<![A-Z0-9])" + re.escape(reference) + r"(?![A-Z0-9])"
    return re.search(pattern, text) is not None


def match_executed(lines, payments):
    """The ``ExecutedMatch`` of each line of ``lines`` that pays sent
    ``payments``, in the order of the lines; each payment is used once."""
    open_payments = {payment.id: payment for payment in payments}
    matches = []
    for line in lines:
        if line.amount >= 0:
            continue
        paid = -line.amount
        candidates = [
            payment
            for payment in open_payments.values()
            if payment.currency == line.currency
        ]
        found = _by_end_to_end(line, paid, candidates)
        how = "end_to_end"
        if found is None:
            found, how = _by_reference(line, paid, candidates), "reference"
        if found is None:
            found, how = _by_batch(line, paid, candidates), "batch"
        if found is None:
            continue
        for payment in found:
            del open_payments[payment.id]
        matches.append(
            ExecutedMatch(line.id, tuple(payment.id for payment in found), how)
        )
    return matches


def _single(found):
    return found if len(found) == 1 else None


def _by_end_to_end(line, paid, candidates):
    end_to_end = compact(line.end_to_end_id)
    if not end_to_end:
        return None
    return _single(
        [
            payment
            for payment in candidates
            if compact(payment.end_to_end_id[:35]) == end_to_end
            and payment.amount == paid
            and _iban_fits(line, payment, required=False)
        ]
    )


def _by_reference(line, paid, candidates):
    text = str(line.text or "").upper()
    return _single(
        [
            payment
            for payment in candidates
            if payment.amount == paid
            and _iban_fits(line, payment, required=True)
            and any(_names(text, ref) for ref in payment.references)
        ]
    )


def _by_batch(line, paid, candidates):
    text = f"{line.text or ''} {line.end_to_end_id or ''}".upper()
    by_order = {}
    for payment in candidates:
        by_order.setdefault(payment.order_id, []).append(payment)
    found = [
        group
        for group in by_order.values()
        if len(group) > 1
        and sum((payment.amount for payment in group), Decimal(0)) == paid
        and any(_names(text, ref) for ref in group[0].batch_ids)
    ]
    return found[0] if len(found) == 1 else None
