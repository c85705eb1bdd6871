"""Every sample file of the add-on reads into the statements a user expects."""

from datetime import date
from decimal import Decimal

import pytest

from bank_api_sync_mt940.core.parser import iter_statements, parse_file

from .conftest import sample


def amounts(statement):
    return [transaction.amount for transaction in statement.transactions]


def test_mbank_labelled_text_in_windows_1250():
    first, second = parse_file(sample("mbank_cp1250.sta"))
    assert first.encoding == "cp1250"
    assert first.account == "PL36114020044601690765818949"
    assert (first.statement_number, first.sequence_number) == (61, 1)
    assert first.opening_balance.amount == Decimal("48250.17")
    assert first.opening_date == date(2024, 3, 8)
    assert first.closing_balance.amount == Decimal("56229.67")
    assert first.available_balance.amount == Decimal("56229.67")
    assert amounts(first) == [Decimal("12300.00"), Decimal("-4305.50"), Decimal("-15")]

    incoming, outgoing, fee = first.transactions
    assert incoming.details.variant == "mbank"
    assert incoming.counterparty_name == "PRZEDSIĘBIORSTWO HANDLOWE ŻURAW SP. Z O.O."
    assert (
        incoming.details.counterparty_address == "UL. ŚWIĘTOKRZYSKA 12 00-916 WARSZAWA"
    )
    assert incoming.counterparty_account == "PL44102010976458800775479449"
    assert incoming.title == "ZAPŁATA ZA FAKTURĘ FV/0312/2024"
    assert incoming.details.description == "PRZELEW ZEWNĘTRZNY PRZYCHODZĄCY"
    assert incoming.details.references == {"TNR": "240311123456789.010002"}
    assert incoming.bank_reference == "240311123456789"
    assert outgoing.counterparty_name == "ZAKŁAD USŁUG KSIĘGOWYCH BILANS S.C."
    assert outgoing.counterparty_account == "PL85105014459548351915523488"
    assert outgoing.title == "FAKTURA 14/03/2024 USŁUGI KSIĘGOWE"
    assert fee.type_code == "NCHG"
    assert fee.details.variant == "plain"
    assert fee.title == "OPŁATA ZA PRZELEW ZEWNĘTRZNY"

    assert second.statement_number == 62
    assert second.closing_balance.amount == Decimal("57244.66")
    assert [b.date for b in second.forward_balances] == [date(2024, 3, 13)]
    refund, reversal = second.transactions
    # "Z RACH.: 44 1020 ..." with spaces still gives the IBAN.
    assert refund.counterparty_account == "PL44102010976458800775479449"
    assert refund.counterparty_name == "JAN KOWALSKI"
    assert refund.details.counterparty_address == "UL. KWIATOWA 7/3 90-001 ŁÓDŹ"
    assert reversal.mark == "RD"
    assert reversal.amount == Decimal("15.00")  # reversal of a debit: money in


def test_pko_bp_tilde_subfields_in_iso_8859_2_across_a_year_end():
    (statement,) = parse_file(sample("pko_bp_iso88592.sta"))
    assert statement.encoding == "iso-8859-2"
    assert statement.reference == "MT940"
    assert (statement.statement_number, statement.sequence_number) == (252, None)
    assert statement.opening_date == date(2023, 12, 28)
    assert statement.closing_date == date(2024, 1, 2)
    assert statement.closing_balance.amount == Decimal("10892.30")
    assert len(statement.transactions) == 4

    service, split_payment, reversal, fee = statement.transactions
    assert service.details.separator == "~"
    assert service.transaction_code == "020"
    assert service.counterparty_name == "Spółdzielnia Mieszkaniowa Źródło"
    assert service.details.counterparty_address == "ul. Żeromskiego 14 25-370 Kielce"
    assert service.title == "Opłata za usługi serwisowe grudzień 2023"
    assert service.counterparty_account == "PL76116022020934106634596949"
    assert service.details.counterparty_bank_code == "11602202"

    # Value date on 31 December, booked on 2 January of the next year.
    assert split_payment.value_date == date(2023, 12, 31)
    assert split_payment.entry_date == date(2024, 1, 2)
    assert (
        split_payment.title
        == "/VAT/345,00/IDC/5252344078/INV/FV 2023/12/118/TXT/Dostawa materiałów"
    )
    assert (
        split_payment.counterparty_name == "Hurtownia Elektryczna Ładownia Sp. z o.o."
    )

    assert reversal.mark == "RC"
    assert reversal.amount == Decimal("-200.00")  # reversal of a credit: money out
    assert reversal.title == "Zwrot błędnie zaksięgowanej wpłaty"
    assert fee.entry_date is None
    assert fee.booking_date == date(2024, 1, 2)
    assert fee.type_code == "NMSC"


def test_pekao_without_header_and_footer_in_cp852():
    first, second = parse_file(sample("pekao_cp852.sta"))
    assert first.encoding == "cp852"
    assert first.reference == "1"
    assert first.statement_number == 36
    assert first.statement_number_raw == "036/2024/BPL"
    assert amounts(first) == [
        Decimal("1250.00"),
        Decimal("-89.90"),
        Decimal("-2000.00"),
    ]
    invoice = first.transactions[0]
    # "CN1250,00": credit, funds code N (third letter of PLN), not a mark.
    assert (invoice.mark, invoice.funds_code) == ("C", "N")
    assert invoice.type_code == "N525"
    assert invoice.customer_reference is None
    assert invoice.bank_reference is None
    assert invoice.details.subfields["10"] == "00000000123"
    assert invoice.title == "Faktura nr 17/02/2024 Wyrób stolarski"
    assert invoice.counterparty_name == "Stolarnia Bęc Józef Wójcik"
    assert (
        invoice.details.counterparty_address
        == "ul. Bolesława Chrobrego 3 43-300 Bielsko-Biała"
    )
    assert first.transactions[2].counterparty_name == "Zakład Ubezpieczeń Społecznych"
    assert second.statement_number == 37
    assert second.opening_balance.amount == first.closing_balance.amount
    assert second.closing_balance.amount == Decimal("21480.55")
    assert second.transactions[0].counterparty_name == "Gęślarz i Syn Sp. j."


def test_ing_profile_reads_name_and_address_apart():
    (statement,) = parse_file(sample("ing_cp852.sta"))
    assert statement.encoding == "cp852"
    incoming, outgoing = statement.transactions
    assert incoming.details.profile == "ing"
    assert incoming.type_code == "S034"
    assert incoming.counterparty_name == "FIRMA TRANSPORTOWA ŁOŚ SP. Z O.O."
    assert incoming.details.counterparty_address == "UL. PORTOWA 8, 81-336 GDYNIA"
    assert incoming.title == "FV/2024/04/015 zapłata za usługę transportową"
    assert outgoing.counterparty_name == "STOWARZYSZENIE PRZYJACIÓŁ ŻUŁAW"
    assert (
        outgoing.details.counterparty_address
        == "UL. GDAŃSKA 1, 82-100 NOWY DWÓR GDAŃSKI"
    )
    assert statement.closing_balance.amount == Decimal("4960.10")


def test_santander_utf8_with_bom_and_identical_card_payments():
    (statement,) = parse_file(sample("santander_utf8_bom.sta"))
    assert statement.encoding == "utf-8-sig"
    assert statement.reference == "940S240515"  # the BOM is not part of :20:
    first, second, invoice = statement.transactions
    assert first.supplementary_details == "TRANSAKCJA KARTĄ"
    assert first.counterparty_name == "ŻABKA POLSKA SP. Z O.O."
    assert first.title == "Żabka Z1234 Poznań ul. Półwiejska 2"
    # Same line twice on the same day: both kept, with distinct ids.
    assert first.raw_86 == second.raw_86
    assert first.unique_id != second.unique_id
    assert second.unique_id == first.unique_id + "#2"
    assert invoice.customer_reference == "INV-2024-118"
    assert invoice.bank_reference == "A24051500077"
    assert invoice.counterparty_name == "Księgarnia Świat Książki S.A."
    assert statement.closing_balance.amount == Decimal("21558.02")


def test_millennium_statement_on_two_pages_is_one_statement():
    first, second = parse_file(sample("millennium_cp852.sta"))
    assert first.statement_number == 12
    assert first.pages == 2
    assert first.opening_balance.amount == Decimal("100000.00")
    assert not first.opening_balance.intermediate
    assert first.closing_balance.amount == Decimal("116000.00")
    assert not first.closing_balance.intermediate
    assert amounts(first) == [
        Decimal("20000.00"),
        Decimal("-3500.00"),
        Decimal("-500.00"),
    ]
    assert first.transactions[0].details.separator == "<"
    assert first.transactions[0].counterparty_name == (
        "Fundacja Rozwoju Przedsiębiorczości"
    )
    assert first.transactions[1].title == "Czynsz za lipiec 2024 lokal nr 5"
    assert second.statement_number == 13
    assert second.transactions[0].counterparty_name == "Łukasz Dąbrowski"


def test_german_question_mark_subfields_with_sepa_keywords():
    (statement,) = parse_file(sample("german_iso885915.sta"))
    assert statement.encoding == "iso-8859-15"
    assert statement.account == "37040044/0532013000"
    assert statement.account_iban is None
    assert statement.currency == "EUR"
    assert statement.opening_date == date(2024, 2, 29)
    credit, direct_debit, standing_order, fee = statement.transactions

    # "CR2500,00": credit with funds code R (third letter of EUR), not "RC".
    assert (credit.mark, credit.funds_code, credit.amount) == (
        "C",
        "R",
        Decimal("2500.00"),
    )
    assert credit.transaction_code == "166"
    assert credit.details.description == "GUTSCHR. UEBERWEISUNG"
    assert credit.counterparty_name == "Müller & Söhne GmbH"
    assert credit.counterparty_account == "DE44500105175407324931"
    assert credit.details.counterparty_bank_code == "INGDDEFFXXX"
    assert credit.details.end_to_end_id == "RE-2024-0311"
    assert credit.title == "Rechnung 2024-0311 vom 15.02.2024, Kunde 4711"

    assert direct_debit.amount == Decimal("-89.99")
    assert direct_debit.details.mandate_id == "M-000042"
    assert direct_debit.details.creditor_id == "DE98ZZZ09999999999"
    assert direct_debit.title == "Monatsbeitrag März 2024 Fitnessstudio Kraftwerk"
    assert direct_debit.counterparty_name == "Kraftwerk Fitness Köln e.K."

    assert standing_order.supplementary_details == "DAUERAUFTRAG"
    assert standing_order.entry_date == date(2024, 3, 2)
    assert standing_order.title == "Miete Büro Straße des 17. Juni 12, Ladenlokal 3"
    assert standing_order.counterparty_name == "Grundstücksgesellschaft Weiß GbR"
    assert fee.title == "Kontoführung 02/2024 5,00 €"
    assert statement.closing_balance.amount == Decimal("16625.51")


def test_swift_envelopes_with_several_statements_and_accounts():
    statements = parse_file(sample("swift_envelope.sta"))
    assert [(s.account, s.statement_number) for s in statements] == [
        ("DE89370400440532013000", 155),
        ("DE89370400440532013000", 156),
        ("GB29NWBK60161331926819", 37),
    ]
    first, empty, dollars = statements
    assert first.related_reference == "NONREF"
    assert len(first.transactions) == 2
    assert first.transactions[0].customer_reference == "INV 2024-5521"
    assert first.transactions[1].supplementary_details == "CHEQUE 000123"
    assert [b.date for b in first.forward_balances] == [
        date(2024, 6, 6),
        date(2024, 6, 7),
    ]
    assert empty.transactions == []
    assert empty.opening_balance.amount == empty.closing_balance.amount
    assert dollars.currency == "USD"
    assert dollars.opening_balance.amount == Decimal("-500.00")  # a D balance
    assert dollars.opening_balance.mark == "D"
    assert dollars.closing_balance.amount == Decimal("250.00")
    assert dollars.transactions[0].title == (
        "PAYMENT FROM GLOBEX CORPORATION PO 778899 SETTLEMENT"
    )


@pytest.mark.parametrize(
    "name",
    [
        "mbank_cp1250.sta",
        "pko_bp_iso88592.sta",
        "pekao_cp852.sta",
        "ing_cp852.sta",
        "santander_utf8_bom.sta",
        "millennium_cp852.sta",
        "german_iso885915.sta",
        "swift_envelope.sta",
    ],
)
def test_reimporting_a_sample_gives_the_same_unique_ids(name):
    first = [t.unique_id for s in parse_file(sample(name)) for t in s.transactions]
    again = [t.unique_id for s in parse_file(sample(name)) for t in s.transactions]
    assert first == again
    assert len(set(first)) == len(first)


def test_streaming_gives_the_same_statements_as_parse_file():
    with open(sample("millennium_cp852.sta"), "rb") as file:
        streamed = list(iter_statements(file))
    assert streamed == parse_file(sample("millennium_cp852.sta"))
