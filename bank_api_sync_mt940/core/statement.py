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

MT942 interim reports (:34F: floor limit, :13D: time, :61:/:86:, then the
:90D:/:90C: totals; no balances) become statements with ``is_interim``: their
totals must match their movements; they take no part in the numbering and
balance chain of the MT940 statements.

``warn`` (a callable, see parser.py) hears of what is tolerated; without it
those cases are errors. ``problems`` (a list), when given, receives the
checks that fail (balances that do not add up, numbers that do not follow)
instead of stopping at the first: the command-line check lists them all.
"""

import hashlib
from datetime import datetime, timedelta, timezone

from .accounts import compact, polish_bank, to_iban
from .errors import Mt940Error, _lt
from .fields import (
    parse_amount,
    parse_balance,
    parse_statement_line,
    parse_statement_number,
    parse_yymmdd,
)
from .model import Statement, Total, Transaction
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
        "credit_total",
        "currency",
        "debit_total",
        "floor_limits",
        "forward",
        "information",
        "interim",
        "line",
        "movements",
        "number",
        "number_line",
        "number_raw",
        "opening",
        "phase",
        "reference",
        "related",
        "report_time",
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
        self.currency = None  # of the opening balance, or of :34F: (MT942)
        self.interim = False  # an MT942 report (:34F: or :13D: seen)
        self.report_time = None
        self.floor_limits = []
        self.debit_total = None
        self.credit_total = None


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

    def __init__(
        self, profile=None, encoding=lambda: "ascii", warn=None, problems=None
    ):
        self._forced_profile = profile
        self._encoding = encoding
        self._warn = warn
        self._problems = problems
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
            ":34F:": self._on_floor_limit,
            ":13D:": self._on_report_time,
            ":13:": self._on_report_time,
            ":90D:": self._on_total,
            ":90C:": self._on_total,
            END_OF_MESSAGE: self._on_end_of_message,
            END_OF_FILE: self._on_end_of_file,
        }

    @property
    def handlers(self):
        """Tag -> handler, for the tokenizer. Other tags (:NS:, ...) carry
        nothing a statement needs and are skipped."""
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
                "a new statement starts but the interim report that starts on "
                "line %(line)s has no totals :90D:/:90C:",
                line=page.line,
            )
            if page.interim
            else _lt(
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

    def _in_mt940_body(self):
        """Inside an MT940 statement, where MT942 header fields mean nothing
        (and were always skipped)."""
        page = self._page
        return page is not None and page.phase == _MOVEMENTS and not page.interim

    def _on_floor_limit(self, tag, line, lines):
        if self._in_mt940_body():
            return
        page = self._header_page(tag, line)
        value = lines[0].strip()
        currency, mark, amount = value[:3], value[3:4], value[4:]
        self._report_currency(page, tag, line, currency)
        if mark.isdigit():
            mark, amount = None, value[3:]
        elif mark not in ("C", "D"):
            raise Mt940Error(
                line, tag, _lt("debit/credit mark %(mark)r is not C or D", mark=mark)
            )
        try:
            page.floor_limits.append((mark, parse_amount(amount)))
        except ValueError as error:
            raise Mt940Error(line, tag, error.args[0]) from None
        page.interim = True

    def _report_currency(self, page, tag, line, currency):
        if not currency.isascii() or not currency.isalpha() or len(currency) != 3:
            raise Mt940Error(
                line,
                tag,
                _lt("currency %(currency)r is not a 3-letter code", currency=currency),
            )
        if page.currency is not None and currency != page.currency:
            raise Mt940Error(
                line,
                tag,
                _lt(
                    "currency %(currency)s differs from the report's currency "
                    "%(statement_currency)s",
                    currency=currency,
                    statement_currency=page.currency,
                ),
            )
        page.currency = currency

    def _on_report_time(self, tag, line, lines):
        if self._in_mt940_body():
            return
        page = self._header_page(tag, line)
        page.report_time = _report_time(tag, line, lines[0].strip())
        page.interim = True

    def _start_interim(self, page, tag, line):
        """The first movement or total of an MT942 report: its header is read."""
        if page.account is None:
            raise Mt940Error(
                line,
                ":25:",
                _lt(
                    "missing: the interim report that starts on line %(line)s has "
                    "no account identification :25:",
                    line=page.line,
                ),
            )
        if page.currency is None:
            raise Mt940Error(
                line,
                ":34F:",
                _lt(
                    "missing: the interim report that starts on line %(line)s has "
                    "no floor limit :34F: (which gives its currency)",
                    line=page.line,
                ),
            )
        page.phase = _MOVEMENTS
        self._release_held()
        self._occurrences = {}  # each report counted on its own
        self._profile = self._forced_profile or BANK_PROFILES.get(
            polish_bank(page.account), "default"
        )

    def _on_total(self, tag, line, lines):
        page = self._page
        if page is None or not page.interim:
            return  # some banks add totals to MT940 statements: not checked
        if page.phase == _HEADER:
            self._start_interim(page, tag, line)
        elif page.phase == _CLOSED and (
            page.debit_total if tag == ":90D:" else page.credit_total
        ):
            raise Mt940Error(line, tag, _lt("second total of the same kind"))
        if self._pending is not None:
            self._finish_transaction()
        total = _total(tag, line, lines[0].strip())
        if total.currency != page.currency:
            self._check(
                _raise,
                Mt940Error(
                    line,
                    tag,
                    _lt(
                        "currency %(currency)s differs from the report's currency "
                        "%(statement_currency)s",
                        currency=total.currency,
                        statement_currency=page.currency,
                    ),
                ),
            )
        debits = tag == ":90D:"
        if debits:
            page.debit_total = total
        else:
            page.credit_total = total
        self._check(check_total, total, tag, page.transactions, debits)
        page.phase = _CLOSED

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
        opening = parse_balance(tag, line, lines, self._warn)
        page.opening = opening
        page.currency = opening.currency
        page.interim = False
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
        if page is not None and page.phase == _HEADER and page.interim:
            self._start_interim(page, tag, line)
        if page is None or page.phase != _MOVEMENTS:
            raise Mt940Error(
                line,
                tag,
                _lt("statement line after the closing balance or totals")
                if page is not None and page.phase == _CLOSED
                else _lt("statement line before the opening balance :60F:"),
            )
        if self._pending is not None:
            self._finish_transaction()
        self._pending = [
            line,
            parse_statement_line(tag, line, lines, self._warn),
            None,
        ]

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
        if page is None or page.phase != _MOVEMENTS or page.opening is None:
            raise Mt940Error(
                line,
                tag,
                _lt("closing balance without an opening balance :60F:")
                if page is None or page.phase == _HEADER or page.opening is None
                else _lt("second closing balance in one statement"),
            )
        if self._pending is not None:
            self._finish_transaction()
        closing = parse_balance(tag, line, lines, self._warn)
        self._check(check_currency, closing, tag, page.opening)
        self._check(check_page_balance, page.opening, page.movements, closing)
        if page.restart_after is not None:
            self._check(self._check_number, page, page.restart_after, closing.date)
        page.closing = closing
        page.phase = _CLOSED

    def _closed_page(self, tag, line):
        page = self._page
        if page is None or page.phase != _CLOSED:
            raise Mt940Error(line, tag, _lt("comes before the closing balance :62F:"))
        return page

    def _on_available(self, tag, line, lines):
        page = self._closed_page(tag, line)
        balance = parse_balance(tag, line, lines, self._warn)
        if page.opening is not None:
            self._check(check_currency, balance, tag, page.opening)
            page.available = balance

    def _on_forward(self, tag, line, lines):
        page = self._closed_page(tag, line)
        balance = parse_balance(tag, line, lines, self._warn)
        if page.opening is not None:
            self._check(check_currency, balance, tag, page.opening)
            page.forward.append(balance)

    def _on_end_of_message(self, tag, line, lines):
        page = self._page
        if page is None:
            return
        if page.phase != _CLOSED:
            raise Mt940Error(
                line,
                ":90D:" if page.interim else ":62F:",
                _lt(
                    "missing: the interim report that starts on line %(line)s "
                    "ends without its totals :90D:/:90C:",
                    line=page.line,
                )
                if page.interim
                else _lt(
                    "missing: the statement that starts on line %(line)s ends "
                    "without a closing balance",
                    line=page.line,
                ),
            )
        self._finish_page()

    def _on_end_of_file(self, tag, line, lines):
        page = self._page
        if page is not None:
            if page.phase != _CLOSED and page.interim:
                raise Mt940Error(
                    line,
                    ":90D:",
                    _lt(
                        "missing: the file ends before the totals :90D:/:90C: of "
                        "the interim report that starts on line %(line)s "
                        "(truncated file?)",
                        line=page.line,
                    ),
                )
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
        currency = page.currency
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
            return self._report(
                Mt940Error(
                    page.number_line,
                    ":28C:",
                    _lt(
                        "statement number %(number)s after an intermediate "
                        "closing :62M: of statement %(previous)s (line %(line)s): "
                        "the next page of that statement is missing",
                        number=page.number,
                        previous=held.statement_number,
                        line=last.line,
                    ),
                )
            )
        previous_sequence = self._held_sequence
        if (
            page.sequence is not None
            and previous_sequence is not None
            and page.sequence != previous_sequence + 1
        ):
            return self._report(
                Mt940Error(
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
            )
        opening = page.opening
        self._check(
            check_continues,
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
                self._check(self._check_number, page, previous, opening.date)
        self._check(
            check_continues,
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

    def _check(self, check, *args):
        """Run ``check``: its Mt940Error stops the parse, or is only reported
        when the caller collects problems."""
        if self._problems is None:
            check(*args)
            return
        try:
            check(*args)
        except Mt940Error as error:
            self._problems.append(error)

    def _report(self, error):
        self._check(_raise, error)

    # -- finished statements ------------------------------------------------

    def _finish_page(self):
        page = self._page
        self._page = None
        if page.interim:
            self._finish_interim(page)
            return
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

    def _finish_interim(self, page):
        self._seen_any = True
        self._ready.append(
            Statement(
                page.reference or "",
                page.related,
                page.account,
                to_iban(page.account),
                page.number,
                page.sequence,
                page.number_raw,
                None,
                None,
                None,
                (),
                page.transactions,
                _information(page),
                1,
                page.line,
                self._encoding(),
                report_currency=page.currency,
                report_time=page.report_time,
                floor_limits=tuple(page.floor_limits),
                debit_total=page.debit_total,
                credit_total=page.credit_total,
            )
        )

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


def _raise(error):
    raise error


_REPORT_TIME_LENGTHS = (10, 15)  # YYMMDDHHMM, then +hhmm or -hhmm


def _report_time(tag, line, text):
    """:13D: ``YYMMDDHHMM+hhmm`` as an aware datetime (no offset: UTC)."""
    if (
        len(text) not in _REPORT_TIME_LENGTHS
        or not text[:10].isascii()
        or not text[:10].isdigit()
    ):
        raise Mt940Error(
            line,
            tag,
            _lt("date and time %(text)r is not YYMMDDHHMM+hhmm", text=text[:30]),
        )
    try:
        day = parse_yymmdd(text[:6])
        hour, minute = int(text[6:8]), int(text[8:10])
        offset = timezone.utc
        if len(text) == 15:
            sign, zone = text[10], text[11:]
            if sign not in "+-" or not zone.isascii() or not zone.isdigit():
                raise ValueError(text)
            delta = timedelta(hours=int(zone[:2]), minutes=int(zone[2:]))
            offset = timezone(-delta if sign == "-" else delta)
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=offset)
    except ValueError:
        raise Mt940Error(
            line,
            tag,
            _lt("date and time %(text)r does not exist", text=text),
        ) from None


def _total(tag, line, text):
    """:90D:/:90C: ``count currency amount`` (``5n3!a15d``)."""
    position = 0
    while position < len(text) and position < 5 and "0" <= text[position] <= "9":
        position += 1
    currency = text[position : position + 3]
    if not position or len(currency) != 3 or not currency.isalpha():
        raise Mt940Error(
            line,
            tag,
            _lt(
                "total %(text)r is not a number of entries, a currency and an amount",
                text=text[:30],
            ),
        )
    try:
        amount = parse_amount(text[position + 3 :])
    except ValueError as error:
        raise Mt940Error(line, tag, error.args[0]) from None
    return Total(int(text[:position]), currency, amount, line)


def check_total(total, tag, transactions, debits):
    """The :90D: (:90C:) total counts and sums the report's debits (credits)."""
    amounts = [t.amount for t in transactions if (t.amount < 0) == debits]
    count, amount = len(amounts), abs(sum(amounts))
    if count != total.count or amount != total.amount:
        raise Mt940Error(
            total.line,
            tag,
            _lt(
                "the total says %(count)s %(kind)s for %(amount)s but the report "
                "holds %(found)s for %(found_amount)s: it does not add up",
                count=total.count,
                kind=_lt("debits") if debits else _lt("credits"),
                amount=money(total.amount, total.currency),
                found=count,
                found_amount=money(amount, total.currency),
            ),
        )
