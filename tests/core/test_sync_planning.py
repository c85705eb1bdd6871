"""The pure decisions of a sync: which dates, which keys, which day, which twin."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from bank_api_sync.core.dedupe import keyed_transactions
from bank_api_sync.core.model import BOOKED, PENDING, Transaction
from bank_api_sync.core.pending import PendingItem, find_booked_twins
from bank_api_sync.core.statement_days import (
    daily_balances,
    local_today,
    statement_date,
)
from bank_api_sync.core.windows import (
    LONG_PERIOD_DAYS,
    import_chunks,
    period_runs_in_background,
    sync_window,
)

TODAY = date(2026, 11, 24)


def txn(amount, day=TODAY, status=BOOKED, **kwargs):
    return Transaction(
        status=status,
        amount=Decimal(amount),
        currency="PLN",
        booking_date=day,
        value_date=day,
        **kwargs,
    )


def test_first_window_reaches_back_the_initial_days_within_the_history_limit():
    assert sync_window(None, TODAY, initial_days=30) == (date(2026, 10, 26), TODAY)
    assert sync_window(None, TODAY, initial_days=400, max_history_days=90) == (
        date(2026, 8, 27),
        TODAY,
    )


def test_later_windows_resume_with_an_overlap_and_never_beyond_history():
    assert sync_window(date(2026, 11, 20), TODAY, overlap_days=3) == (
        date(2026, 11, 17),
        TODAY,
    )
    # Months without a good run: restart at the oldest day the bank still serves.
    assert sync_window(date(2026, 1, 1), TODAY, max_history_days=90)[0] == date(
        2026, 8, 27
    )


def test_a_period_longer_than_a_month_runs_in_the_background():
    assert LONG_PERIOD_DAYS == 31
    month_start = TODAY - timedelta(days=30)
    assert not period_runs_in_background(month_start, TODAY)  # 31 days
    assert period_runs_in_background(month_start - timedelta(days=1), TODAY)
    assert not period_runs_in_background(TODAY, TODAY)


def test_bank_ids_are_keys_and_a_repeated_one_is_dropped():
    first = txn("10.00", transaction_id="T1")
    keyed = keyed_transactions([first, txn("10.00", transaction_id="T1"), txn("5")])
    assert [key for key, _ in keyed][:1] == ["id:T1"]
    assert len(keyed) == 2


def test_identical_movements_without_ids_get_distinct_stable_keys():
    fee = txn("-5.00", remittance="Card fee")
    keys = [key for key, _ in keyed_transactions([fee, fee, txn("-5.00")])]
    assert len(set(keys)) == 3
    assert keys[1] == keys[0] + "#2"
    # Another run over the same day numbers them the same way.
    assert keys == [key for key, _ in keyed_transactions([fee, fee, txn("-5.00")])]


def test_content_hash_ignores_nothing_that_identifies_a_movement():
    assert txn("10").unique_key != txn("10.01").unique_key
    assert txn("10").unique_key != txn("10", counterparty_name="ACME").unique_key
    assert txn("10").unique_key != txn("10", status=PENDING).unique_key


def test_a_late_evening_booking_belongs_to_the_next_local_day_across_dst():
    # 30 March 2026: Warsaw is UTC+2 from 29 March (summer time).
    late = txn("1", raw={"bookingDateTime": "2026-03-30T22:30:00Z"})
    assert statement_date(late, "Europe/Warsaw") == date(2026, 3, 31)
    # In winter (UTC+1) 22:30 UTC is still 23:30 the same day.
    winter = txn("1", raw={"bookingDateTime": "2026-01-15T22:30:00Z"})
    assert statement_date(winter, "Europe/Warsaw") == date(2026, 1, 15)
    assert statement_date(winter, "UTC") == date(2026, 1, 15)
    # A plain booking date is the bank's calendar day.
    assert statement_date(txn("1", day=date(2026, 3, 30)), "Asia/Tokyo") == date(
        2026, 3, 30
    )


def test_local_today_is_the_company_day_not_utc():
    just_after_midnight_in_warsaw = datetime(2026, 11, 23, 23, 30, tzinfo=UTC)
    assert local_today(just_after_midnight_in_warsaw, "Europe/Warsaw") == TODAY
    assert local_today(just_after_midnight_in_warsaw, "UTC") == date(2026, 11, 23)


def test_daily_balances_chain_from_the_opening():
    balances = daily_balances(
        Decimal("100"),
        {date(2026, 11, 2): [Decimal("-30")], date(2026, 11, 1): [Decimal("10")]},
    )
    assert balances == {
        date(2026, 11, 1): (Decimal("100"), Decimal("110")),
        date(2026, 11, 2): (Decimal("110"), Decimal("80")),
    }


def pending(key, amount, day, counterparty="ACME", transaction_id=None):
    return PendingItem(key, transaction_id, day, Decimal(amount), "PLN", counterparty)


def test_a_booked_transaction_retires_the_pending_it_links_to():
    pendings = [pending("p1", "-20", TODAY, transaction_id="P-1")]
    booked = txn("-20", transaction_id="B-1", pending_reference="P-1")
    assert find_booked_twins(pendings, [booked]) == {"p1": booked}


def test_without_a_link_the_twin_is_found_by_amount_counterparty_and_date():
    pendings = [
        pending("far", "-20", date(2026, 11, 1)),
        pending("near", "-20", date(2026, 11, 22)),
        pending("other", "-20", date(2026, 11, 23), counterparty="OTHER"),
        pending("amount", "-21", TODAY),
    ]
    booked = txn("-20", counterparty_name="Acme")
    assert find_booked_twins(pendings, [booked]) == {"near": booked}


def test_a_pending_is_retired_only_once():
    pendings = [pending("p1", "-20", TODAY)]
    one, two = (
        txn("-20", counterparty_name="acme"),
        txn("-20", counterparty_name="acme"),
    )
    assert list(find_booked_twins(pendings, [one, two])) == ["p1"]


def test_a_long_run_is_cut_into_parts_of_whole_booking_days():
    days = [date(2026, 11, day) for day in (2, 2, 2, 3, 3, 4, 5, 5)]
    booked = [txn(f"{n}.00", day, transaction_id=str(n)) for n, day in enumerate(days)]
    pending = txn("9.00", status=PENDING, transaction_id="p")
    parts = import_chunks([pending, *reversed(booked)], size=2)
    # Each part but the last ends with a whole day; the last one carries the
    # pending movement and ends the window.
    assert [(len(part), last_day) for part, last_day in parts] == [
        (3, date(2026, 11, 2)),
        (2, date(2026, 11, 3)),
        (4, None),
    ]
    in_order = [t for part, _ in parts for t in part if t.status == BOOKED]
    assert sorted(in_order, key=lambda t: t.transaction_id) == booked
    assert [t.booking_date for t in in_order] == days
    assert parts[-1][0][-1] is pending


def test_a_run_smaller_than_a_part_stays_whole():
    booked = [txn("1.00", date(2026, 11, 2)), txn("2.00", date(2026, 11, 3))]
    assert import_chunks(booked, size=1000) == [(booked, None)]
