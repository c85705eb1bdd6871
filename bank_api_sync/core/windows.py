"""Which dates a sync asks the bank for."""

from datetime import date, timedelta


def sync_window(
    resume_from: date | None,
    today: date,
    *,
    initial_days: int = 90,
    overlap_days: int = 3,
    max_history_days: int = 90,
) -> tuple[date, date]:
    """The (date_from, date_to) of the next run.

    A first run reaches ``initial_days`` back; later runs restart from where the
    last good run ended, ``overlap_days`` earlier, because banks book some
    movements with a past booking date after the day is over. Never earlier than
    the bank's history limit: what lies beyond it cannot be fetched anyway.
    """
    oldest_served = today - timedelta(days=max_history_days - 1)
    if resume_from is None:
        start = today - timedelta(days=initial_days - 1)
    else:
        start = resume_from - timedelta(days=overlap_days)
    return max(start, oldest_served), today
