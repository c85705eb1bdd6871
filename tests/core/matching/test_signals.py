"""Each signal, with the cases that must match and the look-alikes that must not."""

from datetime import date
from decimal import Decimal

import pytest

from bank_api_sync.core.matching import Kind, MatchRule, Signal

from .factories import (
    ACME,
    BETA,
    GAMMA,
    IBAN_ACME,
    IBAN_BETA,
    OUR_NIP,
    best_items,
    bill,
    invoice,
    line,
    match,
)

ONLY_REFERENCES = MatchRule(
    signals=frozenset({Signal.INVOICE_NUMBER, Signal.PAYMENT_REFERENCE})
)


# --- invoice number in the title ------------------------------------------


@pytest.mark.parametrize(
    "title",
    [
        "FV/2026/11/0012",
        "Zapłata za fv 2026-11-12",
        "FAKTURA NR FV 2026/11/12 dziękujemy",
        "fv2026110012",
        "FV2026/11/0012",
        "Faktura FV/2026/11/0012, kwota 1 230,00 zł",
        "Zapłata za FV/2026/1\n1/0012",  # cut by the bank's line wrapping
        "Zapłata za FV/2026/11/\n0012",
    ],
)
def test_invoice_number_quoted_in_any_form_is_matched_automatically(title):
    target = invoice("FV/2026/11/0012", "1230.00")
    others = [invoice("FV/2026/11/0120", "1230.00"), invoice("FV/2026/11/0013", "99")]
    result = match([target, *others], line("1230.00", title), ONLY_REFERENCES)
    assert best_items(result) == (target.id,)
    assert result.best.auto
    assert result.best.kind == Kind.INVOICE
    assert Signal.INVOICE_NUMBER in result.best.signals
    assert result.best.reason.startswith("invoice FV/2026/11/0012 quoted in the title")
    assert "amount equal" in result.best.reason


@pytest.mark.parametrize(
    "title",
    [
        "Zapłata za FV/2026/11/00121",  # a longer number
        "Zapłata za FV/2026/11/0120",
        "Zapłata za FV/2026/11/0012/2",  # continued by more digits
        "Zapłata za FV/2026/11",
        "Zapłata 2026",
        "FV 2026 11",
        "fv20261100121",  # written without separators, one digit more
    ],
)
def test_numbers_that_only_look_alike_do_not_match(title):
    target = invoice("FV/2026/11/0012", "1230.00")
    result = match([target], line("1230.00", title), ONLY_REFERENCES)
    assert result.proposals == ()


def test_a_year_alone_or_an_amount_never_matches_a_digit_only_number():
    year = invoice("2026", "100.00")
    amount_like = invoice("123456", "100.00")
    date_like = invoice("2026/11/12", "100.00")
    for title in ("Zapłata 2026", "Kwota 123456,00 zł", "Przelew z dnia 2026-11-12"):
        result = match([year, amount_like, date_like], line("100.00", title))
        assert Signal.INVOICE_NUMBER not in {
            signal for proposal in result.proposals for signal in proposal.signals
        }, title


def test_a_long_digit_only_number_written_with_its_zeros_matches():
    target = invoice("0012345678", "100.00")
    assert best_items(match([target], line("100.00", "Nr 0012345678"))) == (target.id,)
    assert match([target], line("100.00", "Nr 12345678"), ONLY_REFERENCES).best is None


def test_longest_number_wins_where_two_start_at_the_same_place():
    short = invoice("FV/2026/11/0012", "100.00")
    correction = invoice("FV/2026/11/0012/KOR", "100.00")
    result = match([short, correction], line("100.00", "FV/2026/11/0012/KOR"))
    assert best_items(result) == (correction.id,)
    assert result.best.auto


def test_vendor_bill_number_in_an_outgoing_payment_title():
    target = bill("FZ/2026/11/0003", "500.00", ref="4711/11/2026/S")
    result = match([target], line("-500.00", "Faktura 4711/11/2026/S"))
    assert best_items(result) == (target.id,)
    assert result.best.auto
    assert result.best.allocations[0].amount == Decimal("-500.00")


def test_an_incoming_payment_never_settles_a_bill():
    target = bill("FZ/2026/11/0003", "500.00")
    assert match([target], line("500.00", "FZ/2026/11/0003")).proposals == ()


def test_invoice_number_signal_can_be_switched_off():
    target = invoice("FV/2026/11/0012", "1230.00", payment_reference=None)
    rule = MatchRule(signals=frozenset({Signal.PAYMENT_REFERENCE}))
    assert match([target], line("1230.00", "FV/2026/11/0012"), rule).proposals == ()


# --- payment reference ---------------------------------------------------------


def test_payment_reference_quoted_in_the_title():
    target = invoice("INV/2026/00077", "80.00", payment_reference="ZAM 558812/A")
    result = match([target], line("80.00", "zam-558812-a"), ONLY_REFERENCES)
    assert best_items(result) == (target.id,)
    assert Signal.PAYMENT_REFERENCE in result.best.signals
    assert "payment reference ZAM 558812/A" in result.best.reason
    assert result.best.auto


def test_payment_reference_without_digits_is_ignored():
    target = invoice("INV/2026/00077", "80.00", payment_reference="ZAMOWIENIE")
    assert match([target], line("80.00", "zamowienie"), ONLY_REFERENCES).best is None


# --- RF creditor reference -------------------------------------------------------


def test_rf_reference_with_valid_check_digits_matches():
    target = invoice("FV/2026/11/0012", "100.00", payment_reference="RF18539007547034")
    result = match([target], line("100.00", "Płatność RF18 5390 0754 7034"))
    assert best_items(result) == (target.id,)
    assert Signal.RF_REFERENCE in result.best.signals
    assert "check digits valid" in result.best.reason
    assert result.best.auto


def test_rf_reference_with_wrong_check_digits_is_not_trusted():
    # The item carries a reference whose check digits are wrong; the title
    # repeats it. It is not an RF reference, and the engine says so.
    target = invoice("FV/2026/11/0012", "100.00", payment_reference="RF19539007547034")
    result = match([target], line("100.00", "RF19539007547034"))
    assert all(Signal.RF_REFERENCE not in p.signals for p in result.proposals)
    assert any("fails the RF check digits" in note for note in result.notes)


def test_rf_reference_of_another_invoice_does_not_match():
    target = invoice("FV/2026/11/0012", "100.00", payment_reference="RF18539007547034")
    result = match([target], line("100.00", "RF71 2348 231"))
    assert Signal.RF_REFERENCE not in {s for p in result.proposals for s in p.signals}


def test_rf_signal_can_be_switched_off():
    target = invoice("FV/1", "100.00", payment_reference="RF18539007547034")
    rule = MatchRule(signals=frozenset({Signal.INVOICE_NUMBER}))
    assert match([target], line("100.00", "RF18539007547034"), rule).best is None


# --- split payment ------------------------------------------------------------------


def test_split_payment_names_the_invoice_and_reports_the_vat_part():
    target = invoice("FV/2026/11/0012", "1230.00")
    title = f"/VAT/230,00/IDC/{OUR_NIP}/INV/FV/2026/11/0012/TXT/zapłata"
    result = match([target], line("1230.00", title))
    best = result.best
    assert best_items(result) == (target.id,)
    assert best.auto
    assert {Signal.SPLIT_PAYMENT, Signal.SPLIT_PAYMENT_NIP} <= set(best.signals)
    assert best.split_payment.vat_amount == Decimal("230.00")
    assert result.split_payment.vat_amount == Decimal("230.00")


def test_split_payment_inv_matches_even_a_weak_number():
    # "12/2026" is never looked for in free text, but /INV/ names it explicitly.
    target = invoice("12/2026", "1230.00", payment_reference=None)
    title = f"/VAT/230,00/IDC/{OUR_NIP}/INV/12/2026/TXT/x"
    result = match([target], line("1230.00", title))
    assert best_items(result) == (target.id,)
    assert Signal.SPLIT_PAYMENT in result.best.signals


def test_outgoing_split_payment_checks_the_supplier_nip():
    target = bill(
        "FZ/2026/11/0003", "1230.00", ref="77/2026", partner_vat="PL7770001122"
    )
    title = "/VAT/230,00/IDC/7770001122/INV/77/2026/TXT/x"
    result = match([target], line("-1230.00", title))
    assert best_items(result) == (target.id,)
    assert Signal.SPLIT_PAYMENT_NIP in result.best.signals
    assert result.best.auto


def test_split_payment_with_a_foreign_nip_loses_confidence():
    target = bill("FZ/2026/11/0003", "1230.00", ref="77/2026", partner_vat="7770001122")
    good = match([target], line("-1230.00", "/VAT/230,00/IDC/7770001122/INV/77/2026"))
    bad = match([target], line("-1230.00", "/VAT/230,00/IDC/1111111111/INV/77/2026"))
    assert bad.best.confidence < good.best.confidence
    assert "neither the partner's NIP nor ours" in bad.best.reason


def test_split_payment_idc_identifies_the_supplier_without_a_number():
    target = bill("FZ/2026/11/0003", "1230.00", partner=GAMMA, partner_vat="7770001122")
    title = "/VAT/230,00/IDC/7770001122/INV/unknown-number/TXT/x"
    result = match([target], line("-1230.00", title))
    assert best_items(result) == (target.id,)
    assert Signal.SPLIT_PAYMENT_NIP in result.best.signals
    assert result.partner_ids == (GAMMA,)


def test_split_payment_signal_switched_off_ignores_the_fields():
    target = invoice("12/2026", "1230.00", payment_reference=None)
    rule = MatchRule(signals=frozenset({Signal.INVOICE_NUMBER}))
    result = match([target], line("1230.00", "/VAT/230,00/IDC/1/INV/12/2026"), rule)
    assert result.best is None
    assert result.split_payment is None


# --- virtual account -----------------------------------------------------------


VIRTUAL = "PL27 1140 2004 0000 3002 0000 0007"


def test_virtual_account_identifies_the_customer_and_amount_picks_the_invoice():
    target = invoice("FV/2026/11/0012", "300.00", partner=ACME)
    other = invoice("FV/2026/11/0013", "300.00", partner=BETA)
    result = match(
        [target, other],
        line("300.00", "przelew", receiving_account=VIRTUAL.replace(" ", "")),
        virtual_accounts={VIRTUAL: ACME},
    )
    assert best_items(result) == (target.id,)
    assert Signal.VIRTUAL_ACCOUNT in result.best.signals
    assert result.best.auto
    assert result.partner_ids == (ACME,)


def test_virtual_account_restricts_references_to_its_customer():
    acme = invoice("FV/2026/11/0012", "300.00", partner=ACME)
    beta = invoice("FV/2026/11/0099", "300.00", partner=BETA)
    result = match(
        [acme, beta],
        line("300.00", "FV/2026/11/0099", receiving_account=VIRTUAL),
        virtual_accounts={VIRTUAL: ACME},
    )
    assert beta.id not in {i for p in result.proposals for i in p.item_ids}
    assert any("virtual account of Acme" in note for note in result.notes)


def test_unknown_receiving_account_identifies_nobody():
    target = invoice("FV/2026/11/0012", "300.00")
    result = match(
        [target],
        line("300.00", "przelew", receiving_account="PL00 1111"),
        virtual_accounts={VIRTUAL: ACME},
    )
    assert Signal.VIRTUAL_ACCOUNT not in {
        s for p in result.proposals for s in p.signals
    }
    assert not result.best.auto  # only the amount speaks for it


# --- counterparty IBAN, amount and partner ------------------------------------


def test_counterparty_iban_identifies_the_partner():
    target = invoice("FV/2026/11/0012", "300.00", partner=ACME)
    other = invoice("FV/2026/11/0013", "300.00", partner=BETA)
    payer = IBAN_ACME[:4] + " " + IBAN_ACME[4:]
    result = match([target, other], line("300.00", "Zapłata", counterparty_iban=payer))
    assert best_items(result) == (target.id,)
    assert {Signal.COUNTERPARTY_IBAN, Signal.AMOUNT_PARTNER} <= set(result.best.signals)
    assert len(result.proposals) == 1
    # Partner and amount alone are below the default threshold...
    assert not result.best.auto
    # ...and enough for a rule that trusts them.
    trusting = match(
        [target, other],
        line("300.00", "Zapłata", counterparty_iban=payer),
        MatchRule(auto_threshold=0.85),
    )
    assert trusting.best.auto


def test_partner_already_on_the_line_counts_like_its_iban():
    target = invoice("FV/2026/11/0012", "300.00", partner=BETA)
    result = match([target], line("300.00", "Zapłata", partner_id=BETA))
    assert best_items(result) == (target.id,)
    assert Signal.KNOWN_PARTNER in result.best.signals


def test_amount_and_partner_outside_the_date_window_do_not_match():
    old = invoice(
        "FV/2026/01/0001",
        "300.00",
        partner=BETA,
        date=date(2026, 1, 5),
        due_date=date(2026, 1, 20),
    )
    paid = line("300.00", "Zapłata", counterparty_iban=IBAN_BETA)
    assert match([old], paid, MatchRule(date_window_days=30)).best is None
    assert best_items(match([old], paid, MatchRule(date_window_days=None))) == (old.id,)


def test_amount_alone_is_a_weak_proposal():
    target = invoice("FV/2026/11/0012", "321.45")
    result = match([target], line("321.45", "Zapłata"))
    assert best_items(result) == (target.id,)
    assert result.best.signals[0] == Signal.AMOUNT_ONLY
    assert result.best.confidence <= 0.5
    assert not result.best.auto


def test_amount_only_signal_can_be_switched_off():
    target = invoice("FV/2026/11/0012", "321.45")
    rule = MatchRule(signals=frozenset({Signal.INVOICE_NUMBER}))
    assert match([target], line("321.45", "Zapłata"), rule).best is None


def test_different_amount_and_no_reference_is_no_proposal():
    target = invoice("FV/2026/11/0012", "321.45")
    assert match([target], line("321.46", "Zapłata")).best is None


def test_a_reference_shared_by_all_invoices_of_a_partner_only_names_the_partner():
    # Odoo's partner-based communication: every invoice of Acme carries CUST/0042.
    items = [
        invoice(f"FV/2026/11/{n:04d}", amount, payment_reference="CUST/0042")
        for n, amount in enumerate(("100.00", "200.00", "300.00"), start=1)
    ]
    result = match(items, line("200.00", "CUST/0042"))
    assert best_items(result) == (items[1].id,)
    assert "shared by 3 open items" in result.best.reason
    assert not result.best.auto
    assert match(
        items, line("200.00", "CUST/0042"), MatchRule(auto_threshold=0.85)
    ).best.auto


# --- a structured reference to no open item ------------------------------------


def test_a_split_payment_naming_no_open_invoice_says_so():
    # Paid already, never entered, or entered under another number: the
    # person looking at the line learns which number the payer gave.
    other = invoice("FV/2026/11/0099", "500.00")
    title = f"/VAT/530,77/IDC/{OUR_NIP}/INV/FV/2026/10/0033/TXT/zapłata"
    result = match([other], line("2838.49", title))
    assert result.best is None
    assert "split payment /INV/FV/2026/10/0033 names no open item" in result.notes


def test_an_rf_reference_naming_no_open_item_says_so():
    other = invoice("FV/2026/11/0012", "100.00", payment_reference="RF71234823")
    result = match([other], line("100.00", "Płatność RF18 5390 0754 7034"))
    assert all(Signal.RF_REFERENCE not in p.signals for p in result.proposals)
    assert "RF reference RF18539007547034 names no open item" in result.notes


def test_a_split_payment_naming_an_open_invoice_has_no_such_note():
    target = invoice("FV/2026/11/0012", "1230.00")
    title = f"/VAT/230,00/IDC/{OUR_NIP}/INV/FV/2026/11/0012/TXT/zapłata"
    result = match([target], line("1230.00", title))
    assert not any("names no open item" in note for note in result.notes)


def test_a_structured_reference_to_nothing_is_not_noted_when_the_title_names_an_item():
    target = invoice("FV/2026/11/0012", "100.00")
    title = "FV/2026/11/0012 RF18 5390 0754 7034"
    result = match([target], line("100.00", title))
    assert best_items(result) == (target.id,)
    assert not any("names no open item" in note for note in result.notes)
