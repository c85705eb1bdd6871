"""Plain-Python MT940 parsing: no Odoo import, unit-tested with plain pytest.

What the Odoo glue uses (see ``parser.py`` for the two ways in):

- ``parse_file(source, encoding=None, profile=None)`` -> [Statement] or
  ``Mt940Error``; ``iter_statements`` streams; ``validate_file`` checks;
- ``check_continuity(statement, PreviousStatement(...))`` -> [ContinuityIssue];
- ``detect_encoding(data)`` for a look at a file's charset.
"""

from .encoding import detect_encoding
from .errors import Mt940Error, Mt940Warning
from .model import Balance, Details, Statement, Total, Transaction
from .parser import FileSummary, iter_statements, parse_file, validate_file
from .validation import (
    ContinuityIssue,
    PreviousStatement,
    check_continuity,
    check_continuity_chain,
)
