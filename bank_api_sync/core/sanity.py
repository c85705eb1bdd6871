"""What the product refuses to import from a transaction a bank sent, and why.

A bank's answer is hostile until checked. One transaction that cannot be
stored (a NUL character, a lone surrogate, an amount no account can hold, a
currency that is not an ISO 4217 code, a field of megabytes) is kept aside as
``Rejected`` with its reason and an excerpt of what the bank sent; the rest of
the account imports. Each reason names the limit it hit.
"""

import dataclasses
import json
import re
from dataclasses import dataclass
from decimal import Decimal

from .errors import BankResponseError

# No account holds a quadrillion: a larger amount is a bank's bug or an attack
# (and beyond what Odoo's floats keep to the cent).
MAX_AMOUNT = Decimal("1e15")
# Longest text kept from one field (a SEPA remittance has 140 characters).
MAX_FIELD_LENGTH = 4000
# How much of a rejected transaction's raw data the log keeps.
RAW_EXCERPT = 500
# Deepest nesting of a transaction's raw data walked for bad characters.
MAX_RAW_DEPTH = 20
CURRENCY_CODE = re.compile(r"[A-Z]{3}\Z")


@dataclass(frozen=True)
class Rejected:
    """A transaction kept aside: where it was, why, what the bank sent."""

    where: str
    reason: str
    raw: str

    def describe(self) -> str:
        return f"{self.where}: {self.reason}; the bank sent {self.raw}"


def raw_excerpt(raw) -> str:
    """A short printable excerpt of what the bank sent (never the whole)."""
    try:
        dumped = json.dumps(raw, ensure_ascii=True, default=str)
    except (TypeError, ValueError, RecursionError):
        dumped = repr(raw)
    if len(dumped) > RAW_EXCERPT:
        return f"{dumped[:RAW_EXCERPT]}... ({len(dumped)} characters)"
    return dumped


def text_problem(value: str, limit: int = MAX_FIELD_LENGTH) -> str | None:
    """Why ``value`` cannot be stored as text, or None."""
    if len(value) > limit:
        return f"is {len(value):,} characters long, over the limit of {limit:,}"
    if "\x00" in value:
        return "contains a NUL character"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "contains a lone surrogate (not valid Unicode)"
    return None


def _raw_problem(value, path: str, depth: int = 0) -> str | None:
    if depth > MAX_RAW_DEPTH:
        return f"{path} is nested deeper than {MAX_RAW_DEPTH} levels"
    if isinstance(value, str):
        problem = text_problem(value, MAX_FIELD_LENGTH * 4)
        return f"{path} {problem}" if problem else None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        if isinstance(key, str) and (key_problem := text_problem(key)):
            return f"a key of {path} {key_problem}"
        if problem := _raw_problem(item, f"{path}.{key}", depth + 1):
            return problem
    return None


def transaction_problem(transaction) -> str | None:
    """Why ``transaction`` cannot be imported, or None."""
    for name, amount in (
        ("amount", transaction.amount),
        ("original amount", transaction.original_amount),
    ):
        if amount is None:
            continue
        if not amount.is_finite() or abs(amount) >= MAX_AMOUNT:
            return (
                f"the {name} {str(amount)[:40]} is beyond what an account holds "
                f"(limit: amounts under {MAX_AMOUNT:,.0f})"
            )
    for name, code in (
        ("currency", transaction.currency),
        ("original currency", transaction.original_currency),
    ):
        if code is not None and not CURRENCY_CODE.match(code):
            return f"the {name} {code[:20]!r} is not an ISO 4217 code"
    for item in dataclasses.fields(transaction):
        value = getattr(transaction, item.name)
        if isinstance(value, str) and (problem := text_problem(value)):
            return f"field {item.name} {problem}"
    return _raw_problem(transaction.raw, "raw data")


def check_or_reject(parse, raw, where: str, rejected: list):
    """``parse()``'s transaction when it can be imported; else None, and the
    reason appended to ``rejected``."""
    try:
        transaction = parse()
    except (BankResponseError, ArithmeticError, ValueError, RecursionError) as error:
        reason = str(error)
        if reason.startswith(where):
            reason = reason[len(where) :].lstrip(": ")
        rejected.append(
            Rejected(where, reason or type(error).__name__, raw_excerpt(raw))
        )
        return None
    problem = transaction_problem(transaction)
    if problem:
        rejected.append(Rejected(where, problem, raw_excerpt(raw)))
        return None
    return transaction
