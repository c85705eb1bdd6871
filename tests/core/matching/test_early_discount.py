"""Early payment discounts: the invoice's terms let the customer pay less by a
date (Odoo's early payment discount); paid in time, the invoice is settled."""

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal as D

from bank_api_sync.core.matching import Kind

from .factories import IBAN_ACME, PAY_DATE, best_items, bill, invoice, line, match


def with_discount(item, discounted, days=0):
    return replace(
        item,
        discount_residual=D(discounted),
        discount_date=PAY_DATE + timedelta(days=days),
    )


def test_paid_in_time_the_discounted_amount_settles_the_invoice():
    target = with_discount(invoice("FV/2026/11/0090", "1000.00"), "980.00")
    result = match([target], line("980.00", "Zapłata FV/2026/11/0090"))
    best = result.best
    assert best.auto
    assert best.kind == Kind.INVOICE
    assert best.early_discount == D("20.00")
    assert best.write_off == 0 and best.unallocated == 0
    assert best.allocations[0].amount == D("980.00")
    assert best.allocations[0].closes_item
    assert "early payment discount of 20.00 PLN" in best.reason


def test_paid_after_the_discount_date_it_is_a_partial_payment():
    target = with_discount(invoice("FV/2026/11/0090", "1000.00"), "980.00", days=-1)
    result = match([target], line("980.00", "Zapłata FV/2026/11/0090"))
    assert result.best.kind == Kind.PARTIAL
    assert not result.best.auto
    assert result.best.early_discount == 0


def test_the_payers_account_finds_the_discounted_invoice_without_a_title():
    target = with_discount(invoice("FV/2026/11/0091", "1000.00"), "980.00")
    other = invoice("FV/2026/11/0092", "1000.00")
    result = match(
        [target, other], line("980.00", "Przelew", counterparty_iban=IBAN_ACME)
    )
    assert best_items(result) == (target.id,)
    assert result.best.early_discount == D("20.00")


def test_a_vendor_bill_paid_in_time_takes_its_discount():
    target = with_discount(bill("FZ/2026/11/0007", "500.00"), "-490.00")
    result = match([target], line("-490.00", "FZ/2026/11/0007"))
    assert result.best.auto
    assert result.best.early_discount == D("-10.00")


def test_an_invoice_in_euro_paid_in_time_from_a_euro_account():
    target = with_discount(
        invoice("FV/2026/11/0093", "1000.00", currency="EUR"), "980.00"
    )
    result = match([target], line("980.00", "FV/2026/11/0093", currency="EUR"))
    best = result.best
    assert best.auto
    assert best.early_discount == D("20.00")
    assert best.allocations[0].amount == D("980.00")
    assert best.allocations[0].closes_item
    assert "early payment discount of 20.00 EUR" in best.reason


def test_a_payment_the_bank_gives_in_the_invoices_currency_takes_its_discount():
    """A zloty account credited with a euro transfer: the bank gives the euro
    amount beside the zloty one, so the payer paid in the invoice's currency."""
    target = with_discount(
        invoice("FV/2026/11/0094", "1000.00", currency="EUR"), "980.00"
    )
    paid = line(
        "4223.80",
        "FV/2026/11/0094",
        foreign_currency="EUR",
        amount_currency=D("980.00"),
    )
    best = match([target], paid).best
    assert best.auto
    assert best.allocations[0].amount == D("4223.80")  # the whole line
    assert best.allocations[0].amount_currency == D("980.00")
    assert best.early_discount == D("86.20")  # 20.00 EUR at the line's rate
    assert "early payment discount of 20.00 EUR" in best.reason


def test_a_zloty_payment_of_a_euro_invoice_gets_no_discount():
    """Odoo grants the discount only to a payment in the invoice's currency."""
    target = with_discount(
        invoice("FV/2026/11/0095", "1000.00", currency="EUR"), "980.00"
    )
    best = match([target], line("4214.00", "FV/2026/11/0095")).best
    assert best.early_discount == 0
    assert not best.auto
