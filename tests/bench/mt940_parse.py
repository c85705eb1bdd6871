"""Benchmark: parse a large MT940 file with our parser and with `mt-940`.

    .venv/bin/python tests/bench/mt940_parse.py [--quick]

Generates a Windows-1250 file of 100,000 transactions (``--quick``: 5,000) in
statements of 50, with Polish ``^NN`` :86: texts (names, addresses, titles,
IBANs with diacritics), rendered by the base add-on's MT940 writer. Then, in
the same run and on the same bytes:

- our streaming parser (``iter_statements``: encoding detection, :61:
  grammar, balance and continuity checks, unique ids; the :86: text is kept
  raw and decoded into fields on first access), best of 3 runs; this is the
  ``ours_tps`` of the RESULT line, the same work mt-940 does;
- the same, touching every transaction's ``details`` so that each :86: is
  also decoded into its fields (printed, for what an importer pays);
- the `mt-940` package (``mt940.parse_statements``, encoding given), best
  of 3 runs;
- our peak memory (tracemalloc) reading a file of N statements from disk and
  one of 4N statements: it should not grow with the number of statements.

Ends with one line: ``RESULT name=mt940_parse transactions=... ours_tps=...
mt940_tps=... ratio_vs_mt940=... peak_mem_mb=... peak_mem_mb_4x=...``.
Needs no Odoo and no database: the add-on folders are registered as bare
packages, as tests/conftest.py does.
"""

import argparse
import random
import sys
import tempfile
import time
import tracemalloc
import types
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
for _addon in ("bank_api_sync", "bank_api_sync_mt940"):
    if _addon not in sys.modules:
        _package = types.ModuleType(_addon)
        _package.__path__ = [str(REPO_ROOT / _addon)]
        sys.modules[_addon] = _package

import mt940  # noqa: E402

from bank_api_sync_mt940.core.parser import iter_statements  # noqa: E402
from bank_api_sync_mt940.core.writer import (  # noqa: E402
    Details86,
    StatementData,
    StatementLine,
    render_bytes,
)

ACCOUNT = "PL61109010140000071219812874"
PER_STATEMENT = 50
ENCODING = "cp1250"

FIRST_NAMES = ["Łukasz", "Małgorzata", "Paweł", "Zofia", "Grzegorz", "Żaneta"]
LAST_NAMES = ["Wiśniewski", "Kowalczyk", "Dąbrowska", "Szymański", "Woźniak", "Żak"]
COMPANIES = [
    "Przedsiębiorstwo Handlowe Żuraw Sp. z o.o.",
    "Zakład Usług Księgowych Bilans S.C.",
    "Hurtownia Spożywcza Świt Sp.j.",
    "Fabryka Mebli Łączna S.A.",
    "Pracownia Projektowa Ćma",
]
STREETS = ["ul. Świętokrzyska", "ul. Długa", "al. Jerozolimskie", "ul. Źródlana"]
CITIES = ["00-950 Warszawa", "31-019 Kraków", "90-001 Łódź", "80-831 Gdańsk"]
TITLES = [
    "Zapłata za fakturę FV/{n}/2024",
    "Faktura VAT nr {n}/11/2024 - dostawa materiałów biurowych",
    "/VAT/23,00/IDC/5260250274/INV/FV{n}/TXT/usługi księgowe",
    "Wynagrodzenie za październik, umowa zlecenie nr {n}",
    "Zwrot nadpłaty - zamówienie {n}",
    "Opłata za prowadzenie rachunku",
]


def _iban(rng):
    bban = f"{rng.choice(('1090', '1140', '1020', '1240'))}{rng.randrange(10**20):020d}"
    check = 98 - int(bban + "252100") % 97
    return f"PL{check:02d}{bban}"


def build_statements(transactions, seed=940):
    """Statements of PER_STATEMENT realistic movements, chained by balance."""
    rng = random.Random(seed)
    statements = []
    balance = Decimal("250000.00")
    day = date(2023, 1, 2)
    number = 1
    for start in range(0, transactions, PER_STATEMENT):
        count = min(PER_STATEMENT, transactions - start)
        lines = []
        for index in range(count):
            amount = Decimal(rng.randrange(100, 2_000_000)) / 100
            if rng.random() < 0.5:
                amount = -amount
            if rng.random() < 0.5:
                name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            else:
                name = rng.choice(COMPANIES)
            address = (
                f"{rng.choice(STREETS)} {rng.randrange(1, 200)} {rng.choice(CITIES)}"
            )
            lines.append(
                StatementLine(
                    value_date=day,
                    entry_date=day,
                    amount=amount,
                    bank_reference=f"{number:06d}{index:05d}",
                    details=Details86(
                        code="020" if amount > 0 else "073",
                        description="PRZELEW PRZYCHODZĄCY"
                        if amount > 0
                        else "PRZELEW WYCHODZĄCY",
                        title=rng.choice(TITLES).format(n=rng.randrange(1, 9999)),
                        counterparty_name=name,
                        counterparty_address=address,
                        counterparty_account=_iban(rng),
                        counterparty_bank_code="10901014",
                    ),
                )
            )
        statement = StatementData(
            account=ACCOUNT,
            currency="PLN",
            opening_balance=balance,
            opening_date=day - timedelta(days=1),
            lines=tuple(lines),
            statement_number=number,
        )
        statements.append(statement)
        balance = statement.closing_balance
        day += timedelta(days=1)
        number += 1
    return statements


def make_file(transactions):
    return render_bytes(build_statements(transactions), ENCODING)


def parse_ours(data):
    count = 0
    for statement in iter_statements(data):
        count += len(statement.transactions)
    return count


def parse_ours_decoding_86(data):
    """Like parse_ours, and decode every :86: (as an importer does)."""
    count = 0
    for statement in iter_statements(data):
        for transaction in statement.transactions:
            transaction.details  # noqa: B018 (decoded on first access)
            count += 1
    return count


def parse_mt940(data):
    return sum(len(block) for block in mt940.parse_statements(data, ENCODING))


def best_time(function, data, repeat):
    best = None
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function(data)
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    return best, result


def peak_memory_mb(path):
    """Peak memory (MB) of our parser streaming ``path`` from disk."""
    tracemalloc.start()
    try:
        with open(path, "rb") as file:
            for statement in iter_statements(file):
                del statement
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 1e6


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="5,000 transactions")
    args = parser.parse_args(argv)
    transactions = 5_000 if args.quick else 100_000
    repeat = 3

    started = time.perf_counter()
    data = make_file(transactions)
    statements = -(-transactions // PER_STATEMENT)
    print(
        f"generated {transactions} transactions in {statements} statements, "
        f"{len(data) / 1e6:.1f} MB ({ENCODING}) in "
        f"{time.perf_counter() - started:.1f} s"
    )

    ours_seconds, ours_count = best_time(parse_ours, data, repeat)
    assert ours_count == transactions, ours_count
    ours_tps = transactions / ours_seconds
    print(f"ours:   {ours_tps:12,.0f} transactions/s ({ours_seconds:.3f} s)")

    decoded_seconds, decoded_count = best_time(parse_ours_decoding_86, data, repeat)
    assert decoded_count == transactions, decoded_count
    decoded_tps = transactions / decoded_seconds
    print(
        f"ours, every :86: decoded into fields: {decoded_tps:12,.0f} transactions/s "
        f"({decoded_seconds:.3f} s)"
    )

    peer_seconds, peer_count = best_time(parse_mt940, data, repeat)
    assert peer_count == transactions, peer_count
    peer_tps = transactions / peer_seconds
    print(f"mt-940: {peer_tps:12,.0f} transactions/s ({peer_seconds:.3f} s)")
    ratio = ours_tps / peer_tps
    print(f"ratio:  {ratio:.1f}x faster than mt-940 (parse and check; :86: raw)")
    print(
        f"        {decoded_tps / peer_tps:.1f}x with every :86: also decoded into "
        "fields (mt-940 keeps it a string)"
    )

    with tempfile.TemporaryDirectory() as folder:
        small = Path(folder) / "n.sta"
        large = Path(folder) / "4n.sta"
        small.write_bytes(data)
        # 4N statements: the same statements for four accounts, one after
        # the other (each account's chain of balances stays consistent).
        with open(large, "wb") as file:
            for copy in range(4):
                account = f"PL{copy:02d}".encode() + ACCOUNT[4:].encode()
                file.write(data.replace(ACCOUNT.encode(), account))
        peak = peak_memory_mb(small)
        peak_4x = peak_memory_mb(large)
    print(
        f"peak memory: {peak:.2f} MB for {statements} statements, "
        f"{peak_4x:.2f} MB for {4 * statements}"
    )
    print(
        f"RESULT name=mt940_parse transactions={transactions} "
        f"ours_tps={ours_tps:.0f} mt940_tps={peer_tps:.0f} "
        f"ratio_vs_mt940={ratio:.2f} peak_mem_mb={peak:.2f} "
        f"peak_mem_mb_4x={peak_4x:.2f}"
    )


if __name__ == "__main__":
    main()
