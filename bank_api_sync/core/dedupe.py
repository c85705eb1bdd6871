"""Keys that identify a bank transaction across runs.

The bank's id when it gives one; otherwise a content hash (model.Transaction.
unique_key). Two genuinely identical movements on the same day (two 5.00 card
fees with the same text) share a hash, so each hash gets its occurrence number
within the day: windows always cover whole days, so the numbering is the same
in every run that sees that day.
"""

from collections import Counter


def keyed_transactions(transactions):
    """[(key, transaction)] in the given order, keys unique within the list."""
    occurrences = Counter()
    keyed = []
    seen_ids = set()
    for transaction in transactions:
        key = transaction.unique_key
        if not key.startswith("hash:"):
            if key in seen_ids:  # the bank repeated itself (e.g. across pages)
                continue
            seen_ids.add(key)
            keyed.append((key, transaction))
            continue
        day = transaction.booking_date or transaction.value_date
        occurrences[(key, day)] += 1
        count = occurrences[(key, day)]
        keyed.append((key if count == 1 else f"{key}#{count}", transaction))
    return keyed
