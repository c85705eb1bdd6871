"""Structured references found in payment titles.

* RF creditor references (ISO 11649): ``RF`` + two check digits + 1 to 21
  letters or digits, printed in groups of four. A reference is trusted only when
  its check digits are right (ISO 7064 MOD 97-10, as IBANs).
* Polish split payment (MPP) titles:
  ``/VAT/<VAT amount>/IDC/<supplier NIP>/INV/<invoice number>/TXT/<free text>``.
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .normalize import join_title_lines, vat_key

_RF_SHAPE = re.compile(r"RF[0-9]{2}[0-9A-Z]{1,21}")
# Where a reference may start: "RF" and its check digits, not inside a word.
_RF_START = re.compile(r"(?<![0-9A-Z])RF ?([0-9]{2})")
_RF_MAX_BODY = 21


def rf_compact(reference: str | None) -> str | None:
    """``rf18 5390 0754 7034`` → ``RF18539007547034``; None when it does not
    have the shape of an RF reference (check digits are not verified here)."""
    compact = "".join(char for char in (reference or "").upper() if char.isalnum())
    return compact if _RF_SHAPE.fullmatch(compact) else None


def _is_ascii_alnum(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _mod97(text: str) -> int:
    # Letters count as 10..35, as in IBANs; folding digit by digit keeps it small.
    remainder = 0
    for char in text:
        for digit in str(int(char, 36)):
            remainder = (remainder * 10 + int(digit)) % 97
    return remainder


def is_valid_rf(reference: str | None) -> bool:
    """True for a well-formed RF creditor reference with correct check digits."""
    compact = rf_compact(reference)
    return bool(compact) and _mod97(compact[4:] + compact[:4]) == 1


def rf_check_digits(body: str) -> str:
    """The two check digits that make ``RF??<body>`` valid (for tests and demo
    data): ``rf_check_digits('539007547034') == '18'``."""
    body = "".join(char for char in body.upper() if char.isalnum())
    return f"{98 - _mod97(body + 'RF00'):02d}"


@dataclass(frozen=True)
class RfScan:
    """RF references seen in a text: ``valid`` ones (compact form, longest
    first) and whether something RF-shaped failed its check digits."""

    valid: tuple[str, ...]
    rejected: tuple[str, ...]


def find_rf_references(text: str | None) -> RfScan:
    """RF references quoted in a title, in compact form.

    A printed reference is split in groups of four (``RF18 5390 0754 7034``) and
    may be followed by more words, so every way of ending it at a group boundary
    is tried; only candidates whose check digits are right are kept.
    """
    upper = (text or "").upper()
    valid: list[str] = []
    rejected: list[str] = []
    for start in _RF_START.finditer(upper):
        body, candidates = "", []
        position = start.end()
        while position < len(upper) and len(body) < _RF_MAX_BODY:
            char = upper[position]
            if _is_ascii_alnum(char):
                body += char
            elif char == " " and _is_ascii_alnum(upper[position + 1 : position + 2]):
                if body:  # a group boundary: the reference may end here
                    candidates.append(body)
            else:
                break
            position += 1
        if body and not _is_ascii_alnum(upper[position : position + 1]):
            candidates.append(body)
        prefix = "RF" + start.group(1)
        checked = [prefix + tail for tail in sorted(set(candidates), key=len)]
        good = [candidate for candidate in checked if is_valid_rf(candidate)]
        valid.extend(reversed(good))
        if checked and not good:
            digits = [candidate for candidate in checked if candidate[2:].isdigit()]
            rejected.append(digits[-1] if digits else checked[0])
    return RfScan(tuple(dict.fromkeys(valid)), tuple(dict.fromkeys(rejected)))


# --- Polish split payment -------------------------------------------------

_MPP_MARKER = re.compile(r"(?:^|/)\s*(VAT|IDC|INV|TXT)\s*/", re.IGNORECASE)


@dataclass(frozen=True)
class SplitPayment:
    """A parsed split payment title. ``vat_amount`` is the part of the payment
    that goes to (or came from) the VAT account; ``idc`` the supplier's NIP,
    digits only; ``invoice_number`` as written after ``/INV/``."""

    vat_amount: Decimal
    idc: str | None
    invoice_number: str | None
    text: str | None


def parse_amount(text: str) -> Decimal | None:
    """An amount as people write it: ``1 234,56``, ``1.234,56``, ``1234.56``."""
    compact = re.sub(r"[\s\u00a0']", "", text)
    if not re.fullmatch(r"[0-9]+(?:[.,][0-9]{3})*(?:[.,][0-9]{1,2})?", compact):
        return None
    decimal_part = ""
    last = max(compact.rfind(","), compact.rfind("."))
    if last != -1 and len(compact) - last - 1 <= 2:
        compact, decimal_part = compact[:last], compact[last + 1 :]
    integer_part = compact.replace(",", "").replace(".", "")
    try:
        return Decimal(f"{integer_part}.{decimal_part or '0'}")
    except InvalidOperation:  # pragma: no cover - the pattern above excludes it
        return None


def parse_split_payment(title: str | None) -> SplitPayment | None:
    """The split payment fields of a title, or None when it is not one.

    Tolerates spaces around markers and values, any letter case, line breaks
    anywhere (banks wrap titles) and a missing ``/TXT/``. A title is a split
    payment when it has ``/VAT/`` with an amount and at least ``/IDC/`` or
    ``/INV/``.
    """
    text = join_title_lines(title or "")
    markers = list(_MPP_MARKER.finditer(text))
    fields: dict[str, str] = {}
    for position, marker in enumerate(markers):
        end = markers[position + 1].start() if position + 1 < len(markers) else None
        name = marker.group(1).upper()
        if name not in fields:
            fields[name] = text[marker.end() : end].strip(" /\t")
    if "VAT" not in fields or not ({"IDC", "INV"} & fields.keys()):
        return None
    vat_amount = parse_amount(fields["VAT"])
    if vat_amount is None:
        return None
    return SplitPayment(
        vat_amount=vat_amount,
        idc=vat_key(fields.get("IDC")),
        invoice_number=fields.get("INV") or None,
        text=fields.get("TXT") or None,
    )
