"""Read MT940 (and MT942) files and print their statements as JSON, or check
them and list every problem.

    python -m odoo.addons.bank_api_sync_mt940.cli [--encoding CODEC] FILE...
    python -m odoo.addons.bank_api_sync_mt940.cli --check FILE...

Prints one JSON array with the statements of every file (amounts as strings,
dates as ISO dates). A file that is not valid MT940 prints nothing of its
statements: one line on stderr names the file, the line and the field, and
the exit status is 2. What the parser tolerated (a bank's header line, a
padded code, the 30th of February) is one ``warning:`` line each on stderr.

``--check`` prints, per file, every warning and every failed check (each
statement that does not add up, each number that does not follow, not only
the first), then a summary line; an error that stops the reading (a line
that is no MT940) ends that file's list. Exit status 2 when any file has an
error, 0 otherwise. Only the plain-Python core is used: the module sits in
the add-on (hence the odoo.addons path) but needs no database.
"""

import argparse
import codecs
import json
import sys

from .core.errors import Mt940Error
from .core.parser import iter_statements, parse_file
from .core.structured86 import PROFILES

EXIT_BAD_FILE = 2


def _text(value):
    return None if value is None else str(value)


def _balance(balance):
    if balance is None:
        return None
    return {
        "date": balance.date.isoformat(),
        "amount": str(balance.amount),
        "currency": balance.currency,
    }


def transaction_json(transaction):
    details = transaction.details
    return {
        "line": transaction.line,
        "value_date": transaction.value_date.isoformat(),
        "entry_date": _text(
            transaction.entry_date and transaction.entry_date.isoformat()
        ),
        "amount": str(transaction.amount),
        "currency": transaction.currency,
        "mark": transaction.mark,
        "funds_code": transaction.funds_code,
        "transaction_type": transaction.type_code,
        "transaction_code": details.code,
        "description": details.description,
        "counterparty_name": details.counterparty_name,
        "counterparty_address": details.counterparty_address,
        "counterparty_account": transaction.counterparty_account,
        "counterparty_bank_code": details.counterparty_bank_code,
        "title": details.title,
        "end_to_end_id": details.end_to_end_id,
        "mandate_id": details.mandate_id,
        "creditor_id": details.creditor_id,
        "bank_reference": transaction.bank_reference,
        "customer_reference": transaction.customer_reference,
        "supplementary_details": transaction.supplementary_details,
        "unique_id": transaction.unique_id,
        "raw_86": transaction.raw_86,
    }


def _total(total):
    if total is None:
        return None
    return {"count": total.count, "amount": str(total.amount)}


def statement_json(statement, path):
    return {
        "file": path,
        "message": "MT942" if statement.is_interim else "MT940",
        "report_time": _text(
            statement.report_time and statement.report_time.isoformat()
        ),
        "debit_total": _total(statement.debit_total),
        "credit_total": _total(statement.credit_total),
        "encoding": statement.encoding,
        "line": statement.line,
        "reference": statement.reference,
        "account": statement.account,
        "account_iban": statement.account_iban,
        "currency": statement.currency,
        "statement_number": statement.statement_number,
        "sequence_number": statement.sequence_number,
        "pages": statement.pages,
        "opening_balance": _balance(statement.opening_balance),
        "closing_balance": _balance(statement.closing_balance),
        "available_balance": _balance(statement.available_balance),
        "forward_balances": [_balance(b) for b in statement.forward_balances],
        "information": statement.information,
        "transactions": [transaction_json(t) for t in statement.transactions],
    }


def _encoding(name):
    if name.lower() == "auto":
        return None
    try:
        codecs.lookup(name)
    except LookupError:
        raise argparse.ArgumentTypeError(f"unknown encoding {name!r}") from None
    return name


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m odoo.addons.bank_api_sync_mt940.cli",
        description="Print the statements of MT940 files as JSON.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE")
    parser.add_argument(
        "--encoding",
        type=_encoding,
        default=None,
        help="charset of the files (cp1250, iso-8859-2, cp852, utf-8, ...); "
        "default: detected",
    )
    parser.add_argument(
        "--profile",
        choices=sorted(PROFILES),
        default=None,
        help="mapping of Polish :86: sub-fields; default: from the account's bank",
    )
    parser.add_argument("--compact", action="store_true", help="no indentation")
    parser.add_argument(
        "--check",
        action="store_true",
        help="list every warning and problem of each file instead of the JSON",
    )
    args = parser.parse_args(argv)
    if args.check:
        return check_files(args.files, args.encoding, args.profile)

    statements = []
    status = 0
    for path in args.files:
        warnings = []
        try:
            with open(path, "rb") as file:
                parsed = parse_file(file, args.encoding, args.profile, warnings)
        except Mt940Error as error:
            sys.stderr.write(f"{path}: {error}\n")
            status = EXIT_BAD_FILE
            continue
        except OSError as error:
            sys.stderr.write(f"{path}: cannot read the file: {error.strerror}\n")
            status = EXIT_BAD_FILE
            continue
        for warning in warnings:
            sys.stderr.write(f"{path}: warning: {warning}\n")
        statements.extend(statement_json(statement, path) for statement in parsed)
    _write(
        json.dumps(statements, ensure_ascii=False, indent=None if args.compact else 2)
    )
    return status


def check_file(path, encoding=None, profile=None):
    """(lines to print, whether the file has an error) for ``path``."""
    warnings = []
    problems = []
    statements = []
    try:
        with open(path, "rb") as file:
            for statement in iter_statements(
                file, encoding, profile, warnings, problems
            ):
                statements.append(statement)
    except Mt940Error as error:
        problems.append(error)
    except OSError as error:
        return [f"{path}: error: cannot read the file: {error.strerror}"], True
    found = [(item.line, 0, f"warning: {item}") for item in warnings]
    found += [(item.line, 1, f"error: {item}") for item in problems]
    lines = [f"{path}: {text}" for _, _, text in sorted(found)]
    interim = sum(1 for statement in statements if statement.is_interim)
    transactions = sum(len(statement.transactions) for statement in statements)
    lines.append(
        f"{path}: {len(statements) - interim} statement(s), {interim} interim "
        f"report(s), {transactions} transaction(s), {len(warnings)} warning(s), "
        f"{len(problems)} error(s)"
    )
    return lines, bool(problems)


def check_files(paths, encoding=None, profile=None, check=None):
    """Check every file (``check``: the format's own ``check_file``, MT940's
    by default) and write the report; the exit status says if one is bad."""
    check = check or check_file
    status = 0
    output = []
    for path in paths:
        lines, failed = check(path, encoding, profile)
        output += lines
        if failed:
            status = EXIT_BAD_FILE
    _write("\n".join(output))
    return status


def _write(text):
    output = getattr(sys.stdout, "buffer", None)
    if output is not None:
        output.write(text.encode("utf-8") + b"\n")
        output.flush()
    else:
        sys.stdout.write(text + "\n")


if __name__ == "__main__":
    sys.exit(main())
