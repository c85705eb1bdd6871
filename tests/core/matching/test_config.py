"""Rules refuse inconsistent settings with a message naming the field."""

from decimal import Decimal

import pytest

from bank_api_sync.core.matching import MatchConfigError, MatchRule, Signal


def test_unknown_signal_is_refused():
    with pytest.raises(MatchConfigError, match="unknown signals"):
        MatchRule(signals=frozenset({Signal.INVOICE_NUMBER, "telepathy"}))


@pytest.mark.parametrize(
    "values",
    [
        {"auto_threshold": 1.5},
        {"auto_margin": -0.1},
        {"tolerance_amount": -1},
        {"max_subset_size": 0},
        {"item_kinds": frozenset({"asset"})},
    ],
)
def test_inconsistent_settings_are_refused(values):
    with pytest.raises(MatchConfigError):
        MatchRule(**values)


def test_tolerances_become_decimals():
    rule = MatchRule(tolerance_amount=0.5, tolerance_percent="2")
    assert rule.tolerance_amount == Decimal("0.5")
    assert rule.tolerance_percent == Decimal("2")


def test_within_tolerance():
    assert not MatchRule().within_tolerance(Decimal("0.01"), Decimal(100))
    assert MatchRule(tolerance_amount=1).within_tolerance(Decimal("-1"), Decimal(100))
    assert not MatchRule(tolerance_percent=1).within_tolerance(Decimal(2), Decimal(100))
