"""Matching engine: which open invoices and bills does a bank line pay?

Plain Python, no Odoo. The Odoo glue loads statement lines and open journal
items into the dataclasses of ``model``, builds one ``MatchRule`` per reconcile
model, and calls ``MatchingEngine(items, context).match_lines(lines, rules)``;
each ``LineResult`` carries ranked ``Proposal`` objects (allocations,
confidence, signals, reason, write-off, ``auto``) or a ``FeeProposal``.
"""

from .config import DEFAULT_FEE_RULE, FeeRule, MatchConfigError, MatchRule
from .engine import MatchingEngine, match_lines
from .index import OpenItemIndex
from .model import (
    PAYABLE,
    RECEIVABLE,
    Allocation,
    FeeProposal,
    Kind,
    LineResult,
    MatchContext,
    OpenItem,
    Proposal,
    Signal,
    StatementLine,
)
from .normalize import account_key, document_key, normalize_reference, vat_key
from .references import (
    SplitPayment,
    find_rf_references,
    is_valid_rf,
    parse_split_payment,
    rf_check_digits,
)
from .subset_sum import SubsetSearch, find_subsets

__all__ = [
    "DEFAULT_FEE_RULE",
    "PAYABLE",
    "RECEIVABLE",
    "Allocation",
    "FeeProposal",
    "FeeRule",
    "Kind",
    "LineResult",
    "MatchConfigError",
    "MatchContext",
    "MatchRule",
    "MatchingEngine",
    "OpenItem",
    "OpenItemIndex",
    "Proposal",
    "Signal",
    "SplitPayment",
    "StatementLine",
    "SubsetSearch",
    "account_key",
    "document_key",
    "find_rf_references",
    "find_subsets",
    "is_valid_rf",
    "match_lines",
    "normalize_reference",
    "parse_split_payment",
    "rf_check_digits",
    "vat_key",
]
