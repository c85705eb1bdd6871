"""Cases where the engine must propose but never reconcile by itself, and say why."""

from decimal import Decimal as D

from bank_api_sync.core.matching import MatchRule, Signal

from .factories import ACME, BETA, GAMMA, IBAN_ACME, IBAN_BETA, invoice, line, match

LENIENT = MatchRule(auto_threshold=0.5, auto_margin=0.0)

SHARED_IBAN = "PL83 1020 1026 0000 0422 7020 1111"


def _not_auto(result):
    return all(not proposal.auto for proposal in result.proposals)


def test_two_invoices_with_the_same_amount_and_no_reference():
    first = invoice("FV/2026/11/0001", "300.00", partner=ACME)
    second = invoice("FV/2026/11/0002", "300.00", partner=ACME)
    result = match(
        [first, second], line("300.00", "Zapłata", counterparty_iban=IBAN_ACME)
    )
    assert {p.item_ids for p in result.proposals} == {(first.id,), (second.id,)}
    assert result.proposals[0].confidence == result.proposals[1].confidence
    assert _not_auto(result)
    assert "2 open items have the amount 300.00 PLN" in result.best.ambiguity
    assert any("2 open items have the amount" in note for note in result.notes)


def test_two_invoices_with_the_same_amount_even_under_a_lenient_rule():
    first = invoice("FV/2026/11/0001", "300.00", partner=ACME)
    second = invoice("FV/2026/11/0002", "300.00", partner=ACME)
    paid = line("300.00", "Zapłata", counterparty_iban=IBAN_ACME)
    assert _not_auto(match([first, second], paid, LENIENT))


def test_same_amount_at_different_partners_without_any_clue():
    first = invoice("FV/2026/11/0001", "300.00", partner=ACME)
    second = invoice("FV/2026/11/0002", "300.00", partner=BETA)
    result = match([first, second], line("300.00", "Zapłata"), LENIENT)
    assert len(result.proposals) == 2
    assert _not_auto(result)
    assert "nothing says which" in result.best.ambiguity


def test_a_reference_matching_items_of_two_partners():
    acme = invoice(
        "FV/2026/11/0001", "300.00", partner=ACME, payment_reference="ZAM 5588"
    )
    beta = invoice(
        "FV/2026/11/0002", "300.00", partner=BETA, payment_reference="ZAM 5588"
    )
    result = match([acme, beta], line("300.00", "zamówienie ZAM 5588"), LENIENT)
    assert {p.item_ids for p in result.proposals} == {(acme.id,), (beta.id,)}
    assert _not_auto(result)
    assert "matches open items of 2 partners (Acme, Beta)" in result.best.ambiguity


def test_a_shared_reference_is_resolved_by_the_payers_account():
    acme = invoice(
        "FV/2026/11/0001", "300.00", partner=ACME, payment_reference="ZAM 5588"
    )
    beta = invoice(
        "FV/2026/11/0002", "300.00", partner=BETA, payment_reference="ZAM 5588"
    )
    paid = line("300.00", "ZAM 5588", counterparty_iban=IBAN_BETA)
    result = match([acme, beta], paid)
    assert result.best.item_ids == (beta.id,)
    assert result.best.auto
    assert result.best.ambiguity is None


def test_an_iban_on_two_partners_never_reconciles_by_amount():
    target = invoice("FV/2026/11/0001", "300.00", partner=ACME)
    result = match(
        [target],
        line("300.00", "Zapłata", counterparty_iban=SHARED_IBAN),
        LENIENT,
        partner_ibans={SHARED_IBAN: {ACME, GAMMA}},
    )
    assert result.best.item_ids == (target.id,)
    assert not result.best.auto
    assert "belongs to 2 partners (Acme, Gamma)" in result.best.ambiguity
    assert set(result.partner_ids) == {ACME, GAMMA}


def test_an_iban_on_two_partners_does_not_spoil_a_quoted_invoice():
    target = invoice("FV/2026/11/0001", "300.00", partner=ACME)
    result = match(
        [target],
        line("300.00", "FV/2026/11/0001", counterparty_iban=SHARED_IBAN),
        partner_ibans={SHARED_IBAN: {ACME, GAMMA}},
    )
    assert result.best.auto
    assert Signal.COUNTERPARTY_IBAN in result.best.signals


def test_clues_pointing_at_different_partners():
    target = invoice("FV/2026/11/0001", "300.00", partner=ACME)
    result = match(
        [target],
        line("300.00", "Zapłata", counterparty_iban=IBAN_ACME, partner_id=BETA),
        LENIENT,
    )
    assert result.best.item_ids == (target.id,)
    assert not result.best.auto
    assert "different partners" in result.best.ambiguity


def test_a_quoted_invoice_of_another_partner_than_the_payer_loses_confidence():
    target = invoice("FV/2026/11/0001", "300.00", partner=ACME)
    payer_is_beta = match(
        [target], line("300.00", "FV/2026/11/0001", counterparty_iban=IBAN_BETA)
    )
    no_payer = match([target], line("300.00", "FV/2026/11/0001"))
    assert payer_is_beta.best.confidence < no_payer.best.confidence
    assert not payer_is_beta.best.auto
    assert "looks like Beta's" in payer_is_beta.best.reason


def test_two_combinations_make_the_amount():
    items = [
        invoice(f"FV/2026/11/{n:04d}", amount, partner=ACME)
        for n, amount in enumerate(("100.00", "200.00", "300.00", "400.00"), start=1)
    ]
    result = match(
        items, line("500.00", "Zapłata", counterparty_iban=IBAN_ACME), LENIENT
    )
    assert len(result.proposals) == 2
    assert _not_auto(result)
    assert "several combinations" in result.best.ambiguity


def test_why_not_automatic_is_always_explained():
    target = invoice("FV/2026/11/0001", "300.00")
    result = match([target], line("300.00", "Zapłata"))
    assert not result.best.auto
    assert any(
        note.startswith("not automatic: confidence 0.50") for note in result.notes
    )


def test_title_quotes_one_invoice_while_the_amount_fits_another():
    quoted = invoice("FV/2026/11/0001", "900.00", partner=ACME)
    fits = invoice("FV/2026/11/0002", "300.00", partner=ACME)
    paid = line("300.00", "FV/2026/11/0001", counterparty_iban=IBAN_ACME)
    result = match([quoted, fits], paid, LENIENT)
    assert {p.item_ids for p in result.proposals} == {(quoted.id,), (fits.id,)}
    assert _not_auto(result)
    # The quoted invoice comes first, partly paid; the other is a conflict.
    assert result.best.item_ids == (quoted.id,)
    assert "FV/2026/11/0002 has exactly the amount" in result.best.ambiguity
    assert "the title quotes FV/2026/11/0001" in result.proposals[1].ambiguity


def test_quoted_number_off_by_the_tolerance_while_another_invoice_fits_exactly():
    # A mistyped number (0028 for 0020) is as likely as a payment difference.
    quoted = invoice("FV/2026/07/0028", "590.27", partner=BETA)
    fits = invoice("FV/2026/07/0020", "589.40", partner=ACME)
    rule = MatchRule(tolerance_amount=D("1.00"))
    result = match([quoted, fits], line("589.40", "Faktura FV/2026/07/0028"), rule)
    assert _not_auto(result)
    assert {p.item_ids for p in result.proposals} == {(quoted.id,), (fits.id,)}
    assert result.best.item_ids == (quoted.id,)
    assert (
        "FV/2026/07/0020 has exactly the amount, the quoted FV/2026/07/0028 does not"
        in result.best.ambiguity
    )


def test_quoted_number_within_the_tolerance_and_nothing_else_fits():
    quoted = invoice("FV/2026/07/0028", "590.27", partner=BETA)
    other = invoice("FV/2026/07/0020", "412.00", partner=ACME)
    rule = MatchRule(tolerance_amount=D("1.00"))
    result = match([quoted, other], line("589.40", "Faktura FV/2026/07/0028"), rule)
    assert result.best.item_ids == (quoted.id,)
    assert result.best.write_off == D("-0.87")
    assert result.best.auto
