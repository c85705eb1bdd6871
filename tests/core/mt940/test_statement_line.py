"""The :61: grammar: dates, marks, funds codes, amounts, references."""

from datetime import date
from decimal import Decimal

import pytest

from bank_api_sync_mt940.core.fields import parse_statement_line

from .conftest import parse_text

HEAD = [
    ":20:T",
    ":25:/PL61109010140000071219812874",
    ":28C:1/1",
    ":60F:C231201PLN0,00",
]


def only_transaction(*field_61):
    """The transaction of a statement holding just this :61: field."""
    text = [*HEAD, ":61:" + field_61[0], *field_61[1:]]
    # A closing balance that fits whatever the line says.
    amount = parse_statement_line(":61:", 5, [field_61[0]])[4]
    mark = "D" if amount < 0 else "C"
    closing = f"{abs(amount):.2f}".replace(".", ",")
    (statement,) = parse_text([*text, f":62F:{mark}240131PLN{closing}", "-"])
    (transaction,) = statement.transactions
    return transaction


@pytest.mark.parametrize(
    ("line", "value_date", "entry_date"),
    [
        ("2401020102C1,00NTRF", date(2024, 1, 2), date(2024, 1, 2)),
        ("240102C1,00NTRF", date(2024, 1, 2), None),
        # Value date in December, booked in January of the next year.
        ("2312310102C1,00NTRF", date(2023, 12, 31), date(2024, 1, 2)),
        # Value date in January, booked in December of the year before.
        ("2401021231C1,00NTRF", date(2024, 1, 2), date(2023, 12, 31)),
        ("2402290301C1,00NTRF", date(2024, 2, 29), date(2024, 3, 1)),
        ("9912311231C1,00NTRF", date(1999, 12, 31), date(1999, 12, 31)),
    ],
)
def test_value_and_entry_dates(line, value_date, entry_date):
    transaction = only_transaction(line)
    assert transaction.value_date == value_date
    assert transaction.entry_date == entry_date
    assert transaction.booking_date == (entry_date or value_date)


@pytest.mark.parametrize(
    ("line", "mark", "funds_code", "amount"),
    [
        ("240102C1500,00NTRF", "C", None, "1500.00"),
        ("240102D1500,00NTRF", "D", None, "-1500.00"),
        # Credit with funds code R (third letter of EUR), not a reversal.
        ("240102CR1500,00NTRF", "C", "R", "1500.00"),
        ("240102DR1500,00NTRF", "D", "R", "-1500.00"),
        ("240102DN5,81N511NONREF", "D", "N", "-5.81"),
        # Reversal of a credit takes money out, of a debit brings it back.
        ("240102RC1500,00NTRF", "RC", None, "-1500.00"),
        ("240102RD15,00NCHG", "RD", None, "15.00"),
        ("240102RCR1,00NTRF", "RC", "R", "-1.00"),
        ("240102C1500,NTRF", "C", None, "1500"),
        ("240102C0,5NTRF", "C", None, "0.5"),
        ("240102C123456789012,34NTRF", "C", None, "123456789012.34"),
    ],
)
def test_marks_funds_codes_and_amounts(line, mark, funds_code, amount):
    transaction = only_transaction(line)
    assert transaction.mark == mark
    assert transaction.funds_code == funds_code
    assert transaction.amount == Decimal(amount)


@pytest.mark.parametrize(
    ("line", "type_code", "customer", "bank"),
    [
        ("240102C1,00NTRFNONREF//20240102-001", "NTRF", None, "20240102-001"),
        ("240102C1,00NTRFnonref", "NTRF", None, None),
        ("240102C1,00NTRF", "NTRF", None, None),
        ("240102C1,00S034INV 1/2024//BANK 7", "S034", "INV 1/2024", "BANK 7"),
        ("240102C1,00FCHK12345", "FCHK", "12345", None),
        ("240102C1,00NMSC//ONLYBANK", "NMSC", None, "ONLYBANK"),
        ("240102C1,00NTRFREF1//REF2   ", "NTRF", "REF1", "REF2"),
    ],
)
def test_type_code_and_references(line, type_code, customer, bank):
    transaction = only_transaction(line)
    assert transaction.type_code == type_code
    assert transaction.customer_reference == customer
    assert transaction.bank_reference == bank


def test_supplementary_details_on_the_next_line():
    transaction = only_transaction("240102D1,00NTRFNONREF//B", "KARTA 1234 ")
    assert transaction.supplementary_details == "KARTA 1234"
    assert transaction.bank_reference == "B"


def test_without_86_the_details_are_empty():
    transaction = only_transaction("240102D1,00NTRF")
    assert transaction.raw_86 == ""
    assert transaction.details.variant == "empty"
    assert transaction.title is None
    assert transaction.counterparty_name is None


def test_unique_id_prefers_the_bank_reference():
    with_reference = only_transaction("240102C1,00NTRFNONREF//XYZ1")
    assert with_reference.unique_id == "ref:PL61109010140000071219812874:XYZ1"
    nonref = only_transaction("240102C1,00NTRFNONREF//NONREF")
    assert nonref.unique_id.startswith("hash:PL61109010140000071219812874:")


def test_content_hash_changes_with_what_identifies_a_movement():
    base = only_transaction("2401020102C1,00NTRF").unique_id
    assert only_transaction("2401020102C1,00NTRF").unique_id == base
    assert only_transaction("2401020103C1,00NTRF").unique_id != base
    assert only_transaction("2401020102C1,01NTRF").unique_id != base
    assert only_transaction("2401020102D1,00NTRF").unique_id != base
    assert only_transaction("2401020102C1,00NTRFREF").unique_id != base
    # The way the bank writes the amount does not matter.
    assert only_transaction("2401020102C1,NTRF").unique_id == base
