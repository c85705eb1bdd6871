"""What banks send against the standard is read when the caller listens for
warnings, each case named with its line and field; without a listener the
parser stays strict and refuses it with line and field as before."""

from datetime import date
from decimal import Decimal

import pytest

from bank_api_sync_mt940.core.errors import Mt940Error
from bank_api_sync_mt940.core.parser import MAX_WARNINGS, parse_file

from .conftest import parse_text, sample

HEAD = [":20:T", ":25:/PL61109010140000071219812874", ":28C:1", ":60F:C240131PLN0,"]


def read(name):
    warnings = []
    statements = parse_file(sample(name), warnings=warnings)
    return statements, warnings


def test_bank_header_lines_and_another_banks_envelope():
    (statement,), warnings = read("header_lines.sta")
    assert statement.account_iban == "NL91ABNA0417164300"
    assert statement.closing_balance.amount == Decimal("2625.00")
    assert [(w.line, w.field, w.code) for w in warnings] == [
        (1, ":20:", "header_line"),
        (2, ":20:", "header_line"),
        (3, ":20:", "header_line"),
    ]
    assert "':940:'" in warnings[0].reason
    assert str(warnings[1]).startswith("line 2, field :20:: text outside any field")


def test_header_lines_refused_without_a_listener():
    with pytest.raises(Mt940Error) as caught:
        parse_file(sample("header_lines.sta"))
    assert (caught.value.line, caught.value.field) == (1, ":20:")


def test_padded_transaction_type_codes():
    (statement,), warnings = read("padded_codes.sta")
    assert [t.type_code for t in statement.transactions] == ["NTRF", "NCHG", "NMSC"]
    assert [t.amount for t in statement.transactions] == [
        Decimal("300.00"),
        Decimal("-45.00"),
        Decimal("-5.00"),
    ]
    assert [t.bank_reference for t in statement.transactions] == [
        "PC0001",
        "PC0002",
        "PC0003",
    ]
    assert [(w.line, w.field, w.code) for w in warnings] == [
        (5, ":61:", "padded_type_code"),
        (7, ":61:", "padded_type_code"),
        (9, ":61:", "padded_type_code"),
    ]
    assert "'NTRF'" in warnings[0].reason


def test_dates_banks_print_that_do_not_exist():
    (statement,), warnings = read("impossible_dates.sta")
    interest, fee = statement.transactions
    assert (interest.value_date, interest.entry_date) == (
        date(2024, 2, 29),
        date(2024, 2, 29),
    )
    assert (fee.value_date, fee.entry_date) == (date(2024, 3, 1), date(2024, 2, 29))
    assert [(w.line, w.field, w.code) for w in warnings] == [
        (5, ":61:", "impossible_date"),
        (7, ":61:", "impossible_date"),
    ]
    assert warnings[0].reason == (
        "date '240230' does not exist: read as 2024-02-29, the last day of that month"
    )
    assert warnings[1].reason.startswith("entry date '0230' does not exist")


def test_the_same_impossible_date_is_named_on_every_line():
    lines = [*HEAD, ":61:240230C1,00NINT", ":61:240230C1,00NINT"]
    warnings = []
    parse_text([*lines, ":62F:C240229PLN2,00", "-"], warnings=warnings)
    assert [w.line for w in warnings] == [5, 6]


@pytest.mark.parametrize(
    ("text", "field"),
    [
        (":61:241305C1,00NINT", ":61:"),  # month 13
        (":61:240232C1,00NINT", ":61:"),  # day 32
        (":61:240200C1,00NINT", ":61:"),  # day 0
        (":61:2404011331C1,00NINT", ":61:"),  # entry month 13
    ],
)
def test_dates_that_no_bank_prints_stay_errors(text, field):
    with pytest.raises(Mt940Error) as caught:
        parse_text([*HEAD, text, ":62F:C240229PLN1,00", "-"], warnings=[])
    assert (caught.value.line, caught.value.field) == (5, field)


def test_impossible_balance_date():
    warnings = []
    (statement,) = parse_text(
        [*HEAD[:3], ":60F:C240230PLN0,", ":62F:C240230PLN0,", "-"], warnings=warnings
    )
    assert statement.closing_date == date(2024, 2, 29)
    assert [(w.line, w.field) for w in warnings] == [(4, ":60F:"), (5, ":62F:")]


def test_strict_without_a_listener_for_dates_and_codes():
    for name, line in (("impossible_dates.sta", 5), ("padded_codes.sta", 5)):
        with pytest.raises(Mt940Error) as caught:
            parse_file(sample(name))
        assert (caught.value.line, caught.value.field) == (line, ":61:")


def test_warnings_are_bounded():
    lines = [f"HEADER {number}" for number in range(MAX_WARNINGS + 50)]
    warnings = []
    parse_text([*lines, *HEAD, ":62F:C240131PLN0,", "-"], warnings=warnings)
    assert len(warnings) == MAX_WARNINGS + 1
    assert warnings[-1].code == "more"


def test_balances_that_do_not_add_up_are_still_refused():
    text = [*HEAD, ":61:240230C1,00NINT", ":62F:C240229PLN2,00", "-"]
    with pytest.raises(Mt940Error) as caught:
        parse_text(text, warnings=[])
    assert (caught.value.line, caught.value.field) == (6, ":62F:")
