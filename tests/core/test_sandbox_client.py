"""The Berlin Group client against the sandbox bank, over real HTTP."""

from datetime import timedelta
from urllib.parse import parse_qs, parse_qsl, urlsplit

import pytest
import requests

from bank_api_sync.core.budget import CallBudget
from bank_api_sync.core.errors import (
    AuthenticationError,
    BankResponseError,
    BankUnavailable,
    ConsentError,
    MaintenanceWindow,
    PeriodInvalid,
    QuotaExceeded,
    RateLimited,
)
from bank_api_sync.core.model import BOOKED, PENDING
from bank_api_sync.core.providers import (
    BerlinGroupClient,
    PolishApiClient,
    build_client,
)
from bank_api_sync_sandbox.core.client import SandboxClient
from bank_api_sync_sandbox.core.sandbox import SandboxBank

from .sandbox_support import Clock, api_calls, sandbox_client, sandbox_settings


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def bank(clock):
    with SandboxBank(seed=9, now=clock, per_day=4, page_size=7) as bank:
        yield bank


def account(client, currency="PLN"):
    return next(a for a in client.list_accounts() if a.currency == currency)


def ids(transactions):
    return [t.transaction_id for t in transactions]


def test_build_client_picks_the_provider(bank):
    for provider, client_class in (
        ("sandbox", SandboxClient),
        ("berlin_group", BerlinGroupClient),
        ("polishapi", PolishApiClient),
    ):
        settings = sandbox_settings(bank, provider=provider)
        assert type(build_client(settings, CallBudget(None))) is client_class
    with pytest.raises(ValueError, match="Unknown bank API provider 'acme'"):
        build_client(sandbox_settings(bank, provider="acme"), CallBudget(None))


def test_sandbox_client_fills_in_the_public_defaults(bank):
    settings = sandbox_settings(bank, client_id="", client_secret="")
    client = build_client(settings, CallBudget(None))
    assert client.authenticate().access_token
    assert settings.client_id == "sandbox-client"


def test_tokens_are_renewed_before_they_expire(bank, clock):
    client = sandbox_client(bank, clock=clock)
    first = client.tokens
    assert first.expires_at == clock() + timedelta(seconds=300)
    clock.advance(seconds=290)  # within the safety margin: renewed first
    client.list_accounts()
    assert client.tokens.access_token != first.access_token
    assert client.settings.tokens == client.tokens  # for the caller to persist
    token_calls = [e for e in bank.request_log if e.path == "/oauth2/token"]
    assert [e.body.startswith(b"grant_type=refresh_token") for e in token_calls] == [
        False,
        True,
    ]


def test_an_expired_token_is_refreshed_once_and_the_call_repeated(bank):
    client = sandbox_client(bank)
    bank.set_fault("expired_token")
    accounts = client.list_accounts()
    assert len(accounts) == 2
    statuses = [(e.path, e.status) for e in bank.request_log][-3:]
    assert statuses == [
        ("/v1/accounts", 401),
        ("/oauth2/token", 200),
        ("/v1/accounts", 200),
    ]


def test_a_token_refused_twice_is_an_authentication_error(bank):
    client = sandbox_client(bank)
    bank.set_fault("expired_token", times=2)
    with pytest.raises(AuthenticationError, match="accounts: HTTP 401 TOKEN_EXPIRED"):
        client.list_accounts()


def test_wrong_credentials_are_an_authentication_error(bank):
    client = sandbox_client(bank, consent=False, client_secret="not-it")
    with pytest.raises(AuthenticationError, match="invalid_client"):
        client.authenticate()


def test_consent_life_cycle(bank, clock):
    client = sandbox_client(
        bank, consent=False, tpp_redirect_uri="https://odoo.test/cb"
    )
    consent = client.create_consent(bank.today() + timedelta(days=30), 4)
    assert consent.status == "valid" and consent.sca_redirect.startswith(bank.url)
    assert client.settings.consent_id == consent.consent_id
    assert client.get_consent().status == "valid"
    assert client.get_consent().valid_until == bank.today() + timedelta(days=30)
    client.delete_consent()
    assert client.get_consent().status == "terminatedByTpp"
    with pytest.raises(ConsentError) as caught:
        client.list_accounts()
    assert caught.value.status == "invalid"


def test_each_consent_error_is_typed(bank, clock):
    client = sandbox_client(bank)
    bank.set_fault("revoked_consent")
    with pytest.raises(ConsentError, match="CONSENT_INVALID") as caught:
        client.list_accounts()
    assert caught.value.status == "invalid"
    assert client.get_consent().status == "revokedByPsu"

    client.settings.consent_id = "cns-nobody-knows"
    with pytest.raises(ConsentError) as caught:
        client.list_accounts()
    assert caught.value.status == "unknown"

    client.create_consent(bank.today() + timedelta(days=1), 4)
    clock.advance(days=2)
    with pytest.raises(ConsentError, match="expired") as caught:
        client.list_accounts()
    assert caught.value.status == "expired"

    client.settings.consent_id = None
    with pytest.raises(ConsentError) as caught:
        client.list_accounts()
    assert caught.value.status == "missing"


def test_balances(bank):
    client = sandbox_client(bank)
    balances = {b.balance_type: b for b in client.get_balances(account(client, "EUR"))}
    truth = bank.balances("acc-eur")
    assert balances["closingBooked"].amount == truth["closingBooked"]
    assert balances["interimAvailable"].amount == truth["interimAvailable"]
    assert balances["closingBooked"].currency == "EUR"


def test_ninety_days_in_chunks_and_pages_give_exactly_the_bank_ledger(clock):
    with SandboxBank(
        seed=9, now=clock, per_day=4, page_size=7, max_window_days=31
    ) as bank:
        # Each window's first page is one access: 6 of them here.
        client = sandbox_client(
            bank, clock=clock, max_window_days=31, frequency_per_day=8
        )
        pln = account(client)
        start = bank.today() - timedelta(days=90)
        got = list(client.iter_transactions(pln, start, bank.today(), status="booked"))
        assert client.window_clamped_to is None
        truth = bank.ledger("acc-pln", "booked", start, as_transactions=True)
        assert len(got) > 300
        assert got == truth  # same transactions, same order, field by field
        windows = {
            parse_qs(urlsplit(e.path).query)["dateFrom"][0]
            for e in api_calls(bank)
            if "/transactions" in e.path
        }
        assert len(windows) == 3  # 91 days in windows of at most 31 days
        pending = list(client.iter_transactions(pln, start, bank.today(), "pending"))
        assert ids(pending) == ids(
            bank.ledger("acc-pln", "pending", start, as_transactions=True)
        )
        assert {t.status for t in pending} == {PENDING}


def test_absolute_next_links_are_followed_too(clock):
    with SandboxBank(
        seed=9, now=clock, per_day=4, page_size=5, absolute_links=True
    ) as bank:
        client = sandbox_client(bank, clock=clock)
        start = bank.today() - timedelta(days=20)
        got = list(
            client.iter_transactions(account(client), start, bank.today(), "both")
        )
        booked = bank.ledger("acc-pln", "booked", start)
        pending = bank.ledger("acc-pln", "pending", start)
        assert ids(got) == [tx["transactionId"] for tx in booked + pending]


def test_a_transaction_repeated_across_pages_is_yielded_once(bank):
    client = sandbox_client(bank)
    start = bank.today() - timedelta(days=20)
    bank.set_fault("repeated_transaction", times=3)
    got = list(client.iter_transactions(account(client), start, bank.today(), "booked"))
    assert not bank.faults.active()  # the fault did fire
    assert len(ids(got)) == len(set(ids(got)))
    assert ids(got) == [
        tx["transactionId"] for tx in bank.ledger("acc-pln", "booked", start)
    ]


def test_without_bank_ids_transactions_get_content_keys(bank):
    client = sandbox_client(bank)
    start = bank.today() - timedelta(days=3)
    bank.set_fault("no_transaction_ids", times=50)
    got = list(client.iter_transactions(account(client), start, bank.today(), "booked"))
    assert got and all(t.unique_key.startswith("hash:") for t in got)
    assert all(t.transaction_id is None for t in got)


def test_an_unusable_transaction_is_kept_aside_with_its_place(bank):
    client = sandbox_client(bank)
    start = bank.today() - timedelta(days=20)
    truth = bank.ledger(account(client).resource_id, "booked", start)
    bank.set_fault("missing_amount", path="/transactions")
    got = list(client.iter_transactions(account(client), start, bank.today(), "booked"))
    # The rest of the account is there; the one without an amount is aside.
    assert len(got) == len(truth) - 1
    [rejected] = client.rejected
    assert rejected.where == "transactions page 1 booked[0]"
    assert rejected.reason == "transactionAmount is missing"
    missing = {t["transactionId"] for t in truth} - {t.transaction_id for t in got}
    assert len(missing) == 1
    assert missing.pop() in rejected.raw


@pytest.mark.parametrize(
    ("fault", "options"),
    [
        ("http_500", {}),
        ("http_503", {}),
        ("timeout", {"delay": 1.5}),
        ("connection_reset", {}),
        ("http_429", {"retry_after": 2}),
    ],
)
def test_transient_faults_are_retried_and_nothing_is_lost(bank, fault, options):
    sleeps = []
    client = sandbox_client(bank, sleeps=sleeps, timeout=0.5)
    start = bank.today() - timedelta(days=15)
    bank.set_fault(fault, times=2, path="/transactions", **options)
    got = list(client.iter_transactions(account(client), start, bank.today(), "booked"))
    truth = bank.ledger("acc-pln", "booked", start)
    assert ids(got) == [tx["transactionId"] for tx in truth]
    assert fault not in bank.faults.active()  # both faults were met, and retried
    assert len(sleeps) >= 2
    if fault == "http_429":
        assert sleeps[:2] == [2.0, 2.0]  # Retry-After, not the backoff


def test_faults_outlasting_the_retries_are_typed_errors(bank):
    client = sandbox_client(bank, max_retries=1)
    pln = account(client)
    bank.set_fault("http_500", times=2)
    with pytest.raises(BankUnavailable):
        client.get_balances(pln)
    bank.set_fault("malformed_json")
    with pytest.raises(BankResponseError, match="^balances: .*not valid JSON"):
        client.get_balances(pln)
    bank.set_fault("maintenance", retry_after=7200)
    with pytest.raises(MaintenanceWindow) as caught:
        client.get_balances(pln)
    assert caught.value.retry_at == bank.now() + timedelta(hours=2)


def test_the_consents_frequency_per_day_becomes_rate_limited_until_midnight(bank):
    client = sandbox_client(bank, consent=False)
    client.create_consent(bank.today() + timedelta(days=30), frequency_per_day=2)
    pln = account(client)
    client.get_balances(pln)
    client.get_balances(pln)
    with pytest.raises(RateLimited) as caught:
        client.get_balances(pln)
    assert caught.value.retry_at == bank.next_midnight()
    client.settings.psu_ip_address = "10.0.0.5"  # a person pressed "Sync now"
    assert client.get_balances(pln)


def test_our_own_daily_budget_stops_unattended_runs(bank, clock):
    client = sandbox_client(bank, budget=CallBudget(daily_limit=3, clock=clock))
    pln = account(client)
    with pytest.raises(QuotaExceeded):
        client.get_balances(pln)
    assert client.budget.used_today == 3


def test_server_maintenance_and_configured_windows(clock):
    with SandboxBank(seed=9, now=clock, per_day=2) as bank:
        client = sandbox_client(bank, clock=clock)
        bank.add_maintenance(clock(), clock() + timedelta(minutes=45))
        with pytest.raises(MaintenanceWindow) as caught:
            client.list_accounts()
        assert caught.value.retry_at == clock() + timedelta(minutes=45)

        quiet = sandbox_client(
            bank,
            clock=clock,
            consent=False,
            maintenance_windows=((2, "09:00", "11:00"),),
        )
        bank.request_log.clear()
        with pytest.raises(MaintenanceWindow) as caught:
            quiet.list_accounts()
        assert caught.value.retry_at == clock().replace(hour=11)
        assert bank.request_log == []


def test_history_is_clamped_to_the_limit(bank):
    client = sandbox_client(bank)
    pln = account(client)
    start = bank.today() - timedelta(days=200)
    got = list(client.iter_transactions(pln, start, bank.today(), "booked"))
    assert client.window_clamped_to == bank.today() - timedelta(days=90)
    truth = bank.ledger("acc-pln", "booked", bank.today() - timedelta(days=90))
    assert ids(got) == [tx["transactionId"] for tx in truth]
    # A bank that serves less than the settings say: PeriodInvalid.
    client.settings.max_history_days = 120
    with pytest.raises(PeriodInvalid, match="PERIOD_INVALID"):
        list(client.iter_transactions(pln, start, bank.today(), "booked"))


def test_pending_transactions_are_booked_after_the_clock_moves(bank, clock):
    client = sandbox_client(bank, clock=clock)
    pln = account(client)
    start = bank.today() - timedelta(days=5)
    before = list(client.iter_transactions(pln, start, bank.today(), "both"))
    pending = {t.transaction_id: t for t in before if t.status == PENDING}
    assert pending
    bank.advance(days=4)
    clock.advance(days=4)
    after = list(client.iter_transactions(pln, start, bank.today(), "both"))
    assert not {t.transaction_id for t in after} & set(pending)
    booked_now = [t for t in after if t.status == BOOKED and t.booking_date > start]
    linked = [t for t in booked_now if t.pending_reference in pending]
    assert linked  # the sandbox names the pending in most bookings (not in all)
    for transaction in linked:
        twin = pending[transaction.pending_reference]
        assert (transaction.amount, transaction.value_date) == (
            twin.amount,
            twin.value_date,
        )


def test_psu_headers_only_when_a_person_is_there(bank):
    unattended = sandbox_client(bank, psu_user_agent="Mozilla/5.0")
    unattended.list_accounts()
    present = sandbox_client(
        bank, psu_ip_address="192.0.2.10", psu_user_agent="Mozilla/5.0"
    )
    bank.request_log.clear()
    present.list_accounts()
    assert {e.header("PSU-IP-Address") for e in api_calls(bank)} == {"192.0.2.10"}
    assert {e.header("PSU-User-Agent") for e in api_calls(bank)} == {"Mozilla/5.0"}
    bank.request_log.clear()
    unattended.list_accounts()
    assert {e.header("PSU-IP-Address") for e in api_calls(bank)} == {None}
    assert {e.header("PSU-User-Agent") for e in api_calls(bank)} == {None}


def test_every_call_is_recorded_with_a_unique_request_id(bank):
    client = sandbox_client(bank)
    pln = account(client)
    list(client.iter_transactions(pln, bank.today() - timedelta(days=10), bank.today()))
    request_ids = [e.header("X-Request-ID") for e in bank.request_log]
    assert len(request_ids) == len(set(request_ids)) == len(client.calls)
    assert {c.endpoint for c in client.calls} == {
        "token",
        "consents",
        "accounts",
        "transactions",
    }
    assert all(c.user_present is False for c in client.calls)


def test_foreign_currency_lines_carry_the_original_amount(bank):
    client = sandbox_client(bank)
    start = bank.today() - timedelta(days=90)
    got = list(client.iter_transactions(account(client), start, bank.today(), "booked"))
    fx = [t for t in got if t.original_currency]
    assert fx
    for transaction in fx:
        assert (
            f"({transaction.original_currency} {abs(transaction.original_amount)})"
            in (transaction.remittance)
        )


def test_without_ids_a_repeat_across_pages_is_still_yielded_once(bank):
    client = sandbox_client(bank)
    start = bank.today() - timedelta(days=20)
    truth = bank.ledger("acc-pln", "booked", start, as_transactions=True)
    bank.set_fault("no_transaction_ids", times=50)
    bank.set_fault("repeated_transaction", times=2)
    got = list(client.iter_transactions(account(client), start, bank.today(), "booked"))
    assert "repeated_transaction" not in bank.faults.active()  # it fired twice
    assert [(t.amount, t.remittance) for t in got] == [
        (t.amount, t.remittance) for t in truth
    ]


def created_consents(bank):
    return [e for e in api_calls(bank) if e.method == "POST"]


def test_a_consent_created_without_a_person_still_sends_the_mandatory_address(bank):
    client = sandbox_client(bank, consent=False)
    client.create_consent(bank.today() + timedelta(days=30), 4)
    (created,) = created_consents(bank)
    # The address we call the bank from, as the standard asks when no PSU is
    # there (the sandbox refuses a consent without it).
    assert created.header("PSU-IP-Address") == "127.0.0.1"
    assert created.header("PSU-User-Agent") is None
    configured = sandbox_client(
        bank, consent=False, options={"tpp_ip_address": "203.0.113.7"}
    )
    configured.create_consent(bank.today() + timedelta(days=30), 4)
    assert created_consents(bank)[-1].header("PSU-IP-Address") == "203.0.113.7"
    # Account access without a person says so: no PSU headers at all.
    bank.request_log.clear()
    client.list_accounts()
    assert {e.header("PSU-IP-Address") for e in api_calls(bank)} == {None}


@pytest.mark.parametrize(
    ("address", "sent"),
    [
        ("192.0.2.10", "192.0.2.10"),
        ("::ffff:192.0.2.44", "192.0.2.44"),  # IPv4-mapped: the IPv4 it maps
        ("2001:db8::7", "203.0.113.7"),  # no IPv4 form: the address we call from
    ],
)
def test_the_persons_address_is_sent_in_the_ipv4_format(bank, address, sent):
    client = sandbox_client(
        bank,
        psu_ip_address=address,
        psu_user_agent="Mozilla/5.0",
        options={"tpp_ip_address": "203.0.113.7"},
    )
    client.list_accounts()
    calls = api_calls(bank)
    assert [e.status for e in calls] == [201, 200]  # consent, accounts
    assert {e.header("PSU-IP-Address") for e in calls} == {sent}
    assert {e.header("PSU-User-Agent") for e in calls} == {"Mozilla/5.0"}


def test_a_consent_tells_the_bank_where_to_send_the_customer_back(clock):
    with SandboxBank(seed=9, now=clock, auto_approve_consents=False) as bank:
        client = sandbox_client(bank, consent=False)
        consent = client.start_authorization(
            "https://odoo.example/bank/return",
            "s-123",
            bank.today() + timedelta(days=30),
            4,
        )
        assert consent.status == "received"
        (created,) = created_consents(bank)
        assert created.header("TPP-Redirect-URI") == (
            "https://odoo.example/bank/return?state=s-123"
        )
        assert created.header("TPP-Nok-Redirect-URI") == (
            "https://odoo.example/bank/return?state=s-123&result=nok"
        )
        # The customer approves at the bank, which sends them back to us.
        page = requests.get(consent.sca_redirect, timeout=5)
        assert "Approve" in page.text and "Deny" in page.text
        page = requests.post(
            consent.sca_redirect,
            data={"decision": "approve"},
            allow_redirects=False,
            timeout=5,
        )
        back = urlsplit(page.headers["Location"])
        assert back.netloc == "odoo.example" and back.path == "/bank/return"
        params = {name: values[0] for name, values in parse_qs(back.query).items()}
        assert params["state"] == "s-123"
        assert client.complete_authorization(params).status == "valid"
        assert account(client)


def test_a_refused_consent_sends_the_customer_to_the_nok_address(clock):
    with SandboxBank(seed=9, now=clock, auto_approve_consents=False) as bank:
        client = sandbox_client(bank, consent=False)
        consent = client.start_authorization(
            "https://odoo.example/bank/return",
            "s-9",
            bank.today() + timedelta(days=30),
            4,
        )
        page = requests.post(
            consent.sca_redirect,
            data={"decision": "deny"},
            allow_redirects=False,
            timeout=5,
        )
        back = urlsplit(page.headers["Location"])
        params = {name: values[0] for name, values in parse_qs(back.query).items()}
        assert params["state"] == "s-9" and params["result"] == "nok"
        assert client.complete_authorization(params).status == "rejected"
        # Deciding again changes nothing: the page only tells the status.
        again = requests.post(
            consent.sca_redirect,
            data={"decision": "approve"},
            allow_redirects=False,
            timeout=5,
        )
        assert again.status_code == 200 and "rejected" in again.text
        with pytest.raises(ConsentError):
            client.list_accounts()


def test_oauth_sca_sends_the_customer_back_with_a_code_traded_for_tokens(clock):
    with SandboxBank(
        seed=9, now=clock, auto_approve_consents=False, sca_oauth=True
    ) as bank:
        client = sandbox_client(bank, consent=False)
        consent = client.start_authorization(
            "https://odoo.example/bank/return",
            "s-321",
            bank.today() + timedelta(days=30),
            4,
        )
        asked = urlsplit(consent.sca_redirect)
        assert asked.path == "/sandbox/oauth/authorize"
        assert dict(parse_qsl(asked.query)) == {
            "response_type": "code",
            "client_id": client.settings.client_id,
            "redirect_uri": "https://odoo.example/bank/return",
            "scope": f"AIS:{consent.consent_id}",
            "state": "s-321",
        }
        page = requests.get(consent.sca_redirect, timeout=5)
        assert "Approve" in page.text
        answer = requests.post(
            consent.sca_redirect,
            data={**dict(parse_qsl(asked.query)), "decision": "approve"},
            allow_redirects=False,
            timeout=5,
        )
        back = urlsplit(answer.headers["Location"])
        assert back.path == "/bank/return"
        params = dict(parse_qsl(back.query))
        assert params["state"] == "s-321" and params["code"]
        # The code is traded with the redirect URI the bank was given.
        fresh = sandbox_client(bank, consent=False)
        fresh.settings.tpp_redirect_uri = "https://odoo.example/bank/return"
        fresh.settings.consent_id = consent.consent_id
        assert fresh.complete_authorization(params).status == "valid"
        assert fresh.list_accounts()
        # A code works once.
        with pytest.raises(AuthenticationError, match="authorization_code"):
            fresh.complete_authorization(params)


def test_oauth_sca_refused_leaves_the_consent_rejected(clock):
    with SandboxBank(
        seed=9, now=clock, auto_approve_consents=False, sca_oauth=True
    ) as bank:
        client = sandbox_client(bank, consent=False)
        consent = client.start_authorization(
            "https://odoo.example/bank/return",
            "s-322",
            bank.today() + timedelta(days=30),
            4,
        )
        query = dict(parse_qsl(urlsplit(consent.sca_redirect).query))
        answer = requests.post(
            consent.sca_redirect,
            data={**query, "decision": "deny"},
            allow_redirects=False,
            timeout=5,
        )
        params = dict(parse_qsl(urlsplit(answer.headers["Location"]).query))
        assert params == {"error": "access_denied", "state": "s-322"}
        assert client.complete_authorization(params).status == "rejected"


def test_a_bank_without_the_token_step_is_reached_without_a_token(clock):
    with SandboxBank(seed=9, now=clock, oauth2=False) as bank:
        client = sandbox_client(bank, options={"client_credentials": False})
        assert account(client).currency == "PLN"
        assert not [e for e in bank.request_log if e.path.startswith("/oauth2")]
        assert {e.header("Authorization") for e in api_calls(bank)} == {None}
        assert client.tokens.access_token is None
        # A client that expects the step is told what went wrong.
        with pytest.raises(AuthenticationError, match="client_credentials grant"):
            sandbox_client(bank)
