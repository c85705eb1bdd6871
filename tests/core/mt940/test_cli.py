"""The command line prints statements as JSON, or one line naming the file,
the line and the field of the problem (exit status 2)."""

import json
import subprocess
import sys

from .conftest import sample

COMMAND = [sys.executable, "-m", "odoo.addons.bank_api_sync_mt940.cli"]


def run(*arguments):
    return subprocess.run(
        [*COMMAND, *map(str, arguments)],
        capture_output=True,
        check=False,
        timeout=120,
    )


def test_good_file_prints_its_statements():
    result = run(sample("pko_bp_iso88592.sta"))
    assert result.returncode == 0, result.stderr.decode()
    assert result.stderr == b""
    (statement,) = json.loads(result.stdout.decode("utf-8"))
    assert statement["account"] == "PL95102010264486535479022452"
    assert statement["currency"] == "PLN"
    assert statement["statement_number"] == 252
    assert statement["encoding"] == "iso-8859-2"
    assert statement["opening_balance"] == {
        "date": "2023-12-28",
        "amount": "10450.00",
        "currency": "PLN",
    }
    assert statement["closing_balance"]["amount"] == "10892.30"
    assert statement["closing_balance"]["date"] == "2024-01-02"
    first, second = statement["transactions"][:2]
    assert first["counterparty_name"] == "Spółdzielnia Mieszkaniowa Źródło"
    assert first["counterparty_account"] == "PL76116022020934106634596949"
    assert first["title"] == "Opłata za usługi serwisowe grudzień 2023"
    assert first["amount"] == "2500.00"
    assert first["transaction_type"] == "NTRF"
    assert first["transaction_code"] == "020"
    assert first["bank_reference"] == "PKO000123"
    assert first["customer_reference"] is None
    assert first["unique_id"] == "ref:PL95102010264486535479022452:PKO000123"
    assert first["raw_86"].startswith("020~00PRZELEW NA RACHUNEK~20")
    assert (second["value_date"], second["entry_date"]) == ("2023-12-31", "2024-01-02")
    assert second["amount"] == "-1845.20"


def test_forced_encoding_option():
    result = run("--encoding", "cp852", sample("ing_cp852.sta"))
    assert result.returncode == 0
    (statement,) = json.loads(result.stdout)
    assert statement["encoding"] == "cp852"
    assert statement["transactions"][1]["counterparty_name"] == (
        "STOWARZYSZENIE PRZYJACIÓŁ ŻUŁAW"
    )


def test_bad_file_exits_2_with_one_line_naming_file_line_and_field():
    path = sample("unbalanced.sta")
    result = run(path)
    assert result.returncode == 2
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"{path}: line 9, field :62F:: ")
    assert "Traceback" not in result.stderr.decode()


def test_good_and_bad_files_together():
    result = run(sample("ing_cp852.sta"), sample("garbage.sta"))
    assert result.returncode == 2
    assert len(json.loads(result.stdout)) == 1
    (line,) = result.stderr.decode().splitlines()
    assert "garbage.sta: line 8, field :86:" in line


def test_missing_file():
    result = run("/nonexistent/statement.sta")
    assert result.returncode == 2
    (line,) = result.stderr.decode().splitlines()
    assert line.startswith("/nonexistent/statement.sta: cannot read the file")


def test_tolerated_cases_are_read_and_named_on_stderr():
    path = sample("header_lines.sta")
    result = run(path)
    assert result.returncode == 0
    (statement,) = json.loads(result.stdout)
    assert statement["closing_balance"]["amount"] == "2625.00"
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 3
    assert lines[0].startswith(f"{path}: warning: line 1, field :20:: text outside")


def test_interim_report_as_json():
    result = run(sample("mt942_interim.sta"))
    assert result.returncode == 0, result.stderr.decode()
    (report,) = json.loads(result.stdout)
    assert report["message"] == "MT942"
    assert report["opening_balance"] is None
    assert report["report_time"] == "2024-06-11T12:30:00+02:00"
    assert report["debit_total"] == {"count": 2, "amount": "242.45"}
    assert len(report["transactions"]) == 3


def test_check_lists_every_problem_of_a_file(tmp_path):
    path = tmp_path / "two.sta"
    statement = ":20:{0}\r\n:25:/PL1\r\n:28C:{1}\r\n:60F:C240101PLN{2}\r\n"
    statement += ":62F:C240101PLN{3}\r\n-\r\n"
    path.write_bytes(
        (
            statement.format("X", 1, "1,00", "2,00")  # does not add up
            + statement.format("Y", 3, "5,00", "5,00")  # 2 missing, 2,00 -> 5,00
        ).encode()
    )
    good = sample("impossible_dates.sta")
    result = run("--check", good, path)
    assert result.returncode == 2
    lines = result.stdout.decode().splitlines()
    assert lines == [
        f"{good}: warning: line 5, field :61:: date '240230' does not exist: read "
        "as 2024-02-29, the last day of that month",
        f"{good}: warning: line 7, field :61:: entry date '0230' does not exist: "
        "read as 2024-02-29, the last day of that month",
        f"{good}: 1 statement(s), 0 interim report(s), 2 transaction(s), "
        "2 warning(s), 0 error(s)",
        f"{path}: error: line 5, field :62F:: closing balance 2,00 PLN is not the "
        "opening balance 1,00 PLN (line 4) plus the movements 0,00 PLN = 1,00 PLN: "
        "the statement does not add up",
        f"{path}: error: line 9, field :28C:: statement number 3 does not follow "
        "statement 1 of account PL1 (line 3): statement 2 is missing",
        f"{path}: error: line 10, field :60F:: opening balance 5,00 PLN is not the "
        "closing balance 2,00 PLN of the previous statement of account PL1 (line 5)",
        f"{path}: 2 statement(s), 0 interim report(s), 0 transaction(s), "
        "0 warning(s), 3 error(s)",
    ]


def test_check_of_good_files_exits_0():
    result = run("--check", sample("mt942_interim.sta"), sample("padded_codes.sta"))
    assert result.returncode == 0
    assert result.stdout.decode().count("0 error(s)") == 2
    assert "warning: line 5, field :61:: spaces around" in result.stdout.decode()
