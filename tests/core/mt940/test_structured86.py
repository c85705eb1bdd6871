""":86: decoding: Polish sub-fields, German sub-fields, mBank labels, free text."""

import pytest

from bank_api_sync_mt940.core.structured86 import (
    join_free_text,
    join_pieces,
    parse_details,
    split_name_address,
)


@pytest.mark.parametrize("separator", ["^", "~", "<"])
def test_polish_separator_is_detected(separator):
    s = separator
    text = (
        f"020{s}00PRZELEW{s}20Faktura 1/2024{s}3010901014{s}310000000112233445"
        f"{s}32Zakład Wodociągów{s}38PL38109013620000000112233445"
    )
    details = parse_details([text])
    assert details.variant == "polish"
    assert details.separator == separator
    assert details.code == "020"
    assert details.description == "PRZELEW"
    assert details.title == "Faktura 1/2024"
    assert details.counterparty_name == "Zakład Wodociągów"
    assert details.counterparty_bank_code == "10901014"
    # ^38 (IBAN) wins over ^31 (account number).
    assert details.counterparty_account == "PL38109013620000000112233445"
    assert details.counterparty_iban == "PL38109013620000000112233445"


def test_polish_sort_code_and_16_digit_account_make_an_iban():
    details = parse_details(["020^3010901362^310000000112233445^32X"])
    assert details.counterparty_account == "0000000112233445"
    assert details.counterparty_iban == "PL38109013620000000112233445"


def test_polish_nrb_becomes_an_iban_only_with_a_valid_checksum():
    assert parse_details(["020^3138109013620000000112233445"]).counterparty_iban == (
        "PL38109013620000000112233445"
    )
    wrong = parse_details(["020^3139109013620000000112233445"])
    assert wrong.counterparty_account == "39109013620000000112233445"
    assert wrong.counterparty_iban is None


def test_polish_title_pieces_cut_in_a_word_are_joined():
    details = parse_details(
        [
            "020^20Zapłata za fakturę VAT nr FV/2024/",
            "^210123 z dnia 2 stycznia^22 2024 r.",
        ]
    )
    assert (
        details.title
        == "Zapłata za fakturę VAT nr FV/2024/0123 z dnia 2 stycznia 2024 r."
    )


def test_polish_short_pieces_end_a_word():
    details = parse_details(
        ["020^20Faktura 12^21Faktura 13^62ul. Długa 5^6300-950 Warszawa"]
    )
    assert details.title == "Faktura 12 Faktura 13"
    assert details.counterparty_address == "ul. Długa 5 00-950 Warszawa"


def test_separator_not_followed_by_digits_is_text():
    details = parse_details(["020^20Zysk ^ strata^32Jan ~ Syn"])
    assert details.title == "Zysk ^ strata"
    assert details.counterparty_name == "Jan ~ Syn"


def test_repeated_subfield_numbers_are_concatenated():
    details = parse_details(["020^20Część pierwsza i ^20druga"])
    assert details.title == "Część pierwsza i druga"
    assert details.subfields["20"] == "Część pierwsza i druga"


def test_subfields_without_transaction_code():
    details = parse_details(["^00OPŁATA^20Opłata za kartę"])
    assert details.variant == "polish"
    assert details.code is None
    assert details.title == "Opłata za kartę"


def test_ing_profile_puts_the_address_in_33():
    lines = ["034~32FIRMA ŁOŚ SP. Z O.O.~33UL. PORTOWA 8, 81-336 GDYNIA"]
    default = parse_details(lines)
    assert default.counterparty_name == (
        "FIRMA ŁOŚ SP. Z O.O. UL. PORTOWA 8, 81-336 GDYNIA"
    )
    ing = parse_details(lines, profile="ing")
    assert ing.counterparty_name == "FIRMA ŁOŚ SP. Z O.O."
    assert ing.counterparty_address == "UL. PORTOWA 8, 81-336 GDYNIA"
    assert ing.profile == "ing"


def test_unknown_profile_falls_back_to_the_common_mapping():
    assert parse_details(["020^20T"], profile="nope").profile == "default"


def test_german_sepa_fields():
    details = parse_details(
        [
            "171?00SEPA-BASISLASTSCHRIFT?109310?20EREF+NOTPROVIDED?21MREF+",
            "M-1?22CRED+DE98ZZZ09999999999?23SVWZ+Beitrag Juli?24ABWA+Max Mü",
            "ller?30GENODEF1S04?31DE44500105175407324931?32Verein Bürgergär",
            "ten e.V.?34992",
        ]
    )
    assert details.variant == "german"
    assert details.code == "171"
    assert details.description == "SEPA-BASISLASTSCHRIFT"
    assert details.end_to_end_id is None  # NOTPROVIDED means none
    assert details.mandate_id == "M-1"
    assert details.creditor_id == "DE98ZZZ09999999999"
    assert details.title == "Beitrag Juli"
    assert details.references["ABWA"] == "Max Müller"
    assert details.counterparty_bank_code == "GENODEF1S04"
    assert details.counterparty_iban == "DE44500105175407324931"
    assert details.counterparty_name == "Verein Bürgergärten e.V."
    assert details.subfields["34"] == "992"


def test_german_remittance_without_keywords():
    details = parse_details(
        ["051?00UEBERWEISUNG?20Miete Januar?21Wohnung 3?3037040044?310532013000"]
    )
    assert details.title == "Miete Januar Wohnung 3"
    assert details.counterparty_account == "0532013000"
    assert details.counterparty_iban is None
    assert details.counterparty_bank_code == "37040044"


def test_mbank_incoming_and_outgoing():
    incoming = parse_details(
        [
            "PRZELEW PRZYCHODZĄCY; Z RACH.: 38109013620000000112233445; OD: ANNA",
            " NOWAK UL. LIPOWA 3 20-001 LUBLIN; TYT.: CZYNSZ; TNR: 1.2",
        ]
    )
    assert incoming.variant == "mbank"
    assert incoming.description == "PRZELEW PRZYCHODZĄCY"
    assert incoming.counterparty_iban == "PL38109013620000000112233445"
    assert incoming.counterparty_name == "ANNA NOWAK"
    assert incoming.counterparty_address == "UL. LIPOWA 3 20-001 LUBLIN"
    assert incoming.title == "CZYNSZ"
    assert incoming.references == {"TNR": "1.2"}
    outgoing = parse_details(
        ["998 PRZELEW; NA RACH.: PL38109013620000000112233445; DLA: URZĄD; TYT.: VAT"]
    )
    assert outgoing.code == "998"
    assert outgoing.counterparty_name == "URZĄD"
    assert outgoing.counterparty_address is None
    assert outgoing.counterparty_iban == "PL38109013620000000112233445"


def test_plain_text_lines():
    full = "A" * 61
    assert join_free_text([full, "BC"]) == full + "BC"  # a full line continues
    assert join_free_text(["Zapłata", "za fakturę"]) == "Zapłata za fakturę"
    details = parse_details(["PAYMENT FROM GLOBEX", "PO 778899"])
    assert details.variant == "plain"
    assert details.title == "PAYMENT FROM GLOBEX PO 778899"
    assert details.code is None


def test_empty_information():
    assert parse_details([]).variant == "empty"
    assert parse_details(["   "]).variant == "empty"


def test_raw_text_keeps_the_lines():
    details = parse_details(["020^20Abc   ", "^21Def"])
    assert details.raw == "020^20Abc\n^21Def"


def test_join_pieces_rule():
    assert join_pieces(["a" * 27, "bc"]) == "a" * 27 + "bc"
    assert join_pieces(["short", "word"]) == "short word"
    assert join_pieces(["ends with space ", "x"]) == "ends with space x"


@pytest.mark.parametrize(
    ("text", "name", "address"),
    [
        (
            "JAN KOWALSKI UL. DŁUGA 5 00-001 WARSZAWA",
            "JAN KOWALSKI",
            "UL. DŁUGA 5 00-001 WARSZAWA",
        ),
        ("FIRMA SP. Z O.O. 00-950 WARSZAWA", "FIRMA SP. Z O.O.", "00-950 WARSZAWA"),
        ("Zofia Żak al. Róż 2", "Zofia Żak", "al. Róż 2"),
        ("URZĄD SKARBOWY", "URZĄD SKARBOWY", None),
        (None, None, None),
    ],
)
def test_split_name_address(text, name, address):
    assert split_name_address(text) == (name, address)
