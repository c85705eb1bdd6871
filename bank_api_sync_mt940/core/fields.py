"""The grammar of the MT940 fields that carry numbers: balances, :28C: and
the :61: statement line.

Each function takes the field's line number and its lines (as yielded by the
tokenizer) and raises :class:`Mt940Error` naming that line and the field.
"""

import calendar
import re
from datetime import date
from decimal import Decimal

from .errors import Mt940Error, _lt
from .model import Balance

_AMOUNT = re.compile(r"[0-9]{1,15}(?:,[0-9]*)?")
# :28C: is 5n[/5n]; some banks number further (and write more after a
# second "/"): up to 9 ASCII digits, so that int() never sees other digits.
_NUMBER = re.compile(r"[0-9]{1,9}")
_CURRENCY = re.compile(r"[A-Z]{3}")
# :61: = value date, [entry date], mark, [funds code], amount, type code,
# then customer reference, "//" bank reference on the same line.
_STATEMENT_LINE = re.compile(
    r"(([0-9]{6})([0-9]{4})?)(R?[CD])([A-Z]?)([0-9]{1,15}(?:,[0-9]*)?)"
    r"([NFS][A-Za-z0-9]{3})"
)
# The same with spaces before or inside the type code ("C12,50 NTRF",
# "D5,00N MSC"): tolerated, with a warning.
_PADDED_STATEMENT_LINE = re.compile(
    r"(([0-9]{6})([0-9]{4})?)(R?[CD])([A-Z]?)([0-9]{1,15}(?:,[0-9]*)?) *"
    r"([NFS] *[A-Za-z0-9]{3})"
)
_AMOUNT_CHARS = re.compile(r"[0-9,.]*")
_LETTERS = re.compile(r"[A-Za-z]{0,2}")

SIGNS = {"C": 1, "D": -1, "RC": -1, "RD": 1}

# Caches: statements repeat the same few dates. Emptied when they grow past
# _CACHE_LIMIT, so that memory does not grow with the length of a file.
_CACHE_LIMIT = 4096
_dates = {}  # "YYMMDD" -> date
_entry_dates = {}  # (value date, "MMDD") -> date
_line_dates = {}  # "YYMMDD[MMDD]" of a :61: -> (value date, entry date)


def parse_yymmdd(text):
    """``date`` of a SWIFT YYMMDD (years 80-99 are 19xx); ValueError if none."""
    known = _dates.get(text)
    if known is not None:
        return known
    if len(text) != 6 or not text.isascii() or not text.isdigit():
        raise ValueError(_lt("date %(date)r is not in the form YYMMDD", date=text))
    year = int(text[:2])
    year += 1900 if year >= 80 else 2000
    try:
        result = date(year, int(text[2:4]), int(text[4:6]))
    except ValueError:
        raise ValueError(_lt("date %(date)r does not exist", date=text)) from None
    if len(_dates) >= _CACHE_LIMIT:
        _dates.clear()
    _dates[text] = result
    return result


def entry_date(value_date, mmdd):
    """The booking date MMDD in the year that puts it nearest to the value
    date: 1231 with a value date in early January is December of the year
    before, 0102 with a value date in late December January of the next."""
    key = (value_date, mmdd)
    known = _entry_dates.get(key)
    if known is not None:
        return known
    month, day = int(mmdd[:2]), int(mmdd[2:])
    best = None
    for year in (value_date.year, value_date.year - 1, value_date.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if best is None or abs(candidate - value_date) < abs(best - value_date):
            best = candidate
    if best is None:
        raise ValueError(_lt("entry date %(date)r does not exist", date=mmdd))
    if len(_entry_dates) >= _CACHE_LIMIT:
        _entry_dates.clear()
    _entry_dates[key] = best
    return best


def last_day_instead(year, month, day):
    """The last day of the month for a day 29-31 past its end (the 30th of
    February banks print for interest postings, counting 30-day months);
    None for any other impossible date."""
    if not 1 <= month <= 12 or not 29 <= day <= 31:
        return None
    last = calendar.monthrange(year, month)[1]
    return date(year, month, last) if day > last else None


def tolerant_yymmdd(text):
    """(date, None) of a YYMMDD, or (last day of the month, warning reason)
    for a day past the month's end; ValueError for any other bad date."""
    try:
        return parse_yymmdd(text), None
    except ValueError:
        if len(text) != 6 or not text.isascii() or not text.isdigit():
            raise
        year = int(text[:2])
        year += 1900 if year >= 80 else 2000
        instead = last_day_instead(year, int(text[2:4]), int(text[4:6]))
        if instead is None:
            raise
    return instead, _lt(
        "date %(date)r does not exist: read as %(instead)s, the last day of "
        "that month",
        date=text,
        instead=instead.isoformat(),
    )


def tolerant_entry_date(value_date, mmdd):
    """(booking date, None) of an MMDD, or (last day of the month, warning
    reason) for a day past the month's end."""
    try:
        return entry_date(value_date, mmdd), None
    except ValueError:
        month, day = int(mmdd[:2]), int(mmdd[2:])
        for year in (value_date.year, value_date.year + 1, value_date.year - 1):
            instead = last_day_instead(year, month, day)
            if instead is not None and abs((instead - value_date).days) < 200:
                break
        else:
            raise
    return instead, _lt(
        "entry date %(date)r does not exist: read as %(instead)s, the last day "
        "of that month",
        date=mmdd,
        instead=instead.isoformat(),
    )


def parse_amount(text):
    """Decimal of an MT940 amount ("1234,56"); ValueError saying what is wrong."""
    if not text:
        raise ValueError(_lt("amount missing"))
    if not _AMOUNT.fullmatch(text):
        if "." in text:
            raise ValueError(
                _lt(
                    "amount %(amount)r is not a number (MT940 amounts use a "
                    "decimal comma)",
                    amount=text,
                )
            )
        raise ValueError(_lt("amount %(amount)r is not a number", amount=text))
    return Decimal(text.replace(",", "."))


def _shorten(text, limit=30):
    return text if len(text) <= limit else text[:limit] + "..."


def _single_line(tag, line, lines):
    if len(lines) > 1 and any(extra.strip() for extra in lines[1:]):
        raise Mt940Error(
            line,
            tag,
            _lt("unexpected second line %(text)r", text=lines[1].strip()),
        )
    return lines[0].strip()


def parse_balance(tag, line, lines, warn=None):
    """A balance field: D/C mark, YYMMDD, currency, amount (``1!a6!n3!a15d``).

    ``warn(line, tag, reason, code)``, when given, hears of a date past its
    month's end, read as the month's last day (without it: an error)."""
    value = _single_line(tag, line, lines)
    if not value:
        raise Mt940Error(line, tag, _lt("balance missing"))
    mark = value[0]
    if mark not in "CD":
        raise Mt940Error(
            line, tag, _lt("debit/credit mark %(mark)r is not C or D", mark=mark)
        )
    try:
        when = parse_yymmdd(value[1:7])
    except ValueError as error:
        when = _tolerated_date(tag, line, value[1:7], warn, error)
    currency = value[7:10]
    if not _CURRENCY.fullmatch(currency):
        raise Mt940Error(
            line,
            tag,
            _lt("currency %(currency)r is not a 3-letter code", currency=currency),
        )
    try:
        amount = parse_amount(value[10:])
    except ValueError as error:
        raise Mt940Error(line, tag, error.args[0]) from None
    return Balance(
        mark,
        when,
        currency,
        -amount if mark == "D" else amount,
        tag in (":60M:", ":62M:"),
        line,
    )


def _tolerated_date(tag, line, text, warn, error):
    """The date a bank printed that does not exist, read as the month's
    last day with a warning; else the parse error."""
    if warn is None:
        raise Mt940Error(line, tag, error.args[0]) from None
    try:
        when, reason = tolerant_yymmdd(text)
    except ValueError:
        raise Mt940Error(line, tag, error.args[0]) from None
    warn(line, tag, reason, "impossible_date")
    return when


def parse_statement_number(tag, line, lines):
    """:28C: ``number[/sequence]`` -> (number, sequence, raw).

    Some banks write more (Pekao: ``036/2024/BPL``, number/year/system):
    then only the number counts.
    """
    raw = _single_line(tag, line, lines)
    parts = raw.split("/")
    if not _NUMBER.fullmatch(parts[0]):
        raise Mt940Error(
            line,
            tag,
            _lt(
                "statement number %(number)r is not a number",
                number=_shorten(raw),
            ),
        )
    sequence = None
    if len(parts) == 2:
        if not _NUMBER.fullmatch(parts[1]):
            raise Mt940Error(
                line,
                tag,
                _lt(
                    "sequence number %(number)r is not a number",
                    number=_shorten(parts[1]),
                ),
            )
        sequence = int(parts[1])
    return int(parts[0]), sequence, raw


def parse_statement_line(tag, line, lines, warn=None):
    """:61: -> (value_date, entry_date, mark, funds_code, signed amount,
    type_code, customer_reference, bank_reference, supplementary_details).

    ``customer_reference`` is None for NONREF; the supplementary details are
    the field's next line(s). ``warn(line, tag, reason, code)``, when given,
    hears of what is tolerated (a padded type code, a date past its month's
    end); without it those are errors.
    """
    text = lines[0]
    match = _STATEMENT_LINE.match(text)
    if match is None:
        match = _padded_statement_line(tag, line, text, warn)
    (
        dates_text,
        value_text,
        entry_text,
        mark,
        funds,
        amount_text,
        type_code,
    ) = match.groups()
    customer, _, bank = text[match.end() :].partition("//")
    customer = customer.strip()
    bank = bank.strip()
    if " " in type_code:
        type_code = type_code.replace(" ", "")
    dates = _line_dates.get(dates_text)
    if dates is None:
        try:
            value_date = parse_yymmdd(value_text)
            booked = entry_date(value_date, entry_text) if entry_text else None
        except ValueError as error:
            dates = _tolerated_line_dates(tag, line, value_text, entry_text, warn)
            if dates is None:
                raise Mt940Error(line, tag, error.args[0]) from None
        else:
            if len(_line_dates) >= _CACHE_LIMIT:
                _line_dates.clear()
            dates = _line_dates[dates_text] = (value_date, booked)
    amount = Decimal(amount_text.replace(",", "."))
    if mark == "D" or mark == "RC":  # faster than "in" a tuple
        amount = -amount
    if not customer or customer == "NONREF" or customer.upper() == "NONREF":
        customer = None
    supplementary = None
    if len(lines) > 1:
        supplementary = " ".join([part.strip() for part in lines[1:]]).strip() or None
    return (
        dates[0],
        dates[1],
        mark,
        funds or None,
        amount,
        type_code,
        customer,
        bank or None,
        supplementary,
    )


def _padded_statement_line(tag, line, text, warn):
    """The match of a :61: whose type code is padded with spaces, with a
    warning; else the precise error."""
    match = _PADDED_STATEMENT_LINE.match(text) if warn is not None else None
    if match is None:
        _explain_statement_line(tag, line, text.rstrip())
    warn(
        line,
        tag,
        _lt(
            "spaces around the transaction type code %(code)r skipped",
            code=match.group(7).strip(),
        ),
        "padded_type_code",
    )
    return match


def _tolerated_line_dates(tag, line, value_text, entry_text, warn):
    """(value date, entry date) when one of them is past its month's end
    (read as its last day, each with a warning); None when not tolerated.
    Not cached, so that every line says so."""
    if warn is None:
        return None
    try:
        value_date, value_reason = tolerant_yymmdd(value_text)
        booked = entry_reason = None
        if entry_text:
            booked, entry_reason = tolerant_entry_date(value_date, entry_text)
    except ValueError:
        return None
    for reason in (value_reason, entry_reason):
        if reason is not None:
            warn(line, tag, reason, "impossible_date")
    return value_date, booked


def _explain_statement_line(tag, line, text):
    """Raise the precise reason why ``text`` is not a :61: statement line."""

    def fail(reason):
        raise Mt940Error(line, tag, reason)

    if not text:
        fail(_lt("statement line is empty"))
    value_text = text[:6]
    try:
        value_date = parse_yymmdd(value_text)
    except ValueError:
        fail(
            _lt(
                "value date %(date)r is not a date in the form YYMMDD",
                date=value_text,
            )
        )
    position = 6
    if text[6:10].isascii() and text[6:10].isdigit():
        try:
            entry_date(value_date, text[6:10])
        except ValueError as error:
            fail(error.args[0])
        position = 10
    if text.startswith(("RC", "RD"), position):
        position += 2
    elif text[position : position + 1] in ("C", "D"):
        position += 1
    else:
        letters = _LETTERS.match(text, position).group()
        found = letters or text[position : position + 1]
        fail(
            _lt(
                "debit/credit mark %(mark)r is not C, D, RC or RD",
                mark=found or "missing",
            )
        )
    if text[position : position + 1].isalpha():
        position += 1  # funds code
    amount_text = _AMOUNT_CHARS.match(text, position).group()
    try:
        parse_amount(amount_text)
    except ValueError as error:
        fail(error.args[0])
    position += len(amount_text)
    type_code = text[position : position + 4]
    if not type_code:
        fail(_lt("transaction type code missing after the amount"))
    fail(
        _lt(
            "transaction type %(code)r is not N, F or S followed by 3 letters "
            "or digits",
            code=type_code,
        )
    )
