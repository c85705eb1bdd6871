"""Normalisation of document numbers, references and account numbers.

A document number is compared as a sequence of *tokens*: runs of letters and
runs of digits, whatever separates them (``/ - _ .``, spaces, nothing at a
letter/digit boundary). Letters are upper-cased and folded to ASCII, digit runs
lose their leading zeros. ``FV/2026/11/0012``, ``fv 2026-11-12`` and
``FV2026 11 12`` all become ``FV 2026 11 12``; ``FV/2026/11/0120`` becomes
``FV 2026 11 120`` and stays different.

Titles are tokenised the same way, and a number is found in a title when its
tokens appear there as a contiguous run (see ``index.OpenItemIndex``), which is
why ``FV/2026/11/00121`` (last token ``121``) never matches ``FV/2026/11/0012``.
"""

import re
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

# ASCII digit runs, or runs of anything else that is a letter-like word character.
_TOKEN = re.compile(r"[0-9]+|[^\W\d_]+")
# What may stand between two tokens of *one* number ("FV/2026", "2026.11",
# "FV2026"): a following digit group glued this way means a longer number.
GLUE = frozenset({"", "/", ".", "_", "\\"})
_LINE_BREAKS = re.compile(r"[\r\n]+")
_YEAR = re.compile(r"(19|20)\d\d")

# Weakest number we look for in free text: fewer significant characters than
# this ("F1", "A12") would fire on ordinary words and quantities.
MIN_KEY_CHARS = 4
# Digit-only numbers need this many significant digits: a year, a day or an
# amount's integer part must not be taken for an invoice number.
MIN_DIGIT_KEY_DIGITS = 6


class Token(NamedTuple):
    """One letter or digit run of a text.

    ``text`` is the normalised form (letters A-Z, digits without leading
    zeros); ``raw`` keeps the zeros (``0012``); ``start``/``end`` locate the run
    in the upper-cased text it came from.
    """

    text: str
    raw: str
    start: int
    end: int

    @property
    def is_digits(self) -> bool:
        return self.text[0] <= "9"


# Letters that NFKD does not decompose but that people write without accent.
_PLAIN_LETTERS = str.maketrans(
    {"Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Đ": "D", "đ": "d", "Æ": "AE", "æ": "ae"}
)


def strip_accents(text: str) -> str:
    """``Opłata Żółta`` → ``Oplata Zolta`` (case kept)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_PLAIN_LETTERS))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _fold_letters(run: str) -> str:
    if run.isascii():  # an ASCII letter run of upper-cased text: A-Z already
        return run
    return "".join(char for char in strip_accents(run) if "A" <= char <= "Z")


def tokenize(text: str | None) -> list[Token]:
    """The tokens of ``text``; offsets refer to ``text.upper()``."""
    tokens = []
    for match in _TOKEN.finditer((text or "").upper()):
        run = match.group()
        if "0" <= run[0] <= "9":
            normalised, raw = run.lstrip("0") or "0", run
        else:
            normalised = raw = _fold_letters(run)
            if not normalised:  # a script we cannot fold (CJK, ...): a separator
                continue
        tokens.append(Token(normalised, raw, match.start(), match.end()))
    return tokens


def _parts(text: str | None) -> tuple[list[str], list[str]]:
    """Normalised and raw tokens, without offsets (the fast path for keys)."""
    normalised, raw = [], []
    for run in _TOKEN.findall((text or "").upper()):
        if "0" <= run[0] <= "9":
            normalised.append(run.lstrip("0") or "0")
            raw.append(run)
        else:
            folded = _fold_letters(run)
            if folded:
                normalised.append(folded)
                raw.append(folded)
    return normalised, raw


def normalize_reference(text: str | None) -> str:
    """Canonical form of a number or reference: ``'fv 2026-11-0012'`` →
    ``'FV 2026 11 12'``. Idempotent."""
    return " ".join(_parts(text)[0])


def reference_tokens(text: str | None) -> tuple[str, ...]:
    return tuple(_parts(text)[0])


def join_title_lines(text: str) -> str:
    """The title with its line breaks removed: a bank that wraps titles at 35
    characters may cut ``FV/2026/1`` + ``1/0012`` inside a number."""
    return _LINE_BREAKS.sub("", text)


@dataclass(frozen=True, slots=True)
class DocumentKey:
    """How a document number is looked up.

    ``searchable`` says whether the number is distinctive enough to be looked
    for anywhere in a free-text title; a weak one (``2026``, ``12/2026``) is
    only matched where a field names it explicitly (the split payment's
    ``/INV/``). ``digits_only`` numbers are also compared with their zeros
    (``raw``) so that an amount such as ``2026,12`` never matches ``2026/0012``.
    """

    tokens: tuple[str, ...]
    raw: tuple[str, ...]
    digits_only: bool
    searchable: bool

    @property
    def compact(self) -> str:
        """The number written without separators, zeros kept (``FV2026110012``)."""
        return "".join(self.raw)


def _looks_like_date(raw: tuple[str, ...]) -> bool:
    years = [part for part in raw if len(part) == 4 and _YEAR.fullmatch(part)]
    return len(years) == 1 and all(len(part) <= 2 for part in raw if part != years[0])


def document_key(number: str | None) -> DocumentKey | None:
    """The key of an invoice number or payment reference; None when it has no
    digit at all (a name, a word) and so cannot identify a document."""
    normalised, raw = _parts(number)
    digit_groups = sum(1 for part in normalised if part[0] <= "9")
    if not digit_groups:
        return None
    normalised, raw = tuple(normalised), tuple(raw)
    digits_only = digit_groups == len(normalised)
    significant = sum(len(part) for part in normalised)
    if digits_only:
        searchable = (
            significant >= MIN_DIGIT_KEY_DIGITS
            and (len(raw) == 1 or max(len(part) for part in normalised) >= 3)
            and not _looks_like_date(raw)
        )
    else:
        searchable = significant >= MIN_KEY_CHARS
    return DocumentKey(normalised, raw, digits_only, searchable)


def account_key(number: str | None) -> str | None:
    """Comparable form of an IBAN or a domestic account number.

    Spaces and separators go, letters are upper-cased, and a leading country
    code in front of an all-digit account is dropped, so that the Polish IBAN
    ``PL61 1090 1014 0000 0712 1981 2874`` and the domestic NRB
    ``61 1090 1014 0000 0712 1981 2874`` compare equal.
    """
    compact = "".join(char for char in (number or "").upper() if char.isalnum())
    if len(compact) > 2 and compact[:2].isalpha() and compact[2:].isdigit():
        compact = compact[2:]
    return compact or None


def vat_key(vat: str | None) -> str | None:
    """Comparable form of a VAT number (NIP): ``PL 526-025-02-74`` → ``5260250274``."""
    compact = "".join(char for char in (vat or "").upper() if char.isalnum())
    if len(compact) > 2 and compact[:2].isalpha():
        compact = compact[2:]
    return compact or None
