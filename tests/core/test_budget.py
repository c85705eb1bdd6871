"""CallBudget: PSD2 unattended quota per UTC day and minimum gap between calls."""

from datetime import date, datetime, timezone

import pytest
from freezegun import freeze_time

from bank_api_sync.core.budget import CallBudget
from bank_api_sync.core.errors import QuotaExceeded, RetryableError


def test_unattended_calls_count_user_present_ones_do_not():
    with freeze_time("2026-11-18 10:00:00"):
        budget = CallBudget(daily_limit=2)
        budget.acquire(user_present=False)
        budget.acquire(user_present=True)
        budget.acquire(user_present=False)
        assert budget.used_today == 2 and budget.remaining() == 0
        with pytest.raises(QuotaExceeded) as caught:
            budget.acquire(user_present=False)
        assert caught.value.retry_at == datetime(2026, 11, 19, tzinfo=timezone.utc)
        budget.acquire(user_present=True)  # a person can always sync by hand
        assert budget.used_today == 2


def test_the_quota_starts_again_each_utc_day():
    with freeze_time("2026-11-18 23:59:00") as frozen:
        budget = CallBudget(daily_limit=1, used_today=1, day=date(2026, 11, 18))
        with pytest.raises(QuotaExceeded):
            budget.acquire(user_present=False)
        frozen.tick(120)
        budget.acquire(user_present=False)
        assert budget.day == date(2026, 11, 19) and budget.used_today == 1


def test_counters_persisted_from_an_earlier_day_are_reset():
    with freeze_time("2026-11-18 08:00:00"):
        budget = CallBudget(daily_limit=4, used_today=4, day=date(2026, 11, 17))
        budget.acquire(user_present=False)
        assert budget.used_today == 1


def test_no_limit_means_no_quota():
    budget = CallBudget(daily_limit=None)
    for _ in range(100):
        budget.acquire(user_present=False)
    assert budget.remaining() is None and budget.used_today == 100


def test_short_gaps_are_slept_long_ones_are_rescheduled():
    with freeze_time("2026-11-18 10:00:00") as frozen:
        slept = []

        def sleep(seconds):
            slept.append(seconds)
            frozen.tick(seconds)

        budget = CallBudget(daily_limit=None, min_interval=2, sleep=sleep)
        budget.acquire(user_present=False)
        frozen.tick(0.5)
        budget.acquire(user_present=False)
        assert slept == [1.5]
        assert budget.last_call_at == datetime(
            2026, 11, 18, 10, 0, 2, tzinfo=timezone.utc
        )

        slow = CallBudget(
            min_interval=60, sleep=sleep, last_call_at=budget.last_call_at
        )
        with pytest.raises(RetryableError) as caught:
            slow.acquire(user_present=True)
        assert caught.value.retry_at == datetime(
            2026, 11, 18, 10, 1, 2, tzinfo=timezone.utc
        )
        assert slept == [1.5]  # nothing more slept


def test_a_refused_call_takes_nothing():
    with freeze_time("2026-11-18 10:00:00"):
        budget = CallBudget(daily_limit=1, used_today=1, day=date(2026, 11, 18))
        before = budget.last_call_at
        with pytest.raises(QuotaExceeded):
            budget.acquire(user_present=False)
        assert budget.used_today == 1 and budget.last_call_at == before
