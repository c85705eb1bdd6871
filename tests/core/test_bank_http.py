"""BankHttp, the one HTTP layer: retries, Retry-After, maintenance, records."""

import uuid
from datetime import timedelta

import pytest

from bank_api_sync.core.budget import CallBudget
from bank_api_sync.core.errors import (
    BankResponseError,
    BankUnavailable,
    MaintenanceWindow,
    QuotaExceeded,
    RateLimited,
)
from bank_api_sync.core.http import RATE_LIMIT_PAUSE, BankHttp, parse_retry_after
from bank_api_sync_sandbox.core.sandbox import SandboxBank

from .sandbox_support import Clock, sandbox_settings


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def bank(clock):
    with SandboxBank(seed=5, now=clock, per_day=2) as bank:
        yield bank


@pytest.fixture
def sleeps():
    return []


def make_http(bank, clock, sleeps, budget=None, **settings):
    return BankHttp(
        sandbox_settings(bank, **settings),
        budget,
        sleep=sleeps.append,
        clock=clock,
        jitter=lambda: 0.5,
    )


def token_call(http, bank):
    return http.request(
        "POST",
        f"{bank.url}/oauth2/token",
        endpoint="token",
        data={"grant_type": "client_credentials"},
        auth=("sandbox-client", "sandbox-secret"),
    )


def test_5xx_are_retried_with_exponential_backoff_and_jitter(bank, clock, sleeps):
    http = make_http(bank, clock, sleeps)
    bank.set_fault("http_500", times=2)
    response = token_call(http, bank)
    assert response.status == 200
    assert sleeps == [0.75, 1.25]  # 0.5 * 2**n + 0.5 * jitter
    assert [call.status for call in http.calls] == [500, 500, 200]
    ids = {entry.header("X-Request-ID") for entry in bank.request_log}
    assert len(bank.request_log) == 3 and len(ids) == 1  # one request, retried


def test_retries_end_with_bank_unavailable(bank, clock, sleeps):
    http = make_http(bank, clock, sleeps, max_retries=2)
    bank.set_fault("http_503", times=5)
    with pytest.raises(
        BankUnavailable, match="token: POST /oauth2/token answered HTTP 503"
    ):
        token_call(http, bank)
    assert len(bank.request_log) == 3 and len(sleeps) == 2


def test_timeouts_and_dropped_connections_are_retried(bank, clock, sleeps):
    http = make_http(bank, clock, sleeps, timeout=0.5)
    bank.set_fault("timeout", delay=1.5)
    assert token_call(http, bank).status == 200
    assert [call.status for call in http.calls] == [None, 200]
    bank.set_fault("connection_reset")
    assert token_call(http, bank).status == 200
    assert [call.status for call in http.calls][-2:] == [None, 200]


def test_a_short_retry_after_is_waited_for(bank, clock, sleeps):
    http = make_http(bank, clock, sleeps)
    bank.set_fault("http_429", retry_after=3)
    assert token_call(http, bank).status == 200
    assert sleeps == [3.0]
    bank.set_fault("http_503", retry_after=2)
    assert token_call(http, bank).status == 200
    assert sleeps == [3.0, 2.0]


def test_a_long_retry_after_raises_with_the_moment_to_come_back(bank, clock, sleeps):
    http = make_http(bank, clock, sleeps)
    bank.set_fault("http_429", retry_after=120)
    with pytest.raises(RateLimited) as caught:
        token_call(http, bank)
    assert caught.value.retry_at == clock() + timedelta(seconds=120)
    bank.set_fault("maintenance", retry_after=3600)
    with pytest.raises(MaintenanceWindow) as caught:
        token_call(http, bank)
    assert caught.value.retry_at == clock() + timedelta(hours=1)
    assert sleeps == [] and len(bank.request_log) == 2  # no retry of either


def test_a_429_without_retry_after_still_says_when_to_come_back(bank, clock, sleeps):
    http = make_http(bank, clock, sleeps, max_retries=2)
    bank.set_fault("http_429", times=3, retry_after=None)
    with pytest.raises(RateLimited) as caught:
        token_call(http, bank)
    assert [entry.status for entry in bank.request_log] == [429, 429, 429]
    assert sleeps == [0.75, 1.25]  # the usual backoff between the attempts
    assert caught.value.retry_at == clock() + RATE_LIMIT_PAUSE
    assert timedelta(minutes=1) <= RATE_LIMIT_PAUSE


def test_a_banks_own_reading_of_the_wait_replaces_retry_after(bank, clock, sleeps):
    # A bank that tells the wait in headers of its own (a rate-limit reset):
    # the client gives BankHttp its reading; the 429 then waits for it.
    http = make_http(bank, clock, sleeps, max_retries=2)
    readings = []

    def reading(headers, now):
        readings.append(headers.get("Retry-After"))
        return 7200.0

    http.retry_after_of = reading
    bank.set_fault("http_429", times=3, retry_after=None)
    with pytest.raises(RateLimited) as caught:
        token_call(http, bank)
    assert caught.value.retry_at == clock() + timedelta(hours=2)
    assert readings == [None] and sleeps == []  # asked once, not retried


def test_configured_maintenance_windows_are_checked_before_calling(bank, clock, sleeps):
    budget = CallBudget(daily_limit=10, clock=clock)
    # The clock says Wednesday 10:00 UTC.
    http = make_http(
        bank, clock, sleeps, budget, maintenance_windows=((2, "09:00", "12:00"),)
    )
    with pytest.raises(MaintenanceWindow) as caught:
        token_call(http, bank)
    assert caught.value.retry_at == clock().replace(hour=12)
    assert bank.request_log == [] and http.calls == [] and budget.used_today == 0


def test_malformed_json_names_the_endpoint(bank, clock, sleeps):
    http = make_http(bank, clock, sleeps)
    bank.set_fault("malformed_json")
    response = token_call(http, bank)
    with pytest.raises(BankResponseError, match="^token: .* not valid JSON"):
        response.json()


def test_each_call_has_its_own_x_request_id(bank, clock, sleeps):
    http = make_http(bank, clock, sleeps)
    token_call(http, bank)
    token_call(http, bank)
    first, second = (entry.header("X-Request-ID") for entry in bank.request_log)
    assert first != second
    assert uuid.UUID(first).version == 4 and uuid.UUID(second).version == 4


def test_the_budget_is_taken_for_every_attempt_and_stops_calls(bank, clock, sleeps):
    budget = CallBudget(daily_limit=3, clock=clock)
    http = make_http(bank, clock, sleeps, budget)
    bank.set_fault("http_500")
    token_call(http, bank)
    assert budget.used_today == 2
    token_call(http, bank)
    with pytest.raises(QuotaExceeded):
        token_call(http, bank)
    assert len(bank.request_log) == 3


def test_call_records_say_what_happened(bank, clock, sleeps):
    http = make_http(bank, clock, sleeps, psu_ip_address="10.0.0.7")
    token_call(http, bank)
    (record,) = http.calls
    assert record.endpoint == "token" and record.status == 200
    assert record.user_present is True and record.at == clock() and record.duration >= 0


def test_retry_after_accepts_seconds_and_http_dates(clock):
    now = clock()
    assert parse_retry_after("120", now) == 120
    assert parse_retry_after("Wed, 18 Nov 2026 10:01:00 GMT", now) == 60
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None
