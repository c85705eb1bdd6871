"""The aggregators' stand-ins embedded in the Odoo server process.

Enable Banking's and GoCardless's sandbox personalities (each provider
add-on's ``core/sandbox.py``) started on a free loopback port the first time
a stand-in connection needs one, like the embedded Sandbox Bank, and living
as long as the process. Their ledger is the same in every process: a few
weeks of customers paying our invoices (numbers ``FV/YYYY/MM/08nn`` at
Enable Banking, ``09nn`` at GoCardless, never the Sandbox Bank's 1 to 400),
bank fees, a supplier payment, and one card payment still pending.

Plain Python: no Odoo here.
"""

import importlib
import threading
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

# "odoo.addons" inside Odoo; "" when the add-ons are top-level packages.
_PARENT = __name__.rpartition(".bank_api_sync_aggregator_sandbox.")[0]


def _sibling(module):
    """A module of another add-on, imported beside this one."""
    return importlib.import_module(f"{_PARENT}.{module}" if _PARENT else module)


def make_iban(country, bban):
    # Imported when called: the other add-ons' packages are loaded by then.
    return _sibling("bank_api_sync_sandbox.core.sandbox.ibans").make_iban(country, bban)


# The application id of the demo's Enable Banking connection (the stand-in
# checks each request's JWT against it and the key's public half).
ENABLEBANKING_APPLICATION_ID = "5a1d7c3e-0000-4000-8000-00000000demo"
# The demo's GoCardless secrets (the stand-in's only valid pair).
GOCARDLESS_SECRET_ID = "0d2f4b6a-0000-4000-8000-00000000demo"  # noqa: S105 - the stand-in's public demo pair
GOCARDLESS_SECRET_KEY = "sandbox-gocardless-secret-key-for-the-demo-only"  # noqa: S105 - the stand-in's public demo pair

# One IBAN, one feed: none of these is the Sandbox Bank's.
ENABLEBANKING_IBAN = "PL15109010140000071219800801"
GOCARDLESS_IBAN = "PL17114020040000300201900901"

# Generous daily allowances: the banks' PSD2 four unattended accesses would
# stop a person clicking through the demo after a few syncs.
ACCESSES_PER_DAY = 100


@dataclass(frozen=True)
class DemoPayment:
    """A movement of the stand-in's ledger; ``invoice`` set for a customer
    paying one of our invoices (its number is quoted in ``remittance``)."""

    reference: str
    amount: Decimal
    day: date
    name: str
    iban: str
    remittance: str
    invoice: str | None = None
    pending: bool = False


# (days ago, amount, customer, the way they write our invoice number)
_CUSTOMERS = (
    (12, "1230.00", "Hurtownia Orzeł Sp. z o.o.", "Zapłata za fakturę {}"),
    (10, "487.50", "Piekarnia Kłos s.c.", "{}"),
    (8, "2999.99", "Meble Dąb S.A.", "Faktura {} - dziękujemy"),
    (6, "150.00", "Kwiaciarnia Róża", "FV {} przelew"),
    (4, "864.20", "Drukarnia Litera Sp. j.", "Payment of invoice {}"),
    (2, "75.30", "Sklep Zielony Koszyk", "{} zapłata"),
)


def demo_payments(today: date, first_number: int, bank_code: str):
    """The stand-in's ledger ending ``today``: customer payments quoting
    invoice numbers from ``first_number`` on, plus costs and one pending
    card payment. Every process computes the same for the same day."""
    payments = []
    for position, (days_ago, amount, name, title) in enumerate(_CUSTOMERS):
        day = today - timedelta(days=days_ago)
        number = f"FV/{day.year}/{day.month:02d}/{first_number + position:04d}"
        iban = make_iban("PL", f"{bank_code}{position + 1:08d}{first_number:08d}")
        payments.append(
            DemoPayment(
                reference=f"{bank_code}-C{position + 1}",
                amount=Decimal(amount),
                day=day,
                name=name,
                iban=iban,
                remittance=title.format(number),
                invoice=number,
            )
        )
    payments += [
        DemoPayment(
            reference=f"{bank_code}-F1",
            amount=Decimal("-12.50"),
            day=today - timedelta(days=9),
            name="Sandbox Bank",
            iban="",
            remittance="Opłata za prowadzenie rachunku",
        ),
        DemoPayment(
            reference=f"{bank_code}-S1",
            amount=Decimal("-640.00"),
            day=today - timedelta(days=5),
            name="Biuro Rachunkowe Saldo",
            iban=make_iban("PL", f"{bank_code}{0:08d}{99:08d}"),
            remittance="Usługi księgowe",
        ),
        DemoPayment(
            reference=f"{bank_code}-P1",
            amount=Decimal("-58.90"),
            day=today,
            name="Stacja Paliw Orlen",
            iban="",
            remittance="Płatność kartą",
            pending=True,
        ),
    ]
    return payments


def enablebanking_payments(today: date):
    return demo_payments(today, 801, "10901014")


def gocardless_payments(today: date):
    return demo_payments(today, 901, "11402004")


_lock = threading.Lock()
_standins = {}


def embedded_enablebanking(public_key_pem: str, today: date):
    """The process's Enable Banking stand-in for the application whose
    public key is ``public_key_pem`` (started on first use)."""
    key = ("enablebanking", public_key_pem)
    with _lock:
        if key not in _standins:
            sandbox = _sibling("bank_api_sync_enablebanking.core.sandbox")
            bank = sandbox.EnableBankingSandbox(
                public_key_pem,
                ENABLEBANKING_APPLICATION_ID,
                page_size=5,
                unattended_per_day=ACCESSES_PER_DAY,
            )
            bank.add_account(
                "eb-demo-1", ENABLEBANKING_IBAN, balance=Decimal("25000.00")
            )
            for payment in enablebanking_payments(today):
                party = "debtor" if payment.amount > 0 else "creditor"
                values = {party: {"name": payment.name}}
                if payment.iban:
                    values[f"{party}_account"] = {"iban": payment.iban}
                bank.add_transaction(
                    "eb-demo-1",
                    payment.reference,
                    payment.amount,
                    payment.day,
                    status="PDNG" if payment.pending else "BOOK",
                    remittance=payment.remittance,
                    **values,
                )
            _standins[key] = bank.start()
        return _standins[key]


def embedded_gocardless(secret_id: str, secret_key: str, today: date):
    """The process's GoCardless stand-in for these secrets (started on
    first use)."""
    key = ("gocardless", secret_id, secret_key)
    with _lock:
        if key not in _standins:
            sandbox = _sibling("bank_api_sync_gocardless.core.sandbox")
            bank = sandbox.GoCardlessSandbox(
                secret_id, secret_key, account_success_per_day=ACCESSES_PER_DAY
            )
            bank.add_account("gc-demo-1", GOCARDLESS_IBAN, balance=Decimal("18000.00"))
            for payment in gocardless_payments(today):
                party = "debtor" if payment.amount > 0 else "creditor"
                values = {f"{party}Name": payment.name}
                if payment.iban:
                    values[f"{party}Account"] = {"iban": payment.iban}
                bank.add_transaction(
                    "gc-demo-1",
                    payment.reference,
                    payment.amount,
                    payment.day,
                    status="pending" if payment.pending else "booked",
                    remittance=payment.remittance,
                    **values,
                )
            _standins[key] = bank.start()
        return _standins[key]
