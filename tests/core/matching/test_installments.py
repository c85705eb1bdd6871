"""An invoice whose payment terms split it into installments: one open item
per installment, all of one document."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal as D

from .factories import IBAN_ACME, best_items, invoice, line, match


def installments(*amounts, number="FV/2026/11/0040"):
    first = invoice(number, amounts[0], due_date=date(2026, 11, 10))
    items = [first]
    for position, amount in enumerate(amounts[1:], start=1):
        items.append(
            replace(
                first,
                id=first.id * 1000 + position,
                amount_residual=D(amount),
                due_date=first.due_date + timedelta(days=30 * position),
            )
        )
    return items


def test_the_whole_invoice_paid_at_once_settles_every_installment():
    items = installments("300.00", "700.00")
    result = match(items, line("1000.00", "Zapłata FV/2026/11/0040"))
    assert result.best.auto
    assert set(best_items(result)) == {item.id for item in items}
    assert result.best.reason.startswith("invoices FV/2026/11/0040 quoted in the title")
    assert "FV/2026/11/0040, FV/2026/11/0040" not in result.best.reason


def test_one_installment_paid_settles_that_installment():
    items = installments("300.00", "700.00")
    result = match(items, line("700.00", "Zapłata FV/2026/11/0040"))
    assert result.best.auto
    assert best_items(result) == (items[1].id,)


def test_of_equal_installments_the_one_due_first_is_paid():
    items = installments("500.00", "500.00", "500.00")
    result = match(
        list(reversed(items)),
        line("500.00", "Zapłata FV/2026/11/0040", counterparty_iban=IBAN_ACME),
    )
    assert result.best.auto
    assert best_items(result) == (items[0].id,)


def test_a_reference_shared_by_two_invoices_still_names_only_the_partner():
    first = invoice("FV/2026/11/0041", "500.00", payment_reference="CUST/0042")
    second = invoice("FV/2026/11/0042", "500.00", payment_reference="CUST/0042")
    result = match([first, second], line("500.00", "CUST/0042"))
    assert not result.best.auto
    assert {p.item_ids for p in result.proposals[:2]} == {(first.id,), (second.id,)}
