"""Shared helpers of the sandbox and provider-client tests (not a test module)."""

from datetime import datetime, timedelta, timezone

from bank_api_sync.core.budget import CallBudget
from bank_api_sync.core.providers import ConnectionSettings, build_client
from bank_api_sync_sandbox.core.sandbox import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET

# A Wednesday, so that the last days of the ledger are working days.
START = datetime(2026, 11, 18, 10, 0, tzinfo=timezone.utc)


class Clock:
    """A settable clock shared by a sandbox bank and a client."""

    def __init__(self, now=START):
        self.now = now

    def __call__(self):
        return self.now

    def advance(self, **delta):
        self.now += timedelta(**delta)


def sandbox_settings(bank, **overrides) -> ConnectionSettings:
    values = {
        "provider": "sandbox",
        "base_url": bank.url,
        "client_id": DEFAULT_CLIENT_ID,
        "client_secret": DEFAULT_CLIENT_SECRET,
        "timeout": 2.0,
        "max_retries": 3,
        **overrides,
    }
    return ConnectionSettings(**values)


def sandbox_client(
    bank,
    *,
    clock=None,
    budget=None,
    sleeps=None,
    consent=True,
    frequency_per_day=4,
    **overrides,
):
    """A client of ``bank`` (with a valid consent unless ``consent=False``).

    Waits (backoff, Retry-After) are recorded in ``sleeps`` instead of slept.
    """
    settings = sandbox_settings(bank, **overrides)
    client = build_client(
        settings,
        budget if budget is not None else CallBudget(None),
        clock=clock or bank.now,
        sleep=(sleeps.append if sleeps is not None else lambda seconds: None),
        jitter=lambda: 0.5,
    )
    if consent:
        client.create_consent(bank.today() + timedelta(days=90), frequency_per_day)
    return client


def api_calls(bank):
    """The requests the bank got on its /v1 API."""
    return [entry for entry in bank.request_log if entry.path.startswith("/v1/")]
