"""A transaction the product cannot store is kept aside with its reason; the
rest of the account imports. Absurd token lifetimes are refused."""

from datetime import timedelta

import pytest

from bank_api_sync.core.errors import BankResponseError
from bank_api_sync.core.sanity import MAX_FIELD_LENGTH
from bank_api_sync_sandbox.core.sandbox import SandboxBank

from .sandbox_support import Clock, sandbox_client


@pytest.fixture
def bank():
    with SandboxBank(seed=5, now=Clock(), per_day=2) as bank:
        yield bank


def nested(depth):
    value = "deep"
    for _ in range(depth):
        value = {"x": value}
    return value


POISONS = {
    "NUL": ({"remittanceInformationUnstructured": "pay\x00ment"}, "NUL character"),
    "lone surrogate": (
        {"creditorName": "Jan \ud800 Kowalski"},
        "lone surrogate",
    ),
    "1e400": (
        {"transactionAmount": {"amount": "1e400", "currency": "PLN"}},
        "beyond what an account holds",
    ),
    "10^30": (
        {"transactionAmount": {"amount": "1" + "0" * 30, "currency": "PLN"}},
        "beyond what an account holds",
    ),
    "not a currency": (
        {"transactionAmount": {"amount": "12.00", "currency": "P$N"}},
        "not an ISO 4217 code",
    ),
    "deep nesting": ({"additionalInformationStructured": nested(40)}, "nested deeper"),
    "20 kB title": (
        {"remittanceInformationUnstructured": "x" * (MAX_FIELD_LENGTH * 5)},
        f"over the limit of {MAX_FIELD_LENGTH:,}",
    ),
}


@pytest.mark.parametrize("poison", sorted(POISONS))
def test_a_poisoned_transaction_is_kept_aside_and_the_rest_imports(bank, poison):
    replace, reason = POISONS[poison]
    client = sandbox_client(bank)
    [first, *_others] = client.list_accounts()
    start = bank.today() - timedelta(days=20)
    truth = bank.ledger(first.resource_id, "booked", start)
    bank.set_fault("poisoned_transaction", path="/transactions", replace=replace)
    got = list(client.iter_transactions(first, start, bank.today(), "booked"))
    assert len(got) == len(truth) - 1
    [rejected] = client.rejected
    assert reason in rejected.reason
    assert rejected.where.startswith("transactions page 1 booked[")
    assert len(rejected.raw) < 1000
    # What is kept of it can be stored as text.
    assert "\x00" not in rejected.raw
    rejected.raw.encode("utf-8")


@pytest.mark.parametrize("expires_in", ["1e999", "-5", "NaN", 10**12])
def test_an_absurd_token_lifetime_is_refused_with_a_clear_message(bank, expires_in):
    client = sandbox_client(bank)
    with pytest.raises(BankResponseError, match="is not a token lifetime"):
        client._store_tokens(
            {"access_token": "at", "expires_in": expires_in}, "client_credentials"
        )
