from decimal import Decimal

import pytest

from bank_api_sync.core.matching.references import parse_split_payment
from bank_api_sync_payment.core.split_payment import (
    SplitPaymentError,
    split_payment_title,
    vat_share,
)


def test_title_has_the_four_parts_and_decimal_comma():
    title = split_payment_title(Decimal("2300"), "5260250274", "FS 123/2026", "Zapłata")
    assert title == "/VAT/2300,00/IDC/5260250274/INV/FS 123/2026/TXT/Zapłata"


def test_our_title_is_read_back_by_the_matching_of_bank_lines():
    """A split payment we send comes back on the statement: the matching
    engine must read the invoice number and VAT out of our own title."""
    title = split_payment_title(Decimal("23.45"), "5260250274", "FV/2026/11/0012")
    parsed = parse_split_payment(title)
    assert parsed.vat_amount == Decimal("23.45")
    assert parsed.idc == "5260250274"
    assert parsed.invoice_number == "FV/2026/11/0012"


def test_title_never_exceeds_140_characters():
    title = split_payment_title(Decimal("1"), "5260250274", "A" * 35, "x" * 200)
    assert len(title) == 140
    assert title.startswith("/VAT/1,00/IDC/5260250274/INV/" + "A" * 35 + "/TXT/x")


@pytest.mark.parametrize(
    ("nip", "invoice", "problem"),
    [
        (None, "FV/1", "NIP"),
        ("5260250274", "", "invoice number"),
        ("5260250274", "F" * 36, "longer than the 35"),
    ],
)
def test_missing_parts_are_refused(nip, invoice, problem):
    with pytest.raises(SplitPaymentError, match=problem):
        split_payment_title(Decimal("10"), nip, invoice)


def test_vat_of_a_partial_payment_is_the_same_share():
    assert vat_share(Decimal("12300"), Decimal("12300"), Decimal("2300")) == Decimal(
        "2300.00"
    )
    assert vat_share(Decimal("6150"), Decimal("12300"), Decimal("2300")) == Decimal(
        "1150.00"
    )
    assert vat_share(Decimal("1"), Decimal("3"), Decimal("0.5")) == Decimal("0.17")
