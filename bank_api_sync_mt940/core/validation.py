"""Do the numbers of a statement hold together?

Inside a file the parser raises :class:`Mt940Error` for anything that does
not add up (the helpers below). Between a new file and what the journal
already holds, :func:`check_continuity` reports issues as objects: the Odoo
glue decides whether a warning stops the import, but nothing is silently
accepted.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .errors import Mt940Error


def money(amount, currency):
    """``1234,56 PLN`` (MT940's decimal comma, the sign when negative)."""
    return f"{amount:.2f}".replace(".", ",") + f" {currency}"


def opening_tag(balance):
    return ":60M:" if balance.intermediate else ":60F:"


def closing_tag(balance):
    return ":62M:" if balance.intermediate else ":62F:"


def check_currency(balance, tag, opening):
    """The balance is in the statement's currency (that of its opening)."""
    if balance.currency != opening.currency:
        raise Mt940Error(
            balance.line,
            tag,
            f"currency {balance.currency} differs from the statement's currency "
            f"{opening.currency} (opening balance on line {opening.line})",
        )


def check_page_balance(opening, movements, closing):
    """Opening balance plus the page's movements gives its closing balance."""
    expected = opening.amount + movements
    if expected != closing.amount:
        raise Mt940Error(
            closing.line,
            closing_tag(closing),
            f"closing balance {money(closing.amount, closing.currency)} is not the "
            f"opening balance {money(opening.amount, opening.currency)} (line "
            f"{opening.line}) plus the movements {money(movements, opening.currency)}"
            f" = {money(expected, opening.currency)}: the statement does not add up",
        )


def follows(number, previous_number, closing_date, previous_closing_date):
    """Whether statement ``number`` (closing on ``closing_date``) may follow
    ``previous_number``: the next number, or 1 in a new year (banks that
    number their statements per year)."""
    if number == previous_number + 1:
        return True
    return (
        number == 1
        and closing_date is not None
        and previous_closing_date is not None
        and closing_date.year > previous_closing_date.year
    )


@dataclass(frozen=True)
class PreviousStatement:
    """What the journal knows about the last statement it imported."""

    statement_number: int | None
    closing_balance: Decimal | None
    closing_date: date | None
    currency: str | None = None

    @classmethod
    def of(cls, statement):
        return cls(
            statement.statement_number,
            statement.closing_balance.amount,
            statement.closing_balance.date,
            statement.currency,
        )


@dataclass(frozen=True)
class ContinuityIssue:
    """A break between the previous statement and a new one.

    ``severity`` is ``"error"`` (money is missing or doubled: do not import
    without a person's decision) or ``"warning"`` (worth a look). ``code`` is
    one of ``currency_mismatch``, ``balance_mismatch``, ``number_gap``,
    ``number_not_after``, ``date_overlap``.
    """

    severity: str
    code: str
    message: str
    statement_number: int | None = None

    @property
    def is_error(self):
        return self.severity == "error"


def check_continuity(statement, previous):
    """Issues between the journal's ``previous`` statement (a
    :class:`PreviousStatement`, or None for a journal's first import) and
    ``statement``; an empty list when it follows on cleanly."""
    if previous is None:
        return []
    issues = []
    number = statement.statement_number
    label = f"Statement {number}" if number is not None else "The statement"
    previous_label = (
        f"statement {previous.statement_number}"
        if previous.statement_number is not None
        else "the previous statement"
    )

    def issue(severity, code, message):
        issues.append(ContinuityIssue(severity, code, message, number))

    if previous.currency and previous.currency != statement.currency:
        issue(
            "error",
            "currency_mismatch",
            f"{label} is in {statement.currency} but {previous_label} was in "
            f"{previous.currency}: is this the right journal?",
        )
        return issues
    balance_ok = True
    opening = statement.opening_balance.amount
    if previous.closing_balance is not None and opening != previous.closing_balance:
        balance_ok = False
        difference = opening - previous.closing_balance
        issue(
            "error",
            "balance_mismatch",
            f"{label} opens with {money(opening, statement.currency)} but "
            f"{previous_label} closed with "
            f"{money(previous.closing_balance, statement.currency)}: "
            f"{money(difference, statement.currency)} moved in between "
            "(a statement is missing or was imported twice)",
        )
    if number is not None and previous.statement_number is not None:
        previous_number = previous.statement_number
        in_order = follows(
            number, previous_number, statement.closing_date, previous.closing_date
        )
        if number <= previous_number and not in_order:
            issue(
                "error",
                "number_not_after",
                f"{label} does not come after {previous_label}: "
                "already imported, or out of order",
            )
        elif not in_order:
            missing = (
                str(previous_number + 1)
                if number == previous_number + 2
                else f"{previous_number + 1} to {number - 1}"
            )
            issue(
                "warning" if balance_ok else "error",
                "number_gap",
                f"{label} follows {previous_label}: statement(s) {missing} "
                "are missing"
                + (
                    " (the balances agree, so they had no net movement)"
                    if balance_ok
                    else ""
                ),
            )
    if (
        previous.closing_date is not None
        and statement.opening_date < previous.closing_date
    ):
        issue(
            "warning",
            "date_overlap",
            f"{label} opens on {statement.opening_date.isoformat()}, before "
            f"{previous_label} closed ({previous.closing_date.isoformat()})",
        )
    return issues


def check_continuity_chain(statements, previous):
    """Issues of each statement against the one before it (the first one
    against the journal's ``previous``)."""
    issues = []
    for statement in statements:
        issues.extend(check_continuity(statement, previous))
        previous = PreviousStatement.of(statement)
    return issues
