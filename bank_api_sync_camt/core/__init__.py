"""Plain-Python ISO 20022 camt.053 / camt.052 parsing: no Odoo import,
unit-tested with plain pytest.

- ``parse_file(source)`` -> [Statement] or ``CamtError``;
- ``iter_statements(source)`` streams, one statement in memory at a time.

The statements have the shape of the MT940 core's (account, balances,
transactions with a stable ``unique_id``), so that the importers treat both
formats alike.
"""

from .errors import CamtError
from .model import Balance, Statement, Transaction
from .parser import is_xml, iter_statements, parse_file

__all__ = [
    "Balance",
    "CamtError",
    "Statement",
    "Transaction",
    "is_xml",
    "iter_statements",
    "parse_file",
]
