"""Small pieces every provider client needs: windows, dates, amounts, URLs."""

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from urllib.parse import urljoin, urlsplit

from ..errors import BankResponseError

STATUSES = ("booked", "pending", "both")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def date_windows(start: date, end: date, max_days: int) -> list[tuple[date, date]]:
    """[start, end] cut into consecutive windows of at most ``max_days`` days
    (both ends included), oldest first."""
    max_days = max(1, int(max_days or 1))
    windows = []
    while start <= end:
        stop = min(end, start + timedelta(days=max_days - 1))
        windows.append((start, stop))
        start = stop + timedelta(days=1)
    return windows


def clamp_start(date_from: date, today: date, max_history_days: int):
    """(start, clamped_to): the start moved to ``today - max_history_days``
    when it lies before it (clamped_to is then that date, else None)."""
    earliest = today - timedelta(days=max_history_days)
    if date_from < earliest:
        return earliest, earliest
    return date_from, None


def parse_date(value, where: str, field: str) -> date | None:
    """A date from "YYYY-MM-DD" or an ISO date-time; None when absent."""
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise BankResponseError(
            f"{where}: {field} {str(value)[:40]!r} is not a date"
        ) from None


def parse_amount(value, where: str, field: str) -> Decimal:
    if value is None or isinstance(value, bool):
        raise BankResponseError(f"{where}: {field} is missing")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise BankResponseError(
            f"{where}: {field} {str(value)[:40]!r} is not an amount"
        ) from None
    if not amount.is_finite():
        raise BankResponseError(f"{where}: {field} {value!r} is not an amount")
    return amount


def resolve_href(base_url: str, href: str) -> str:
    """An absolute URL for a link the bank gave: absolute, or relative to the
    API root. A path that already starts with the base URL's own path prefix
    ("/psd2/v1/...") is taken from the host; others are put under it."""
    if href.startswith(("http://", "https://")):
        return href
    base = urlsplit(base_url)
    root = f"{base.scheme}://{base.netloc}"
    prefix = base.path.rstrip("/")
    if href.startswith("/"):
        if prefix and not href.startswith(prefix + "/"):
            return root + prefix + href
        return root + href
    return urljoin(base_url.rstrip("/") + "/", href)


def as_dict(value, where: str) -> dict:
    if not isinstance(value, dict):
        raise BankResponseError(f"{where}: expected a JSON object")
    return value


def as_list(value, where: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise BankResponseError(f"{where}: expected a JSON array")
    return value
