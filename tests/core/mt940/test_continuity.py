"""The glue checks a new statement against the journal's last one: breaks
come back as issue objects, never silently accepted."""

from datetime import date
from decimal import Decimal

from bank_api_sync_mt940.core.parser import parse_file
from bank_api_sync_mt940.core.validation import (
    PreviousStatement,
    check_continuity,
    check_continuity_chain,
)

from .conftest import sample


def mbank():
    return parse_file(sample("mbank_cp1250.sta"))


def previous(number=60, closing="48250.17", day=date(2024, 3, 8), currency="PLN"):
    return PreviousStatement(number, Decimal(closing), day, currency)


def test_first_import_of_a_journal_has_nothing_to_compare():
    assert check_continuity(mbank()[0], None) == []


def test_clean_follow_up():
    assert check_continuity(mbank()[0], previous()) == []


def test_number_gap_with_matching_balance_is_a_warning():
    (issue,) = check_continuity(mbank()[0], previous(number=58))
    assert (issue.severity, issue.code) == ("warning", "number_gap")
    assert issue.statement_number == 61
    assert "statement(s) 59 to 60 are missing" in issue.message
    assert not issue.is_error


def test_balance_mismatch_is_an_error_and_says_how_much():
    (issue,) = check_continuity(mbank()[0], previous(closing="48000.00"))
    assert (issue.severity, issue.code) == ("error", "balance_mismatch")
    assert "opens with 48250,17 PLN" in issue.message
    assert "closed with 48000,00 PLN" in issue.message
    assert "250,17 PLN moved in between" in issue.message


def test_gap_and_mismatch_are_both_errors():
    issues = check_continuity(mbank()[0], previous(number=59, closing="1.00"))
    assert [(i.severity, i.code) for i in issues] == [
        ("error", "balance_mismatch"),
        ("error", "number_gap"),
    ]


def test_statement_already_imported():
    issues = check_continuity(mbank()[0], previous(number=61))
    assert ("error", "number_not_after") in [(i.severity, i.code) for i in issues]


def test_currency_of_another_journal():
    (issue,) = check_continuity(mbank()[0], previous(currency="EUR"))
    assert (issue.severity, issue.code) == ("error", "currency_mismatch")


def test_overlapping_dates_are_a_warning():
    issues = check_continuity(mbank()[0], previous(day=date(2024, 3, 10)))
    assert [(i.severity, i.code) for i in issues] == [("warning", "date_overlap")]


def test_numbering_restarts_in_a_new_year():
    (statement,) = parse_file(sample("pko_bp_iso88592.sta"))  # closes in 2024
    statement.statement_number = 1
    before = PreviousStatement(251, Decimal("10450.00"), date(2023, 12, 28), "PLN")
    assert check_continuity(statement, before) == []


def test_chain_of_a_whole_file():
    assert check_continuity_chain(mbank(), previous()) == []
    first, second = mbank()
    issues = check_continuity_chain([second, first], previous())
    assert {i.code for i in issues} >= {"balance_mismatch", "number_not_after"}


def test_previous_statement_from_a_parsed_one():
    first, second = mbank()
    assert check_continuity(second, PreviousStatement.of(first)) == []
