"""The :86: text of a transaction, decoded into named fields.

Four layouts, told apart by how the text starts:

- **Polish sub-fields**: a 3-digit transaction code, then sub-fields opened by
  a separator and two digits: ``^`` (Pekao, Santander), ``~`` (PKO BP, ING) or
  ``<`` (Millennium); the separator is detected, not configured. Which number
  holds what differs a little between banks, hence the :data:`PROFILES`,
  chosen from the statement's account (see ``accounts.polish_bank``) unless
  the caller names one.
- **German sub-fields** (DFÜ agreement): the GVC code, then ``?00`` posting
  text, ``?10`` primanota, ``?20``-``?29`` and ``?60``-``?63`` remittance
  (with the SEPA keywords ``EREF+``, ``KREF+``, ``MREF+``, ``CRED+``,
  ``SVWZ+``, ``ABWA+``...), ``?30`` BIC or sort code, ``?31`` IBAN or account,
  ``?32``-``?33`` name, ``?34`` text key extension.
- **mBank labelled text**: ``<description>; Z RACH.: <account>; OD: <name and
  address>; TYT.: <title>; TNR: <reference>`` (``NA RACH.`` and ``DLA`` on
  outgoing payments).
- **plain text**: everything else; the whole text is the title.

How pieces are joined: banks cut long values into fixed-width pieces (the
lines of the field, or one sub-field per piece: ``^20``-``^25`` for a title),
often in the middle of a word, and some pad short pieces with spaces. The
lines of a sub-field layout are concatenated as they are (the sub-field
numbers say where values end). The pieces of one value are concatenated when
a piece fills at least :data:`PIECE_WIDTH` characters (it may have been cut in
a word), with a space after a shorter piece (its writer ended a word there);
free-text lines likewise, a full line being 65 characters. Runs of spaces
then become one space.

Limits: a bank that cuts values at word boundaries without keeping the space
in pieces of 27 characters or more gets two words glued together; the
address is told apart from the name in mBank's ``OD:``/``DLA:`` only by a
street abbreviation (``UL.``, ``AL.``, ``OS.``, ``PL.``) or a postal code.
"""

import re

from .accounts import compact, iban_of_compact
from .details import EMPTY_DETAILS, Details

POLISH_SEPARATORS = "^~<"
GERMAN_SEPARATOR = "?"
_SEPARATORS = frozenset(POLISH_SEPARATORS + GERMAN_SEPARATOR)
_NUMBERS = frozenset(f"{number:02d}" for number in range(100))
_PAIRS = {
    separator: re.compile(
        re.escape(separator) + "([0-9]{2})([^" + re.escape(separator) + "]*)"
    )
    for separator in _SEPARATORS
}
_LINE_WIDTH = 65  # 6*65x; the first line also holds the 4 characters ":86:"
# The narrowest sub-field banks cut long values into (German ?20-?29 and
# Pekao ^20-^25 hold 27 characters, other Polish banks 35).
PIECE_WIDTH = 27

_DESCRIPTION = "description"
_OPERATION = "operation_number"
_TITLE = "title"
_BANK_CODE = "bank_code"
_ACCOUNT = "account"
_NAME = "name"
_ADDRESS = "address"
_TEXT_CODE = "text_code"
_IBAN = "iban"


def _profile(**overrides):
    mapping = {"00": _DESCRIPTION, "10": _OPERATION, "30": _BANK_CODE}
    mapping.update({str(number): _TITLE for number in range(20, 30)})
    mapping.update({"31": _ACCOUNT, "32": _NAME, "33": _NAME, "34": _TEXT_CODE})
    mapping.update({"38": _IBAN, "60": _TITLE, "61": _TITLE})
    mapping.update({"62": _ADDRESS, "63": _ADDRESS})
    mapping.update(overrides)
    return mapping


# Sub-field number -> role, per bank. "default" follows the common Polish
# layout (PKO BP, Pekao, Santander, Millennium): ^20-^29 and ^60-^61 title
# lines, ^32-^33 name, ^62-^63 address. ING Bank Slaski writes the name in
# ~32 and the address in ~33.
PROFILES = {
    "default": _profile(),
    "ing": _profile(**{"33": _ADDRESS}),
}
BANK_PROFILES = {"ing": "ing"}

GERMAN_MAPPING = {
    "00": _DESCRIPTION,
    "10": _OPERATION,
    "30": _BANK_CODE,
    "31": _ACCOUNT,
    "32": _NAME,
    "33": _NAME,
    "34": _TEXT_CODE,
}
GERMAN_MAPPING.update({str(number): _TITLE for number in range(20, 30)})
GERMAN_MAPPING.update({str(number): _TITLE for number in range(60, 64)})

_GERMAN_TEXT = frozenset(key for key, role in GERMAN_MAPPING.items() if role == _TITLE)

SEPA_KEYWORDS = (
    "EREF",  # end-to-end reference
    "KREF",  # customer reference
    "MREF",  # mandate reference
    "CRED",  # creditor identifier
    "DEBT",  # debtor identifier
    "SVWZ",  # remittance information (the title)
    "ABWA",  # ultimate debtor
    "ABWE",  # ultimate creditor
    "COAM",  # compensation amount
    "OAMT",  # original amount
    "BREF",  # bank reference
    "RREF",  # return reference
    "PURP",  # purpose code
    "IBAN",
    "BIC",
)
_SEPA_PIECE = re.compile(r"(" + "|".join(SEPA_KEYWORDS) + r")\+")

_MBANK_LABEL = re.compile(r"(?:^|(?<=[;\s]))(Z RACH\.|NA RACH\.|OD|DLA|TYT\.|TNR):")
_MBANK_ROLES = {
    "Z RACH.": _ACCOUNT,
    "NA RACH.": _ACCOUNT,
    "OD": _NAME,
    "DLA": _NAME,
    "TYT.": _TITLE,
    "TNR": "TNR",
}
# Where an address starts inside "name and address": a street abbreviation
# or a Polish postal code.
_ADDRESS_START = re.compile(r"\s(?=(?:UL|AL|OS|PL)\.|\d{2}-\d{3}\b)", re.IGNORECASE)
_CODE_PREFIX = re.compile(r"(\d{3})\s+")


def _tidy(text):
    """Runs of whitespace become one space; empty becomes None."""
    if not text:
        return None
    text = text.strip()
    if "  " in text or "\t" in text:
        text = " ".join(text.split())
    return text or None


def join_pieces(pieces):
    """Sub-field pieces of one value joined: a piece of at least
    :data:`PIECE_WIDTH` characters may have been cut in a word and is
    continued as is; a shorter one ended where its writer ended a word."""
    text = previous = pieces[0]
    for piece in pieces[1:]:
        if (
            len(previous) < PIECE_WIDTH
            and previous[-1:] != " "
            and piece[:1] != " "
            and previous
        ):
            text += " "
        text += piece
        previous = piece
    return text


def join_free_text(lines):
    """Free-text lines joined: a full line continues a word, a short one ends it."""
    parts = [lines[0]]
    full = len(lines[0]) >= _LINE_WIDTH - 4  # the first line follows ":86:"
    for line in lines[1:]:
        parts.append(line if full else " " + line)
        full = len(line) >= _LINE_WIDTH
    return "".join(parts)


def _structure(text):
    """(separator, code, start of the first sub-field) or None for free text."""
    separator = text[3:4]
    if separator in _SEPARATORS and text[:3].isdigit() and text[4:6] in _NUMBERS:
        return separator, text[:3], 3
    separator = text[:1]
    if separator in _SEPARATORS and text[1:3] in _NUMBERS:
        return separator, None, 0
    return None


def _numbered(text, separator):
    """number -> text of the sub-fields of ``text`` (which starts with the
    separator), in file order; a number met twice gets its pieces joined, a
    separator not followed by two digits is text."""
    pairs = _PAIRS[separator].findall(text)
    if len(pairs) == text.count(separator):
        numbers = dict(pairs)
        if len(numbers) == len(pairs):
            return numbers
    numbers = {}
    number = None
    for part in text.split(separator)[1:]:
        key = part[:2]
        if key in _NUMBERS:
            number = key
            value = part[2:]
        elif number is None:
            continue
        else:
            value = separator + part
        numbers[number] = numbers[number] + value if number in numbers else value
    return numbers


def _roles(numbers, mapping):
    """role -> the text of the sub-fields that hold it (``mapping``: number
    -> role); a role held by several sub-fields gets their pieces joined in
    file order (see :func:`join_pieces`)."""
    found = {}
    several = None
    for key, value in numbers.items():
        role = mapping.get(key)
        if role is None:
            continue
        if role not in found:
            found[role] = value
            continue
        if several is None:
            several = {}
        pieces = several.get(role)
        if pieces is None:
            several[role] = [found[role], value]
        else:
            pieces.append(value)
    if several:
        for role, pieces in several.items():
            found[role] = join_pieces(pieces)
    return found


def _account_fields(account, bank_code):
    account = compact(account)
    iban = iban_of_compact(account)
    if iban is None and account and bank_code:
        # Polish: an 8-digit sort code and a 16-digit account make an NRB.
        sort_code = compact(bank_code)
        if sort_code and len(sort_code) == 8 and len(account) == 16:
            bban = sort_code + account
            if bban.isascii() and bban.isdigit():
                check = 98 - int(bban + "252100") % 97
                iban = f"PL{check:02d}{bban}"
    return account, iban


def _polish(text, separator, code, start, raw, profile):
    # The hot path of an import: _numbered and _roles inlined in one pass
    # over the sub-fields (see those functions for what each step means).
    mapping = PROFILES.get(profile)
    if mapping is None:
        profile = "default"
        mapping = PROFILES["default"]
    numbers = {}
    found = {}
    several = None
    # ``text[start:]`` starts with the separator: every piece after it must
    # open with a sub-field number met once, else _numbered's slower rules.
    for piece in text[start:].split(separator)[1:]:
        key = piece[:2]
        if key not in _NUMBERS or key in numbers:
            numbers = _numbered(text[start:], separator)
            found = _roles(numbers, mapping)
            several = None
            break
        value = numbers[key] = piece[2:]
        role = mapping.get(key)
        if role is None:
            continue
        if role not in found:
            found[role] = value
            continue
        if several is None:
            several = {}
        pieces = several.get(role)
        if pieces is None:
            several[role] = [found[role], value]
        else:
            pieces.append(value)
    if several:
        for role, pieces in several.items():
            found[role] = join_pieces(pieces)
    get = found.get
    bank_code = _tidy(get(_BANK_CODE))
    account, iban = _account_fields(get(_IBAN) or get(_ACCOUNT), bank_code)
    return Details(
        "polish",
        raw,
        code,
        _tidy(get(_DESCRIPTION)),
        _tidy(get(_TITLE)),
        _tidy(get(_NAME)),
        _tidy(get(_ADDRESS)),
        account,
        iban,
        bank_code,
        None,
        None,
        None,
        separator,
        profile,
        numbers,
        {},
    )


def _sepa(remittance_pieces):
    """(free text, {keyword: value}) of the German remittance sub-fields."""
    free = []
    segments = {}
    current = free
    for piece in remittance_pieces:
        match = _SEPA_PIECE.match(piece)
        if match:
            current = segments.setdefault(match.group(1), [])
            # The keyword counts in the piece's width, not in its value.
            current.append((piece[match.end() :], len(piece)))
        else:
            current.append((piece, len(piece)))
    references = {}
    for keyword, pieces in segments.items():
        value = _tidy(_join_measured(pieces))
        if value:
            references[keyword] = value
    return (_join_measured(free) if free else ""), references


def _join_measured(pieces):
    """Like :func:`join_pieces` for (text, width of its sub-field) pairs."""
    text, width = pieces[0]
    for piece, piece_width in pieces[1:]:
        if width < PIECE_WIDTH and text[-1:] != " " and piece[:1] != " " and text:
            text += " "
        text += piece
        width = piece_width
    return text


def _german(text, code, start, raw):
    numbers = _numbered(text[start:], GERMAN_SEPARATOR)
    remittance = [value for key, value in numbers.items() if key in _GERMAN_TEXT]
    free, references = _sepa(remittance)
    get = _roles(numbers, GERMAN_MAPPING).get
    account, iban = _account_fields(get(_ACCOUNT), None)
    end_to_end = references.get("EREF")
    if end_to_end and end_to_end.upper() == "NOTPROVIDED":
        end_to_end = None
    return Details(
        "german",
        raw,
        code,
        _tidy(get(_DESCRIPTION)),
        references.get("SVWZ") or _tidy(free),
        _tidy(get(_NAME)),
        None,
        account,
        iban,
        _tidy(get(_BANK_CODE)),
        end_to_end,
        references.get("MREF"),
        references.get("CRED"),
        separator=GERMAN_SEPARATOR,
        subfields=numbers,
        references=references,
    )


def split_name_address(text):
    """(name, address) of "NAME UL. STREET 1 00-001 CITY"; the address is None
    when no street or postal code shows where it starts."""
    if not text:
        return None, None
    match = _ADDRESS_START.search(text)
    if match is None:
        return _tidy(text), None
    return _tidy(text[: match.start()]), _tidy(text[match.end() :])


def _mbank(text, raw):
    labels = list(_MBANK_LABEL.finditer(text))
    head = text[: labels[0].start()]
    code = None
    prefix = _CODE_PREFIX.match(head)
    if prefix:
        code = prefix.group(1)
        head = head[prefix.end() :]
    values = {}
    for index, label in enumerate(labels):
        end = labels[index + 1].start() if index + 1 < len(labels) else len(text)
        value = text[label.end() : end].strip().rstrip(";").strip()
        role = _MBANK_ROLES[label.group(1)]
        values[role] = f"{values[role]} {value}" if role in values else value
    name, address = split_name_address(values.get(_NAME))
    account, iban = _account_fields(values.get(_ACCOUNT), None)
    references = {"TNR": values["TNR"]} if values.get("TNR") else {}
    return Details(
        "mbank",
        raw,
        code,
        _tidy(head.strip().rstrip(";")),
        _tidy(values.get(_TITLE, "")),
        name,
        address,
        account,
        iban,
        references=references,
    )


def raw_text(lines):
    """The :86: lines as a person reads them: joined by "\n", right-trimmed."""
    raw = "\n".join(lines)
    if " \n" in raw or raw[-1:] == " " or "\t" in raw:
        raw = "\n".join([line.rstrip() for line in lines])
    return raw


def parse_details(lines, profile=None, raw=None):
    """Details of the :86: field whose lines (as in the file) are ``lines``.

    ``profile`` names the Polish sub-field mapping (a key of :data:`PROFILES`);
    None means the common one. ``raw`` is ``raw_text(lines)`` when known.
    """
    if not lines:
        return EMPTY_DETAILS
    if raw is None:
        raw = raw_text(lines)
    text = lines[0].strip() if len(lines) == 1 else "".join(lines).strip()
    if not text:
        return Details("empty", raw)
    structure = _structure(text)
    if structure is not None:
        separator, code, start = structure
        if separator == GERMAN_SEPARATOR:
            return _german(text, code, start, raw)
        return _polish(text, separator, code, start, raw, profile)
    if len(lines) > 1:
        text = join_free_text([line.rstrip("\r\n") for line in lines]).strip()
    if ("TYT.:" in text or "RACH.:" in text) and _MBANK_LABEL.search(text):
        return _mbank(text, raw)
    return Details("plain", raw, title=_tidy(text))
