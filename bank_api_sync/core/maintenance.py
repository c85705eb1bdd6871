"""Scheduled maintenance windows: weekly, in UTC.

A window is ``(weekday, "HH:MM", "HH:MM")`` with weekday 0 = Monday, as in
``ConnectionSettings.maintenance_windows``. An end at or before the start means
the window runs past midnight into the next day ("23:30" to "01:00").
"""

from datetime import datetime, time, timedelta, timezone


def _parse_hhmm(value) -> time:
    if isinstance(value, time):
        return value
    hours, _, minutes = str(value).strip().partition(":")
    return time(int(hours), int(minutes or 0))


def parse_window(window):
    """``(weekday, start, end)`` with start/end as ``datetime.time``.

    Raises ValueError on anything else, so that a typo in the configuration
    is reported when it is saved rather than silently ignored.
    """
    try:
        weekday, start, end = window
        weekday = int(weekday)
        start, end = _parse_hhmm(start), _parse_hhmm(end)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"maintenance window {window!r}: expected (weekday 0-6, 'HH:MM', 'HH:MM')"
        ) from exc
    if not 0 <= weekday <= 6:
        raise ValueError(f"maintenance window {window!r}: weekday must be 0-6")
    return weekday, start, end


def window_end(windows, now: datetime) -> datetime | None:
    """The end of the maintenance window ``now`` falls in, or None.

    ``now`` is an aware datetime (naive is taken as UTC). Overlapping or
    back-to-back windows are followed to the end of the last one.
    """
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    now = now.astimezone(timezone.utc)
    parsed = [parse_window(window) for window in windows or ()]
    end = None
    moment = now
    # A chain of adjacent windows is short; the bound only guards bad input.
    for _ in range(len(parsed) + 1):
        found = _covering_end(parsed, moment)
        if found is None or (end is not None and found <= end):
            break
        end = moment = found
    return end


def _covering_end(parsed, moment):
    best = None
    for weekday, start, end in parsed:
        # The occurrence that started today or yesterday may cover ``moment``.
        for days_back in (0, 1):
            day = moment.date() - timedelta(days=days_back)
            if day.weekday() != weekday:
                continue
            begins = datetime.combine(day, start, tzinfo=timezone.utc)
            ends = datetime.combine(day, end, tzinfo=timezone.utc)
            if ends <= begins:
                ends += timedelta(days=1)
            if begins <= moment < ends and (best is None or ends > best):
                best = ends
    return best
