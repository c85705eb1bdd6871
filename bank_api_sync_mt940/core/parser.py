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

``warnings``, a list, makes the parser read what banks are known to send
against the standard, each case appended to it as an
:class:`~.errors.Mt940Warning` naming line and field: text lines outside any
field (a bank's header such as ``:940:``), a date past its month's end (the
30th of February, read as the month's last day), spaces around a :61:
transaction type code. Without it (None) those are errors. At most
:data:`MAX_WARNINGS` are kept, then one saying how many more there were.

``problems``, a list, turns the checks (a statement that does not add up,
numbers or pages that do not follow, currencies that differ, MT942 totals)
into entries appended to it instead of an error at the first: the
command-line check lists every problem of a file this way. An importer
leaves it None, so that nothing that does not add up is imported.
"""

from dataclasses import dataclass

from .errors import Mt940Error, Mt940Warning, _lt
from .reader import DecodeProblem, LineReader
from .statement import StatementAssembler
from .tokenizer import Tokenizer

MAX_WARNINGS = 200

__all__ = [
    "MAX_WARNINGS",
    "FileSummary",
    "Mt940Error",
    "Mt940Warning",
    "iter_statements",
    "parse_file",
    "validate_file",
]


def _collector(warnings):
    """The ``warn(line, field, reason, code)`` callable appending to
    ``warnings`` (None: no tolerance)."""
    if warnings is None:
        return None
    start = len(warnings)
    skipped = [0]

    def warn(line, field, reason, code):
        if len(warnings) - start < MAX_WARNINGS:
            warnings.append(Mt940Warning(line, field, reason, code))
            return
        skipped[0] += 1
        if skipped[0] == 1:
            warnings.append(
                Mt940Warning(
                    line,
                    field,
                    _lt("more warnings from here on are not listed"),
                    "more",
                )
            )

    return warn


def iter_statements(source, encoding=None, profile=None, warnings=None, problems=None):
    """Yield the :class:`~.model.Statement` objects of ``source`` one by one.

    Raises :class:`Mt940Error` (line and field in its message) at the first
    problem; statements yielded before it were complete and balanced.
    """
    reader = LineReader(source, encoding)
    warn = _collector(warnings)
    assembler = StatementAssembler(profile, lambda: reader.encoding, warn, problems)
    tokenizer = Tokenizer(assembler.handlers, warn)
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


def parse_file(source, encoding=None, profile=None, warnings=None, problems=None):
    """All statements of ``source`` as a list, or :class:`Mt940Error`."""
    return list(iter_statements(source, encoding, profile, warnings, problems))


@dataclass(frozen=True)
class FileSummary:
    """What :func:`validate_file` found in a good file."""

    statements: int
    transactions: int
    accounts: tuple
    encoding: str


def validate_file(source, encoding=None, profile=None, warnings=None):
    """Check the whole file without keeping it in memory.

    Returns a :class:`FileSummary` or raises :class:`Mt940Error`. With a file
    object, rewind it (``seek(0)``) before parsing it again.
    """
    statements = transactions = 0
    accounts = []
    encoding_used = "ascii"
    for statement in iter_statements(source, encoding, profile, warnings):
        statements += 1
        transactions += len(statement.transactions)
        if statement.account not in accounts:
            accounts.append(statement.account)
        encoding_used = statement.encoding
    return FileSummary(statements, transactions, tuple(accounts), encoding_used)
