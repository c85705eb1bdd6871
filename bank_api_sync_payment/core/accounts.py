"""Payee account numbers and Polish tax ids, checked before money leaves.

IBAN check digits and each country's length and structure come from
``schwifty`` (a maintained registry of IBAN formats), not from rules of our
own. A Polish account written as its 26 digits (NRB, how Polish invoices print
it) is the IBAN with ``PL`` in front.
"""

import re

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from .texts import _lt

_SEPARATORS = re.compile(r"[\s\-.]")
NIP_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)


class AccountNumberError(ValueError):
    """The account cannot be paid to; ``reason`` says why, for a person."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def compact_account(number: str | None) -> str:
    """Spaces, dashes and dots out, letters up; 26 digits get ``PL``."""
    compact = _SEPARATORS.sub("", number or "").upper()
    if compact.isdigit() and len(compact) == 26:
        return "PL" + compact
    return compact


def checked_iban(number: str | None) -> str:
    """The account as a compact IBAN, or AccountNumberError naming what is
    wrong (missing, unknown country, length, structure, check digits)."""
    compact = compact_account(number)
    if not compact:
        raise AccountNumberError(_lt("no bank account"))
    try:
        return IBAN(compact).compact
    except SchwiftyException as error:
        raise AccountNumberError(
            _lt(
                "account %(account)s is not a valid IBAN (%(problem)s)",
                account=compact,
                problem=str(error),
            )
        ) from None


def nrb(iban: str) -> str | None:
    """The 26 digits of a Polish IBAN (what Polish files and the VAT white
    list want), None for another country's account."""
    compact = compact_account(iban)
    if compact.startswith("PL") and len(compact) == 28 and compact[2:].isdigit():
        return compact[2:]
    return None


def polish_bank_code(iban: str) -> str | None:
    """The 8-digit sort code of a Polish account (digits 3 to 10 of the NRB)."""
    digits = nrb(iban)
    return digits[2:10] if digits else None


def polish_nip(vat: str | None, country_code: str | None = None) -> str | None:
    """The 10 digits of a valid Polish NIP from a partner's tax id (``PL``
    prefix, dashes and spaces allowed), None when it is not one: another
    country's VAT number, a wrong check digit."""
    compact = _SEPARATORS.sub("", vat or "").upper()
    if compact.startswith("PL"):
        compact = compact[2:]
    elif country_code and country_code.upper() != "PL":
        return None
    if len(compact) != 10 or not compact.isdigit():
        return None
    check = sum(int(d) * w for d, w in zip(compact, NIP_WEIGHTS, strict=False)) % 11
    return compact if check == int(compact[9]) and check != 10 else None
