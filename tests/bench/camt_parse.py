"""Benchmark: parse a large camt.053 file with our streaming parser.

    .venv/bin/python tests/bench/camt_parse.py [--quick]

Generates a camt.053.001.08 file of 100,000 entries (``--quick``: 5,000) in
statements of 50, each entry with its transaction details (end-to-end id,
counterparty name and IBAN, unstructured remittance with Polish letters, a
structured RF creditor reference on every fifth), one batched entry of three
transactions in ten. Then, on the same bytes:

- our parser (``iter_statements``: XML read by expat with DTDs refused,
  entries mapped to lines, balances checked, unique ids), best of 3 runs;
- our peak memory (tracemalloc) reading a file of N statements from disk and
  one of 4N statements: it should not grow with the file's size.

- OCA's ``account_statement_import_camt`` 18.0 parser (the PyPI release
  pinned in ``requirements-bench.txt``), best of 3 runs, on the same bytes:
  its ``parse(data)`` (lxml tree, one transaction dict per ``TxDtls``);
- the peak resident memory (``VmHWM``, Linux) of a fresh process reading the
  file with each parser, and the same for the 4N file: lxml's tree is
  allocated in C, where tracemalloc does not see it. OCA's process holds
  Odoo's imports too; what tells is how each grows with the file.

How OCA's parser is run, and why that is fair: it is an Odoo AbstractModel
(``account.statement.import.camt.parser``) without fields, whose parsing
methods use lxml and, of Odoo, only ``self.env._`` (labels of the narration).
The bench imports OCA's module unchanged, takes the functions of its model
class as they are, and calls them on a plain object whose ``env._`` is
Odoo's own ``Environment._`` in English (the language of an import run by an
English user; ``Environment.lang`` is None there, as on a database where no
other language is active). A registry on a database would add nothing to
what ``parse`` does but the one ``self.env[...]`` look-up of the import
wizard, and would cost minutes of install on this machine. Both parsers get
the same bytes in memory and hand back the statements with their lines; the
import that follows (checks against the journal, lines created) is measured
by neither. Ours does more on the way (every balance checked, dates and
amounts validated, unique ids); OCA's also builds a narration text per line.
The bench checks that both return the same number of lines and the same sum
of amounts, so that neither is timed on a file it reads wrong.

Ends with one line: ``RESULT name=camt_parse entries=... lines=...
ours_eps=... oca_eps=... ratio_vs_oca_camt=... peak_mem_mb=...
peak_mem_mb_4x=... rss_mb_ours=... rss_mb_ours_4x=... rss_mb_oca=...
rss_mb_oca_4x=...``. Needs the venv with Odoo importable (no database, no
server).
"""

import argparse
import random
import subprocess
import sys
import tempfile
import time
import tracemalloc
import types
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

REPO_ROOT = Path(__file__).resolve().parents[2]
for _addon in ("bank_api_sync_camt",):
    if _addon not in sys.modules:
        _package = types.ModuleType(_addon)
        _package.__path__ = [str(REPO_ROOT / _addon)]
        sys.modules[_addon] = _package

from bank_api_sync_camt.core import iter_statements  # noqa: E402

ACCOUNT = "PL61109010140000071219812874"
PER_STATEMENT = 50
NAMES = [
    "Łukasz Wiśniewski",
    "Małgorzata Kowalczyk",
    "Przedsiębiorstwo Handlowe Żuraw Sp. z o.o.",
    "Zakład Usług Księgowych Bilans S.C.",
    "Hurtownia Spożywcza Świt Sp.j.",
]
TITLES = [
    "Zapłata za fakturę FV/{n}/2026",
    "Wynagrodzenie za październik, umowa zlecenie nr {n}",
    "Zwrot nadpłaty - zamówienie {n}",
]


def _iban(rng):
    bban = f"{rng.choice(('1090', '1140', '1020'))}{rng.randrange(10**20):020d}"
    check = 98 - int(bban + "252100") % 97
    return f"PL{check:02d}{bban}"


def _money(amount):
    return f'<Amt Ccy="PLN">{abs(amount):.2f}</Amt>'


def _mark(amount):
    return "CRDT" if amount >= 0 else "DBIT"


def _tx(rng, amount, number, with_amount):
    role = "Dbtr" if amount >= 0 else "Cdtr"
    remittance = f"<Ustrd>{escape(rng.choice(TITLES).format(n=number))}</Ustrd>"
    if number % 5 == 0:
        remittance = (
            "<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp>"
            f"<Ref>RF18{number:012d}</Ref></CdtrRefInf></Strd>" + remittance
        )
    money = (
        f"{_money(amount)}<CdtDbtInd>{_mark(amount)}</CdtDbtInd>" if with_amount else ""
    )
    return (
        f"<TxDtls><Refs><EndToEndId>E2E-{number}</EndToEndId></Refs>{money}"
        f"<RltdPties><{role}><Pty><Nm>{escape(rng.choice(NAMES))}</Nm></Pty></{role}>"
        f"<{role}Acct><Id><IBAN>{_iban(rng)}</IBAN></Id></{role}Acct></RltdPties>"
        f"<RmtInf>{remittance}</RmtInf></TxDtls>"
    )


def _entry(rng, number, day):
    if number % 10 == 0:
        parts = [-Decimal(rng.randrange(100, 500_000)) / 100 for _ in range(3)]
        amount = sum(parts)
        details = "".join(
            _tx(rng, part, number * 10 + i, True) for i, part in enumerate(parts)
        )
    else:
        amount = Decimal(rng.randrange(100, 2_000_000)) / 100
        if rng.random() < 0.5:
            amount = -amount
        details = _tx(rng, amount, number, False)
    return amount, (
        f"<Ntry>{_money(amount)}<CdtDbtInd>{_mark(amount)}</CdtDbtInd>"
        f"<Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>{day}</Dt></BookgDt>"
        f"<ValDt><Dt>{day}</Dt></ValDt><AcctSvcrRef>{number:012d}</AcctSvcrRef>"
        "<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd>"
        f"</Fmly></Domn></BkTxCd><NtryDtls>{details}</NtryDtls></Ntry>\n"
    )


def _balance(code, amount, day):
    return (
        f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>{_money(amount)}"
        f"<CdtDbtInd>{_mark(amount)}</CdtDbtInd><Dt><Dt>{day}</Dt></Dt></Bal>"
    )


def write_file(handle, entries, seed=53):
    rng = random.Random(seed)
    handle.write(
        b'<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:'
        b'iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><GrpHdr><MsgId>BENCH'
        b"</MsgId><CreDtTm>2026-12-01T00:00:00</CreDtTm></GrpHdr>\n"
    )
    balance = Decimal("250000.00")
    day = date(2023, 1, 2)
    for number, start in enumerate(range(0, entries, PER_STATEMENT), 1):
        body = []
        closing = balance
        for index in range(start, min(start + PER_STATEMENT, entries)):
            amount, text = _entry(rng, index + 1, day)
            closing += amount
            body.append(text)
        handle.write(
            (
                f"<Stmt><Id>S{number}</Id><ElctrncSeqNb>{number}</ElctrncSeqNb>"
                f"<Acct><Id><IBAN>{ACCOUNT}</IBAN></Id><Ccy>PLN</Ccy></Acct>"
                + _balance("OPBD", balance, day)
                + _balance("CLBD", closing, day)
                + "".join(body)
                + "</Stmt>\n"
            ).encode()
        )
        balance = closing
        day += timedelta(days=1)
    handle.write(b"</BkToCstmrStmt></Document>\n")


def parse_ours(source):
    lines = 0
    total = Decimal(0)
    for statement in iter_statements(source):
        lines += len(statement.transactions)
        total += sum(line.amount for line in statement.transactions)
    return lines, total


def oca_parser():
    """OCA's camt parser: the functions of its Odoo model class, unchanged,
    on an object whose ``env._`` is Odoo's ``Environment._`` in English
    (see the module's docstring)."""
    from odoo.api import Environment

    from odoo.addons.account_statement_import_camt.models import (
        account_statement_import_camt_parser as oca,
    )

    class EnglishEnvironment:
        lang = None  # what Environment.lang says for an English user
        _ = Environment._

    model = oca.AccountStatementImportCamtParser
    methods = {
        name: value
        for name, value in vars(model).items()
        if callable(value) and not name.startswith("__")
    }
    methods["env"] = EnglishEnvironment()
    return type("OcaCamtParser", (), methods)()


def parse_oca(source, parser):
    _currency, _account, statements = parser.parse(Path(source).read_bytes())
    lines = 0
    total = Decimal(0)
    for statement in statements:
        lines += len(statement["transactions"])
        total += sum(
            Decimal(f"{line['amount']:.2f}") for line in statement["transactions"]
        )
    return lines, total


def best_time(parse, path, repeat):
    best = None
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = parse(path)
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best, result


def peak_memory_mb(path):
    tracemalloc.start()
    try:
        parse_ours(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / (1024 * 1024)


def peak_rss_mb(which, path):
    """The peak resident memory (MB) of a fresh process in which ``which`` (ours,
    oca) parses ``path``: what the interpreter and the parser's imports take
    (Odoo's for OCA's) plus what the parse takes at its peak."""
    output = subprocess.run(
        [sys.executable, __file__, "--rss-of", which, str(path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return float(output.split()[-1])


def _rss_child(which, path):
    if which == "oca":
        parse_oca(path, oca_parser())
    else:
        parse_ours(path)
    # VmHWM, not ru_maxrss: Linux keeps ru_maxrss across exec, so a child
    # would report its parent's peak when that is higher.
    with open("/proc/self/status", encoding="ascii") as status:
        peak_kb = next(
            int(line.split()[1]) for line in status if line.startswith("VmHWM:")
        )
    print(f"{peak_kb / 1024:.1f}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5,000 entries")
    parser.add_argument("--rss-of", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.rss_of:
        _rss_child(*args.rss_of)
        return
    entries = 5_000 if args.quick else 100_000
    oca = oca_parser()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "camt053.xml"
        with open(path, "wb") as handle:
            write_file(handle, entries)
        size_mb = path.stat().st_size / (1024 * 1024)
        print(f"file: {entries} entries, {size_mb:.1f} MB")
        elapsed, (lines, total) = best_time(parse_ours, path, 3)
        print(
            f"ours: {elapsed:.2f} s, {entries / elapsed:.0f} entries/s, {lines} lines"
        )
        oca_elapsed, (oca_lines, oca_total) = best_time(
            lambda source: parse_oca(source, oca), path, 3
        )
        print(
            f"OCA account_statement_import_camt: {oca_elapsed:.2f} s, "
            f"{entries / oca_elapsed:.0f} entries/s, {oca_lines} lines"
        )
        if (oca_lines, oca_total) != (lines, total):
            raise SystemExit(
                f"the parsers disagree: ours {lines} lines summing {total}, "
                f"OCA's {oca_lines} lines summing {oca_total}"
            )
        peak = peak_memory_mb(path)
        large = Path(folder) / "camt053_4x.xml"
        with open(large, "wb") as handle:
            write_file(handle, entries * 4)
        peak_4x = peak_memory_mb(large)
        print(f"peak memory: {peak:.2f} MB, 4 times the file: {peak_4x:.2f} MB")
        rss = {
            (which, size): peak_rss_mb(which, file)
            for which in ("ours", "oca")
            for size, file in (("1x", path), ("4x", large))
        }
        print(
            "peak resident memory of a process parsing the file / 4 times the "
            f"file (MB): ours {rss['ours', '1x']:.1f} / {rss['ours', '4x']:.1f}, "
            f"OCA {rss['oca', '1x']:.1f} / {rss['oca', '4x']:.1f}"
        )
    print(
        f"RESULT name=camt_parse entries={entries} lines={lines} "
        f"ours_eps={entries / elapsed:.0f} oca_eps={entries / oca_elapsed:.0f} "
        f"ratio_vs_oca_camt={oca_elapsed / elapsed:.2f} "
        f"peak_mem_mb={peak:.2f} peak_mem_mb_4x={peak_4x:.2f} "
        f"rss_mb_ours={rss['ours', '1x']:.1f} rss_mb_ours_4x={rss['ours', '4x']:.1f} "
        f"rss_mb_oca={rss['oca', '1x']:.1f} rss_mb_oca_4x={rss['oca', '4x']:.1f}"
    )


if __name__ == "__main__":
    main()
