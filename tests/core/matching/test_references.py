"""RF creditor references and Polish split payment titles."""

from decimal import Decimal

import pytest

from bank_api_sync.core.matching import (
    find_rf_references,
    is_valid_rf,
    parse_split_payment,
    rf_check_digits,
)


@pytest.mark.parametrize(
    "reference",
    ["RF18539007547034", "RF18 5390 0754 7034", "rf18 5390 0754 7034", "RF712348231"],
)
def test_valid_rf_references(reference):
    assert is_valid_rf(reference)


@pytest.mark.parametrize(
    "reference",
    [
        "RF19539007547034",  # check digits off by one
        "RF18539007547035",  # body typo
        "RF18",  # no body
        "RF18" + "1" * 22,  # body longer than 21
        "XX18539007547034",
        "",
        None,
    ],
)
def test_invalid_rf_references(reference):
    assert not is_valid_rf(reference)


def test_check_digits_make_a_valid_reference():
    assert rf_check_digits("539007547034") == "18"
    for body in ("1", "FV2026110012", "000000001", "ABCDEFGHIJKLMNOPQRSTU"):
        assert is_valid_rf(f"RF{rf_check_digits(body)}{body}")


def test_rf_reference_found_in_a_title_however_it_is_printed():
    for title in (
        "Płatność RF18 5390 0754 7034 dziękujemy",
        "RF18539007547034",
        "ref:RF18 539007547034, faktura",
        "rf18 5390 0754 7034",
    ):
        assert find_rf_references(title).valid == ("RF18539007547034",), title


def test_rf_reference_with_wrong_check_digits_is_rejected_and_reported():
    scan = find_rf_references("Płatność RF19 5390 0754 7034")
    assert scan.valid == ()
    assert scan.rejected == ("RF19539007547034",)


def test_rf_inside_a_word_is_not_a_reference():
    assert find_rf_references("TRANSFER18539007547034").valid == ()


def test_split_payment_title_is_parsed():
    split = parse_split_payment(
        "/VAT/230,00/IDC/5260250274/INV/FV/2026/11/0012/TXT/zapłata za towar"
    )
    assert split.vat_amount == Decimal("230.00")
    assert split.idc == "5260250274"
    assert split.invoice_number == "FV/2026/11/0012"
    assert split.text == "zapłata za towar"


@pytest.mark.parametrize(
    "title",
    [
        "/vat/230,00/idc/526-025-02-74/inv/FV/2026/11/0012/txt/x",
        "/VAT/ 230,00 /IDC/ 5260250274 /INV/ FV/2026/11/0012",  # no TXT
        "/VAT/230.00/IDC/PL5260250274/INV/FV/2026/11/0012/TXT/",
        "/VAT/230,00/IDC/52602\n50274/INV/FV/2026/1\n1/0012/TXT/x",  # wrapped lines
        "VAT/230,00/IDC/5260250274/INV/FV/2026/11/0012",  # no leading slash
    ],
)
def test_split_payment_parsing_is_robust(title):
    split = parse_split_payment(title)
    assert split.vat_amount == Decimal("230.00")
    assert split.idc == "5260250274"
    assert split.invoice_number == "FV/2026/11/0012"


def test_split_payment_amounts_with_thousands_separators():
    for written in ("1 234,56", "1.234,56", "1234,56", "1,234.56"):
        split = parse_split_payment(f"/VAT/{written}/IDC/5260250274/INV/1")
        assert split.vat_amount == Decimal("1234.56"), written


@pytest.mark.parametrize(
    "title",
    [
        "Zapłata za FV/2026/11/0012",
        "/VAT/abc/IDC/5260250274/INV/FV/1",  # no amount
        "/VAT/23,00/TXT/nothing to match",  # neither IDC nor INV
        "/IDC/5260250274/INV/FV/1",  # no VAT
        "",
        None,
    ],
)
def test_not_a_split_payment(title):
    assert parse_split_payment(title) is None
