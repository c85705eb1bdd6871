import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from bank_api_sync_payment.core.elixir import ElixirError, ElixirTransfer, elixir_file
from bank_api_sync_payment.core.split_payment import split_payment_title

SAMPLES = Path(__file__).parent / "samples"
DEBTOR = {
    "debtor_iban": "PL61109010140000071219812874",
    "debtor_name": "Firma Testowa Sp. z o.o.",
    "debtor_address": "ul. Prosta 1, 00-001 Warszawa",
}


def two_transfers():
    return [
        ElixirTransfer(
            execution_date=date(2026, 12, 7),
            amount=Decimal("1234.56"),
            creditor_iban="PL21102028920000000000001234",
            creditor_name="Dostawca Łódź S.A.",
            creditor_address="ul. Piotrkowska 10, 90-001 Łódź",
            title="FV/2026/11/0012",
            reference="PO-0001",
            **DEBTOR,
        ),
        ElixirTransfer(
            execution_date=date(2026, 12, 7),
            amount=Decimal("12300.00"),
            creditor_iban="PL91 1160 2202 0000 0001 2345 6789",
            creditor_name='Hurtownia "Pod Dębem" Sp. j.',
            creditor_address="ul. Długa 5|7, 80-001 Gdańsk",
            title=split_payment_title(Decimal("2300"), "5260250274", "FS 123/2026"),
            reference="PO-0002",
            split_payment=True,
            **DEBTOR,
        ),
    ]


def test_file_is_the_hand_checked_fixture_byte_for_byte():
    """samples/two_transfers.pli was typed field by field from the banks'
    Elixir-O import guides: amounts in grosze, sort codes from the NRBs,
    Windows-1250 Polish letters, quotes and pipes replaced, the split payment
    classified 53 with its title cut into lines of 35."""
    assert elixir_file(two_transfers()) == (SAMPLES / "two_transfers.pli").read_bytes()


def test_lines_of_a_long_title_join_back_to_it():
    title = "Faktury " + ", ".join(f"FV/2026/11/{n:04d}" for n in range(1, 9))
    transfer = two_transfers()[0]
    line = elixir_file([ElixirTransfer(**{**transfer.__dict__, "title": title})])
    fields = next(csv.reader(io.StringIO(line.decode("cp1250"))))
    assert len(fields) == 16
    pieces = fields[11].split("|")
    assert len(pieces) == 4 and all(len(piece) <= 35 for piece in pieces)
    assert "".join(pieces) == title[:140]


def test_foreign_account_is_refused():
    transfer = two_transfers()[0]
    foreign = ElixirTransfer(
        **{**transfer.__dict__, "creditor_iban": "DE89370400440532013000"}
    )
    with pytest.raises(ElixirError, match="not a Polish account"):
        elixir_file([foreign])


def test_zero_amount_is_refused():
    transfer = two_transfers()[0]
    with pytest.raises(ElixirError, match="not positive"):
        elixir_file([ElixirTransfer(**{**transfer.__dict__, "amount": Decimal(0)})])
