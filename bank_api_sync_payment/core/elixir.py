"""Elixir-O: the Polish domestic transfer file that every Polish bank imports.

One line per transfer, comma-separated fields, text in double quotes,
Windows-1250, lines ending in CRLF. The fields, as the banks' import guides
describe them for a credit transfer:

 1. message type ``110`` (credit transfer)
 2. execution date ``YYYYMMDD``
 3. amount in grosze, digits only
 4. the sender bank's sort code (8 digits of the sender's NRB)
 5. ``0``
 6. sender's account (NRB, 26 digits)
 7. beneficiary's account (NRB)
 8. sender's name and address, up to 4 lines of 35 separated by ``|``
 9. beneficiary's name and address, likewise
10. ``0``
11. the beneficiary bank's sort code
12. title, up to 4 lines of 35 separated by ``|``
13. and 14. empty
15. classification: ``51`` a transfer, ``53`` a split payment (MPP)
16. the sender's own reference of the transfer

Text fields never hold ``"`` (it ends the field) and a name never holds ``|``
(it starts a new line); both are replaced. A title is cut into exact pieces of
35 so that a bank joining the lines reads the title back unchanged (a split
payment title is parsed that way).
"""

import textwrap
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .accounts import nrb
from .texts import _lt

LINE_LENGTH = 35
LINES = 4
ENCODING = "cp1250"
TRANSFER = "51"
SPLIT_PAYMENT = "53"


class ElixirError(ValueError):
    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ElixirTransfer:
    execution_date: date
    amount: Decimal  # PLN, positive
    debtor_iban: str
    debtor_name: str
    debtor_address: str
    creditor_iban: str
    creditor_name: str
    creditor_address: str
    title: str
    reference: str
    split_payment: bool = False


def _encodable(text: str) -> str:
    """Characters Windows-1250 has stay (Polish letters included); others
    lose their accents, and what is left unencodable becomes '?'."""
    kept = []
    for char in text:
        try:
            char.encode(ENCODING)
        except UnicodeEncodeError:
            char = unicodedata.normalize("NFKD", char)
            char = "".join(c for c in char if not unicodedata.combining(c)) or "?"
            char = char.encode(ENCODING, "replace").decode(ENCODING)
        kept.append(char)
    return "".join(kept)


def _clean(text: str | None) -> str:
    text = " ".join((text or "").split())
    return _encodable(text.replace('"', "'").replace("|", "/"))


def _name_lines(name: str, address: str) -> str:
    lines = textwrap.wrap(_clean(name), LINE_LENGTH) or [""]
    lines += textwrap.wrap(_clean(address), LINE_LENGTH)
    return "|".join(lines[:LINES])


def _title_lines(title: str) -> str:
    text = _clean(title)[: LINE_LENGTH * LINES]
    return "|".join(
        text[start : start + LINE_LENGTH] for start in range(0, len(text), LINE_LENGTH)
    )


def _account(iban: str, problem) -> str:
    digits = nrb(iban)
    if not digits:
        raise ElixirError(problem)
    return digits


def transfer_line(transfer: ElixirTransfer) -> str:
    amount = Decimal(transfer.amount)
    if amount <= 0:
        raise ElixirError(_lt("amount %(amount)s is not positive", amount=str(amount)))
    grosze = int((amount * 100).to_integral_exact())
    debtor = _account(
        transfer.debtor_iban,
        _lt(
            "the debit account %(account)s is not a Polish account: an Elixir-O "
            "file carries domestic transfers only",
            account=transfer.debtor_iban,
        ),
    )
    creditor = _account(
        transfer.creditor_iban,
        _lt(
            "the beneficiary's account %(account)s is not a Polish account: an "
            "Elixir-O file carries domestic transfers only",
            account=transfer.creditor_iban,
        ),
    )
    fields = [
        "110",
        transfer.execution_date.strftime("%Y%m%d"),
        str(grosze),
        debtor[2:10],
        "0",
        f'"{debtor}"',
        f'"{creditor}"',
        f'"{_name_lines(transfer.debtor_name, transfer.debtor_address)}"',
        f'"{_name_lines(transfer.creditor_name, transfer.creditor_address)}"',
        "0",
        creditor[2:10],
        f'"{_title_lines(transfer.title)}"',
        '""',
        '""',
        f'"{SPLIT_PAYMENT if transfer.split_payment else TRANSFER}"',
        f'"{_clean(transfer.reference)[:LINE_LENGTH]}"',
    ]
    return ",".join(fields)


def elixir_file(transfers) -> bytes:
    """The file of ``transfers`` (ElixirTransfer), Windows-1250 with CRLF."""
    lines = [transfer_line(transfer) for transfer in transfers]
    if not lines:
        raise ElixirError(_lt("an Elixir-O file needs at least one transfer"))
    return "".join(line + "\r\n" for line in lines).encode(ENCODING)
