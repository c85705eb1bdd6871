"""A transaction the product cannot store is kept aside with its reason; the
rest of the account imports. Absurd token lifetimes are refused."""

import json
from datetime import timedelta

import pytest

from bank_api_sync.core.errors import BankResponseError
from bank_api_sync.core.sanity import (
    MAX_FIELD_LENGTH,
    MAX_RAW_KEPT,
    check_or_reject,
    parser_from_recipe,
    raw_data_kept,
)
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


def test_a_rejected_transaction_keeps_its_raw_data_and_how_to_read_it_again(bank):
    client = sandbox_client(bank)
    [first, *_others] = client.list_accounts()
    start = bank.today() - timedelta(days=20)
    bank.set_fault(
        "poisoned_transaction",
        path="/transactions",
        replace={"transactionAmount": {"amount": "1e400", "currency": "PLN"}},
    )
    list(client.iter_transactions(first, start, bank.today(), "booked"))
    [rejected] = client.rejected
    raw = json.loads(rejected.raw_data)
    assert raw["transactionAmount"]["amount"] == "1e400"
    # Read again through the same mapping: the same refusal...
    parse, args = parser_from_recipe(rejected.recipe, client)
    again = []
    assert check_or_reject(lambda: parse(raw, *args), raw, "again", again) is None
    assert "beyond what an account holds" in again[0].reason
    # ...and, the raw data mended, the transaction.
    raw["transactionAmount"]["amount"] = "12.50"
    transaction = check_or_reject(lambda: parse(raw, *args), raw, "again", [])
    assert str(transaction.amount) == "12.50"


@pytest.mark.parametrize(
    "parser",
    ["os:system", "subprocess:run", "builtins:eval", "client.authenticate"],
)
def test_a_recipe_names_only_the_products_parsers(bank, parser):
    client = sandbox_client(bank)
    recipe = json.dumps({"parser": parser, "args": ["rm -rf /"]})
    with pytest.raises(ValueError, match="parser"):
        parser_from_recipe(recipe, client)


def test_raw_data_is_kept_with_credentials_masked_and_bounded():
    kept = raw_data_kept({"access_token": "eyJhbGciOi.secret", "amount": "1.00"})
    assert "eyJhbGciOi.secret" not in kept
    assert '"amount": "1.00"' in kept
    assert raw_data_kept({"title": "x" * MAX_RAW_KEPT}) is None
    assert raw_data_kept(nested(5000)) is None
