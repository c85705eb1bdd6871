"""Amounts: equal, within tolerance, partial, overpaid, foreign, several invoices."""

import time
from decimal import Decimal

from bank_api_sync.core.matching import (
    Kind,
    MatchContext,
    MatchingEngine,
    MatchRule,
    Signal,
)

from .factories import (
    ACME,
    BETA,
    IBAN_ACME,
    best_items,
    context,
    invoice,
    line,
    match,
)

D = Decimal


# --- tolerance and write-off -------------------------------------------------


def test_shortfall_within_tolerance_is_written_off():
    target = invoice("FV/2026/11/0012", "100.00")
    rule = MatchRule(tolerance_amount=D("0.05"))
    result = match([target], line("99.98", "FV/2026/11/0012"), rule)
    best = result.best
    assert best.kind == Kind.INVOICE
    assert Signal.AMOUNT_TOLERANCE in best.signals
    assert best.allocations[0].amount == D("99.98")
    assert best.allocations[0].closes_item
    assert best.write_off == D("-0.02")
    assert best.unallocated == 0
    assert best.auto
    assert "written off" in best.reason


def test_overpayment_within_tolerance_is_written_off():
    target = invoice("FV/2026/11/0012", "100.00")
    rule = MatchRule(tolerance_amount=D("0.05"))
    best = match([target], line("100.03", "FV/2026/11/0012"), rule).best
    assert best.kind == Kind.INVOICE
    assert best.allocations[0].amount == D("100.00")
    assert best.write_off == D("0.03")
    assert best.unallocated == 0


def test_percent_tolerance_and_both_limits():
    target = invoice("FV/2026/11/0012", "100.00")
    paid = line("99.50", "FV/2026/11/0012")
    assert match([target], paid, MatchRule(tolerance_percent=1)).best.write_off == D(
        "-0.50"
    )
    both = MatchRule(tolerance_percent=1, tolerance_amount="0.10")
    assert match([target], paid, both).best.kind == Kind.PARTIAL
    assert match([target], paid, MatchRule()).best.kind == Kind.PARTIAL


def test_outgoing_payment_within_tolerance():
    target = invoice("FZ/2026/11/0003", "-250.00", kind="payable", partner=BETA)
    best = match(
        [target], line("-249.99", "FZ/2026/11/0003"), MatchRule(tolerance_amount=1)
    ).best
    assert best.kind == Kind.INVOICE
    assert best.allocations[0].amount == D("-249.99")
    assert best.write_off == D("0.01")  # the line's sign is negative: a shortfall


# --- partial payments and overpayments ----------------------------------------


def test_partial_payment_of_a_referenced_invoice():
    target = invoice("FV/2026/11/0012", "1230.00")
    result = match([target], line("500.00", "FV/2026/11/0012"))
    best = result.best
    assert best.kind == Kind.PARTIAL
    assert Signal.PARTIAL in best.signals
    assert best.allocations[0].amount == D("500.00")
    assert not best.allocations[0].closes_item
    assert "partial payment: 500.00 of 1230.00 PLN" in best.reason
    assert not best.auto
    assert any("partial payments are never automatic" in n for n in result.notes)


def test_partial_payment_may_be_automatic_when_the_rule_says_so():
    target = invoice("FV/2026/11/0012", "1230.00")
    rule = MatchRule(auto_partial=True, auto_threshold=0.7)
    assert match([target], line("500.00", "FV/2026/11/0012"), rule).best.auto


def test_partial_signal_switched_off_gives_no_partial_proposal():
    target = invoice("FV/2026/11/0012", "1230.00")
    rule = MatchRule(signals=MatchRule().signals - {Signal.PARTIAL})
    assert match([target], line("500.00", "FV/2026/11/0012"), rule).best is None


def test_partial_payment_without_a_reference_is_not_guessed():
    target = invoice("FV/2026/11/0012", "1230.00")
    assert (
        match([target], line("500.00", "Zapłata", counterparty_iban=IBAN_ACME)).best
        is None
    )


def test_overpayment_leaves_the_rest_unallocated_and_is_not_automatic():
    target = invoice("FV/2026/11/0012", "1230.00")
    best = match([target], line("1300.00", "FV/2026/11/0012")).best
    assert best.kind == Kind.OVERPAYMENT
    assert best.allocations[0].amount == D("1230.00")
    assert best.unallocated == D("70.00")
    assert not best.auto


# --- foreign currency -------------------------------------------------------------


def test_payment_in_the_invoice_currency_is_compared_in_that_currency():
    target = invoice("FV/2026/11/0012", "1000.00", currency="EUR")
    paid = line(
        "4321.00",
        "FV/2026/11/0012",
        amount_currency=D("1000.00"),
        foreign_currency="EUR",
    )
    best = match([target], paid).best
    assert best.kind == Kind.INVOICE
    assert Signal.FOREIGN_CURRENCY in best.signals
    allocation = best.allocations[0]
    assert (allocation.amount, allocation.amount_currency) == (
        D("4321.00"),
        D("1000.00"),
    )
    assert allocation.closes_item
    assert best.auto
    assert "compared in EUR" in best.reason


def test_foreign_partial_payment():
    target = invoice("FV/2026/11/0012", "1000.00", currency="EUR")
    paid = line(
        "1720.00",
        "FV/2026/11/0012",
        amount_currency=D("400.00"),
        foreign_currency="EUR",
    )
    best = match([target], paid).best
    assert best.kind == Kind.PARTIAL
    assert best.allocations[0].amount == D("1720.00")
    assert best.allocations[0].amount_currency == D("400.00")


def test_foreign_invoice_paid_in_company_currency_at_the_booked_rate():
    target = invoice("FV/2026/11/0012", "1000.00", currency="EUR")  # 4300.00 PLN
    best = match([target], line("4300.00", "FV/2026/11/0012")).best
    assert best.kind == Kind.INVOICE
    assert best.allocations[0].amount_currency == D("1000.00")


def test_line_of_a_foreign_journal_matches_its_currency_directly():
    target = invoice("FV/2026/11/0012", "1000.00", currency="EUR")
    best = match([target], line("1000.00", "FV/2026/11/0012", currency="EUR")).best
    assert best.kind == Kind.INVOICE
    assert Signal.FOREIGN_CURRENCY not in best.signals


def test_foreign_currency_signal_switched_off():
    target = invoice("FV/2026/11/0012", "1000.00", currency="EUR")
    rule = MatchRule(signals=MatchRule().signals - {Signal.FOREIGN_CURRENCY})
    paid = line(
        "4321.00",
        "FV/2026/11/0012",
        amount_currency=D("1000.00"),
        foreign_currency="EUR",
    )
    assert match([target], paid, rule).best is None


def test_foreign_amount_matches_by_partner_without_reference():
    target = invoice("FV/2026/11/0012", "1000.00", currency="EUR")
    paid = line(
        "4321.00",
        "Payment",
        amount_currency=D("1000.00"),
        foreign_currency="EUR",
        counterparty_iban=IBAN_ACME,
    )
    assert best_items(match([target], paid)) == (target.id,)


# --- several invoices per payment --------------------------------------------------


def _acme_items(*amounts):
    return [
        invoice(f"FV/2026/11/{number:04d}", amount, partner=ACME)
        for number, amount in enumerate(amounts, start=1)
    ]


def test_one_payment_for_several_invoices_of_the_partner():
    items = _acme_items("100.00", "250.00", "400.00", "75.50")
    result = match(items, line("425.50", "Zapłata", counterparty_iban=IBAN_ACME))
    best = result.best
    assert best.kind == Kind.INVOICES
    assert set(best.item_ids) == {items[0].id, items[1].id, items[3].id}
    assert Signal.SEVERAL_INVOICES in best.signals
    assert best.allocated == D("425.50")
    assert all(allocation.closes_item for allocation in best.allocations)
    assert "3 open items" in best.reason
    assert not best.auto  # no reference: a person confirms


def test_several_invoices_quoted_in_the_title_are_automatic():
    items = _acme_items("100.00", "250.00", "400.00")
    result = match(items, line("350.00", "FV/2026/11/0001, FV/2026/11/0002"))
    assert result.best.kind == Kind.INVOICES
    assert set(result.best.item_ids) == {items[0].id, items[1].id}
    assert result.best.auto


def test_some_of_the_quoted_invoices_paid():
    items = _acme_items("100.00", "250.00", "400.00")
    title = "FV/2026/11/0001 FV/2026/11/0002 FV/2026/11/0003"
    result = match(items, line("500.00", title))
    assert result.best.kind == Kind.INVOICES
    assert set(result.best.item_ids) == {items[0].id, items[2].id}
    assert not result.best.auto


def test_quoted_invoice_plus_others_of_the_same_partner():
    items = _acme_items("100.00", "250.00", "999.00")
    result = match(items, line("350.00", "FV/2026/11/0001"))
    assert result.best.kind == Kind.INVOICES
    assert set(result.best.item_ids) == {items[0].id, items[1].id}
    assert not result.best.auto


def test_no_combination_makes_the_amount_no_proposal():
    items = _acme_items("100.00", "250.00", "400.00")
    result = match(items, line("123.45", "Zapłata", counterparty_iban=IBAN_ACME))
    assert result.best is None


def test_combinations_are_bounded_by_the_subset_size():
    items = _acme_items("100.00", "200.00", "300.00")
    paid = line("600.00", "Zapłata", counterparty_iban=IBAN_ACME)
    assert match(items, paid, MatchRule(max_subset_size=2)).best is None
    assert len(match(items, paid, MatchRule(max_subset_size=3)).best.item_ids) == 3


def test_worst_case_combination_search_stays_fast():
    # 300 open items of one partner with amounts that never add up to the
    # (odd) payment: every combination is a candidate, none is a solution.
    items = [
        invoice(f"FV/2026/11/{n:04d}", D(2 * n + 2), partner=ACME) for n in range(300)
    ]
    rule = MatchRule(max_subset_size=8, max_candidates=60, tolerance_amount=D("0"))
    started = time.perf_counter()
    result = match(items, line("1001.00", "Zapłata", counterparty_iban=IBAN_ACME), rule)
    assert time.perf_counter() - started < 2.0
    assert result.best is None


def test_search_stopped_by_its_budget_never_reconciles_automatically():
    items = [invoice(f"FV/2026/11/{n:04d}", "1.00", partner=ACME) for n in range(40)]
    rule = MatchRule(max_subset_size=6, max_candidates=40, auto_threshold=0.1)
    result = match(items, line("3.00", "Zapłata", counterparty_iban=IBAN_ACME), rule)
    assert result.best.kind == Kind.INVOICES
    assert not result.best.auto


# --- consuming what was reconciled -------------------------------------------------


def test_a_payment_sent_twice_is_reconciled_once():
    target = invoice("FV/2026/11/0012", "1230.00")
    engine = MatchingEngine([target], context())
    first, second = engine.match_lines(
        [line("1230.00", "FV/2026/11/0012"), line("1230.00", "FV/2026/11/0012")]
    )
    assert first.best.auto
    assert second.auto_proposal is None
    assert engine.item(target.id) is None


def test_partial_payments_reduce_the_residual_for_the_next_line():
    target = invoice("FV/2026/11/0012", "1000.00", currency="EUR")
    rule = MatchRule(auto_partial=True, auto_threshold=0.7)
    engine = MatchingEngine([target], context())

    def paid(eur):
        return line(
            str(eur * 4),
            "FV/2026/11/0012",
            amount_currency=D(eur),
            foreign_currency="EUR",
        )

    first, second = engine.match_lines([paid(400), paid(600)], rule)
    assert first.best.kind == Kind.PARTIAL and first.best.auto
    assert engine.item(target.id) is None
    assert second.best.kind == Kind.INVOICE and second.best.auto


def test_consumption_can_be_turned_off():
    target = invoice("FV/2026/11/0012", "1230.00")
    engine = MatchingEngine([target], context())
    lines = [line("1230.00", "FV/2026/11/0012"), line("1230.00", "FV/2026/11/0012")]
    results = engine.match_lines(lines, consume_auto=False)
    assert all(result.best.auto for result in results)


# --- ranking ----------------------------------------------------------------------


def test_exact_reference_beats_amount_and_partner():
    quoted = invoice("FV/2026/11/0012", "300.00", partner=ACME)
    same_amount = invoice("FV/2026/11/0013", "300.00", partner=ACME)
    result = match(
        [same_amount, quoted],
        line("300.00", "FV/2026/11/0012", counterparty_iban=IBAN_ACME),
    )
    assert [p.item_ids for p in result.proposals] == [(quoted.id,), (same_amount.id,)]
    assert result.proposals[0].confidence > result.proposals[1].confidence
    assert result.best.auto
    assert "quotes another document" in result.proposals[1].reason


def test_exact_reference_beats_a_partial_one_and_amount_only():
    exact = invoice("FV/2026/11/0012", "300.00", partner=ACME)
    partial = invoice("FV/2026/11/0099", "900.00", partner=BETA)
    result = match([partial, exact], line("300.00", "FV/2026/11/0099 FV/2026/11/0012"))
    assert result.proposals[0].item_ids == (exact.id,)
    assert result.proposals[0].kind == Kind.INVOICE
    assert result.proposals[1].kind == Kind.PARTIAL


def test_rules_are_tried_in_order_and_named_in_the_answer():
    target = invoice("FV/2026/11/0012", "300.00")
    references = MatchRule(rule_id=7, signals=frozenset({Signal.RF_REFERENCE}))
    amounts = MatchRule(rule_id=8)
    engine = MatchingEngine([target], context())
    result = engine.match_line(line("300.00", "FV/2026/11/0012"), [references, amounts])
    assert result.rule_id == 8
    assert result.best.rule_id == 8


def test_max_proposals_limits_the_list():
    items = [invoice(f"FV/2026/11/{n:04d}", "50.00", partner=n) for n in range(1, 10)]
    result = match(items, line("50.00", "Zapłata"), MatchRule(max_proposals=3))
    assert len(result.proposals) == 3
    assert not result.best.auto


def test_line_without_a_date_uses_today():
    target = invoice("FV/2026/11/0012", "300.00")
    engine = MatchingEngine([target], MatchContext(company_currency="PLN"))
    result = engine.match_line(line("300.00", "FV/2026/11/0012", date=None))
    assert best_items(result) == (target.id,)
