"""The camt command line: statements as JSON, or ``--check`` listing every
problem of a file, camt and MT940 files each told by its content."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bank_api_sync_camt.core import CamtError

from .helpers import document, entry, parse, statement

COMMAND = [sys.executable, "-m", "odoo.addons.bank_api_sync_camt.cli"]
MT940_SAMPLES = Path(__file__).resolve().parents[3] / (
    "bank_api_sync_mt940/tests/samples"
)


def run(*arguments):
    return subprocess.run(
        [*COMMAND, *map(str, arguments)],
        capture_output=True,
        check=False,
        timeout=120,
    )


@pytest.fixture
def write(tmp_path):
    def write(name, data):
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return write


GOOD = document(
    [
        statement(
            [entry("250.00", ref="R1"), entry("100.00", mark="DBIT", ref="R2")],
            opening="1000.00",
            closing="1150.00",
        )
    ]
)
# Three problems the check reports together: statement 1 does not add up,
# statement 2 has an entry whose amount is no number, statement 3 an entry
# in another currency.
BAD = document(
    [
        statement([entry("250.00", ref="A1")], closing="1200.00", number="1"),
        statement(
            [entry("1,5", ref="B1"), entry("10.00", ref="B2")],
            closing="1010.00",
            number="2",
        ),
        statement(
            [entry("5.00", ref="C1", currency="EUR")], closing="1005.00", number="3"
        ),
    ]
)


def test_a_camt_and_an_mt940_file_print_their_statements(write):
    camt = write("day.xml", GOOD)
    result = run("--compact", camt, MT940_SAMPLES / "pko_bp_iso88592.sta")
    assert result.returncode == 0, result.stderr.decode()
    first, second = json.loads(result.stdout.decode("utf-8"))
    assert (first["message"], first["version"]) == ("camt.053", "001.08")
    assert first["file"] == str(camt)
    assert first["account"] == "PL61109010140000071219812874"
    assert first["opening_balance"]["amount"] == "1000.00"
    assert first["closing_balance"] == {
        "code": "CLBD",
        "date": "2026-12-01",
        "amount": "1150.00",
        "currency": "PLN",
    }
    amounts = [line["amount"] for line in first["transactions"]]
    assert amounts == ["250.00", "-100.00"]
    assert first["transactions"][0]["account_servicer_reference"] == "R1"
    assert (second["message"], second["statement_number"]) == ("MT940", 252)


def test_check_lists_every_problem_of_a_camt_file(write):
    good = write("good.xml", GOOD)
    bad = write("bad.xml", BAD)
    result = run("--check", good, bad)
    assert result.returncode == 2
    lines = result.stdout.decode("utf-8").splitlines()
    assert lines[0] == (
        f"{good}: camt: 1 statement(s), 0 interim report(s), 2 line(s), 0 error(s)"
    )
    errors = [line for line in lines if line.startswith(f"{bad}: error: ")]
    assert len(errors) == 3, lines
    assert "Document/BkToCstmrStmt/Stmt/Bal: the balances do not add up" in errors[0]
    assert "1200.00" in errors[0]
    assert "(entry 1, ref B1): amount '1,5' is not" in errors[1]
    assert "the entry is in EUR but the account is kept in PLN" in errors[2]
    assert lines[-1] == (
        f"{bad}: camt: 3 statement(s), 0 interim report(s), 3 line(s), 3 error(s)"
    )


def test_check_of_an_mt940_file_is_mt940s_own(write):
    result = run("--check", MT940_SAMPLES / "truncated.sta")
    assert result.returncode == 2
    text = result.stdout.decode("utf-8")
    assert "truncated.sta: error: line 6, field :62F:" in text
    assert "0 warning(s), 1 error(s)" in text


def test_a_problem_that_stops_the_reading_ends_the_list(write):
    broken = write("cut.xml", GOOD[: GOOD.index(b"</Stmt>")])
    result = run("--check", broken)
    assert result.returncode == 2
    (error, summary) = result.stdout.decode("utf-8").splitlines()
    assert error.startswith(f"{broken}: error: line ")
    assert summary.endswith(
        "0 statement(s), 0 interim report(s), 0 line(s), 1 error(s)"
    )


def test_a_bad_file_prints_no_statements_and_names_line_and_path(write):
    bad = write("bad.xml", BAD)
    result = run(bad, MT940_SAMPLES / "pko_bp_iso88592.sta")
    assert result.returncode == 2
    (only,) = json.loads(result.stdout.decode("utf-8"))
    assert only["message"] == "MT940"
    assert result.stderr.decode("utf-8").startswith(
        f"{bad}: line 4, Document/BkToCstmrStmt/Stmt/Bal: the balances do not add up"
    )


def test_without_problems_list_the_parser_still_stops_at_the_first():
    with pytest.raises(CamtError, match="do not add up"):
        parse(BAD)
    problems = []
    statements = parse(BAD, problems=problems)
    assert [len(item.transactions) for item in statements] == [1, 1, 1]
    assert len(problems) == 3
