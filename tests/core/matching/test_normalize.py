"""Normalisation of numbers, references, accounts and VAT numbers."""

import pytest

from bank_api_sync.core.matching import (
    account_key,
    document_key,
    normalize_reference,
    vat_key,
)


@pytest.mark.parametrize(
    "written",
    [
        "FV/2026/11/0012",
        "fv 2026-11-12",
        "FV 2026/11/12",
        "Fv_2026.11.012",
        "FV2026 11 0012",
        " FV / 2026 / 11 / 0012 ",
    ],
)
def test_invoice_number_variants_normalise_alike(written):
    assert normalize_reference(written) == "FV 2026 11 12"


@pytest.mark.parametrize("other", ["FV/2026/11/0120", "FV/2026/11/00121", "FV/2026/11"])
def test_different_numbers_stay_different(other):
    assert normalize_reference(other) != normalize_reference("FV/2026/11/0012")


def test_accents_and_case_are_folded_and_zero_stays_zero():
    assert normalize_reference("Faktura Żółta nr 000/0") == "FAKTURA ZOLTA NR 0 0"


def test_letters_and_digits_are_split_at_their_boundary():
    assert normalize_reference("INV2026A7") == "INV 2026 A 7"


@pytest.mark.parametrize(
    ("number", "searchable"),
    [
        ("FV/2026/11/0012", True),
        ("INV/2026/00012", True),
        ("FV/12", True),
        ("F1", False),  # too short to look for in free text
        ("2026", False),  # a year
        ("12/2026", False),  # digits only, short
        ("2026/11/12", False),  # a date
        ("123456", True),
        ("0012345", False),  # five significant digits
        ("88/123456", True),
    ],
)
def test_which_numbers_are_looked_for_in_free_text(number, searchable):
    assert document_key(number).searchable is searchable


def test_a_text_without_digits_is_no_document_key():
    assert document_key("Zapłata") is None
    assert document_key("") is None


def test_document_key_keeps_the_zeros_in_its_raw_form():
    key = document_key("FV/2026/11/0012")
    assert key.tokens == ("FV", "2026", "11", "12")
    assert key.compact == "FV2026110012"
    assert not key.digits_only


def test_polish_iban_and_domestic_number_compare_equal():
    assert account_key("PL61 1090 1014 0000 0712 1981 2874") == account_key(
        "61109010140000071219812874"
    )
    assert account_key("de89 3704-0044 0532 0130 00") == account_key(
        "DE89370400440532013000"
    )
    assert account_key("") is None


def test_vat_numbers_lose_separators_and_country_prefix():
    assert vat_key("PL 526-025-02-74") == "5260250274"
    assert vat_key("526 025 02 74") == "5260250274"
    assert vat_key(None) is None
