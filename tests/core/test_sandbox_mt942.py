"""The sandbox bank's MT942 intraday report (Accept: text/plain with
format=mt942), read back by the MT940 add-on's parser: today's booked
movements so far, keyed as the end-of-day MT940 statement keys them."""

from datetime import timedelta
from decimal import Decimal

import pytest

from bank_api_sync.core.errors import BankResponseError
from bank_api_sync_mt940.core.parser import parse_file
from bank_api_sync_sandbox.core.sandbox import SandboxBank

from .sandbox_support import Clock, sandbox_client


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def bank(clock):
    with SandboxBank(seed=11, now=clock, per_day=5, page_size=4) as bank:
        yield bank


def pln(client):
    return next(a for a in client.list_accounts() if a.currency == "PLN")


def test_the_report_is_todays_booked_movements_so_far(bank, clock):
    client = sandbox_client(bank, frequency_per_day=20)
    account = pln(client)
    today = bank.today()
    (report,) = parse_file(client.get_mt942_report(account, today))

    assert report.is_interim
    assert report.account_iban == account.iban
    assert report.currency == "PLN"
    assert report.statement_number == today.timetuple().tm_yday
    assert report.report_time == bank.now().replace(second=0, microsecond=0)
    ledger = bank.ledger(account.resource_id, "booked", today, today)
    assert ledger, "the sandbox books movements every day"
    amounts = sorted(Decimal(tx["transactionAmount"]["amount"]) for tx in ledger)
    assert sorted(line.amount for line in report.transactions) == amounts
    debits = [amount for amount in amounts if amount < 0]
    credits = [amount for amount in amounts if amount >= 0]
    assert (report.debit_total.count, report.debit_total.amount) == (
        len(debits),
        -sum(debits, Decimal(0)),
    )
    assert (report.credit_total.count, report.credit_total.amount) == (
        len(credits),
        sum(credits, Decimal(0)),
    )


def test_the_end_of_day_statement_repeats_each_intraday_movement(bank, clock):
    client = sandbox_client(bank, frequency_per_day=20)
    account = pln(client)
    today = bank.today()
    (report,) = parse_file(client.get_mt942_report(account, today))
    # Later that day a customer pays; the next day the bank's statement of
    # the whole day holds the morning's movements and the afternoon's one.
    clock.advance(hours=5)
    bank.book_customer_payment(
        account.resource_id,
        "123.45",
        "Hurtownia Świt",
        "PL10105000997603123456789123",
        "FV 7/2026",
    )
    clock.advance(days=1)
    statements = parse_file(client.get_mt940_statements(account, today, today))
    (day,) = [s for s in statements if s.closing_date == today]

    intraday = {line.unique_id: line.amount for line in report.transactions}
    end_of_day = {line.unique_id: line.amount for line in day.transactions}
    assert len(intraday) == len(report.transactions)
    assert {key: end_of_day.get(key) for key in intraday} == intraday
    (added,) = set(end_of_day) - set(intraday)
    assert end_of_day[added] == Decimal("123.45")


def test_an_answer_that_is_not_text_is_refused(bank, monkeypatch):
    client = sandbox_client(bank, frequency_per_day=20)
    account = pln(client)
    # A bank that serves neither MT942 nor MT940 answers JSON.
    from bank_api_sync_sandbox.core.sandbox import mt940, mt942

    monkeypatch.setattr(mt942, "wants_mt942", lambda request: False)
    monkeypatch.setattr(mt940, "wants_mt940", lambda request: False)
    with pytest.raises(BankResponseError, match="instead of MT942 text"):
        client.get_mt942_report(account, bank.today() - timedelta(days=1))
