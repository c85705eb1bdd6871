"""Read MT940 files and print their statements as JSON.

    python -m odoo.addons.bank_api_sync_mt940.cli [--encoding CODEC] FILE...

Prints one JSON array with the statements of every file (amounts as strings,
dates as ISO dates). A file that is not valid MT940 prints nothing of its
statements: one line on stderr names the file, the line and the field, and
the exit status is 2. Only the plain-Python core is used: the module sits in
the add-on (hence the odoo.addons path) but needs no database.
"""

import argparse
import codecs
import json
import sys

from .core.errors import Mt940Error
from .core.parser import parse_file
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


def statement_json(statement, path):
    return {
        "file": path,
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
    args = parser.parse_args(argv)

    statements = []
    status = 0
    for path in args.files:
        try:
            with open(path, "rb") as file:
                parsed = parse_file(file, args.encoding, args.profile)
        except Mt940Error as error:
            sys.stderr.write(f"{path}: {error}\n")
            status = EXIT_BAD_FILE
            continue
        except OSError as error:
            sys.stderr.write(f"{path}: cannot read the file: {error.strerror}\n")
            status = EXIT_BAD_FILE
            continue
        statements.extend(statement_json(statement, path) for statement in parsed)
    text = json.dumps(
        statements, ensure_ascii=False, indent=None if args.compact else 2
    )
    output = getattr(sys.stdout, "buffer", None)
    if output is not None:
        output.write(text.encode("utf-8") + b"\n")
        output.flush()
    else:
        sys.stdout.write(text + "\n")
    return status


if __name__ == "__main__":
    sys.exit(main())
