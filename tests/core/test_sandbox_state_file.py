"""The embedded sandbox remembers consents and tokens across restarts."""

from datetime import date, timedelta

from bank_api_sync.core.budget import CallBudget
from bank_api_sync.core.providers import build_client
from bank_api_sync.core.providers.base import ConnectionSettings
from bank_api_sync_sandbox.core.sandbox import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    SandboxBank,
)


def connect(url, consent_id=None, tokens=None):
    settings = ConnectionSettings(
        provider="sandbox",
        base_url=url,
        client_id=DEFAULT_CLIENT_ID,
        client_secret=DEFAULT_CLIENT_SECRET,
        consent_id=consent_id,
        **({"tokens": tokens} if tokens else {}),
    )
    return build_client(settings, CallBudget(daily_limit=None))


def test_a_restarted_bank_still_honours_its_consents_and_tokens(tmp_path):
    state = tmp_path / "sandbox.json"
    with SandboxBank(seed=5, per_day=1, state_file=str(state)) as bank:
        client = connect(bank.url)
        client.authenticate()
        consent = client.create_consent(date.today() + timedelta(days=30), 4)
        tokens = client.tokens
    assert state.exists()

    with SandboxBank(seed=5, per_day=1, state_file=str(state)) as restarted:
        client = connect(restarted.url, consent.consent_id, tokens)
        accounts = client.list_accounts()
        assert [a.resource_id for a in accounts] == list(restarted.accounts)
        token_calls = [r for r in restarted.request_log if "token" in r.path]
        assert token_calls == [], "the old access token was still accepted"


def test_without_a_state_file_a_restart_forgets_the_consent(tmp_path):
    with SandboxBank(seed=5, per_day=1) as bank:
        client = connect(bank.url)
        client.authenticate()
        consent = client.create_consent(date.today() + timedelta(days=30), 4)
    with SandboxBank(seed=5, per_day=1) as restarted:
        assert restarted.consents.get(consent.consent_id) is None


def test_a_damaged_state_file_starts_a_fresh_bank(tmp_path):
    state = tmp_path / "sandbox.json"
    state.write_text("{not json")
    with SandboxBank(seed=5, per_day=1, state_file=str(state)) as bank:
        client = connect(bank.url)
        client.authenticate()
        client.create_consent(date.today() + timedelta(days=30), 4)
    assert "consents" in state.read_text()


def test_with_a_fixed_first_day_balances_do_not_depend_on_when_the_bank_started():
    from datetime import UTC, datetime

    anchor = date(2026, 1, 1)
    moment = [datetime(2026, 6, 10, 12, tzinfo=UTC)]
    early = SandboxBank(seed=9, ledger_start=anchor, now=lambda: moment[0])
    moment[0] = datetime(2026, 9, 30, 12, tzinfo=UTC)
    late = SandboxBank(seed=9, ledger_start=anchor, now=lambda: moment[0])
    for account in early.accounts:
        assert early.balances(account) == late.balances(account)
        assert early.ledger(account, "booked", date(2026, 9, 1)) == late.ledger(
            account, "booked", date(2026, 9, 1)
        )


def test_monthly_own_transfers_keep_a_years_balances_positive():
    from datetime import UTC, datetime

    moment = [datetime(2026, 1, 2, 12, tzinfo=UTC)]
    bank = SandboxBank(seed=4, ledger_start=date(2026, 1, 1), now=lambda: moment[0])
    for month in range(2, 13):
        moment[0] = datetime(2026, month, 2, 12, tzinfo=UTC)
        for account in bank.accounts:
            assert bank.balances(account)["closingBooked"] > 0, (account, month)
