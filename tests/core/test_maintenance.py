"""Weekly maintenance windows in UTC."""

from datetime import datetime, timezone

import pytest

from bank_api_sync.core.maintenance import window_end


def utc(*args):
    return datetime(*args, tzinfo=timezone.utc)


def test_inside_and_outside_a_window():
    windows = [(6, "01:00", "03:00")]  # Sunday night
    assert window_end(windows, utc(2026, 11, 22, 2, 0)) == utc(2026, 11, 22, 3, 0)
    assert window_end(windows, utc(2026, 11, 22, 3, 0)) is None
    assert window_end(windows, utc(2026, 11, 23, 2, 0)) is None  # a Monday


def test_a_window_across_midnight_and_chained_windows():
    windows = [(5, "23:30", "00:30"), (6, "00:30", "02:00")]
    assert window_end(windows, utc(2026, 11, 21, 23, 45)) == utc(2026, 11, 22, 2, 0)
    assert window_end(windows, utc(2026, 11, 22, 0, 10)) == utc(2026, 11, 22, 2, 0)


def test_a_typo_is_reported():
    with pytest.raises(ValueError, match="weekday"):
        window_end([(7, "01:00", "02:00")], utc(2026, 11, 22))
    with pytest.raises(ValueError, match="expected"):
        window_end([("sunday", "1am")], utc(2026, 11, 22))
