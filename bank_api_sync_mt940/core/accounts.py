"""Account numbers: IBANs, Polish NRBs and which Polish bank holds them."""

import re

_IBAN = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")
_NRB = re.compile(r"[0-9]{26}")
_SPACES = str.maketrans("", "", " -\t")

# Polish bank numbers (the first 3 digits of the 8-digit sort code).
POLISH_BANKS = {
    "102": "pko",
    "105": "ing",
    "109": "santander",
    "114": "mbank",
    "116": "millennium",
    "124": "pekao",
}


def compact(account):
    """The account without spaces, dashes and a leading "/" (None stays None)."""
    if not account:
        return None
    account = account.strip()
    if account[:1] == "/":
        account = account.lstrip("/")
    if " " in account or "-" in account or "\t" in account:
        account = account.translate(_SPACES)
    return account or None


_LETTER_DIGITS = str.maketrans(
    {chr(code): str(code - 55) for code in range(ord("A"), ord("Z") + 1)}
)


# "PL" -> "2521": a country code's letters as the checksum counts them.
_COUNTRY_DIGITS = {
    first + second: str(ord(first) - 55) + str(ord(second) - 55)
    for first in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    for second in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
}


def _iban_checksum_ok(iban):
    """ISO 13616 mod-97 check (letters count as 10..35)."""
    return int((iban[4:] + iban[:4]).translate(_LETTER_DIGITS)) % 97 == 1


_known_ibans = {}  # account -> IBAN or None: counterparties repeat
_UNKNOWN = object()
_KNOWN_LIMIT = 4096


def to_iban(account):
    """The account as an IBAN when it is one, or a Polish NRB (26 digits whose
    "PL" IBAN has a valid checksum); else None."""
    return iban_of_compact(compact(account))


def iban_of_compact(account):
    """:func:`to_iban` of an account already passed through :func:`compact`."""
    if not account:
        return None
    known = _known_ibans.get(account, _UNKNOWN)
    if known is not _UNKNOWN:
        return known
    candidate = account.upper()
    iban = None
    digits = candidate[2:]
    country = _COUNTRY_DIGITS.get(candidate[:2])
    if (
        country is not None
        and 15 <= len(candidate) <= 34
        and digits.isascii()
        and digits.isdigit()
    ):
        # The common case, an IBAN of digits only (what _IBAN matches then),
        # checked without the regex and the translation table.
        if int(digits[2:] + country + digits[:2]) % 97 == 1:
            iban = candidate
    elif _IBAN.fullmatch(candidate):
        iban = candidate if _iban_checksum_ok(candidate) else None
    elif _NRB.fullmatch(candidate) and _iban_checksum_ok("PL" + candidate):
        iban = "PL" + candidate
    if len(_known_ibans) >= _KNOWN_LIMIT:
        _known_ibans.clear()
    _known_ibans[account] = iban
    return iban


def polish_bank(account):
    """The short name of the Polish bank holding ``account`` (IBAN or NRB),
    or None when it is not a Polish account of a bank we know."""
    account = compact(account)
    if not account:
        return None
    if account[:2].upper() == "PL":
        account = account[2:]
    if len(account) != 26 or not account.isdigit():
        return None
    return POLISH_BANKS.get(account[2:5])


def _alphanumeric(account):
    return "".join(char for char in (account or "").upper() if char.isalnum())


def _iban_forms(iban):
    """What else a bank may write for ``iban``: without the country code (a
    Polish NRB) or without country and check digits (the BBAN)."""
    return {iban, iban[2:], iban[4:]}


def same_account(statement_account, bank_account):
    """Whether the :25: ``statement_account`` names ``bank_account`` (as a
    journal holds it), whatever the spacing, dashes, slashes or case.

    Equal when both read the same once reduced to letters and digits, or when
    one is an IBAN and the other its Polish NRB (IBAN without "PL") or its
    BBAN; a German ``BLZ/account`` matches the IBAN whose BBAN is the BLZ and
    the account padded with zeros.
    """
    left, right = _alphanumeric(statement_account), _alphanumeric(bank_account)
    if not left or not right:
        return False
    if left == right:
        return True
    for one, other, written in (
        (left, right, bank_account),
        (right, left, statement_account),
    ):
        iban = to_iban(one)
        if iban is None:
            continue
        if other in _iban_forms(iban):
            return True
        bank_code, slash, number = (compact(written) or "").partition("/")
        if slash and bank_code.isalnum() and number.isalnum():
            bban = iban[4:]
            width = len(bban) - len(bank_code)
            if width > 0 and bban == (bank_code + number.zfill(width)).upper():
                return True
    return False
