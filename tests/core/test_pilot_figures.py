"""The pilot report's figures: what a go-live would have done."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from bank_api_sync.core.pilot import (
    AUTOMATIC,
    NO_PROPOSAL,
    RECONCILED,
    REVIEW,
    PilotLine,
    period_bounds,
    pilot_figures,
)

PLN_JOURNAL, EUR_JOURNAL, OTHER_PLN_JOURNAL = 1, 2, 3


def line(journal, amount, outcome, currency="PLN", fee=False):
    return PilotLine(journal, currency, Decimal(amount), outcome, fee)


def test_rows_per_journal_and_totals_per_currency():
    figures = pilot_figures(
        [
            line(PLN_JOURNAL, "100.00", AUTOMATIC),
            line(PLN_JOURNAL, "-3.50", AUTOMATIC, fee=True),
            line(PLN_JOURNAL, "250.00", REVIEW),
            line(PLN_JOURNAL, "-40.00", NO_PROPOSAL),
            line(EUR_JOURNAL, "70.00", AUTOMATIC, currency="EUR"),
            line(EUR_JOURNAL, "-2.00", REVIEW, currency="EUR", fee=True),
            line(OTHER_PLN_JOURNAL, "12.00", RECONCILED),
        ]
    )
    pln, eur, other, total_eur, total_pln = figures.rows
    assert (pln.journal_id, pln.currency) == (PLN_JOURNAL, "PLN")
    assert pln.lines == 4
    assert pln.counts == {AUTOMATIC: 2, REVIEW: 1, NO_PROPOSAL: 1, RECONCILED: 0}
    # Money out counts as much as money in: absolute amounts.
    assert pln.amounts[AUTOMATIC] == Decimal("103.50")
    assert pln.amounts[NO_PROPOSAL] == Decimal("40.00")
    assert (pln.fees, pln.fee_amount) == (1, Decimal("3.50"))
    assert pln.automatic_share == 0.5
    assert (eur.fees, eur.fee_amount) == (1, Decimal("2.00"))
    assert other.counts[RECONCILED] == 1
    # Totals never add two currencies up.
    assert (total_eur.journal_id, total_eur.currency) == (None, "EUR")
    assert total_eur.lines == 2
    assert total_pln.lines == 5
    assert total_pln.amounts[AUTOMATIC] == Decimal("103.50")
    assert total_pln.counts[RECONCILED] == 1
    # The overall share is over lines, whatever their currency.
    assert (figures.lines, figures.automatic) == (7, 3)
    assert figures.automatic_share == pytest.approx(3 / 7)


def test_share_is_over_lines_not_an_average_of_journals():
    figures = pilot_figures(
        [
            line(PLN_JOURNAL, "1", AUTOMATIC),
            line(OTHER_PLN_JOURNAL, "1", REVIEW),
            line(OTHER_PLN_JOURNAL, "1", REVIEW),
            line(OTHER_PLN_JOURNAL, "1", REVIEW),
        ]
    )
    assert [row.automatic_share for row in figures.rows[:2]] == [1.0, 0.0]
    assert figures.automatic_share == 0.25  # not 50 %


def test_an_empty_period_has_no_rows_and_no_share():
    figures = pilot_figures([])
    assert figures.rows == []
    assert figures.automatic_share == 0.0


def test_an_unknown_outcome_is_refused():
    with pytest.raises(ValueError):
        line(PLN_JOURNAL, "1", "posted")


def test_period_bounds_are_the_users_days_in_utc():
    # Warsaw in winter is UTC+1: its 1 December starts at 23:00 UTC the day before.
    start, end = period_bounds(date(2026, 12, 1), date(2026, 12, 3), "Europe/Warsaw")
    assert start == datetime(2026, 11, 30, 23, 0)
    assert end == datetime(2026, 12, 3, 23, 0)
    assert period_bounds(None, None, "") == (None, None)
    assert period_bounds(date(2026, 7, 1), None, "Europe/Warsaw") == (
        datetime(2026, 6, 30, 22, 0),
        None,
    )
