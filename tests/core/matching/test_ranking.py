"""The general rules of ranking: the quoted document first, equal evidence is
a tie that is never automatic, and texts about other candidates name only the
payer's items."""

from decimal import Decimal as D

from bank_api_sync.core.matching import Kind, MatchRule

from .factories import ACME, BETA, IBAN_ACME, invoice, line, match

# Everything above these would be automatic, were it not for the rules.
LENIENT = MatchRule(auto_threshold=0.5, auto_margin=0.0, auto_partial=True)


def _not_auto(result):
    return all(not proposal.auto for proposal in result.proposals)


# --- the quoted document first -------------------------------------------------


def test_partial_payment_of_the_quoted_invoice_beats_an_exact_combination():
    quoted = invoice("FV/2026/11/0001", "1000.00")
    first = invoice("FV/2026/11/0002", "300.00")
    second = invoice("FV/2026/11/0003", "200.00")
    paid = line("500.00", "FV/2026/11/0001", counterparty_iban=IBAN_ACME)
    result = match([quoted, first, second], paid, LENIENT)
    assert result.best.item_ids == (quoted.id,)
    assert result.best.kind == Kind.PARTIAL
    combination = result.proposals[1]
    assert set(combination.item_ids) == {first.id, second.id}
    assert "the title quotes FV/2026/11/0001, not this" in combination.ambiguity
    # The amount fits the combination better: a person decides.
    assert _not_auto(result)
    assert any("another proposal fits the amount better" in n for n in result.notes)


def test_the_quoted_invoice_beats_an_exact_invoice_it_does_not_name():
    quoted = invoice("FV/2026/11/0001", "900.00")
    exact = invoice("FV/2026/11/0002", "250.00")
    paid = line("250.00", "zapłata za FV/2026/11/0001", counterparty_iban=IBAN_ACME)
    result = match([quoted, exact], paid)
    assert result.best.item_ids == (quoted.id,)
    assert not result.best.auto


def test_the_quoted_invoice_comes_first_even_when_the_payer_looks_like_another():
    quoted = invoice("FV/2026/11/0001", "900.00", partner=BETA)
    payers = invoice("FV/2026/11/0002", "400.00", partner=ACME)
    paid = line("400.00", "FV/2026/11/0001", counterparty_iban=IBAN_ACME)
    result = match([quoted, payers], paid, LENIENT)
    assert result.best.item_ids == (quoted.id,)
    assert result.proposals[1].item_ids == (payers.id,)
    assert _not_auto(result)


def test_a_partner_reference_shared_by_several_invoices_names_no_document():
    # Odoo's partner-based communication says who paid, not which invoice:
    # the amount picks the invoice.
    partial = invoice("FV/2026/11/0001", "900.00", payment_reference="CUST/0042")
    exact = invoice("FV/2026/11/0002", "400.00", payment_reference="CUST/0042")
    result = match([partial, exact], line("400.00", "CUST/0042"))
    assert result.best.item_ids == (exact.id,)


# --- equal evidence is a tie --------------------------------------------------


def test_one_invoice_against_a_combination_of_two_others_is_ambiguous():
    alone = invoice("FV/2026/11/0004", "500.00")
    first = invoice("FV/2026/11/0005", "300.00")
    second = invoice("FV/2026/11/0006", "200.00")
    paid = line("500.00", "Zapłata", counterparty_iban=IBAN_ACME)
    result = match([alone, first, second], paid, LENIENT)
    assert result.best.item_ids == (alone.id,)
    assert set(result.proposals[1].item_ids) == {first.id, second.id}
    assert _not_auto(result)
    assert result.best.ambiguity == (
        "FV/2026/11/0006 + FV/2026/11/0005 would fit the payment as well, and "
        "nothing in it says which is meant"
    )
    assert "FV/2026/11/0004 would fit the payment as well" in (
        result.proposals[1].ambiguity
    )
    assert any("would fit the payment as well" in note for note in result.notes)


def test_without_a_rival_combination_the_single_invoice_is_automatic():
    alone = invoice("FV/2026/11/0004", "500.00")
    other = invoice("FV/2026/11/0005", "300.00")
    paid = line("500.00", "Zapłata", counterparty_iban=IBAN_ACME)
    result = match([alone, other], paid, LENIENT)
    assert result.best.item_ids == (alone.id,)
    assert result.best.ambiguity is None
    assert result.best.auto


def test_two_quoted_invoices_each_settled_by_the_amount_are_a_tie():
    first = invoice("FV/2026/11/0001", "300.00")
    second = invoice("FV/2026/11/0002", "300.00")
    paid = line("300.00", "FV/2026/11/0001 FV/2026/11/0002")
    result = match([first, second], paid, LENIENT)
    assert _not_auto(result)
    assert "FV/2026/11/0002 would fit the payment as well" in result.best.ambiguity


def test_two_quoted_invoices_of_two_partners_name_the_other_partner():
    acme = invoice("FV/2026/11/0001", "300.00", partner=ACME)
    beta = invoice("FV/2026/11/0002", "300.00", partner=BETA)
    result = match(
        [acme, beta], line("300.00", "FV/2026/11/0001, FV/2026/11/0002"), LENIENT
    )
    assert {p.item_ids for p in result.proposals} == {(acme.id,), (beta.id,)}
    assert _not_auto(result)
    assert result.best.ambiguity == (
        "FV/2026/11/0002 of Beta would fit the payment as well, and nothing in it "
        "says which is meant"
    )


def test_a_tie_is_never_automatic_whatever_the_threshold():
    alone = invoice("FV/2026/11/0004", "500.00")
    first = invoice("FV/2026/11/0005", "300.00")
    second = invoice("FV/2026/11/0006", "200.00")
    paid = line("500.00", "Zapłata", counterparty_iban=IBAN_ACME)
    for threshold in (0.0, 0.5, 0.87):
        rule = MatchRule(auto_threshold=threshold, auto_margin=0.0)
        assert _not_auto(match([alone, first, second], paid, rule)), threshold


# --- texts about other candidates ----------------------------------------------


def test_exactly_the_amount_names_only_the_payers_items():
    quoted = invoice("FV/2026/07/0028", "590.27", partner=ACME)
    strangers = invoice("FV/2026/07/0020", "589.40", partner=BETA)
    rule = MatchRule(tolerance_amount=D("1.00"))
    paid = line("589.40", "Faktura FV/2026/07/0028", counterparty_iban=IBAN_ACME)
    result = match([quoted, strangers], paid, rule)
    assert result.best.item_ids == (quoted.id,)
    assert result.best.ambiguity is None
    assert result.best.auto
    assert not any("FV/2026/07/0020" in note for note in result.notes)
    assert [p.item_ids for p in result.proposals] == [(quoted.id,)]


def test_exactly_the_amount_names_the_payers_own_item():
    quoted = invoice("FV/2026/07/0028", "590.27", partner=ACME)
    own = invoice("FV/2026/07/0031", "589.40", partner=ACME)
    strangers = invoice("FV/2026/07/0020", "589.40", partner=BETA)
    rule = MatchRule(tolerance_amount=D("1.00"))
    paid = line("589.40", "Faktura FV/2026/07/0028", counterparty_iban=IBAN_ACME)
    result = match([quoted, own, strangers], paid, rule)
    assert result.best.item_ids == (quoted.id,)
    assert not result.best.auto
    assert result.best.ambiguity == (
        "FV/2026/07/0031 has exactly the amount, the quoted FV/2026/07/0028 does not"
    )
    texts = [p.reason for p in result.proposals] + list(result.notes)
    assert not any("FV/2026/07/0020" in text for text in texts)


def test_a_reference_of_two_partners_resolved_by_the_payer_names_only_the_payer():
    acme = invoice(
        "FV/2026/11/0001", "300.00", partner=ACME, payment_reference="ZAM 5588"
    )
    beta = invoice(
        "FV/2026/11/0002", "300.00", partner=BETA, payment_reference="ZAM 5588"
    )
    result = match(
        [acme, beta], line("300.00", "ZAM 5588", counterparty_iban=IBAN_ACME)
    )
    assert result.best.item_ids == (acme.id,)
    assert result.best.auto
    assert not any("Beta" in note for note in result.notes)
