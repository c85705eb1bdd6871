"""Read MT940 files: the entry points.

Two ways in, for two needs:

- :func:`parse_file` reads the whole file and returns every statement, or
  raises :class:`Mt940Error` and returns nothing: an importer never sees half
  a file. This is what the Odoo import wizard calls.
- :func:`iter_statements` yields each statement as soon as it is read and
  checked, holding one statement in memory however long the file is. A later
  statement may still turn out to be broken: a caller that imports as it
  goes must be ready to undo, or call :func:`validate_file` first.

``source`` is bytes, a path (``pathlib.Path``) or a binary file object.
``encoding`` forces the charset (any Python codec name; None or "auto"
detects it, see ``encoding.py``; an unknown name raises LookupError).
``profile`` forces the mapping of Polish :86: sub-fields (a key of
``structured86.PROFILES``; None picks it from the account's bank).
"""

from dataclasses import dataclass

from .errors import Mt940Error
from .reader import DecodeProblem, LineReader
from .statement import StatementAssembler
from .tokenizer import Tokenizer

__all__ = [
    "FileSummary",
    "Mt940Error",
    "iter_statements",
    "parse_file",
    "validate_file",
]


def iter_statements(source, encoding=None, profile=None):
    """Yield the :class:`~.model.Statement` objects of ``source`` one by one.

    Raises :class:`Mt940Error` (line and field in its message) at the first
    problem; statements yielded before it were complete and balanced.
    """
    reader = LineReader(source, encoding)
    assembler = StatementAssembler(profile, lambda: reader.encoding)
    tokenizer = Tokenizer(assembler.handlers)
    try:
        for first, batch in reader.batches():
            tokenizer.feed(first, batch)
            ready = assembler.take_ready()
            if ready:
                yield from ready
    except DecodeProblem as problem:
        raise tokenizer.decode_error(problem) from None
    finally:
        reader.close()
    tokenizer.finish()
    yield from assembler.take_ready()


def parse_file(source, encoding=None, profile=None):
    """All statements of ``source`` as a list, or :class:`Mt940Error`."""
    return list(iter_statements(source, encoding, profile))


@dataclass(frozen=True)
class FileSummary:
    """What :func:`validate_file` found in a good file."""

    statements: int
    transactions: int
    accounts: tuple
    encoding: str


def validate_file(source, encoding=None, profile=None):
    """Check the whole file without keeping it in memory.

    Returns a :class:`FileSummary` or raises :class:`Mt940Error`. With a file
    object, rewind it (``seek(0)``) before parsing it again.
    """
    statements = transactions = 0
    accounts = []
    encoding_used = "ascii"
    for statement in iter_statements(source, encoding, profile):
        statements += 1
        transactions += len(statement.transactions)
        if statement.account not in accounts:
            accounts.append(statement.account)
        encoding_used = statement.encoding
    return FileSummary(statements, transactions, tuple(accounts), encoding_used)
