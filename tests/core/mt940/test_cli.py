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
