"""Render statements as SWIFT MT940 text.

The Sandbox Bank serves its ledger in this format, and the MT940 tests
render random statements with it and read them back with the parser. It writes what
Polish and German banks write:

- ``layout="polish"``: a 3-digit code then ``^NN`` sub-fields (``separator``
  may be ``~`` or ``<`` as some banks use): ``00`` description, ``20``-``29``
  title in 35-character pieces, ``30`` bank sort code, ``31`` account, ``32``
  -``33`` name, ``38`` IBAN, ``62``-``63`` address;
- ``layout="german"``: GVC code, ``?00`` posting text, ``?20``-``?29`` and
  ``?60``-``?63`` remittance in 27-character pieces with the SEPA keywords
  (``EREF+``, ``KREF+``, ``MREF+``, ``CRED+``, ``SVWZ+``), ``?30`` BIC,
  ``?31`` IBAN, ``?32``-``?33`` name;
- ``layout="mbank"``: labelled text ``...; Z RACH.: ...; OD: ...; TYT.: ...``
  (``NA RACH.``/``DLA`` for money out);
- ``layout="plain"``: the title as free text.

:86: text is cut into lines of 65 characters. Sub-field layouts are cut
anywhere (readers concatenate the lines); free text is cut at full width, or
at a space when the cut would land next to one, so that "a full line
continues a word, a shorter line ends one" reads it back exactly.

Nothing here imports the parser: a writer of its own, so that reading back
what it wrote tests the parser against an independent implementation.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

LAYOUTS = ("polish", "german", "mbank", "plain")
LINE_WIDTH = 65
_POLISH_TITLE_WIDTH = 35
_POLISH_NAME_WIDTH = 35
_GERMAN_WIDTH = 27
_POLISH_TITLE_FIELDS = [*range(20, 30), 60, 61]
_GERMAN_TEXT_FIELDS = [*range(20, 30), *range(60, 64)]
_BAD_LINE_STARTS = (":", "-", "{")


@dataclass(frozen=True)
class Details86:
    """What the :86: field of a movement says."""

    code: str | None = None  # 3 digits: Polish transaction code / German GVC
    description: str | None = None
    title: str | None = None
    counterparty_name: str | None = None
    counterparty_address: str | None = None
    counterparty_account: str | None = None  # IBAN, or NRB for Polish banks
    counterparty_bank_code: str | None = None  # sort code or BIC
    end_to_end_id: str | None = None
    mandate_id: str | None = None
    creditor_id: str | None = None
    reference: str | None = None  # mBank's TNR


@dataclass(frozen=True)
class StatementLine:
    """One movement: the :61: line and its :86:."""

    value_date: date
    amount: Decimal  # signed: positive is money in
    entry_date: date | None = None
    type_code: str = "NTRF"
    customer_reference: str | None = None  # written NONREF when None
    bank_reference: str | None = None
    supplementary_details: str | None = None
    funds_code: str | None = None
    reversal: bool = False  # RC / RD instead of D / C
    details: Details86 | None = None


@dataclass(frozen=True)
class StatementData:
    """One statement to render (its pages are cut by ``page_size``)."""

    account: str
    currency: str
    opening_balance: Decimal
    opening_date: date
    lines: Sequence[StatementLine] = ()
    statement_number: int = 1
    reference: str | None = None
    related_reference: str | None = None
    closing_date: date | None = None  # default: the last value date
    available_balance: Decimal | None = None  # :64: (default: none)
    forward_balances: Sequence[tuple[date, Decimal]] = field(default_factory=tuple)

    @property
    def closing_balance(self):
        return self.opening_balance + sum(
            (line.amount for line in self.lines), Decimal()
        )


def format_amount(amount):
    """MT940 amount of ``abs(amount)``: decimal comma, at least 2 decimals."""
    amount = abs(amount)
    if amount.as_tuple().exponent > -2:
        amount = amount.quantize(Decimal("0.01"))
    return format(amount, "f").replace(".", ",")


def _yymmdd(day):
    return day.strftime("%y%m%d")


def _balance(tag, day, currency, amount):
    mark = "D" if amount < 0 else "C"
    return f"{tag}{mark}{_yymmdd(day)}{currency}{format_amount(amount)}"


def _clean(text, forbidden=""):
    """One line of text without control characters nor ``forbidden`` ones."""
    if not text:
        return ""
    for char in forbidden:
        text = text.replace(char, " ")
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def _pieces(text, width):
    """``text`` cut every ``width`` characters."""
    return [text[index : index + width] for index in range(0, len(text), width)]


def _wrap_structured(text):
    """Cut sub-field text into 65-character lines (the first follows ":86:").

    A cut that would start a line with ":", "-" or "{" (read as a new field
    or the end of a message) moves one character back.
    """
    lines = []
    width = LINE_WIDTH - 4
    while len(text) > width:
        cut = width
        while cut > 1 and text[cut] in _BAD_LINE_STARTS:
            cut -= 1
        lines.append(text[:cut])
        text = text[cut:]
        width = LINE_WIDTH
    lines.append(text)
    return lines


def _wrap_free(text):
    """Cut free text into 65-character lines that read back exactly: a full
    line continues a word, a shorter one ends it (the space is dropped)."""
    lines = []
    width = LINE_WIDTH - 4
    while len(text) > width:
        cut = width
        if text[cut - 1] == " " or text[cut] == " " or text[cut] in _BAD_LINE_STARTS:
            space = text.rfind(" ", 1, cut)
            while space > 0 and text[space + 1 : space + 2] in _BAD_LINE_STARTS:
                space = text.rfind(" ", 1, space)
            if space > 0:
                lines.append(text[:space])
                text = text[space + 1 :]
                width = LINE_WIDTH
                continue
        lines.append(text[:cut])
        text = text[cut:]
        width = LINE_WIDTH
    lines.append(text)
    return lines


def _numbered(fields, separator):
    return "".join(
        f"{separator}{number:02d}{value}" for number, value in fields if value
    )


def _polish_86(details, separator):
    bad = separator + "^~<?"
    fields = [(0, _clean(details.description, bad))]
    title = _clean(details.title, bad)
    pieces = _pieces(title, _POLISH_TITLE_WIDTH)[: len(_POLISH_TITLE_FIELDS)]
    fields += list(zip(_POLISH_TITLE_FIELDS, pieces, strict=False))
    account = _clean(details.counterparty_account, bad).replace(" ", "")
    fields.append((30, _clean(details.counterparty_bank_code, bad)))
    if account and not account[:2].isalpha():
        fields.append((31, account))
    name = _pieces(_clean(details.counterparty_name, bad), _POLISH_NAME_WIDTH)[:2]
    fields += list(zip((32, 33), name, strict=False))
    if account and account[:2].isalpha():
        fields.append((38, account))
    address = _pieces(_clean(details.counterparty_address, bad), _POLISH_NAME_WIDTH)
    fields += list(zip((62, 63), address[:2], strict=False))
    fields.sort(key=lambda pair: pair[0])
    code = details.code or "000"
    return _wrap_structured(code + _numbered(fields, separator))


def _german_86(details):
    bad = "?^~<"
    remittance = []
    for keyword, value in (
        ("EREF", details.end_to_end_id),
        ("MREF", details.mandate_id),
        ("CRED", details.creditor_id),
        ("SVWZ", details.title),
    ):
        value = _clean(value, bad)
        if value:
            remittance += _pieces(f"{keyword}+{value}", _GERMAN_WIDTH)
    fields = [(0, _clean(details.description, bad))]
    fields += list(zip(_GERMAN_TEXT_FIELDS, remittance, strict=False))
    fields.append((30, _clean(details.counterparty_bank_code, bad)))
    fields.append((31, _clean(details.counterparty_account, bad).replace(" ", "")))
    name = _pieces(_clean(details.counterparty_name, bad), _GERMAN_WIDTH)[:2]
    fields += list(zip((32, 33), name, strict=False))
    fields.sort(key=lambda pair: pair[0])
    code = details.code or "166"
    return _wrap_structured(code + _numbered(fields, "?"))


def _mbank_86(details, outgoing):
    parts = [_clean(details.description, ";")]
    account = _clean(details.counterparty_account).replace(" ", "")
    if account:
        parts.append(("NA RACH.: " if outgoing else "Z RACH.: ") + account)
    name = _clean(details.counterparty_name, ";")
    address = _clean(details.counterparty_address, ";")
    party = f"{name} {address}".strip()
    if party:
        parts.append(("DLA: " if outgoing else "OD: ") + party)
    if details.title:
        parts.append("TYT.: " + _clean(details.title))
    if details.reference:
        parts.append("TNR: " + _clean(details.reference, ";"))
    text = "; ".join(part for part in parts if part)
    if details.code:
        text = f"{details.code} {text}"
    return _wrap_free(text)


def render_86(details, layout="polish", separator="^", outgoing=False):
    """The lines of the :86: field (without the tag) for ``details``."""
    if layout == "polish":
        return _polish_86(details, separator)
    if layout == "german":
        return _german_86(details)
    if layout == "mbank":
        return _mbank_86(details, outgoing)
    if layout == "plain":
        return _wrap_free(_clean(details.title) or _clean(details.description))
    raise ValueError(f"unknown MT940 layout {layout!r}; use one of {LAYOUTS}")


def _reference(value, what):
    value = _clean(value)
    if len(value) > 16 or "//" in value:
        raise ValueError(f"{what} {value!r} is longer than 16 characters or holds //")
    return value


def render_61(line):
    """The lines of the :61: field (without the tag) of ``line``."""
    amount = line.amount
    if line.reversal:
        mark = "RC" if amount < 0 else "RD"
    else:
        mark = "D" if amount < 0 else "C"
    entry = line.entry_date.strftime("%m%d") if line.entry_date else ""
    funds = line.funds_code or ""
    customer = _reference(line.customer_reference, "customer reference") or "NONREF"
    text = (
        f"{_yymmdd(line.value_date)}{entry}{mark}{funds}{format_amount(amount)}"
        f"{line.type_code}{customer}"
    )
    if line.bank_reference:
        text += "//" + _reference(line.bank_reference, "bank reference")
    lines = [text]
    if line.supplementary_details:
        lines.append(_clean(line.supplementary_details)[:34])
    return lines


def render_statement(statement, layout="polish", separator="^", page_size=None):
    """The lines of one statement, in pages of ``page_size`` movements
    (:62M:/:60M: between pages) when given."""
    movements = list(statement.lines)
    size = page_size or max(len(movements), 1)
    pages = [movements[i : i + size] for i in range(0, len(movements), size)] or [[]]
    reference = _clean(statement.reference) or f"MT940{statement.statement_number:06d}"
    balance = statement.opening_balance
    balance_date = statement.opening_date
    currency = statement.currency
    out = []
    for index, page in enumerate(pages, start=1):
        last = index == len(pages)
        out.append(f":20:{reference[:16]}")
        if statement.related_reference:
            out.append(f":21:{_clean(statement.related_reference)[:16]}")
        out.append(f":25:{statement.account}")
        out.append(f":28C:{statement.statement_number}/{index}")
        out.append(
            _balance(
                ":60F:" if index == 1 else ":60M:", balance_date, currency, balance
            )
        )
        for movement in page:
            field_61 = render_61(movement)
            out.append(":61:" + field_61[0])
            out.extend(field_61[1:])
            if movement.details is not None:
                field_86 = render_86(
                    movement.details, layout, separator, movement.amount < 0
                )
                out.append(":86:" + field_86[0])
                out.extend(field_86[1:])
            balance += movement.amount
            balance_date = max(balance_date, movement.value_date)
        if last:
            balance_date = statement.closing_date or balance_date
        out.append(
            _balance(":62F:" if last else ":62M:", balance_date, currency, balance)
        )
        if last and statement.available_balance is not None:
            out.append(
                _balance(":64:", balance_date, currency, statement.available_balance)
            )
        if last:
            out.extend(
                _balance(":65:", day, currency, amount)
                for day, amount in statement.forward_balances
            )
        if not last:
            out.append("-")
    return out


def render(
    statements,
    layout="polish",
    separator="^",
    envelope=False,
    page_size=None,
    newline="\r\n",
    bic="SANDPLPWXXX",
):
    """A whole MT940 file as text: statements separated by "-" lines, or each
    in its SWIFT envelope ``{1:...}{2:...}{4:`` ... ``-}``."""
    out = []
    for statement in statements:
        lines = render_statement(statement, layout, separator, page_size)
        if envelope:
            branch = bic[8:11] or "XXX"
            out.append(
                f"{{1:F01{bic[:8]}A{branch}0000000000}}"
                f"{{2:I940{bic[:8]}X{branch}N}}{{4:"
            )
            out.extend(lines)
            out.append("-}")
        else:
            out.extend(lines)
            out.append("-")
    return newline.join(out) + newline


def render_bytes(statements, encoding="utf-8", **options):
    """:func:`render` encoded (``"utf-8-sig"`` writes a byte order mark).
    Characters the codec lacks become "?"."""
    return render(statements, **options).encode(encoding, "replace")
