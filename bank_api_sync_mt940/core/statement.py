"""Fields in, checked statements out.

The assembler follows the fields of each statement (:20: :21: :25: :28C:
:60F: then :61:/:86: pairs, :62F: :64: :65:), builds the transactions, and
checks each statement as soon as its closing balance is read:

- the balance adds up (per page, so also across :62M:/:60M: pages);
- every balance is in the statement's currency;
- a page that opens with :60M: continues the page before it (same account
  and statement number, next sequence number, opening = previous closing);
- a statement of an account follows the previous one of that account in the
  file (next :28C: number, opening = previous closing).

Pages of one statement are merged into one :class:`Statement`. Memory holds
one statement at a time (plus, per account, the last number and balance).
"""

import hashlib

from .accounts import compact, polish_bank, to_iban
from .errors import Mt940Error, _lt
from .fields import parse_balance, parse_statement_line, parse_statement_number
from .model import Statement, Transaction
from .structured86 import BANK_PROFILES, raw_text
from .tokenizer import END_OF_FILE, END_OF_MESSAGE
from .validation import (
    check_currency,
    check_page_balance,
    follows,
    money,
    opening_tag,
)

_HEADER, _MOVEMENTS, _CLOSED = range(3)


class _Page:
    """One statement page while it is being read."""

    __slots__ = (
        "account",
        "available",
        "closing",
        "continues",
        "forward",
        "information",
        "line",
        "movements",
        "number",
        "number_line",
        "number_raw",
        "opening",
        "phase",
        "reference",
        "related",
        "restart_after",
        "sequence",
        "transactions",
    )

    def __init__(self, line, reference):
        self.line = line
        self.reference = reference
        self.related = None
        self.account = None
        self.number = None
        self.sequence = None
        self.number_raw = None
        self.number_line = None
        self.opening = None
        self.closing = None
        self.available = None
        self.forward = []
        self.transactions = []
        self.information = []
        self.movements = 0
        self.phase = _HEADER
        self.continues = False  # a :60M: page of the statement held back
        self.restart_after = None  # numbered 1 after another: a new year?


class _Previous:
    """Per account: the last statement seen in the file."""

    __slots__ = ("closing", "line", "number")

    def __init__(self, number, line, closing):
        self.number = number
        self.line = line
        self.closing = closing


def check_continues(opening, closing, reason):
    """An opening balance takes over the closing balance before it (currency
    and amount); else the error ``reason()`` (built only then) on its line."""
    if opening.currency != closing.currency or opening.amount != closing.amount:
        raise Mt940Error(opening.line, opening_tag(opening), reason())


def _amount_key(amount):
    return format(amount.normalize(), "f")


class StatementAssembler:
    """Turns the tokenizer's fields into :class:`Statement` objects.

    ``profile`` forces the Polish :86: sub-field mapping; None picks it from
    the account's bank. ``encoding`` is a callable giving the codec in use.
    """

    def __init__(self, profile=None, encoding=lambda: "ascii"):
        self._forced_profile = profile
        self._encoding = encoding
        self._page = None
        self._held = None  # a statement whose last page closed with :62M:
        self._held_sequence = None
        self._ready = []
        self._previous = {}
        self._occurrences = {}  # day -> {id: how many times seen}
        self._profile = None
        self._pending = None  # the :61: being read: [line, parsed, :86: lines]
        self._seen_any = False
        self._handlers = {
            ":20:": self._on_reference,
            ":21:": self._on_related,
            ":25:": self._on_account,
            ":28C:": self._on_number,
            ":28:": self._on_number,
            ":60F:": self._on_opening,
            ":60M:": self._on_opening,
            ":61:": self._on_statement_line,
            ":86:": self._on_information,
            ":62F:": self._on_closing,
            ":62M:": self._on_closing,
            ":64:": self._on_available,
            ":65:": self._on_forward,
            END_OF_MESSAGE: self._on_end_of_message,
            END_OF_FILE: self._on_end_of_file,
        }

    @property
    def handlers(self):
        """Tag -> handler, for the tokenizer. Other tags (:NS:, :34F:, ...)
        carry nothing a statement needs and are skipped."""
        return self._handlers

    def take_ready(self):
        """The statements completed since the last call."""
        ready = self._ready
        self._ready = []
        return ready

    # -- the page being read ----------------------------------------------

    def _open_page(self, tag, line):
        page = self._page
        if page is None:
            return None
        if page.phase == _CLOSED:
            self._finish_page()
            return None
        raise Mt940Error(
            line,
            tag,
            _lt(
                "a new statement starts but the statement that starts on line "
                "%(line)s has no closing balance :62F:",
                line=page.line,
            ),
        )

    def _header_page(self, tag, line):
        page = self._page
        if page is None or page.phase != _HEADER:
            if page is not None and page.phase != _CLOSED:
                raise Mt940Error(line, tag, _lt("unexpected after the opening balance"))
            self._open_page(tag, line)
            self._page = page = _Page(line, None)
        return page

    def _on_reference(self, tag, line, lines):
        self._open_page(tag, line)
        self._page = _Page(line, " ".join(part.strip() for part in lines).strip())

    def _on_related(self, tag, line, lines):
        self._header_page(tag, line).related = lines[0].strip() or None

    def _on_account(self, tag, line, lines):
        page = self._header_page(tag, line)
        if page.account is not None:
            raise Mt940Error(
                line, tag, _lt("the account appears twice in one statement")
            )
        account = compact(lines[0])
        if not account:
            raise Mt940Error(line, tag, _lt("account identification is empty"))
        page.account = account

    def _on_number(self, tag, line, lines):
        page = self._header_page(tag, line)
        page.number, page.sequence, page.number_raw = parse_statement_number(
            tag, line, lines
        )
        page.number_line = line

    def _on_opening(self, tag, line, lines):
        page = self._page
        if page is None or page.phase != _HEADER:
            raise Mt940Error(
                line,
                tag,
                _lt(
                    "opening balance outside a statement header (a statement "
                    "starts with :20:)"
                )
                if page is None or page.phase == _CLOSED
                else _lt("second opening balance in one statement"),
            )
        if page.account is None:
            raise Mt940Error(
                line,
                ":25:",
                _lt(
                    "missing: the statement that starts on line %(line)s has no "
                    "account identification :25: before its opening balance",
                    line=page.line,
                ),
            )
        opening = parse_balance(tag, line, lines)
        page.opening = opening
        page.phase = _MOVEMENTS
        if opening.intermediate:
            self._check_continuation(page)
        else:
            self._check_follows(page)
        if not page.continues:
            self._profile = self._forced_profile or BANK_PROFILES.get(
                polish_bank(page.account), "default"
            )

    def _on_statement_line(self, tag, line, lines):
        page = self._page
        if page is None or page.phase != _MOVEMENTS:
            raise Mt940Error(
                line,
                tag,
                _lt("statement line after the closing balance")
                if page is not None and page.phase == _CLOSED
                else _lt("statement line before the opening balance :60F:"),
            )
        if self._pending is not None:
            self._finish_transaction()
        self._pending = [line, parse_statement_line(tag, line, lines), None]

    def _on_information(self, tag, line, lines):
        pending = self._pending
        if pending is not None:
            if pending[2] is None:
                pending[2] = lines
            else:
                pending[2].extend(lines)
        elif self._page is not None:
            self._page.information.extend(lines)
        else:
            raise Mt940Error(line, tag, _lt("information outside a statement"))

    def _on_closing(self, tag, line, lines):
        page = self._page
        if page is None or page.phase != _MOVEMENTS:
            raise Mt940Error(
                line,
                tag,
                _lt("closing balance without an opening balance :60F:")
                if page is None or page.phase == _HEADER
                else _lt("second closing balance in one statement"),
            )
        if self._pending is not None:
            self._finish_transaction()
        closing = parse_balance(tag, line, lines)
        check_currency(closing, tag, page.opening)
        check_page_balance(page.opening, page.movements, closing)
        if page.restart_after is not None:
            self._check_number(page, page.restart_after, closing.date)
        page.closing = closing
        page.phase = _CLOSED

    def _closed_page(self, tag, line):
        page = self._page
        if page is None or page.phase != _CLOSED:
            raise Mt940Error(line, tag, _lt("comes before the closing balance :62F:"))
        return page

    def _on_available(self, tag, line, lines):
        page = self._closed_page(tag, line)
        balance = parse_balance(tag, line, lines)
        check_currency(balance, tag, page.opening)
        page.available = balance

    def _on_forward(self, tag, line, lines):
        page = self._closed_page(tag, line)
        balance = parse_balance(tag, line, lines)
        check_currency(balance, tag, page.opening)
        page.forward.append(balance)

    def _on_end_of_message(self, tag, line, lines):
        page = self._page
        if page is None:
            return
        if page.phase != _CLOSED:
            raise Mt940Error(
                line,
                ":62F:",
                _lt(
                    "missing: the statement that starts on line %(line)s ends "
                    "without a closing balance",
                    line=page.line,
                ),
            )
        self._finish_page()

    def _on_end_of_file(self, tag, line, lines):
        page = self._page
        if page is not None:
            if page.phase != _CLOSED:
                raise Mt940Error(
                    line,
                    ":62F:",
                    _lt(
                        "missing: the file ends before the closing balance of the "
                        "statement that starts on line %(line)s (truncated file?)",
                        line=page.line,
                    ),
                )
            self._finish_page()
        self._release_held()
        if not self._seen_any:
            raise Mt940Error(
                max(line, 1),
                ":20:",
                _lt("no MT940 statement in this file (empty?)"),
            )

    # -- transactions ----------------------------------------------------

    def _finish_transaction(self):
        line, parsed, detail_lines = self._pending
        self._pending = None
        (
            value_date,
            entry_date,
            mark,
            funds,
            amount,
            type_code,
            customer,
            bank,
            supplementary,
        ) = parsed
        page = self._page
        raw = raw_text(detail_lines) if detail_lines else ""
        currency = page.opening.currency
        if bank and bank.upper() != "NONREF":
            key = f"ref:{page.account}:{bank}"
        else:
            content = "\x1f".join(
                (
                    page.account,
                    value_date.isoformat(),
                    entry_date.isoformat() if entry_date else "",
                    _amount_key(amount),
                    currency,
                    type_code,
                    customer or "",
                    bank or "",
                    supplementary or "",
                    raw,
                )
            )
            digest = hashlib.sha256(content.encode("utf-8")).hexdigest()[:32]
            key = f"hash:{page.account}:{digest}"
        day = entry_date or value_date
        occurrences = self._occurrences.get(day)
        if occurrences is None:
            occurrences = self._occurrences[day] = {}
        count = occurrences.get(key, 0) + 1
        occurrences[key] = count
        page.movements += amount
        page.transactions.append(
            Transaction(
                value_date,
                entry_date,
                amount,
                currency,
                mark,
                funds,
                type_code,
                customer,
                bank,
                supplementary,
                raw,
                key if count == 1 else f"{key}#{count}",
                line,
                detail_lines,
                self._profile,
            )
        )

    # -- continuity inside the file ---------------------------------------

    def _check_continuation(self, page):
        held = self._held
        if held is None or held.account != page.account:
            # The first page is not in this file: take the page as it is.
            self._release_held()
            self._occurrences = {}
            return
        last = held.closing_balance
        if (
            page.number is not None
            and held.statement_number is not None
            and page.number != held.statement_number
        ):
            raise Mt940Error(
                page.number_line,
                ":28C:",
                _lt(
                    "statement number %(number)s after an intermediate closing "
                    ":62M: of statement %(previous)s (line %(line)s): the next page "
                    "of that statement is missing",
                    number=page.number,
                    previous=held.statement_number,
                    line=last.line,
                ),
            )
        previous_sequence = self._held_sequence
        if (
            page.sequence is not None
            and previous_sequence is not None
            and page.sequence != previous_sequence + 1
        ):
            raise Mt940Error(
                page.number_line,
                ":28C:",
                _lt(
                    "page %(page)s follows page %(previous)s of statement "
                    "%(number)s: page %(missing)s is missing",
                    page=page.sequence,
                    previous=previous_sequence,
                    number=held.statement_number,
                    missing=previous_sequence + 1,
                ),
            )
        opening = page.opening
        check_continues(
            opening,
            last,
            lambda: _lt(
                "intermediate opening balance %(opening)s is not the "
                "intermediate closing balance %(closing)s of the page before "
                "(line %(line)s)",
                opening=money(opening.amount, opening.currency),
                closing=money(last.amount, last.currency),
                line=last.line,
            ),
        )
        page.continues = True

    def _check_follows(self, page):
        self._release_held()
        previous = self._previous.get(page.account)
        opening = page.opening
        # Identical lines are counted per day (their ids get "#2", "#3"); a
        # day before this statement's opening is over.
        self._occurrences = {
            day: counts
            for day, counts in self._occurrences.items()
            if day >= opening.date
        }
        if previous is None:
            return
        closing = previous.closing
        if page.number and previous.number:
            if page.number == 1:
                # Numbering per year restarts at 1: the closing date tells.
                page.restart_after = previous
            else:
                self._check_number(page, previous, opening.date)
        check_continues(
            opening,
            closing,
            lambda: _lt(
                "opening balance %(opening)s is not the closing balance "
                "%(closing)s of the previous statement of account %(account)s "
                "(line %(line)s)",
                opening=money(opening.amount, opening.currency),
                closing=money(closing.amount, closing.currency),
                account=page.account,
                line=closing.line,
            ),
        )

    def _check_number(self, page, previous, new_date):
        """Statement ``page.number`` comes right after ``previous.number``."""
        if follows(page.number, previous.number, new_date, previous.closing.date):
            return
        if page.number > previous.number + 2:
            problem = _lt(
                "statements %(first)s to %(last)s are missing",
                first=previous.number + 1,
                last=page.number - 1,
            )
        elif page.number == previous.number + 2:
            problem = _lt(
                "statement %(missing)s is missing", missing=previous.number + 1
            )
        else:
            problem = _lt("repeated or out of order")
        reason = _lt(
            "statement number %(number)s does not follow statement %(previous)s of "
            "account %(account)s (line %(line)s): %(problem)s",
            number=page.number,
            previous=previous.number,
            account=page.account,
            line=previous.line,
            problem=problem,
        )
        raise Mt940Error(page.number_line, ":28C:", reason)

    # -- finished statements ------------------------------------------------

    def _finish_page(self):
        page = self._page
        self._page = None
        if page.continues:
            statement = self._held
            self._held = None
            statement.transactions.extend(page.transactions)
            statement.closing_balance = page.closing
            statement.available_balance = page.available or statement.available_balance
            statement.forward_balances = (
                tuple(page.forward) or statement.forward_balances
            )
            statement.pages += 1
            if page.information:
                statement.information = "\n".join(
                    filter(None, (statement.information, _information(page)))
                )
        else:
            statement = Statement(
                page.reference or "",
                page.related,
                page.account,
                to_iban(page.account),
                page.number,
                page.sequence,
                page.number_raw,
                page.opening,
                page.closing,
                page.available,
                tuple(page.forward),
                page.transactions,
                _information(page),
                1,
                page.line,
                self._encoding(),
            )
        self._seen_any = True
        if page.closing.intermediate:
            self._held = statement
            self._held_sequence = page.sequence
        else:
            self._complete(statement, page)

    def _release_held(self):
        held = self._held
        if held is not None:
            self._held = None
            self._complete(held, None)

    def _complete(self, statement, page):
        number_line = page.number_line if page is not None else statement.line
        self._previous[statement.account] = _Previous(
            statement.statement_number,
            number_line or statement.line,
            statement.closing_balance,
        )
        self._ready.append(statement)


def _information(page):
    if not page.information:
        return None
    return "\n".join(line.rstrip() for line in page.information).strip() or None
