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

from .errors import Mt940Error, _lt


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
            _lt(
                "currency %(currency)s differs from the statement's currency "
                "%(statement_currency)s (opening balance on line %(line)s)",
                currency=balance.currency,
                statement_currency=opening.currency,
                line=opening.line,
            ),
        )


def check_page_balance(opening, movements, closing):
    """Opening balance plus the page's movements gives its closing balance."""
    expected = opening.amount + movements
    if expected != closing.amount:
        raise Mt940Error(
            closing.line,
            closing_tag(closing),
            _lt(
                "closing balance %(closing)s is not the opening balance %(opening)s "
                "(line %(line)s) plus the movements %(movements)s = %(expected)s: "
                "the statement does not add up",
                closing=money(closing.amount, closing.currency),
                opening=money(opening.amount, opening.currency),
                line=opening.line,
                movements=money(movements, opening.currency),
                expected=money(expected, opening.currency),
            ),
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
    label = (
        _lt("Statement %(number)s", number=number)
        if number is not None
        else _lt("The statement")
    )
    previous_label = (
        _lt("statement %(number)s", number=previous.statement_number)
        if previous.statement_number is not None
        else _lt("the previous statement")
    )

    def issue(severity, code, message):
        issues.append(ContinuityIssue(severity, code, message, number))

    if previous.currency and previous.currency != statement.currency:
        issue(
            "error",
            "currency_mismatch",
            _lt(
                "%(statement)s is in %(currency)s but %(previous)s was in "
                "%(previous_currency)s: is this the right journal?",
                statement=label,
                currency=statement.currency,
                previous=previous_label,
                previous_currency=previous.currency,
            ),
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
            _lt(
                "%(statement)s opens with %(opening)s but %(previous)s closed with "
                "%(closing)s: %(difference)s moved in between (a statement is "
                "missing or was imported twice)",
                statement=label,
                opening=money(opening, statement.currency),
                previous=previous_label,
                closing=money(previous.closing_balance, statement.currency),
                difference=money(difference, statement.currency),
            ),
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
                _lt(
                    "%(statement)s does not come after %(previous)s: already "
                    "imported, or out of order",
                    statement=label,
                    previous=previous_label,
                ),
            )
        elif not in_order:
            missing = (
                str(previous_number + 1)
                if number == previous_number + 2
                else _lt(
                    "%(first)s to %(last)s",
                    first=previous_number + 1,
                    last=number - 1,
                )
            )
            values = {
                "statement": label,
                "previous": previous_label,
                "missing": missing,
            }
            issue(
                "warning" if balance_ok else "error",
                "number_gap",
                _lt(
                    "%(statement)s follows %(previous)s: statement(s) %(missing)s "
                    "are missing (the balances agree, so they had no net movement)",
                    **values,
                )
                if balance_ok
                else _lt(
                    "%(statement)s follows %(previous)s: statement(s) %(missing)s "
                    "are missing",
                    **values,
                ),
            )
    if (
        previous.closing_date is not None
        and statement.opening_date < previous.closing_date
    ):
        issue(
            "warning",
            "date_overlap",
            _lt(
                "%(statement)s opens on %(opening)s, before %(previous)s closed "
                "(%(closing)s)",
                statement=label,
                opening=statement.opening_date.isoformat(),
                previous=previous_label,
                closing=previous.closing_date.isoformat(),
            ),
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
