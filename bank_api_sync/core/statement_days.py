"""Statement days and their balances, in the company's time zone."""

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo


def statement_date(transaction, tz_name: str) -> date:
    """The day a transaction belongs to, as the company counts days.

    Banks that give a booking timestamp (``bookingDateTime``) give it in UTC or
    with an offset: 23:30 UTC on 30 March is already 31 March in Warsaw (and
    01:30 in summer time). Plain booking dates are the bank's own calendar day
    and are kept as they are.
    """
    stamp = (transaction.raw or {}).get("bookingDateTime")
    if stamp:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        if moment.tzinfo is not None:
            return moment.astimezone(ZoneInfo(tz_name or "UTC")).date()
        return moment.date()
    return transaction.booking_date or transaction.value_date


def local_today(now_utc: datetime, tz_name: str) -> date:
    """Today in the company's time zone (at 00:30 in Warsaw, UTC is yesterday)."""
    return now_utc.astimezone(ZoneInfo(tz_name or "UTC")).date()


def daily_balances(opening: Decimal, amounts_by_day: dict) -> dict:
    """{day: (balance_start, balance_end)} chaining days in order from ``opening``."""
    balances = {}
    running = opening
    for day in sorted(amounts_by_day):
        start = running
        running = start + sum(amounts_by_day[day], Decimal(0))
        balances[day] = (start, running)
    return balances


def group_by_day(dated_amounts):
    """{day: [amount, ...]} from (day, amount) pairs."""
    grouped = defaultdict(list)
    for day, amount in dated_amounts:
        grouped[day].append(amount)
    return grouped
