"""What is wrong keeps its English template, so that Odoo can translate it."""

from datetime import date
from decimal import Decimal

import pytest

from bank_api_sync_mt940.core import Mt940Error, PreviousStatement, parse_file
from bank_api_sync_mt940.core.validation import check_continuity

POLISH = {
    "amount %(amount)r is not a number (MT940 amounts use a decimal comma)": (
        "kwota %(amount)r nie jest liczbą (kwoty MT940 mają przecinek dziesiętny)"
    ),
    "Statement %(number)s": "Wyciąg %(number)s",
    "statement %(number)s": "wyciąg %(number)s",
    "%(first)s to %(last)s": "od %(first)s do %(last)s",
    "%(statement)s follows %(previous)s: statement(s) %(missing)s are missing": (
        "%(statement)s następuje po: %(previous)s — brakuje wyciągów: %(missing)s"
    ),
}

FILE = (
    b":20:REF\r\n:25:PL61109010140000071219812874\r\n:28C:00012\r\n"
    b":60F:C261102PLN1000,00\r\n:61:2611021102C10.5NTRFNONREF\r\n"
    b":62F:C261102PLN1010,50\r\n-\r\n"
)


def test_a_parse_error_reads_in_english_and_translates():
    with pytest.raises(Mt940Error) as caught:
        parse_file(FILE)
    reason = caught.value.reason
    assert str(reason) == (
        "amount '10.5' is not a number (MT940 amounts use a decimal comma)"
    )
    assert reason.render(POLISH.get) == (
        "kwota '10.5' nie jest liczbą (kwoty MT940 mają przecinek dziesiętny)"
    )


def test_a_translation_that_does_not_fit_falls_back_to_english():
    with pytest.raises(Mt940Error) as caught:
        parse_file(FILE)
    broken = {caught.value.reason.template: "kwota %(kwota)r"}
    assert caught.value.reason.render(broken.get) == str(caught.value.reason)


def test_a_continuity_issue_translates_its_parts_too():
    statement = parse_file(FILE.replace(b"10.5", b"10,5"))[0]
    previous = PreviousStatement(
        statement_number=9,
        closing_balance=Decimal("1000.00"),
        closing_date=date(2026, 11, 1),
        currency="PLN",
    )
    [issue] = check_continuity(statement, previous)
    assert str(issue.message) == (
        "Statement 12 follows statement 9: statement(s) 10 to 11 are missing "
        "(the balances agree, so they had no net movement)"
    )
    message = issue.message
    polish = dict(POLISH)
    polish[message.template] = (
        "%(statement)s następuje po: %(previous)s — brakuje wyciągów: %(missing)s"
    )
    assert message.render(polish.get) == (
        "Wyciąg 12 następuje po: wyciąg 9 — brakuje wyciągów: od 10 do 11"
    )
