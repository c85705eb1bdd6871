"""The sandbox bank's transaction list as MT940 (``Accept: text/plain``).

NextGenPSD2 lets a bank answer ``GET /v1/accounts/{id}/transactions`` in
MT940 when the client asks for ``text/plain`` (v1.3.11 OpenAPI file,
response ``OK_200_AccountsTransactions``). The sandbox serves the very ledger
its JSON answer lists, booked transactions only (pending ones would need
MT942), rendered by the MT940 add-on's writer with the Polish ``^NN`` :86:
layout:

- one statement per day of the window, days without movements included, so
  that every day has its balances; :28C: is the day of the year (numbering
  restarts on 1 January, as at many Polish banks) and :20: the account's
  ledger code and the date;
- :60F: is the booked balance at the end of the day before (dated that day),
  :62F: the booked balance at the end of the day: the opening balance of the
  ledger plus every booked amount up to then, the figures of the JSON
  ``closingBooked``; today's statement also carries :64:, the
  ``interimAvailable`` balance;
- a movement's booking date is the :61: entry date; its bank reference
  (16 characters at most) is a compact form of the JSON ``transactionId``
  (``PLN1-20261124-0003-ab12cd`` becomes ``2611240003ab12cd``), and the whole
  id is the :61: supplementary details.
"""

import dataclasses
import hashlib
from datetime import date, timedelta
from decimal import Decimal

from ..siblings import model, mt940_writer
from .server import Response, tpp_error

MEDIA_TYPE = "text/plain"
_REFERENCE_LENGTH = 16


def wants_mt940(request) -> bool:
    """Whether the client asked for text (MT940) rather than JSON."""
    accept = request.header("Accept") or ""
    types = [part.split(";")[0].strip().lower() for part in accept.split(",")]
    return MEDIA_TYPE in types and "application/json" not in types


def bank_reference(transaction_id: str) -> str:
    """A :61: bank reference (16x) for a ledger id: the date, number and
    digest of ``CODE-YYYYMMDD-NNNN-xxxxxx``; a digest for any other id."""
    if len(transaction_id) <= _REFERENCE_LENGTH and "//" not in transaction_id:
        return transaction_id
    parts = transaction_id.split("-")
    if len(parts) == 4 and parts[1].isdigit() and len(parts[1]) == 8:
        compact = parts[1][2:] + parts[2] + parts[3]
        if len(compact) <= _REFERENCE_LENGTH:
            return compact
    digest = hashlib.sha256(transaction_id.encode()).hexdigest()
    return digest[:_REFERENCE_LENGTH]


def _polish_code(code):
    return code if code and len(code) == 3 and code.isdigit() else None


def statement_from_transactions(
    account: str,
    currency: str,
    opening_balance: Decimal,
    opening_date: date,
    transactions,
    statement_number: int = 1,
    closing_date: date | None = None,
) -> mt940_writer.StatementData:
    """The writer's statement of the core model's booked ``transactions``
    (the ledger's), in booking order."""
    lines = []
    for transaction in transactions:
        if transaction.status != model.BOOKED:
            continue
        booked = transaction.booking_date or transaction.value_date
        lines.append(
            mt940_writer.StatementLine(
                value_date=transaction.value_date or booked,
                entry_date=booked,
                amount=transaction.amount,
                type_code="NTRF",
                customer_reference=(transaction.end_to_end_id or "")[:16] or None,
                bank_reference=(
                    transaction.transaction_id or transaction.entry_reference or ""
                )[:16]
                or None,
                details=mt940_writer.Details86(
                    code=_polish_code(transaction.proprietary_code),
                    title=transaction.remittance or None,
                    counterparty_name=transaction.counterparty_name,
                    counterparty_account=transaction.counterparty_iban,
                    end_to_end_id=transaction.end_to_end_id,
                ),
            )
        )
    lines.sort(key=lambda line: (line.entry_date, line.value_date))
    return mt940_writer.StatementData(
        account=account,
        currency=currency,
        opening_balance=opening_balance,
        opening_date=opening_date,
        lines=tuple(lines),
        statement_number=statement_number,
        closing_date=closing_date,
    )


def _day_statement(bank, account, day, opening, transactions, available):
    full_ids = {}
    short = []
    for transaction in transactions:
        reference = bank_reference(transaction.transaction_id)
        full_ids[reference] = transaction.transaction_id
        short.append(dataclasses.replace(transaction, transaction_id=reference))
    statement = statement_from_transactions(
        account=f"/{account.iban}",
        currency=account.currency,
        opening_balance=opening,
        opening_date=day - timedelta(days=1),
        transactions=short,
        statement_number=day.timetuple().tm_yday,
        closing_date=day,
    )
    lines = tuple(
        dataclasses.replace(
            line, supplementary_details=full_ids.get(line.bank_reference)
        )
        for line in statement.lines
    )
    code = bank.ledger_book.codes[account.resource_id]
    return dataclasses.replace(
        statement,
        lines=lines,
        reference=f"{code}{day:%y%m%d}",
        available_balance=available,
    )


def statements(bank, account, date_from, date_to) -> list:
    """The writer's ``StatementData`` of each day from ``date_from`` to
    ``date_to`` (at most today)."""
    today = bank.today()
    date_to = min(date_to, today)
    book = bank.ledger_book
    resource_id = account.resource_id
    before = book.booked(resource_id, today, None, date_from - timedelta(days=1))
    balance = book.opening_balance(resource_id) + sum(
        (movement.amount for movement in before), Decimal(0)
    )
    booked = bank.ledger(resource_id, "booked", date_from, date_to, True)
    by_day = {}
    for transaction in booked:
        by_day.setdefault(transaction.booking_date, []).append(transaction)
    available = bank.balances(resource_id)["interimAvailable"]
    result = []
    day = date_from
    while day <= date_to:
        moves = by_day.get(day, [])
        statement = _day_statement(
            bank,
            account,
            day,
            balance,
            moves,
            available if day == today else None,
        )
        balance = statement.closing_balance
        result.append(statement)
        day += timedelta(days=1)
    return result


def transactions_response(bank, account, date_from, date_to, status) -> Response:
    """The MT940 answer to a transaction list asked as ``text/plain``."""
    if status != "booked":
        return tpp_error(
            400,
            "PARAMETER_NOT_SUPPORTED",
            "MT940 carries booked transactions only: ask for bookingStatus=booked "
            "(pending ones are served as JSON).",
        )
    body = mt940_writer.render_bytes(
        statements(bank, account, date_from, date_to), layout="polish"
    )
    return Response(200, body, content_type=MEDIA_TYPE)
