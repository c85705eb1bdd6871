from datetime import date
from decimal import Decimal

from bank_api_sync_payment.core.checks import LineFacts, OrderFacts, check_order

TODAY = date(2026, 12, 3)
GOOD = "PL21102028920000000000001234"


def line(reference="L1", **values):
    facts = {
        "reference": reference,
        "partner": "Dostawca S.A.",
        "amount": Decimal("100.00"),
        "currency": "PLN",
        "account": GOOD,
        "execution_date": TODAY,
        "communication": "FV/1",
        "bill_item": None,
    }
    facts.update(values)
    return LineFacts(**facts)


def order(*lines, **values):
    facts = {
        "name": "PO/1",
        "today": TODAY,
        "debit_currency": "PLN",
        "debit_account": "PL61109010140000071219812874",
        "lines": lines,
    }
    facts.update(values)
    return OrderFacts(**facts)


def codes(problems):
    return sorted(problem.code for problem in problems)


def test_a_clean_order_has_no_problem():
    assert check_order(order(line(), line("L2", amount=Decimal("5")))) == []


def test_each_problem_of_a_line_is_named_with_line_and_payee():
    problems = check_order(
        order(
            line("L1", account=None),
            line("L2", account="PL61109010140000071219812875"),
            line("L3", amount=Decimal("-1")),
            line("L4", currency="EUR"),
            line("L5", execution_date=date(2026, 12, 2)),
        )
    )
    assert codes(problems) == [
        "amount",
        "bad_account",
        "currency",
        "no_account",
        "past_date",
    ]
    by_line = {problem.line: problem.message for problem in problems}
    assert by_line["L1"].startswith("L1 (Dostawca S.A.): no bank account")
    assert "checksum" in by_line["L2"].lower()
    assert "pays in EUR from an account in PLN" in by_line["L4"]
    assert "2026-12-02 is in the past" in by_line["L5"]


def test_bill_paid_overpaid_and_in_another_order():
    problems = check_order(
        order(
            line("L1", bill_item=1, bill_number="B1", bill_paid=True),
            line("L2", bill_item=2, bill_number="B2", bill_open_amount=Decimal("50")),
            line(
                "L3",
                bill_item=3,
                bill_number="B3",
                bill_open_amount=Decimal("100"),
                communication="FV/3",
            ),
            bills_in_other_orders={3: "PO/0"},
        )
    )
    assert codes(problems) == ["bill_in_other_order", "bill_paid", "overpaid"]
    assert "only 50.00 of bill B2" in next(
        p.message for p in problems if p.line == "L2"
    )
    assert "payment order PO/0" in next(p.message for p in problems if p.line == "L3")


def test_duplicates_within_the_order():
    problems = check_order(
        order(
            line("L1", bill_item=7, bill_number="B7", bill_open_amount=Decimal("300")),
            line(
                "L2",
                bill_item=7,
                bill_number="B7",
                bill_open_amount=Decimal("300"),
                communication="other title",
            ),
            line("L3", communication="Rent December"),
            line("L4", communication="rent  december "),
        )
    )
    assert codes(problems) == ["duplicate_bill", "duplicate_payment"]
    assert "line L1 of this order" in next(
        p.message for p in problems if p.line == "L2"
    )


def test_same_payment_in_another_open_order():
    first = line("L1", communication="Rent")
    key = (GOOD, "100.00", "PLN", "RENT")
    problems = check_order(order(first, payments_in_other_orders={key: "PO/0"}))
    assert codes(problems) == ["payment_in_other_order"]


def test_the_debit_account_must_be_an_iban():
    assert codes(check_order(order(line(), debit_account=None))) == ["debit_account"]
    assert codes(check_order(order())) == ["empty"]
