"""What must be true of a payment order before anything leaves Odoo.

``check_order(order)`` returns every problem at once (a person fixes them in
one go), each naming the line, the payee and what to do. The Odoo glue
gathers the facts (``OrderFacts``) with a few queries and refuses to confirm,
approve or send while a problem remains.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .accounts import AccountNumberError, checked_iban
from .texts import _lt


@dataclass(frozen=True)
class LineFacts:
    reference: str
    partner: str
    amount: Decimal
    currency: str
    account: str | None
    execution_date: date | None
    communication: str = ""
    bill_item: int | None = None  # the bill's journal item paid
    bill_number: str | None = None
    bill_open_amount: Decimal | None = None  # in the line's currency
    bill_paid: bool = False


@dataclass(frozen=True)
class OrderFacts:
    name: str
    today: date
    debit_currency: str
    debit_account: str | None
    lines: tuple = ()
    # bill item -> the other open order paying it
    bills_in_other_orders: dict = field(default_factory=dict)
    # (account, amount, currency, communication) -> the other open order
    payments_in_other_orders: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Problem:
    code: str
    line: str | None
    message: str


def check_order(order: OrderFacts) -> list[Problem]:
    problems = []
    if not order.lines:
        problems.append(
            Problem(
                "empty", None, _lt("Order %(order)s pays nothing.", order=order.name)
            )
        )
    try:
        checked_iban(order.debit_account)
    except AccountNumberError as error:
        problems.append(
            Problem(
                "debit_account",
                None,
                _lt(
                    "The bank account the order pays from: %(reason)s.",
                    reason=error.reason,
                ),
            )
        )
    seen_bills, seen_payments = {}, {}
    for line in order.lines:
        problems += _line_problems(order, line)
        problems += _duplicates(order, line, seen_bills, seen_payments)
    return problems


def _money(amount) -> str:
    return str(Decimal(amount).quantize(Decimal("0.01")))


def _problem(code, line, text):
    return Problem(
        code,
        line.reference,
        _lt(
            "%(line)s (%(partner)s): %(problem)s",
            line=line.reference,
            partner=line.partner,
            problem=text,
        ),
    )


def payment_key(line: LineFacts):
    """What makes two payments the same payment: same account, amount,
    currency and title."""
    account = (line.account or "").replace(" ", "").upper()
    title = " ".join((line.communication or "").split()).upper()
    return (account, f"{Decimal(line.amount):.2f}", line.currency, title)


def _line_problems(order, line):
    problems = []
    if not line.account:
        problems.append(
            _problem(
                "no_account",
                line,
                _lt(
                    "no bank account to pay to: add the payee's account to the line.",
                ),
            )
        )
    else:
        try:
            checked_iban(line.account)
        except AccountNumberError as error:
            problems.append(
                _problem("bad_account", line, _lt("%(reason)s.", reason=error.reason))
            )
    if Decimal(line.amount) <= 0:
        problems.append(
            _problem(
                "amount",
                line,
                _lt(
                    "the amount %(amount)s is not positive.",
                    amount=_money(line.amount),
                ),
            )
        )
    if line.currency != order.debit_currency:
        problems.append(
            _problem(
                "currency",
                line,
                _lt(
                    "pays in %(currency)s from an account in %(debit)s: put it in an "
                    "order paying from a %(currency)s account.",
                    currency=line.currency,
                    debit=order.debit_currency,
                ),
            )
        )
    if line.execution_date and line.execution_date < order.today:
        problems.append(
            _problem(
                "past_date",
                line,
                _lt(
                    "the execution date %(date)s is in the past.",
                    date=line.execution_date.isoformat(),
                ),
            )
        )
    problems += _bill_problems(line)
    return problems


def _bill_problems(line):
    if line.bill_item is None:
        return []
    if line.bill_paid or (
        line.bill_open_amount is not None and line.bill_open_amount <= 0
    ):
        return [
            _problem(
                "bill_paid",
                line,
                _lt(
                    "bill %(bill)s is already paid: remove the line.",
                    bill=line.bill_number,
                ),
            )
        ]
    if (
        line.bill_open_amount is not None
        and Decimal(line.amount) > line.bill_open_amount
    ):
        return [
            _problem(
                "overpaid",
                line,
                _lt(
                    "pays %(amount)s but only %(open)s of bill %(bill)s is still open.",
                    amount=_money(line.amount),
                    open=_money(line.bill_open_amount),
                    bill=line.bill_number,
                ),
            )
        ]
    return []


def _duplicates(order, line, seen_bills, seen_payments):
    problems = []
    if line.bill_item is not None:
        if line.bill_item in seen_bills:
            problems.append(
                _problem(
                    "duplicate_bill",
                    line,
                    _lt(
                        "bill %(bill)s is already paid by line %(other)s of this "
                        "order.",
                        bill=line.bill_number,
                        other=seen_bills[line.bill_item],
                    ),
                )
            )
        seen_bills.setdefault(line.bill_item, line.reference)
        other_order = order.bills_in_other_orders.get(line.bill_item)
        if other_order:
            problems.append(
                _problem(
                    "bill_in_other_order",
                    line,
                    _lt(
                        "bill %(bill)s is already in payment order %(other)s.",
                        bill=line.bill_number,
                        other=other_order,
                    ),
                )
            )
    if line.bill_item is not None:
        # A bill is paid once (its item is the key); lines without a bill
        # are the same payment when account, amount and title agree.
        return problems
    key = payment_key(line)
    if key in seen_payments:
        problems.append(
            _problem(
                "duplicate_payment",
                line,
                _lt(
                    "the same amount to the same account with the same title as "
                    "line %(other)s.",
                    other=seen_payments[key],
                ),
            )
        )
    seen_payments.setdefault(key, line.reference)
    other_order = order.payments_in_other_orders.get(key)
    if other_order:
        problems.append(
            _problem(
                "payment_in_other_order",
                line,
                _lt(
                    "the same amount to the same account with the same title is in "
                    "payment order %(other)s.",
                    other=other_order,
                ),
            )
        )
    return problems
