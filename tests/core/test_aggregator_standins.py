"""The aggregators' demo stand-ins: their ledgers and accounts."""

from datetime import date

from bank_api_sync_aggregator_sandbox.core import standins
from bank_api_sync_sandbox.core.sandbox.ibans import is_valid_iban

TODAY = date(2026, 12, 3)


def test_each_standin_has_a_valid_iban_of_its_own():
    assert is_valid_iban(standins.ENABLEBANKING_IBAN)
    assert is_valid_iban(standins.GOCARDLESS_IBAN)
    assert standins.ENABLEBANKING_IBAN != standins.GOCARDLESS_IBAN


def test_customers_pay_invoices_no_other_ledger_quotes():
    eb = standins.enablebanking_payments(TODAY)
    gc = standins.gocardless_payments(TODAY)
    eb_numbers = {p.invoice for p in eb if p.invoice}
    gc_numbers = {p.invoice for p in gc if p.invoice}
    assert eb_numbers and gc_numbers and not eb_numbers & gc_numbers
    # The Sandbox Bank's customers quote numbers 1 to 400.
    for number in eb_numbers | gc_numbers:
        assert int(number.rsplit("/", 1)[1]) > 400
    for payment in eb + gc:
        if payment.invoice:
            assert payment.amount > 0 and payment.invoice in payment.remittance
            assert is_valid_iban(payment.iban)
        assert payment.day <= TODAY
    # The same ledger in every process, for the same day.
    assert standins.enablebanking_payments(TODAY) == eb


def test_the_standin_serves_its_ledger_over_http():
    import requests

    bank = standins.embedded_gocardless("id-1", "key-1", TODAY)
    assert bank is standins.embedded_gocardless("id-1", "key-1", TODAY)
    token = requests.post(
        f"{bank.url}/api/v2/token/new/",
        json={"secret_id": "id-1", "secret_key": "key-1"},
        timeout=5,
    )
    assert token.status_code == 200
    assert "access" in token.json()
    (account,) = bank.accounts.values()
    assert account.iban == standins.GOCARDLESS_IBAN
    assert len(account.transactions) == len(standins.gocardless_payments(TODAY))
