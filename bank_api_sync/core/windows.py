"""Which dates a sync asks the bank for, and the days it commits at."""

from datetime import date, timedelta

from .model import BOOKED

# A period asked for (Sync a Period) longer than this many days runs in the
# background: a month fetches in a request's time, a quarter may not.
LONG_PERIOD_DAYS = 31


def period_runs_in_background(date_from: date, date_to: date) -> bool:
    """Whether fetching ``date_from``..``date_to`` (both included) is a long
    sync, left to the scheduled action rather than a person's request."""
    return (date_to - date_from).days + 1 > LONG_PERIOD_DAYS


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


def import_chunks(transactions, size: int):
    """Cut a run's transactions into parts of about ``size`` booked ones, each
    ending with a whole booking day, so that each part can be committed and a
    run killed afterwards resumes from the last day committed.

    Returns [(transactions, last_day)]: booked ones in booking-date order;
    the last part also holds the pending ones (and those without a booking
    date) and its ``last_day`` is None (the window's end).
    """
    booked = sorted(
        (txn for txn in transactions if txn.status == BOOKED and txn.booking_date),
        key=lambda txn: txn.booking_date,
    )
    rest = [txn for txn in transactions if txn.status != BOOKED or not txn.booking_date]
    parts, current = [], []
    for position, txn in enumerate(booked):
        current.append(txn)
        following = booked[position + 1] if position + 1 < len(booked) else None
        day_ends = following is None or following.booking_date != txn.booking_date
        if len(current) >= size and day_ends and following is not None:
            parts.append((current, txn.booking_date))
            current = []
    parts.append((current + rest, None))
    return parts
