"""What the product refuses to import from a transaction a bank sent, and why.

A bank's answer is hostile until checked. One transaction that cannot be
stored (a NUL character, a lone surrogate, an amount no account can hold, a
currency that is not an ISO 4217 code, a field of megabytes) is kept aside as
``Rejected`` with its reason and an excerpt of what the bank sent; the rest of
the account imports. Each reason names the limit it hit.
"""

import dataclasses
import importlib
import inspect
import json
import re
import sys
from dataclasses import dataclass
from decimal import Decimal

from .errors import BankResponseError
from .model import Account
from .redaction import redact

# No account holds a quadrillion: a larger amount is a bank's bug or an attack
# (and beyond what Odoo's floats keep to the cent).
MAX_AMOUNT = Decimal("1e15")
# Longest text kept from one field (a SEPA remittance has 140 characters).
MAX_FIELD_LENGTH = 4000
# How much of a rejected transaction's raw data the log keeps.
RAW_EXCERPT = 500
# How much of it is kept with the rejected item, to read it again: larger raw
# data is kept as an excerpt only (it can be ignored, not reprocessed).
MAX_RAW_KEPT = 64_000
# Where a parser kept with a rejected item may come from (never any module).
PARSER_MODULES = ("odoo.addons.bank_api_sync", "bank_api_sync")
# Deepest nesting of a transaction's raw data walked for bad characters.
MAX_RAW_DEPTH = 20
CURRENCY_CODE = re.compile(r"[A-Z]{3}\Z")


@dataclass(frozen=True)
class Rejected:
    """A transaction kept aside: where it was, why, what the bank sent."""

    where: str
    reason: str
    raw: str
    # What the bank sent, whole (JSON, secrets masked), when it is small
    # enough to keep; and how to read it again (see ``recipe_of``).
    raw_data: str | None = None
    recipe: str | None = None

    def describe(self) -> str:
        return f"{self.where}: {self.reason}; the bank sent {self.raw}"


def raw_data_kept(raw) -> str | None:
    """``raw`` as JSON to keep with a rejected item (credentials masked), or
    None when it cannot be dumped or is over ``MAX_RAW_KEPT``."""
    try:
        dumped = json.dumps(raw, ensure_ascii=True)
    except (TypeError, ValueError, RecursionError):
        return None
    if len(dumped) > MAX_RAW_KEPT:
        return None
    return redact(dumped)


def _encode_argument(value):
    if isinstance(value, Account):
        return {"__account__": dataclasses.asdict(value)}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(type(value).__name__)


def recipe_of(parse, args) -> str | None:
    """How to read a transaction's raw data again, as JSON: the parser (a
    function of our code, or a ``_parse*`` method of the client) and its
    arguments after the raw data; None when it cannot be written down."""
    if inspect.ismethod(parse):
        name = f"client.{parse.__name__}"
    else:
        name = f"{parse.__module__}:{parse.__qualname__}"
    try:
        return json.dumps(
            {"parser": name, "args": [_encode_argument(arg) for arg in args]}
        )
    except TypeError:
        return None


def parser_from_recipe(recipe: str, client):
    """(parser, args) of a recipe written by ``recipe_of``; ValueError when
    it names something that is not one of our parsers."""
    data = json.loads(recipe)
    name = data["parser"]
    if name.startswith("client."):
        method = name[len("client.") :]
        if not method.startswith("_parse") or not hasattr(client, method):
            raise ValueError(f"{name} is not a parser of this client")
        parse = getattr(client, method)
    else:
        module_name, _, qualname = name.partition(":")
        if not module_name.startswith(PARSER_MODULES) or "parse" not in qualname:
            raise ValueError(f"{name} is not one of the product's parsers")
        module = sys.modules.get(module_name) or importlib.import_module(module_name)
        parse = module
        for part in qualname.split("."):
            parse = getattr(parse, part)
    if not callable(parse):
        raise ValueError(f"{name} is not a parser")
    args = [
        Account(**arg["__account__"]) if isinstance(arg, dict) else arg
        for arg in data["args"]
    ]
    return parse, args


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


def check_or_reject(parse, raw, where: str, rejected: list, recipe=None):
    """``parse()``'s transaction when it can be imported; else None, and the
    reason appended to ``rejected`` (with the raw data and ``recipe``, how
    to read it again)."""

    def reject(reason):
        rejected.append(
            Rejected(where, reason, raw_excerpt(raw), raw_data_kept(raw), recipe)
        )

    try:
        transaction = parse()
    except (BankResponseError, ArithmeticError, ValueError, RecursionError) as error:
        reason = str(error)
        if reason.startswith(where):
            reason = reason[len(where) :].lstrip(": ")
        reject(reason or type(error).__name__)
        return None
    problem = transaction_problem(transaction)
    if problem:
        reject(problem)
        return None
    return transaction
