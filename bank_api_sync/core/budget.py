"""How many calls a connection may still make to its bank, and how often.

PSD2 lets an account-information service reach an account without the user
at most a few times a day; with the user present (a person pressed "Sync
now") the calls are not counted. Banks add their own daily quotas and
minimum gaps between calls. ``CallBudget`` keeps both:

* unattended calls count against ``daily_limit`` (``None`` = no limit), reset
  at each UTC midnight; when used up, ``acquire`` raises ``QuotaExceeded``
  with ``retry_at`` = the next UTC midnight;
* every call, attended or not, waits for ``min_interval`` seconds since the
  previous one: short waits are slept, a wait longer than ``max_wait`` raises
  ``RetryableError`` with the moment the call becomes allowed.

The Odoo glue persists ``used_today``, ``day`` and ``last_call_at`` on the
connection record between runs, so they are plain attributes.
"""

import time
from datetime import date, datetime, timedelta, timezone

from .errors import QuotaExceeded, RetryableError


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class CallBudget:
    def __init__(
        self,
        daily_limit: int | None = None,
        min_interval: float = 0,
        used_today: int = 0,
        day: date | None = None,
        last_call_at: datetime | None = None,
        clock=utcnow,
        sleep=time.sleep,
        max_wait: float = 5.0,
    ):
        self.daily_limit = daily_limit
        self.min_interval = float(min_interval or 0)
        self.used_today = int(used_today or 0)
        self.day = day
        self.last_call_at = last_call_at
        self.clock = clock
        self.sleep = sleep
        self.max_wait = max_wait

    def _now(self) -> datetime:
        now = self.clock()
        if now.tzinfo is None:
            now = now.replace(tzinfo=timezone.utc)
        return now.astimezone(timezone.utc)

    def _roll_day(self, now):
        if self.day != now.date():
            self.day = now.date()
            self.used_today = 0

    def remaining(self) -> int | None:
        """Unattended calls left today (None: no limit)."""
        if self.daily_limit is None:
            return None
        self._roll_day(self._now())
        return max(0, self.daily_limit - self.used_today)

    def next_reset(self) -> datetime:
        """The next UTC midnight, when ``used_today`` starts again from 0."""
        tomorrow = self._now().date() + timedelta(days=1)
        return datetime.combine(tomorrow, datetime.min.time(), tzinfo=timezone.utc)

    def acquire(self, user_present: bool) -> None:
        """Take one call from the budget, waiting for ``min_interval`` if needed.

        Raises QuotaExceeded (daily limit used up, unattended calls only) or
        RetryableError (the minimum interval asks for a longer wait than
        ``max_wait``). Nothing is taken when it raises.
        """
        now = self._now()
        self._roll_day(now)
        if (
            not user_present
            and self.daily_limit is not None
            and self.used_today >= self.daily_limit
        ):
            raise QuotaExceeded(
                f"The daily limit of {self.daily_limit} unattended calls to the bank "
                "is used up; the next run after midnight UTC will catch up.",
                retry_at=self.next_reset(),
            )
        if self.min_interval and self.last_call_at is not None:
            allowed_at = self.last_call_at + timedelta(seconds=self.min_interval)
            wait = (allowed_at - now).total_seconds()
            if wait > self.max_wait:
                raise RetryableError(
                    f"The bank asks for {self.min_interval:g} s between calls; "
                    f"the next call is allowed at {allowed_at.isoformat()}.",
                    retry_at=allowed_at,
                )
            if wait > 0:
                self.sleep(wait)
                now = self._now()
                self._roll_day(now)
        self.last_call_at = now
        if not user_present:
            self.used_today += 1
