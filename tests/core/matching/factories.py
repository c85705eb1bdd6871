"""Small builders for the matching tests: an invoice, a bill, a line, a match."""

from datetime import date
from decimal import Decimal

from bank_api_sync.core.matching import (
    PAYABLE,
    RECEIVABLE,
    MatchContext,
    MatchingEngine,
    MatchRule,
    OpenItem,
    StatementLine,
)

PAY_DATE = date(2026, 11, 20)
OUR_NIP = "5260250274"
ACME, BETA, GAMMA = 1, 2, 3
NAMES = {ACME: "Acme", BETA: "Beta", GAMMA: "Gamma"}
IBAN_ACME = "PL61109010140000071219812874"
IBAN_BETA = "PL10105000997603123456789123"

_ids = iter(range(1, 10**9))


def invoice(number, amount, *, partner=ACME, kind=RECEIVABLE, **values) -> OpenItem:
    """An open customer invoice (or, with ``kind=PAYABLE``, a bill: pass a
    negative amount). ``amount`` in PLN unless ``currency`` says otherwise, in
    which case ``amount`` is in that currency at 4.30 PLN."""
    number_id = next(_ids)
    amount = Decimal(amount)
    currency = values.pop("currency", "PLN")
    if currency != "PLN":
        values.setdefault("amount_residual_currency", amount)
        amount = (amount * Decimal("4.30")).quantize(Decimal("0.01"))
    values.setdefault("date", date(2026, 11, 3))
    values.setdefault("due_date", date(2026, 11, 17))
    values.setdefault("payment_reference", number)
    return OpenItem(
        id=values.pop("id", number_id),
        move_id=number_id,
        move_name=number,
        partner_id=partner,
        partner_name=NAMES.get(partner, f"Partner {partner}"),
        kind=kind,
        amount_residual=amount,
        currency=currency,
        **values,
    )


def bill(number, amount, *, partner=BETA, **values) -> OpenItem:
    return invoice(number, -Decimal(amount), partner=partner, kind=PAYABLE, **values)


def line(amount, title="", **values) -> StatementLine:
    values.setdefault("id", next(_ids))
    values.setdefault("date", PAY_DATE)
    values.setdefault("currency", "PLN")
    return StatementLine(amount=Decimal(amount), payment_ref=title, **values)


def context(**values) -> MatchContext:
    values.setdefault("company_currency", "PLN")
    values.setdefault("today", PAY_DATE)
    values.setdefault("company_vat", OUR_NIP)
    values.setdefault("partner_ibans", {IBAN_ACME: {ACME}, IBAN_BETA: {BETA}})
    values.setdefault("partner_names", NAMES)
    return MatchContext(**values)


def match(items, statement_line, rule=None, **context_values):
    """The LineResult of one line against ``items``."""
    engine = MatchingEngine(items, context(**context_values))
    return engine.match_line(statement_line, rule or MatchRule())


def best_items(result) -> tuple:
    return result.best.item_ids if result.best else ()
