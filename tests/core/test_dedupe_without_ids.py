"""A bank that leaves its transaction ids out now and then (finding 4 of
issue 16): the line imported without an id is the same line when the id comes."""

from datetime import date
from decimal import Decimal

from bank_api_sync.core.dedupe import keyed_with_content, line_completions
from bank_api_sync.core.model import BOOKED, Transaction

DAY = date(2026, 11, 24)


def txn(amount, transaction_id=None, remittance="Card fee", day=DAY):
    return Transaction(
        status=BOOKED,
        amount=Decimal(amount),
        currency="PLN",
        booking_date=day,
        value_date=day,
        transaction_id=transaction_id,
        remittance=remittance,
    )


def journal_of(keyed):
    """{content key: (key, content key)} as the journal holds the lines."""
    return {item.content_key: (item.key, item.content_key) for item in keyed}


def test_content_key_is_the_same_with_or_without_the_bank_id():
    assert txn("-5", "T1").content_key == txn("-5").content_key
    assert txn("-5").unique_key == txn("-5").content_key
    assert txn("-5", "T1").unique_key == "id:T1"


def test_identical_fees_number_the_same_with_and_without_ids():
    without = keyed_with_content([txn("-5"), txn("-5"), txn("9")])
    with_ids = keyed_with_content([txn("-5", "A"), txn("-5", "B"), txn("9", "C")])
    assert [i.content_key for i in without] == [i.content_key for i in with_ids]
    assert len({i.content_key for i in without}) == 3
    # Without ids, the key is the numbered content key (as before).
    assert [i.key for i in without] == [i.content_key for i in without]


def test_lines_without_ids_are_completed_when_the_ids_come():
    first = keyed_with_content([txn("-5"), txn("-5"), txn("9")])
    later = keyed_with_content([txn("-5", "A"), txn("-5", "B"), txn("9", "C")])
    completions, known = line_completions(later, journal_of(first))
    assert [(line_key, item.key) for line_key, item in completions] == [
        (first[0].key, "id:A"),
        (first[1].key, "id:B"),
        (first[2].key, "id:C"),
    ]
    assert known == set()


def test_a_page_without_ids_after_lines_with_ids_adds_nothing():
    first = keyed_with_content([txn("-5", "A"), txn("9", "C")])
    later = keyed_with_content([txn("-5"), txn("9"), txn("12")])
    completions, known = line_completions(later, journal_of(first))
    assert completions == []
    # The two known movements are there; the 12.00 one is new.
    assert known == {later[0].content_key, later[1].content_key}


def test_a_mixed_page_numbers_over_all_the_days_movements():
    # Page 1 with ids, page 2 without: the second identical fee is #2 whether
    # or not it had its id, so the later full answer completes exactly it.
    mixed = keyed_with_content([txn("-5", "A"), txn("-5")])
    full = keyed_with_content([txn("-5", "A"), txn("-5", "B")])
    assert mixed[1].key == full[1].content_key
    completions, _known = line_completions(full, journal_of(mixed))
    assert [(line_key, item.key) for line_key, item in completions] == [
        (mixed[1].key, "id:B")
    ]


def test_a_new_transaction_with_an_id_never_takes_a_line_that_has_one():
    first = keyed_with_content([txn("-5", "A")])
    other = keyed_with_content([txn("-5", "Z")])
    completions, known = line_completions(other, journal_of(first))
    assert completions == [] and known == set()
