"""The sandbox bank's seeded ledger: deterministic, realistic, consistent."""

import re
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from freezegun import freeze_time

from bank_api_sync_sandbox.core.sandbox import DEFAULT_ACCOUNTS, SandboxBank
from bank_api_sync_sandbox.core.sandbox.ibans import is_valid_iban, is_valid_nip

from .sandbox_support import Clock


def ledger_of(seed, **options):
    bank = SandboxBank(seed=seed, now=Clock(), **options)
    return {
        (account, status): bank.ledger(account, status)
        for account in bank.accounts
        for status in ("booked", "pending")
    }


def test_same_seed_gives_the_same_ledger_ids_included():
    first, second = ledger_of(7), ledger_of(7)
    assert first == second
    assert sum(len(items) for items in first.values()) > 500


def test_another_seed_gives_another_ledger():
    first, other = ledger_of(7), ledger_of(8)
    ids = {tx["transactionId"] for items in first.values() for tx in items}
    other_ids = {tx["transactionId"] for items in other.values() for tx in items}
    assert first != other
    assert not ids & other_ids


def test_a_day_does_not_depend_on_the_window_asked():
    bank = SandboxBank(seed=3, now=Clock())
    today = bank.today()
    whole = bank.ledger("acc-pln", "booked")
    week = bank.ledger("acc-pln", "booked", today - timedelta(days=6), today)
    assert week == [
        tx for tx in whole if tx["bookingDate"] >= str(today - timedelta(6))
    ]


def test_default_accounts_are_a_pln_and_a_eur_account_with_valid_polish_ibans():
    assert [a.currency for a in DEFAULT_ACCOUNTS] == ["PLN", "EUR"]
    for account in DEFAULT_ACCOUNTS:
        assert account.iban.startswith("PL")
        assert is_valid_iban(account.iban)


def test_the_ledger_reads_like_a_polish_company_account():
    bank = SandboxBank(seed=7, now=Clock())
    booked = bank.ledger("acc-pln", "booked")
    texts = [tx["remittanceInformationUnstructured"] for tx in booked]
    assert any(re.fullmatch(r"FV/\d{4}/\d{2}/\d{4}", text) for text in texts)
    assert any(re.search(r"fv/|FV-|FV \d|Faktura nr", text) for text in texts)
    split = [t for t in texts if t.startswith("/VAT/")]
    assert split
    for text in split:
        match = re.fullmatch(r"/VAT/\d+,\d{2}/IDC/(\d{10})/INV/.+/TXT/.*", text)
        assert match and is_valid_nip(match.group(1)), text
    codes = {tx["bankTransactionCode"] for tx in booked}
    assert {
        "PMNT-RCDT-DMCT",
        "PMNT-ICDT-DMCT",
        "PMNT-CCRD-POSD",
        "PMNT-MDOP-CHRG",
    } <= codes
    assert all(len(text) <= 140 for text in texts)
    ibans = [
        tx[side]["iban"]
        for tx in booked
        for side in ("debtorAccount", "creditorAccount")
        if side in tx
    ]
    assert ibans and all(is_valid_iban(iban) for iban in ibans)
    amounts = [Decimal(tx["transactionAmount"]["amount"]) for tx in booked]
    assert any(a > 0 for a in amounts) and any(a < 0 for a in amounts)


def test_foreign_currency_lines_state_a_rate_that_gives_back_the_original():
    bank = SandboxBank(seed=7, now=Clock())
    fx = [tx for tx in bank.ledger("acc-pln", "booked") if "currencyExchange" in tx]
    assert fx
    for tx in fx:
        (rate,) = tx["currencyExchange"]
        assert rate["targetCurrency"] == "PLN" and rate["sourceCurrency"] != "PLN"
        original = Decimal(tx["transactionAmount"]["amount"]) / Decimal(
            rate["exchangeRate"]
        )
        assert (
            f"{abs(original).quantize(Decimal('0.01'))})"
            in tx["remittanceInformationUnstructured"]
        )


def test_recent_days_are_partly_pending_and_most_bookings_name_their_pending():
    bank = SandboxBank(seed=7, now=Clock())
    today = bank.today()
    pending = bank.ledger("acc-pln", "pending")
    assert pending
    assert all(
        today - timedelta(days=3) <= date.fromisoformat(tx["valueDate"]) <= today
        for tx in pending
    )
    assert all("bookingDate" not in tx for tx in pending)
    booked = bank.ledger("acc-pln", "booked")
    late = [tx for tx in booked if tx["bookingDate"] != tx["valueDate"]]
    linked = [tx for tx in late if "entryReference" in tx]
    assert 0.6 < len(linked) / len(late) < 0.95  # most, not all


def test_balances_follow_the_ledger():
    bank = SandboxBank(seed=7, now=Clock())
    booked = bank.ledger("acc-eur", "booked")
    pending = bank.ledger("acc-eur", "pending")
    total = sum(Decimal(tx["transactionAmount"]["amount"]) for tx in booked)
    debits = sum(
        Decimal(tx["transactionAmount"]["amount"])
        for tx in pending
        if tx["transactionAmount"]["amount"].startswith("-")
    )
    balances = bank.balances("acc-eur")
    assert balances["closingBooked"] == bank.opening_balance("acc-eur") + total
    assert balances["interimAvailable"] == balances["closingBooked"] + debits


def test_advancing_the_clock_books_the_pending_ones():
    bank = SandboxBank(seed=7, now=Clock())
    pending = bank.ledger("acc-pln", "pending")
    bank.advance(days=4)
    booked = bank.ledger("acc-pln", "booked", bank.today() - timedelta(days=8))
    references = {tx.get("entryReference") for tx in booked}
    pending_ids = {tx["transactionId"] for tx in pending}
    assert not pending_ids & {tx["transactionId"] for tx in booked}  # ids of their own
    assert pending_ids & references  # most link back
    assert not {tx["transactionId"] for tx in bank.ledger("acc-pln", "pending")} & (
        pending_ids
    )


def test_the_volume_scales_for_benchmarks():
    started = time.perf_counter()
    bank = SandboxBank(seed=1, now=Clock(), per_day=280, ledger_days=90)
    count = sum(len(bank.ledger(account, "booked")) for account in bank.accounts)
    assert 40_000 < count < 60_000
    assert time.perf_counter() - started < 20


def test_the_clock_follows_freezegun():
    with freeze_time("2026-03-02 08:00:00"):
        bank = SandboxBank(seed=7)
        assert str(bank.today()) == "2026-03-02"
        assert max(tx["bookingDate"] for tx in bank.ledger("acc-pln", "booked")) <= (
            "2026-03-02"
        )


def test_unknown_account_or_status_is_refused():
    bank = SandboxBank(seed=7, now=Clock())
    with pytest.raises(KeyError):
        bank.ledger("nope")
    with pytest.raises(ValueError, match="booked"):
        bank.ledger("acc-pln", "both")
