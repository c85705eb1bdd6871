"""Keys that identify a bank transaction across runs.

The bank's id when it gives one; otherwise a content hash (model.Transaction.
content_key). Two genuinely identical movements on the same day (two 5.00 card
fees with the same text) share a hash, so each hash gets its occurrence number
within the day: windows always cover whole days, so the numbering is the same
in every run that sees that day.

Every transaction also gets its numbered content key, ids or not, counted over
all the day's transactions: a bank that leaves its ids out on one page (or one
day) numbers the same movements the same way as when it sends them, so the
line imported without an id is found again, and completed, when the id comes.
"""

from collections import Counter
from dataclasses import dataclass

from .model import Transaction


@dataclass(frozen=True)
class KeyedTransaction:
    key: str  # the bank's id ("id:..." / "ref:...") or the content key
    content_key: str  # the numbered content hash, ids left out
    transaction: Transaction

    @property
    def has_bank_id(self) -> bool:
        return self.key != self.content_key


def keyed_with_content(transactions) -> list[KeyedTransaction]:
    """Each transaction once (a repeated bank id dropped), with its key and
    its numbered content key, in the given order."""
    occurrences = Counter()
    keyed = []
    seen_ids = set()
    for transaction in transactions:
        key = transaction.unique_key
        if not key.startswith("hash:"):
            if key in seen_ids:  # the bank repeated itself (e.g. across pages)
                continue
            seen_ids.add(key)
        content = transaction.content_key
        day = transaction.booking_date or transaction.value_date
        occurrences[(content, day)] += 1
        count = occurrences[(content, day)]
        numbered = content if count == 1 else f"{content}#{count}"
        keyed.append(
            KeyedTransaction(
                key=numbered if key.startswith("hash:") else key,
                content_key=numbered,
                transaction=transaction,
            )
        )
    return keyed


def keyed_transactions(transactions):
    """[(key, transaction)] in the given order, keys unique within the list."""
    return [(item.key, item.transaction) for item in keyed_with_content(transactions)]


def line_completions(keyed, lines_by_content):
    """Match transactions against lines already in the journal by content.

    ``lines_by_content``: {content key: (line key, line content key)} of the
    journal's lines whose key or content key is among ``keyed``'s content keys.
    Returns ``(completions, known)``: [(line key, KeyedTransaction)] of lines
    imported without the bank's id that this transaction (with its id) is, and
    the set of content keys of transactions without an id whose line is
    already there under the bank's id (nothing to add).
    """
    completions = []
    known = set()
    for item in keyed:
        line = lines_by_content.get(item.content_key)
        if line is None:
            continue
        line_key, _line_content = line
        line_has_id = not line_key.startswith("hash:")
        if item.has_bank_id and not line_has_id:
            completions.append((line_key, item))
        elif not item.has_bank_id and line_has_id:
            known.add(item.content_key)
    return completions, known
