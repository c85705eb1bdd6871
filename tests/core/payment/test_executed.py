"""Executed payments paired with the bank lines that book them."""

from decimal import Decimal

from bank_api_sync_payment.core.executed import (
    BookedLine,
    SentPayment,
    match_executed,
)

SUPPLIER = "PL21102028920000000000001234"
OTHER = "PL91116022020000000123456789"


def payment(pid, amount, e2e, iban=SUPPLIER, order=1, refs=None, batch=()):
    return SentPayment(
        id=pid,
        order_id=order,
        amount=Decimal(amount),
        currency="PLN",
        end_to_end_id=e2e,
        creditor_iban=iban,
        references=tuple(refs or (e2e,)),
        batch_ids=batch,
    )


def line(lid, amount, e2e=None, iban=None, text="", currency="PLN"):
    return BookedLine(
        id=lid,
        amount=Decimal(amount),
        currency=currency,
        end_to_end_id=e2e,
        counterparty_iban=iban,
        text=text,
    )


def pairs(matches):
    return {match.line_id: (match.payment_ids, match.how) for match in matches}


def test_each_debit_is_paired_by_its_end_to_end_id():
    payments = [payment(1, "1230.00", "L00007"), payment(2, "2460.00", "L00008")]
    lines = [
        line(10, "-2460.00", "L00008", SUPPLIER, "/VAT/460,00/IDC/5260250274"),
        line(11, "-1230.00", "L00007", SUPPLIER, "FV/2026/11/0060"),
    ]
    assert pairs(match_executed(lines, payments)) == {
        10: ((2,), "end_to_end"),
        11: ((1,), "end_to_end"),
    }


def test_an_end_to_end_id_with_another_amount_or_payee_is_not_the_payment():
    payments = [payment(1, "1230.00", "L00007")]
    assert match_executed([line(10, "-1230.01", "L00007", SUPPLIER)], payments) == []
    assert match_executed([line(10, "-1230.00", "L00007", OTHER)], payments) == []


def test_credits_and_other_currencies_are_never_payments():
    payments = [payment(1, "1230.00", "L00007")]
    assert match_executed([line(10, "1230.00", "L00007", SUPPLIER)], payments) == []
    lines = [line(10, "-1230.00", "L00007", SUPPLIER, currency="EUR")]
    assert match_executed(lines, payments) == []


def test_without_end_to_end_id_the_reference_amount_and_payee_all_count():
    payments = [payment(1, "980.00", "L00012"), payment(2, "980.00", "L00013")]
    lines = [line(10, "-980.00", None, SUPPLIER, "Przelew L00013 TK 311/2026")]
    assert pairs(match_executed(lines, payments)) == {10: ((2,), "reference")}
    # The payee's account is required then, and a longer reference is not it.
    assert match_executed([line(10, "-980.00", None, None, "L00013")], payments) == []
    lines = [line(10, "-980.00", None, SUPPLIER, "L000131")]
    assert match_executed(lines, payments) == []


def test_two_payments_fitting_alike_leave_the_line_to_a_person():
    payments = [
        payment(1, "500.00", "L1", refs=["FV/1"]),
        payment(2, "500.00", "L2", refs=["FV/1"]),
    ]
    assert match_executed([line(10, "-500.00", None, SUPPLIER, "FV/1")], payments) == []


def test_each_payment_is_booked_once():
    payments = [payment(1, "500.00", "L1")]
    lines = [line(10, "-500.00", "L1", SUPPLIER), line(11, "-500.00", "L1", SUPPLIER)]
    assert pairs(match_executed(lines, payments)) == {10: ((1,), "end_to_end")}


def test_a_batch_debit_is_split_across_the_order_payments():
    batch = ("pay-000004", "PAY0001")
    payments = [
        payment(1, "1230.00", "L1", batch=batch),
        payment(2, "2460.00", "L2", iban=OTHER, batch=batch),
        payment(3, "99.00", "L3", order=2, batch=("pay-000005", "PAY0002")),
    ]
    lines = [line(10, "-3690.00", None, None, "Bulk payment pay-000004, 2 transfers")]
    assert pairs(match_executed(lines, payments)) == {10: ((1, 2), "batch")}
    # Not the sum of the order, or not naming it: no batch.
    lines = [line(10, "-3689.00", None, None, "Bulk payment pay-000004")]
    assert match_executed(lines, payments) == []
    lines = [line(10, "-3690.00", None, None, "Bulk payment pay-0000041")]
    assert match_executed(lines, payments) == []


def test_the_title_the_payee_reads_is_a_reference_too():
    """A bank that gives back no end-to-end id (PolishAPI statements, files)
    still names the title: with the amount and the payee, it is evidence."""
    payments = [
        payment(1, "2460.00", "L2", refs=["L2", "/VAT/460,00/IDC/5260250274/INV/FV/1"]),
        payment(2, "2460.00", "L3", refs=["L3", "FV/2"]),
    ]
    lines = [
        line(10, "-2460.00", None, SUPPLIER, "/VAT/460,00/IDC/5260250274/INV/FV/1")
    ]
    assert pairs(match_executed(lines, payments)) == {10: ((1,), "reference")}
