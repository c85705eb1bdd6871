"""The sandbox bank over raw HTTP: what any Berlin Group client would see."""

import re
import subprocess
import sys
import uuid
from datetime import timedelta

import pytest
import requests

from bank_api_sync_sandbox.core.sandbox import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    SandboxBank,
)

from .sandbox_support import Clock

CREDENTIALS = (DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def bank(clock):
    with SandboxBank(seed=5, now=clock, per_day=3, page_size=5) as bank:
        yield bank


def token(bank, **form):
    form = {"grant_type": "client_credentials", **form}
    return requests.post(
        f"{bank.url}/oauth2/token", data=form, auth=CREDENTIALS, timeout=5
    )


def api(bank, method, path, access_token, consent_id=None, **kwargs):
    headers = {
        "X-Request-ID": str(uuid.uuid4()),
        "Authorization": f"Bearer {access_token}",
    }
    if consent_id:
        headers["Consent-ID"] = consent_id
    if method == "POST" and path == "/v1/consents":
        headers["PSU-IP-Address"] = "192.0.2.1"  # mandatory there
    headers.update(kwargs.pop("headers", {}))
    return requests.request(
        method, bank.url + path, headers=headers, timeout=5, **kwargs
    )


def error_code(response):
    return response.json()["tppMessages"][0]["code"]


def consent_body(bank, **overrides):
    return {
        "access": {"allPsd2": "allAccounts"},
        "recurringIndicator": True,
        "validUntil": str(bank.today() + timedelta(days=30)),
        "frequencyPerDay": 4,
        "combinedServiceIndicator": False,
        **overrides,
    }


@pytest.fixture
def session(bank):
    """(access token, consent id) of a TPP that went through the front door."""
    access = token(bank).json()["access_token"]
    consent = api(bank, "POST", "/v1/consents", access, json=consent_body(bank)).json()
    return access, consent["consentId"]


def test_tokens_come_from_client_credentials_and_refresh_tokens(bank):
    answer = token(bank)
    assert answer.status_code == 200
    body = answer.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 300
    renewed = token(
        bank, grant_type="refresh_token", refresh_token=body["refresh_token"]
    )
    assert renewed.status_code == 200
    again = token(bank, grant_type="refresh_token", refresh_token=body["refresh_token"])
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


def test_wrong_client_secret_is_refused(bank):
    answer = requests.post(
        f"{bank.url}/oauth2/token",
        data={"grant_type": "client_credentials"},
        auth=(DEFAULT_CLIENT_ID, "wrong"),
        timeout=5,
    )
    assert answer.status_code == 401 and answer.json()["error"] == "invalid_client"


def test_access_tokens_expire(bank, clock, session):
    access, consent_id = session
    assert api(bank, "GET", "/v1/accounts", access, consent_id).status_code == 200
    clock.advance(seconds=301)
    answer = api(bank, "GET", "/v1/accounts", access, consent_id)
    assert answer.status_code == 401 and error_code(answer) == "TOKEN_EXPIRED"
    answer = api(bank, "GET", "/v1/accounts", "made-up", consent_id)
    assert answer.status_code == 401 and error_code(answer) == "TOKEN_INVALID"


def test_consent_life_cycle(bank, clock):
    access = token(bank).json()["access_token"]
    created = api(bank, "POST", "/v1/consents", access, json=consent_body(bank))
    assert created.status_code == 201
    body = created.json()
    consent_id = body["consentId"]
    assert body["consentStatus"] == "valid"
    assert body["_links"]["scaRedirect"]["href"].startswith(f"{bank.url}/sandbox/sca/")
    status = api(bank, "GET", f"/v1/consents/{consent_id}/status", access)
    assert status.json() == {"consentStatus": "valid"}
    details = api(bank, "GET", f"/v1/consents/{consent_id}", access).json()
    assert details["frequencyPerDay"] == 4 and details["recurringIndicator"] is True

    assert api(bank, "DELETE", f"/v1/consents/{consent_id}", access).status_code == 204
    answer = api(bank, "GET", "/v1/accounts", access, consent_id)
    assert answer.status_code == 401 and error_code(answer) == "CONSENT_INVALID"
    answer = api(bank, "GET", "/v1/accounts", access, "cns-unknown")
    assert answer.status_code == 403 and error_code(answer) == "CONSENT_UNKNOWN"

    short = consent_body(bank, validUntil=str(bank.today() + timedelta(days=1)))
    consent_id = api(bank, "POST", "/v1/consents", access, json=short).json()[
        "consentId"
    ]
    clock.advance(days=2)
    access = token(bank).json()["access_token"]
    answer = api(bank, "GET", "/v1/accounts", access, consent_id)
    assert answer.status_code == 401 and error_code(answer) == "CONSENT_EXPIRED"


def test_consent_waits_for_the_sca_redirect_when_not_auto_approved(clock):
    with SandboxBank(seed=5, now=clock, auto_approve_consents=False) as bank:
        access = token(bank).json()["access_token"]
        created = api(
            bank,
            "POST",
            "/v1/consents",
            access,
            json=consent_body(bank),
            headers={"TPP-Redirect-URI": "https://odoo.example/bank/callback"},
        ).json()
        assert created["consentStatus"] == "received"
        answer = api(bank, "GET", "/v1/accounts", access, created["consentId"])
        assert error_code(answer) == "CONSENT_INVALID"
        login = requests.post(
            created["_links"]["scaRedirect"]["href"],
            data={"decision": "approve"},
            allow_redirects=False,
            timeout=5,
        )
        assert login.status_code == 302
        assert login.headers["Location"].startswith(
            "https://odoo.example/bank/callback?"
        )
        assert "consentStatus=valid" in login.headers["Location"]
        answer = api(bank, "GET", "/v1/accounts", access, created["consentId"])
        assert answer.status_code == 200


def test_validity_is_capped_at_180_days(bank):
    access = token(bank).json()["access_token"]
    body = consent_body(bank, validUntil="9999-12-31")
    consent_id = api(bank, "POST", "/v1/consents", access, json=body).json()[
        "consentId"
    ]
    details = api(bank, "GET", f"/v1/consents/{consent_id}", access).json()
    assert details["validUntil"] == str(bank.today() + timedelta(days=180))


def test_every_api_request_needs_an_x_request_id(bank, session):
    access, consent_id = session
    answer = requests.get(
        f"{bank.url}/v1/accounts",
        headers={"Authorization": f"Bearer {access}", "Consent-ID": consent_id},
        timeout=5,
    )
    assert answer.status_code == 400 and error_code(answer) == "FORMAT_ERROR"


def test_every_answer_names_the_request_it_answers(bank, session):
    access, consent_id = session
    request_id = str(uuid.uuid4())
    for path, consent in (("/v1/accounts", consent_id), ("/v1/nowhere", None)):
        answer = api(
            bank, "GET", path, access, consent, headers={"X-Request-ID": request_id}
        )
        assert answer.headers["X-Request-ID"] == request_id, path
    refused = requests.get(f"{bank.url}/v1/accounts", timeout=5)
    assert refused.status_code == 400
    assert uuid.UUID(refused.headers["X-Request-ID"])  # a fresh one
    assert token(bank).headers["X-Request-ID"]


def test_psu_ip_address_is_mandatory_for_a_consent_and_ipv4(bank, session):
    access, consent_id = session
    missing = api(
        bank,
        "POST",
        "/v1/consents",
        access,
        json=consent_body(bank),
        headers={"PSU-IP-Address": None},  # requests leaves it out
    )
    assert (missing.status_code, error_code(missing)) == (400, "FORMAT_ERROR")
    for address in ("2001:db8::7", "not an address"):
        refused = api(
            bank,
            "GET",
            "/v1/accounts",
            access,
            consent_id,
            headers={"PSU-IP-Address": address},
        )
        assert (refused.status_code, error_code(refused)) == (400, "FORMAT_ERROR")


def test_accounts_and_balances(bank, session):
    access, consent_id = session
    accounts = api(
        bank, "GET", "/v1/accounts?withBalance=true", access, consent_id
    ).json()
    assert [a["currency"] for a in accounts["accounts"]] == ["PLN", "EUR"]
    first = accounts["accounts"][0]
    types = {b["balanceType"]: b["balanceAmount"]["amount"] for b in first["balances"]}
    assert types["closingBooked"] == str(bank.balances("acc-pln")["closingBooked"])
    balances = api(bank, "GET", "/v1/accounts/acc-pln/balances", access, consent_id)
    assert balances.json()["balances"] == first["balances"]


def test_transactions_are_paged_by_next_links(bank, session):
    access, consent_id = session
    date_from = str(bank.today() - timedelta(days=10))
    path = f"/v1/accounts/acc-pln/transactions?dateFrom={date_from}&bookingStatus=both"
    booked, pending, pages = [], [], 0
    while path:
        body = api(bank, "GET", path, access, consent_id).json()
        report = body["transactions"]
        booked += report["booked"]
        pending += report["pending"]
        pages += 1
        assert len(report["booked"]) + len(report["pending"]) <= 5
        path = report["_links"].get("next", {}).get("href")
    assert pages > 3
    assert booked == bank.ledger("acc-pln", "booked", bank.today() - timedelta(days=10))
    assert pending == bank.ledger(
        "acc-pln", "pending", bank.today() - timedelta(days=10)
    )


def test_history_is_served_for_90_days(bank, session):
    access, consent_id = session
    edge = bank.today() - timedelta(days=90)
    ok = api(
        bank,
        "GET",
        f"/v1/accounts/acc-pln/transactions?dateFrom={edge}",
        access,
        consent_id,
    )
    assert ok.status_code == 200
    older = edge - timedelta(days=1)
    answer = api(
        bank,
        "GET",
        f"/v1/accounts/acc-pln/transactions?dateFrom={older}",
        access,
        consent_id,
    )
    assert answer.status_code == 400 and error_code(answer) == "PERIOD_INVALID"


def test_frequency_per_day_counts_unattended_first_pages_only(bank, clock):
    access = token(bank).json()["access_token"]
    body = consent_body(bank, frequencyPerDay=2)
    consent_id = api(bank, "POST", "/v1/consents", access, json=body).json()[
        "consentId"
    ]
    listing = (
        f"/v1/accounts/acc-pln/transactions?dateFrom={bank.today() - timedelta(30)}"
    )

    def first_then_second_page():
        first = api(bank, "GET", listing, access, consent_id)
        assert first.status_code == 200
        follow = first.json()["transactions"]["_links"]["next"]["href"]
        assert api(bank, "GET", follow, access, consent_id).status_code == 200

    first_then_second_page()
    first_then_second_page()  # second pages are free: still within 2 accesses
    answer = api(bank, "GET", listing, access, consent_id)
    assert answer.status_code == 429 and error_code(answer) == "ACCESS_EXCEEDED"
    assert int(answer.headers["Retry-After"]) == int(
        (bank.next_midnight() - bank.now()).total_seconds()
    )
    present = api(
        bank, "GET", listing, access, consent_id, headers={"PSU-IP-Address": "10.1.2.3"}
    )
    assert present.status_code == 200  # a person is there: not counted
    # Other resources have their own count; the next day starts again.
    assert api(bank, "GET", "/v1/accounts/acc-pln/balances", access, consent_id).ok
    clock.advance(days=1)
    access = token(bank).json()["access_token"]
    assert api(bank, "GET", listing, access, consent_id).status_code == 200


def test_daily_request_quota(clock):
    with SandboxBank(seed=5, now=clock, daily_quota=3) as bank:
        access = token(bank).json()["access_token"]
        consent = api(bank, "POST", "/v1/consents", access, json=consent_body(bank))
        consent_id = consent.json()["consentId"]
        assert api(bank, "GET", "/v1/accounts", access, consent_id).ok
        assert api(
            bank,
            "GET",
            "/v1/accounts",
            access,
            consent_id,
            headers={"PSU-IP-Address": "10.0.0.1"},
        ).ok
        answer = api(bank, "GET", "/v1/accounts", access, consent_id)
        assert answer.status_code == 429 and error_code(answer) == "ACCESS_EXCEEDED"
        assert int(answer.headers["Retry-After"]) > 3600


def test_maintenance_windows_answer_503_with_retry_after(clock):
    # START is a Wednesday 10:00 UTC.
    with SandboxBank(
        seed=5, now=clock, maintenance_windows=[(2, "09:30", "11:00")]
    ) as bank:
        answer = token(bank)
        assert answer.status_code == 503 and error_code(answer) == "SERVICE_UNAVAILABLE"
        assert answer.headers["Retry-After"] == "3600"
        clock.advance(hours=1)
        assert token(bank).status_code == 200


def test_faults_fire_the_given_number_of_times(bank, session):
    access, consent_id = session
    bank.set_fault("http_500", times=2, path="/balances")
    balances = "/v1/accounts/acc-pln/balances"
    assert api(bank, "GET", "/v1/accounts", access, consent_id).status_code == 200
    assert api(bank, "GET", balances, access, consent_id).status_code == 500
    assert api(bank, "GET", balances, access, consent_id).status_code == 500
    assert api(bank, "GET", balances, access, consent_id).status_code == 200
    with pytest.raises(ValueError, match="known faults"):
        bank.set_fault("gremlins")


def test_admin_endpoints(bank, session):
    access, consent_id = session
    answer = requests.post(
        f"{bank.url}/sandbox/faults", json={"name": "http_503", "times": 1}, timeout=5
    )
    assert answer.status_code == 201
    assert api(bank, "GET", "/v1/accounts", access, consent_id).status_code == 503
    pending = requests.get(
        f"{bank.url}/sandbox/ledger/acc-pln?status=pending", timeout=5
    )
    assert pending.json()["pending"] == bank.ledger("acc-pln", "pending")
    before = bank.today()
    moved = requests.post(f"{bank.url}/sandbox/advance", json={"days": 2}, timeout=5)
    assert moved.status_code == 200 and bank.today() == before + timedelta(days=2)
    log = requests.get(f"{bank.url}/sandbox/requests", timeout=5).json()["requests"]
    assert log and all(
        entry["headers"].get("Authorization") in (None, "***") for entry in log
    )
    assert requests.get(f"{bank.url}/sandbox", timeout=5).json()["client_id"] == (
        DEFAULT_CLIENT_ID
    )


def test_request_log_keeps_what_clients_sent(bank, session):
    access, consent_id = session
    bank.request_log.clear()
    api(
        bank,
        "GET",
        "/v1/accounts",
        access,
        consent_id,
        headers={"PSU-IP-Address": "1.2.3.4"},
    )
    (entry,) = bank.request_log
    assert (
        entry.method == "GET" and entry.path == "/v1/accounts" and entry.status == 200
    )
    assert entry.header("psu-ip-address") == "1.2.3.4"
    assert entry.header("X-Request-ID")


def test_command_line_serves_the_bank():
    """The command the README gives, as a user runs it."""
    command = [sys.executable, "-m", "odoo.addons.bank_api_sync_sandbox.core.sandbox"]
    process = subprocess.Popen(
        [*command, "--port", "0", "--seed", "3"], stdout=subprocess.PIPE, text=True
    )
    try:
        first_line = process.stdout.readline()
        assert first_line.startswith("Sandbox bank listening on http://127.0.0.1:")
        url = first_line.split()[4]
        answer = requests.get(f"{url}/sandbox", timeout=5)
        assert answer.json()["seed"] == 3
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_repeated_transaction_fault_repeats_across_two_pages(bank, session):
    access, consent_id = session
    path = f"/v1/accounts/acc-pln/transactions?dateFrom={bank.today() - timedelta(30)}"
    first = api(bank, "GET", path, access, consent_id).json()["transactions"]
    bank.set_fault("repeated_transaction")
    follow = first["_links"]["next"]["href"]
    second = api(bank, "GET", follow, access, consent_id).json()["transactions"]
    assert second["booked"][0] == first["booked"][-1]
    assert len(second["booked"]) == 6  # one more than the page size
    assert not bank.faults.active()


# Required fields of the NextGenPSD2 1.3.11 schemas the sandbox answers with
# (psd2-api_v1.3.11-2021-10-01v1.yaml, components/schemas).
REQUIRED = {
    "consentsResponse-201": ("consentStatus", "consentId", "_links"),
    "consentInformationResponse-200_json": (
        "access", "recurringIndicator", "validUntil", "frequencyPerDay",
        "lastActionDate", "consentStatus",
    ),
    "accountDetails": ("currency",),
    "balance": ("balanceAmount", "balanceType"),
    "amount": ("currency", "amount"),
    "transactions": ("transactionAmount",),
    "reportExchangeRate": (
        "sourceCurrency", "exchangeRate", "unitCurrency", "targetCurrency",
        "quotationDate",
    ),
    "_linksAccountReport": ("account",),
}  # fmt: skip
AMOUNT = re.compile(r"^-?[0-9]{1,14}(\.[0-9]{1,3})?$")
BALANCE_TYPES = {"closingBooked", "expected", "openingBooked", "interimAvailable",
                 "interimBooked", "forwardAvailable", "nonInvoiced"}  # fmt: skip


def has_required(obj, schema):
    missing = [field for field in REQUIRED[schema] if field not in obj]
    assert not missing, f"{schema} lacks {missing}"


def test_answers_have_the_shape_of_the_specification(bank):
    access = token(bank).json()["access_token"]
    created = api(bank, "POST", "/v1/consents", access, json=consent_body(bank)).json()
    has_required(created, "consentsResponse-201")
    consent_id = created["consentId"]
    info = api(bank, "GET", f"/v1/consents/{consent_id}", access).json()
    has_required(info, "consentInformationResponse-200_json")

    accounts = api(bank, "GET", "/v1/accounts?withBalance=true", access, consent_id)
    for details in accounts.json()["accounts"]:
        has_required(details, "accountDetails")
        for balance in details["balances"]:
            has_required(balance, "balance")
            has_required(balance["balanceAmount"], "amount")
            assert balance["balanceType"] in BALANCE_TYPES
            assert AMOUNT.match(balance["balanceAmount"]["amount"])

    start = bank.today() - timedelta(days=90)
    path = f"/v1/accounts/acc-pln/transactions?dateFrom={start}&bookingStatus=both"
    seen_fx = False
    while path:
        report = api(bank, "GET", path, access, consent_id).json()["transactions"]
        has_required(report["_links"], "_linksAccountReport")
        for transaction in report["booked"] + report["pending"]:
            has_required(transaction, "transactions")
            has_required(transaction["transactionAmount"], "amount")
            assert AMOUNT.match(transaction["transactionAmount"]["amount"])
            assert len(transaction.get("entryReference", "")) <= 35
            assert len(transaction.get("endToEndId", "")) <= 35
            assert len(transaction["remittanceInformationUnstructured"]) <= 140
            assert len(transaction["proprietaryBankTransactionCode"]) <= 35
            assert len(transaction["bankTransactionCode"].split("-")) == 3
            for rate in transaction.get("currencyExchange", []):
                has_required(rate, "reportExchangeRate")
                seen_fx = True
        path = report["_links"].get("next", {}).get("href")
    assert seen_fx
