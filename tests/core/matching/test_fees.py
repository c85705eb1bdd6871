"""Bank fees and commissions: recognised by code or keyword, no invoice."""

from decimal import Decimal

from bank_api_sync.core.matching import DEFAULT_FEE_RULE, FeeRule, MatchRule, Signal

from .factories import bill, invoice, line, match

FEES = MatchRule(fee_rules=(DEFAULT_FEE_RULE,))


def test_fee_recognised_by_transaction_code():
    result = match(
        [], line("-12.50", "Opłata za przelew SORBNET", transaction_code="NCHG"), FEES
    )
    assert result.fee.amount == Decimal("-12.50")
    assert result.fee.auto
    assert result.fee.signals == (Signal.FEE_CODE,)
    assert "NCHG" in result.fee.reason
    assert result.proposals == ()


def test_fee_code_is_compared_without_case_and_spaces():
    assert match([], line("-1", transaction_code=" nchg "), FEES).fee is not None


def test_fee_code_wins_over_an_amount_that_happens_to_match_a_bill():
    small_bill = bill("FZ/2026/11/0003", "12.50")
    result = match([small_bill], line("-12.50", "", transaction_code="NCOM"), FEES)
    assert result.fee is not None
    assert result.proposals == ()


def test_fee_recognised_by_keyword_whatever_the_accents():
    for title in (
        "Prowizja za przelew natychmiastowy",
        "OPŁATA ZA PROWADZENIE RACHUNKU 11/2026",
        "oplata   za prowadzenie rachunku",
        "Monthly bank fee",
    ):
        result = match([], line("-9.99", title), FEES)
        assert result.fee is not None, title
        assert result.fee.signals == (Signal.FEE_KEYWORD,)


def test_keyword_must_be_a_whole_word():
    assert match([], line("-9.99", "prowizjami"), FEES).fee is None


def test_a_title_quoting_an_invoice_is_not_a_fee():
    target = bill("FZ/2026/11/0003", "9.99")
    result = match([target], line("-9.99", "Prowizja FZ/2026/11/0003"), FEES)
    assert result.fee is None
    assert result.best.item_ids == (target.id,)


def test_money_received_is_not_a_fee():
    target = invoice("FV/2026/11/0012", "9.99")
    result = match([target], line("9.99", "prowizja"), FEES)
    assert result.fee is None


def test_large_amounts_are_not_taken_for_fees():
    assert match([], line("-5000.00", "prowizja"), FEES).fee is None


def test_no_fee_rules_no_fee():
    assert match([], line("-12.50", "prowizja", transaction_code="NCHG")).fee is None


def test_a_custom_fee_rule_names_itself_and_may_require_a_person():
    rule = FeeRule(
        name="Card fees",
        transaction_codes=frozenset({"073"}),
        auto=False,
        reference=("account", 6420),
    )
    result = match(
        [], line("-3.00", "x", transaction_code="073"), MatchRule(fee_rules=(rule,))
    )
    assert result.fee.fee_rule == "Card fees"
    assert result.fee.reference == ("account", 6420)
    assert not result.fee.auto
