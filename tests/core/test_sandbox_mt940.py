"""The sandbox bank's transaction list as MT940 (Accept: text/plain), read
back by the MT940 add-on's parser: the same ledger as the JSON answer."""

import uuid
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

import pytest
import requests

from bank_api_sync.core.errors import BankResponseError, RateLimited
from bank_api_sync.core.model import BOOKED, PENDING, Transaction
from bank_api_sync_mt940.core.parser import parse_file
from bank_api_sync_mt940.core.writer import render
from bank_api_sync_sandbox.core.sandbox import SandboxBank, mt940
from bank_api_sync_sandbox.core.sandbox.mt940 import bank_reference

from .sandbox_support import Clock, api_calls, sandbox_client


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def bank(clock):
    with SandboxBank(seed=11, now=clock, per_day=5, page_size=4) as bank:
        yield bank


def pln(client):
    return next(a for a in client.list_accounts() if a.currency == "PLN")


def movements(transactions):
    """What a statement line keeps of a core transaction, in a stable order."""
    return sorted(
        (
            t.booking_date,
            t.value_date,
            t.amount,
            t.counterparty_name,
            t.counterparty_iban,
            t.remittance,
        )
        for t in transactions
    )


def parsed_movements(statements):
    return sorted(
        (
            t.booking_date,
            t.value_date,
            t.amount,
            t.counterparty_name,
            t.counterparty_account,
            t.title or "",
        )
        for statement in statements
        for t in statement.transactions
    )


def test_the_mt940_answer_is_the_json_ledger_one_statement_a_day(bank):
    client = sandbox_client(bank)
    account = pln(client)
    start = bank.today() - timedelta(days=9)
    data = client.get_mt940_statements(account, start, bank.today())
    statements = parse_file(data)

    days = [start + timedelta(days=n) for n in range(10)]
    assert [s.closing_date for s in statements] == days
    assert [s.statement_number for s in statements] == [
        day.timetuple().tm_yday for day in days
    ]
    assert {s.account_iban for s in statements} == {account.iban}
    assert {s.currency for s in statements} == {"PLN"}
    assert all(s.opening_date == s.closing_date - timedelta(days=1) for s in statements)
    for statement in statements:
        assert {t.booking_date for t in statement.transactions} <= {
            statement.closing_date
        }

    json_ledger = list(client.iter_transactions(account, start, bank.today(), "booked"))
    assert json_ledger, "the window has movements"
    assert parsed_movements(statements) == movements(json_ledger)

    # Balances: the JSON closingBooked at the end, chained day by day.
    closing = next(
        b.amount
        for b in client.get_balances(account)
        if b.balance_type == "closingBooked"
    )
    assert statements[-1].closing_balance.amount == closing
    for previous, statement in pairwise(statements):
        assert statement.opening_balance.amount == previous.closing_balance.amount
    available = bank.balances(account.resource_id)["interimAvailable"]
    assert statements[-1].available_balance.amount == available
    assert all(s.available_balance is None for s in statements[:-1])


def test_bank_references_are_short_unique_and_the_full_id_rides_along(bank):
    client = sandbox_client(bank)
    account = pln(client)
    start = bank.today() - timedelta(days=6)
    statements = parse_file(client.get_mt940_statements(account, start, bank.today()))
    ledger = {
        t.transaction_id
        for t in client.iter_transactions(account, start, bank.today(), "booked")
    }
    transactions = [t for s in statements for t in s.transactions]
    assert {t.supplementary_details for t in transactions} == ledger
    references = [t.bank_reference for t in transactions]
    assert all(len(reference) <= 16 for reference in references)
    assert len(set(references)) == len(references)
    assert {bank_reference(tid) for tid in ledger} == set(references)
    # Unique ids come from the references: no "#2" needed.
    assert not any("#" in t.unique_id for t in transactions)


def test_polish_letters_arrive_in_utf8(bank):
    client = sandbox_client(bank)
    data = client.get_mt940_statements(
        pln(client), bank.today() - timedelta(days=9), bank.today()
    )
    titles = " ".join(t.title or "" for s in parse_file(data) for t in s.transactions)
    assert any(letter in titles for letter in "ąćęłńóśźż")
    assert data.decode("utf-8")


def test_a_long_window_comes_in_chunks_joined_into_one_continuous_file(clock):
    with SandboxBank(seed=4, now=clock, per_day=2, max_window_days=7) as bank:
        client = sandbox_client(bank, max_window_days=7, frequency_per_day=20)
        account = pln(client)
        start = bank.today() - timedelta(days=20)
        data = client.get_mt940_statements(account, start, bank.today())
        statements = parse_file(data)  # continuity is checked across chunks
        assert len(statements) == 21
        transaction_calls = [c for c in client.calls if c.endpoint == "transactions"]
        assert len(transaction_calls) == 3
        json_ledger = client.iter_transactions(account, start, bank.today(), "booked")
        assert parsed_movements(statements) == movements(json_ledger)


def test_the_history_limit_clamps_the_window(bank):
    client = sandbox_client(bank, max_history_days=5)
    account = pln(client)
    statements = parse_file(
        client.get_mt940_statements(
            account, bank.today() - timedelta(days=30), bank.today()
        )
    )
    assert client.window_clamped_to == bank.today() - timedelta(days=5)
    assert statements[0].closing_date == bank.today() - timedelta(days=5)


def test_mt940_is_an_access_like_the_json_list(bank):
    client = sandbox_client(bank, frequency_per_day=1)
    account = pln(client)
    client.get_mt940_statements(account, bank.today(), bank.today())
    with pytest.raises(RateLimited):
        client.get_mt940_statements(account, bank.today(), bank.today())


def test_pending_transactions_are_not_served_as_mt940(bank):
    client = sandbox_client(bank)
    account = pln(client)
    response = requests.get(
        f"{bank.url}/v1/accounts/{account.resource_id}/transactions",
        params={"dateFrom": bank.today().isoformat(), "bookingStatus": "both"},
        headers={
            "Accept": "text/plain",
            "X-Request-ID": str(uuid.uuid4()),
            "Authorization": f"Bearer {client.tokens.access_token}",
            "Consent-ID": client.settings.consent_id,
            "PSU-IP-Address": "10.0.0.1",
        },
        timeout=5,
    )
    assert response.status_code == 400
    assert response.json()["tppMessages"][0]["code"] == "PARAMETER_NOT_SUPPORTED"


def test_json_stays_the_default(bank):
    client = sandbox_client(bank)
    account = pln(client)
    list(client.iter_transactions(account, bank.today(), bank.today()))
    assert api_calls(bank)[-1].header("Accept") == "application/json"


def test_an_answer_that_is_not_text_is_a_response_error(bank):
    client = sandbox_client(bank)
    account = pln(client)
    bank.set_fault("malformed_json", path="/transactions")
    with pytest.raises(BankResponseError, match="instead of MT940"):
        client.get_mt940_statements(account, bank.today(), bank.today())


def test_bank_reference_of_other_ids():
    assert bank_reference("SHORT-ID") == "SHORT-ID"
    assert bank_reference("PLN1-20261124-0003-ab12cd") == "2611240003ab12cd"
    other = bank_reference("an-id-of-another-shape-that-is-long")
    assert len(other) == 16
    assert other == bank_reference("an-id-of-another-shape-that-is-long")


def test_statement_from_the_core_model():
    booked = Transaction(
        BOOKED,
        Decimal("-99.90"),
        "PLN",
        date(2025, 1, 3),
        date(2025, 1, 2),
        transaction_id="TX-1",
        counterparty_name="Hurtownia Żuraw",
        counterparty_iban="PL38109013620000000112233445",
        remittance="Faktura 1/2025",
        proprietary_code="073",
    )
    pending = Transaction(PENDING, Decimal(5), "PLN", None, date(2025, 1, 3))
    statement = mt940.statement_from_transactions(
        "PL61109010140000071219812874",
        "PLN",
        Decimal("100.00"),
        date(2025, 1, 2),
        [pending, booked],
        statement_number=3,
    )
    assert len(statement.lines) == 1
    assert statement.closing_balance == Decimal("0.10")
    (parsed,) = parse_file(render([statement]).encode("cp1250"))
    (transaction,) = parsed.transactions
    assert transaction.entry_date == date(2025, 1, 3)
    assert transaction.value_date == date(2025, 1, 2)
    assert transaction.bank_reference == "TX-1"
    assert transaction.transaction_code == "073"
    assert transaction.counterparty_name == "Hurtownia Żuraw"
    assert transaction.counterparty_account == "PL38109013620000000112233445"
    assert transaction.title == "Faktura 1/2025"
