"""Retiring pending (not yet booked) transactions when their booked twin arrives.

A pending movement is kept apart from the statement; when the bank books it,
the booked transaction replaces it. Banks link the two differently: some quote
the pending id, many don't. Without a link, the twin is found by amount,
counterparty and a date window; ties are resolved by the closest date, and a
pending transaction is retired at most once.
"""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class PendingItem:
    key: str  # our stored unique key
    transaction_id: str | None
    day: date | None
    amount: Decimal
    currency: str
    counterparty: str  # normalised name or IBAN, may be ""


def counterparty_signature(iban: str | None, name: str | None) -> str:
    if iban:
        return re.sub(r"\s+", "", iban).upper()
    return re.sub(r"[^0-9A-Z]+", "", (name or "").upper())


def find_booked_twins(pendings, booked, *, window_days: int = 7):
    """{pending key: booked transaction} for pending items the booked list replaces.

    ``pendings``: PendingItem list; ``booked``: core model Transactions.
    """
    by_id = {p.transaction_id: p for p in pendings if p.transaction_id}
    unmatched = {p.key: p for p in pendings}
    twins = {}
    fallback = []
    for transaction in booked:
        linked = by_id.get(transaction.pending_reference or "")
        if linked and linked.key in unmatched:
            twins[linked.key] = transaction
            del unmatched[linked.key]
        else:
            fallback.append(transaction)
    for transaction in fallback:
        signature = counterparty_signature(
            transaction.counterparty_iban, transaction.counterparty_name
        )
        day = transaction.booking_date or transaction.value_date
        candidates = [
            p
            for p in unmatched.values()
            if p.amount == transaction.amount
            and p.currency == transaction.currency
            and (not p.counterparty or not signature or p.counterparty == signature)
            and (p.day is None or day is None or abs((day - p.day).days) <= window_days)
        ]
        if not candidates:
            continue
        best = min(
            candidates,
            key=lambda p: (abs((day - p.day).days) if p.day and day else 0, p.key),
        )
        twins[best.key] = transaction
        del unmatched[best.key]
    return twins
