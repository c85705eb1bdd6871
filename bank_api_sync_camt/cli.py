"""Read statement files, camt.053 / camt.052 or MT940 / MT942, each told by
its content, and print their statements as JSON, or check them and list
every problem.

    python -m odoo.addons.bank_api_sync_camt.cli [--encoding CODEC] FILE...
    python -m odoo.addons.bank_api_sync_camt.cli --check FILE...

An XML file is read as camt, any other as MT940 (exactly as
``python -m odoo.addons.bank_api_sync_mt940.cli`` reads it: ``--encoding``
and ``--profile`` are for those). Prints one JSON array with the statements
of every file (amounts as strings, dates as ISO dates, ``message`` saying
which format each is). A file that cannot be read prints nothing of its
statements: one line on stderr names the file, the line and the element
path (the field, for MT940), and the exit status is 2.

``--check`` prints, per file, every problem the parser finds without
stopping (for camt: each entry that cannot be read, each balance or entry in
another currency, each statement whose balances do not add up; for MT940
what its own ``--check`` prints), then a summary line; a problem that stops
the reading (XML that is not well-formed or is unsafe, another ISO 20022
message, a statement without its booked balances) ends that file's list.
Exit status 2 when any file has an error, 0 otherwise. Only the plain-Python
cores are used: no database.
"""

import argparse
import json
import sys

from odoo.addons.bank_api_sync_mt940 import cli as mt940_cli

from .core.errors import CamtError
from .core.parser import is_xml, iter_statements, parse_file

EXIT_BAD_FILE = 2
HEAD = 64  # bytes read to tell XML from MT940


def _text(value):
    return None if value is None else str(value)


def _day(value):
    return None if value is None else value.isoformat()


def _balance(balance):
    if balance is None:
        return None
    return {
        "code": balance.code,
        "date": balance.date.isoformat(),
        "amount": str(balance.amount),
        "currency": balance.currency,
    }


def transaction_json(transaction):
    return {
        "line": transaction.line,
        "entry": transaction.entry_number,
        "batch_index": transaction.batch_index,
        "is_charges": transaction.is_charges,
        "status": transaction.status,
        "reversal": transaction.reversal,
        "value_date": _day(transaction.value_date),
        "booking_date": _day(transaction.entry_date),
        "amount": str(transaction.amount),
        "currency": transaction.currency,
        "mark": transaction.mark,
        "bank_transaction_code": transaction.bank_transaction_code,
        "proprietary_code": transaction.proprietary_code,
        "account_servicer_reference": transaction.account_servicer_reference,
        "entry_reference": transaction.entry_reference,
        "end_to_end_id": transaction.end_to_end_id,
        "transaction_id": transaction.transaction_id,
        "counterparty_name": transaction.counterparty_name,
        "counterparty_iban": transaction.counterparty_iban,
        "counterparty_account": transaction.counterparty_account,
        "creditor_references": list(transaction.creditor_references),
        "unstructured": list(transaction.unstructured),
        "title": transaction.title,
        "charges": str(transaction.charges),
        "return_reason": transaction.return_reason,
        "original_amount": _text(transaction.original_amount),
        "original_currency": transaction.original_currency,
        "unique_id": transaction.unique_id,
    }


def statement_json(statement, path):
    return {
        "file": path,
        "message": statement.message,
        "version": statement.version,
        "interim": statement.is_interim,
        "line": statement.line,
        "reference": statement.reference,
        "account": statement.account,
        "account_iban": statement.account_iban,
        "currency": statement.currency,
        "statement_number": statement.statement_number,
        "creation_time": _day(statement.creation_time),
        "from_date": _day(statement.from_date),
        "to_date": _day(statement.to_date),
        "opening_balance": _balance(statement.opening_balance),
        "closing_balance": _balance(statement.closing_balance),
        "available_balance": _balance(statement.available_balance),
        "forward_balances": [_balance(b) for b in statement.forward_balances],
        "entries": statement.entries,
        "information": statement.information,
        "transactions": [transaction_json(t) for t in statement.transactions],
    }


def _is_camt(path):
    """Whether ``path`` is XML; OSError when it cannot be read."""
    with open(path, "rb") as file:
        return is_xml(file.read(HEAD))


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m odoo.addons.bank_api_sync_camt.cli",
        description="Print the statements of camt.053 / camt.052 and MT940 files "
        "as JSON.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE")
    parser.add_argument(
        "--encoding",
        type=mt940_cli._encoding,
        default=None,
        help="charset of MT940 files (cp1250, iso-8859-2, cp852, utf-8, ...); "
        "default: detected. XML files name their own.",
    )
    parser.add_argument(
        "--profile",
        choices=sorted(mt940_cli.PROFILES),
        default=None,
        help="mapping of Polish :86: sub-fields of MT940 files; default: from "
        "the account's bank",
    )
    parser.add_argument("--compact", action="store_true", help="no indentation")
    parser.add_argument(
        "--check",
        action="store_true",
        help="list every problem of each file instead of the JSON",
    )
    args = parser.parse_args(argv)
    if args.check:
        return check_files(args.files, args.encoding, args.profile)

    statements = []
    status = 0
    for path in args.files:
        try:
            camt = _is_camt(path)
            if camt:
                parsed = parse_file(path)
            else:
                warnings = []
                with open(path, "rb") as file:
                    parsed = mt940_cli.parse_file(
                        file, args.encoding, args.profile, warnings
                    )
        except (CamtError, mt940_cli.Mt940Error) as error:
            sys.stderr.write(f"{path}: {error}\n")
            status = EXIT_BAD_FILE
            continue
        except OSError as error:
            sys.stderr.write(f"{path}: cannot read the file: {error.strerror}\n")
            status = EXIT_BAD_FILE
            continue
        if camt:
            statements += [statement_json(item, path) for item in parsed]
        else:
            for warning in warnings:
                sys.stderr.write(f"{path}: warning: {warning}\n")
            statements += [mt940_cli.statement_json(item, path) for item in parsed]
    mt940_cli._write(
        json.dumps(statements, ensure_ascii=False, indent=None if args.compact else 2)
    )
    return status


def check_file(path, encoding=None, profile=None):
    """(lines to print, whether the file has an error) for ``path``, in the
    format its content tells."""
    try:
        camt = _is_camt(path)
    except OSError as error:
        return [f"{path}: error: cannot read the file: {error.strerror}"], True
    if not camt:
        return mt940_cli.check_file(path, encoding, profile)
    problems = []
    statements = []
    try:
        statements.extend(iter_statements(path, None, problems))
    except CamtError as error:
        problems.append(error)
    except OSError as error:
        return [f"{path}: error: cannot read the file: {error.strerror}"], True
    lines = [
        f"{path}: error: {problem}"
        for problem in sorted(problems, key=lambda problem: problem.line)
    ]
    interim = sum(1 for statement in statements if statement.is_interim)
    transactions = sum(len(statement.transactions) for statement in statements)
    lines.append(
        f"{path}: camt: {len(statements) - interim} statement(s), {interim} interim "
        f"report(s), {transactions} line(s), {len(problems)} error(s)"
    )
    return lines, bool(problems)


def check_files(paths, encoding=None, profile=None):
    return mt940_cli.check_files(paths, encoding, profile, check=check_file)


if __name__ == "__main__":
    sys.exit(main())
