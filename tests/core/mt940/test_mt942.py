"""MT942 interim (intraday) reports: floor limits, the report's time, the
movements and the :90D:/:90C: totals, no balances. A movement reported
intraday has the same unique id as in the end-of-day MT940, so that the
importer keeps one line for it."""

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from bank_api_sync_mt940.core.errors import Mt940Error
from bank_api_sync_mt940.core.parser import parse_file

from .conftest import parse_text, sample

HEAD = [
    ":20:R1",
    ":25:/PL27114020040000300201355387",
    ":28C:5/1",
    ":34F:PLND0,",
    ":13D:2406110930+0200",
]


def test_interim_report():
    (report,) = parse_file(sample("mt942_interim.sta"))
    assert report.is_interim
    assert (report.opening_balance, report.closing_balance) == (None, None)
    assert report.currency == "PLN"
    assert report.report_time == datetime(
        2024, 6, 11, 12, 30, tzinfo=timezone(timedelta(hours=2))
    )
    assert report.opening_date == report.closing_date == report.report_time.date()
    assert report.floor_limits == (("D", Decimal("0")), ("C", Decimal("0")))
    assert (report.debit_total.count, report.debit_total.amount) == (
        2,
        Decimal("242.45"),
    )
    assert (report.credit_total.count, report.credit_total.amount) == (
        1,
        Decimal("1500.00"),
    )
    assert [t.amount for t in report.transactions] == [
        Decimal("1500.00"),
        Decimal("-230.45"),
        Decimal("-12.00"),
    ]
    assert report.transactions[0].counterparty_name == "ALFA SP. Z O.O."


def test_interim_movements_have_the_ids_of_the_end_of_day_statement():
    (report,) = parse_file(sample("mt942_interim.sta"))
    (statement,) = parse_file(sample("mt940_after_mt942.sta"))
    assert not statement.is_interim
    interim_ids = [t.unique_id for t in report.transactions]
    final_ids = [t.unique_id for t in statement.transactions]
    assert interim_ids == final_ids[:3]
    assert interim_ids[2].startswith("hash:")  # the fee has no bank reference


def test_empty_report_in_an_envelope_with_information():
    (report,) = parse_file(sample("mt942_envelope.sta"))
    assert report.transactions == []
    assert report.information == "BRAK NOWYCH OPERACJI"
    assert report.floor_limits == ((None, Decimal("0")),)
    assert report.debit_total.count == report.credit_total.count == 0


def test_interim_reports_and_statements_in_one_file():
    data = b"\r\n".join(
        [
            sample("mt942_interim.sta").read_bytes(),
            sample("mt940_after_mt942.sta").read_bytes(),
            sample("mt942_envelope.sta").read_bytes(),
        ]
    )
    statements = parse_file(data)
    assert [s.is_interim for s in statements] == [True, False, True]


@pytest.mark.parametrize(
    ("lines", "line", "field", "words"),
    [
        ([":61:240611C1,00NTRF", ":90C:1PLN2,00"], 7, ":90C:", "does not add up"),
        ([":61:240611C1,00NTRF", ":90C:2PLN1,00"], 7, ":90C:", "1 for 1,00 PLN"),
        ([":61:240611D1,00NTRF", ":90D:0PLN0,"], 7, ":90D:", "does not add up"),
        ([":90D:0EUR0,"], 6, ":90D:", "currency EUR differs"),
        ([":90D:PLN0,"], 6, ":90D:", "number of entries"),
        ([":61:240611C1,00NTRF"], 6, ":90D:", "truncated"),
        ([":61:240611C1,00NTRF", "-"], 7, ":90D:", "without its totals"),
        ([":90C:0PLN0,", ":62F:C240611PLN1,00"], 7, ":62F:", "without an opening"),
    ],
)
def test_interim_errors(lines, line, field, words):
    with pytest.raises(Mt940Error) as caught:
        parse_text([*HEAD, *lines])
    error = caught.value
    assert (error.line, error.field) == (line, field)
    assert words in error.reason


@pytest.mark.parametrize(
    ("header", "line", "field", "words"),
    [
        ([":20:R", ":25:/PL1", ":13D:2406111230+0200"], 4, ":34F:", "floor limit"),
        ([":20:R", ":34F:PLN0,"], 3, ":25:", "account"),
        ([":20:R", ":25:/PL1", ":34F:PL0,"], 3, ":34F:", "3-letter"),
        ([":20:R", ":25:/PL1", ":34F:PLNX0,"], 3, ":34F:", "not C or D"),
        ([":20:R", ":25:/PL1", ":34F:PLN0,", ":13D:2406311230+0200"], 4, ":13D:", ""),
        ([":20:R", ":25:/PL1", ":34F:PLN0,", ":13D:24061112"], 4, ":13D:", ""),
    ],
)
def test_interim_header_errors(header, line, field, words):
    with pytest.raises(Mt940Error) as caught:
        parse_text([*header, ":61:240611C1,00NTRF", ":90C:1PLN1,00", "-"])
    error = caught.value
    assert (error.line, error.field) == (line, field)
    assert words in error.reason


def test_check_mode_collects_every_problem():
    problems = []
    lines = [*HEAD, ":61:240611C1,00NTRF", ":90C:1PLN2,00", ":90D:1PLN1,00", "-"]
    (report,) = parse_text(lines, problems=problems)
    assert [(p.line, p.field) for p in problems] == [(7, ":90C:"), (8, ":90D:")]
    assert len(report.transactions) == 1
