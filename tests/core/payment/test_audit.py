from decimal import Decimal

from bank_api_sync_payment.core.audit import chain_hash, content_hash, first_broken_link


def test_content_hash_is_stable_and_sees_every_change():
    content = {"lines": [{"iban": "PL1", "amount": Decimal("10.00")}], "name": "PO"}
    same = {"name": "PO", "lines": [{"amount": Decimal("10.00"), "iban": "PL1"}]}
    assert content_hash(content) == content_hash(same)
    changed = {"name": "PO", "lines": [{"amount": Decimal("10.01"), "iban": "PL1"}]}
    assert content_hash(changed) != content_hash(content)


def test_a_changed_or_removed_entry_breaks_the_chain():
    entries, previous = [], None
    for event in ("submitted", "approved", "sent"):
        entry = {"event": event}
        stored = chain_hash(previous, entry)
        entries.append((stored, previous, entry))
        previous = stored
    assert first_broken_link(entries) is None
    tampered = list(entries)
    tampered[1] = (entries[1][0], entries[1][1], {"event": "refused"})
    assert first_broken_link(tampered) == 1
    assert first_broken_link([entries[0], entries[2]]) == 1
