"""The sandbox bank's transaction list as camt.053 (Accept: application/xml),
read back by the camt add-on's parser: the same ledger and balances as the
JSON answer."""

from datetime import timedelta
from itertools import pairwise

import pytest

from bank_api_sync_camt.core import parse_file
from bank_api_sync_sandbox.core.sandbox import SandboxBank

from .sandbox_support import Clock, sandbox_client
from .test_sandbox_mt940 import movements, pln


@pytest.fixture
def bank():
    with SandboxBank(seed=11, now=Clock(), per_day=5, page_size=4) as bank:
        yield bank


def test_the_camt_answer_is_the_json_ledger_one_statement_a_day(bank):
    client = sandbox_client(bank)
    account = pln(client)
    start = bank.today() - timedelta(days=9)
    [document] = client.get_camt_statements(account, start, bank.today())
    statements = parse_file(document)

    days = [start + timedelta(days=n) for n in range(10)]
    assert [s.closing_date for s in statements] == days
    assert {(s.message, s.version) for s in statements} == {("camt.053", "001.08")}
    assert {s.account_iban for s in statements} == {account.iban}
    json_ledger = list(client.iter_transactions(account, start, bank.today(), "booked"))
    assert json_ledger
    parsed = sorted(
        (
            t.booking_date,
            t.value_date,
            t.amount,
            t.counterparty_name,
            t.counterparty_iban,
            t.title,
        )
        for s in statements
        for t in s.transactions
    )
    assert parsed == movements(json_ledger)
    assert {
        t.account_servicer_reference for s in statements for t in s.transactions
    } == {t.transaction_id for t in json_ledger}
    closing = next(
        b.amount
        for b in client.get_balances(account)
        if b.balance_type == "closingBooked"
    )
    assert statements[-1].closing_balance.amount == closing
    for previous, statement in pairwise(statements):
        assert statement.opening_balance.amount == previous.closing_balance.amount
