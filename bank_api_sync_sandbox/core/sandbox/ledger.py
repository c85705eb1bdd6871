"""The sandbox bank's ledger: a deterministic, seeded stream of movements.

Every (account, day) has its own random generator seeded with
``"{seed}|{account code}|{day}"``, so a day's movements never depend on which
other days were generated first: the same seed gives the same ledger, ids
included, and a window simply shows the days it covers.

A movement is initiated on its day (the value date) and booked ``lag`` days
later (the booking date). While ``today < day + lag`` it is served as a
*pending* transaction with its own id; from then on as a *booked* one with
another id. Most booked ones name the pending they replace in
``entryReference`` (the pending's ``transactionId``); about one in five
carries no link at all, so that a consumer must also match pending to booked
by amount, date and counterparty.

Balances follow the ledger: ``closingBooked`` = the account's opening balance
(at ``start``) + every booked amount up to today; ``interimAvailable`` =
``closingBooked`` + the pending debits (pending credits are not available yet).
"""

import hashlib
import math
import random
import threading
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal

from . import names as wording
from .ibans import polish_iban

CENT = Decimal("0.01")
MAX_LAG = 3  # days between value date and booking date, at most
COMPANY_NIP = "7010203056"  # the sandbox company's own (valid, invented) NIP


@dataclass(frozen=True)
class SandboxAccount:
    """One account of the sandbox bank."""

    resource_id: str
    iban: str
    currency: str
    name: str = ""
    owner_name: str = "Sandbox Trading Sp. z o.o."
    per_day: float | None = None  # transactions per day; None: the bank's default
    opening_balance: Decimal | None = None  # None: drawn from the seed
    code: str | None = None  # short prefix of transaction ids; None: from currency


DEFAULT_ACCOUNTS = (
    SandboxAccount(
        "acc-pln",
        polish_iban("109", "0000", "0000000123456789"),
        "PLN",
        "Rachunek bieżący",
        code="PLN1",
    ),
    SandboxAccount(
        "acc-eur",
        polish_iban("109", "0000", "0000000987654321"),
        "EUR",
        "Rachunek walutowy EUR",
        code="EUR1",
    ),
)


class Movement:
    """One money movement, before it is shown as pending or booked."""

    __slots__ = (
        "amount", "bank_code", "batch_count", "booked_id", "counterparty_iban",
        "counterparty_name",
        "currency", "day", "end_to_end_id", "fx", "kind", "lag", "linked",
        "pending_id", "proprietary_code", "remittance",
    )  # fmt: skip

    @property
    def booking_day(self) -> date:
        return self.day + timedelta(days=self.lag)

    def is_booked(self, today: date) -> bool:
        return self.booking_day <= today

    def is_pending(self, today: date) -> bool:
        return self.day <= today < self.booking_day

    def to_api(self, status: str) -> dict:
        """The Berlin Group ``transactions`` object for this movement."""
        tx = {}
        if status == "booked":
            tx["transactionId"] = self.booked_id
            if self.linked:
                tx["entryReference"] = self.pending_id
            tx["bookingDate"] = self.booking_day.isoformat()
        else:
            tx["transactionId"] = self.pending_id
        tx["valueDate"] = self.day.isoformat()
        if self.end_to_end_id:
            tx["endToEndId"] = self.end_to_end_id
        tx["transactionAmount"] = {
            "currency": self.currency,
            "amount": f"{self.amount}",
        }
        if self.fx:
            source, rate = self.fx
            tx["currencyExchange"] = [
                {
                    "sourceCurrency": source,
                    "exchangeRate": f"{rate}",
                    "unitCurrency": source,
                    "targetCurrency": self.currency,
                    "quotationDate": self.day.isoformat(),
                }
            ]
        side = "debtor" if self.amount > 0 else "creditor"
        if self.counterparty_name:
            tx[f"{side}Name"] = self.counterparty_name
        if self.counterparty_iban:
            tx[f"{side}Account"] = {"iban": self.counterparty_iban}
        tx["remittanceInformationUnstructured"] = self.remittance
        batch_count = getattr(self, "batch_count", None)
        if batch_count:
            tx["batchIndicator"] = True
            tx["batchNumberOfTransactions"] = batch_count
        tx["bankTransactionCode"] = self.bank_code
        tx["proprietaryBankTransactionCode"] = self.proprietary_code
        return tx


def _money(rng, low: float, high: float) -> Decimal:
    """Log-uniform amount between low and high, in whole cents."""
    value = math.exp(rng.uniform(math.log(low), math.log(high)))
    if rng.random() < 0.2:  # people like round amounts
        value = round(value, -1) or 10
    return Decimal(int(round(value * 100))) / 100


def _pl_amount(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def invoice_number(rng, day: date) -> tuple[int, int, int]:
    month_back = 1 if rng.random() < 0.4 else 0
    year, month = day.year, day.month - month_back
    if month == 0:
        year, month = year - 1, 12
    return year, month, rng.randint(1, 400)


def messy_invoice_ref(rng, year: int, month: int, number: int) -> str:
    """How customers write our invoice number: often right, often not quite."""
    clean = f"FV/{year}/{month:02d}/{number:04d}"
    variant = rng.random()
    if variant < 0.5:
        return clean
    if variant < 0.58:
        return clean.lower()
    if variant < 0.66:
        return f"FV {year}/{month}/{number}"
    if variant < 0.74:
        return f"FV-{year}-{month:02d}-{number:04d}"
    if variant < 0.8:
        return f"FV{year}{month:02d}{number:04d}"
    if variant < 0.88:
        return f"Faktura nr {clean}"
    if variant < 0.94:
        return f"{clean}, FV/{year}/{month:02d}/{number + 1:04d}"
    return f"zapłata {clean} dziękujemy"


class Ledger:
    """Movements of the sandbox accounts, generated on demand and cached."""

    def __init__(self, seed: int, accounts, per_day: float, start: date):
        self.seed = seed
        self.accounts = {account.resource_id: account for account in accounts}
        self.codes = {
            account.resource_id: account.code or f"{account.currency}{index + 1}"
            for index, account in enumerate(accounts)
        }
        self.per_day = per_day
        self.start = start
        pool_rng = random.Random(f"{seed}|counterparties")
        self.customers = wording.counterparty_pool(pool_rng, 40)
        self.suppliers = wording.counterparty_pool(pool_rng, 25)
        self.foreign = wording.foreign_pool(pool_rng)
        self._days = {}
        self._lock = threading.RLock()  # a 1st-of-month day reads the month before

    # -- reading -------------------------------------------------------------

    def account(self, resource_id: str) -> SandboxAccount:
        return self.accounts[resource_id]

    def opening_balance(self, resource_id: str) -> Decimal:
        account = self.accounts[resource_id]
        if account.opening_balance is not None:
            return Decimal(account.opening_balance).quantize(CENT)
        rng = random.Random(f"{self.seed}|{self.codes[resource_id]}|opening")
        low, high = (
            (150_000, 400_000) if account.currency == "PLN" else (20_000, 80_000)
        )
        return Decimal(rng.randint(low * 100, high * 100)) / 100

    def movements(self, resource_id: str, day: date) -> list[Movement]:
        if day < self.start:
            return []
        key = (resource_id, day)
        found = self._days.get(key)
        if found is None:
            with self._lock:
                found = self._days.get(key)
                if found is None:
                    found = self._days[key] = self._generate(resource_id, day)
        return found

    def booked(self, resource_id, today, date_from=None, date_to=None) -> list:
        """Movements booked by ``today`` with a booking date in the window,
        ordered by booking date then id."""
        date_from = max(date_from or self.start, self.start)
        date_to = min(date_to or today, today)
        found = []
        day = date_from - timedelta(days=MAX_LAG)
        while day <= date_to:
            for movement in self.movements(resource_id, day):
                if date_from <= movement.booking_day <= date_to:
                    found.append(movement)
            day += timedelta(days=1)
        found.sort(key=lambda m: (m.booking_day, m.booked_id))
        return found

    def pending(self, resource_id, today, date_from=None, date_to=None) -> list:
        """Movements pending at ``today`` with a value date in the window."""
        date_from = max(date_from or self.start, today - timedelta(days=MAX_LAG))
        date_to = min(date_to or today, today)
        found = []
        day = date_from
        while day <= date_to:
            found.extend(
                m for m in self.movements(resource_id, day) if m.is_pending(today)
            )
            day += timedelta(days=1)
        found.sort(key=lambda m: (m.day, m.pending_id))
        return found

    def balances(self, resource_id: str, today: date) -> tuple[Decimal, Decimal]:
        """(closingBooked, interimAvailable) at ``today``."""
        closing = self.opening_balance(resource_id) + sum(
            (m.amount for m in self.booked(resource_id, today)), Decimal(0)
        )
        pending_debits = sum(
            (m.amount for m in self.pending(resource_id, today) if m.amount < 0),
            Decimal(0),
        )
        return closing, closing + pending_debits

    def book_initiated(self, resource_id, day, payment_id, transfers, batch=False):
        """Add the transfers of a payment this bank was asked to make (payment
        initiation) to the account's movements of ``day``, booked that day;
        ``transfers``: (end-to-end id, amount, creditor iban, name, remittance).
        ``batch``: one debit of their total instead (batch booking)."""
        account = self.accounts[resource_id]
        booked = []
        count = len(transfers)
        if batch:
            total = sum((Decimal(t[1]) for t in transfers), Decimal(0))
            transfers = [
                (
                    None,
                    total,
                    None,
                    None,
                    f"Bulk payment {payment_id}, {count} transfers",
                )
            ]
        for index, (end_to_end, amount, iban, name, remittance) in enumerate(transfers):
            movement = Movement()
            movement.day = day
            movement.lag = 0
            movement.linked = False
            movement.currency = account.currency
            movement.kind = "initiated_payment"
            movement.amount = -Decimal(amount).quantize(CENT)
            movement.end_to_end_id = end_to_end
            movement.fx = None
            movement.counterparty_name, movement.counterparty_iban = name, iban
            movement.remittance = remittance
            movement.bank_code = "PMNT-ICDT-DMCT"
            movement.proprietary_code = (
                "MPP" if remittance.startswith("/VAT/") else "ELIXIR"
            )
            if batch:
                movement.batch_count = count
            movement.booked_id = f"{payment_id}-{index + 1:04d}"
            movement.pending_id = f"{payment_id}-P{index + 1:04d}"
            booked.append(movement)
        with self._lock:
            self.movements(resource_id, day).extend(booked)

    def book_received(self, resource_id, day, transfer_id, amount, iban, name, title):
        """Add a customer's transfer to the account, booked on ``day`` (the
        sandbox's "book a customer payment now"); returns the movement."""
        account = self.accounts[resource_id]
        movement = Movement()
        movement.day = day
        movement.lag = 0
        movement.linked = False
        movement.currency = account.currency
        movement.kind = "customer_payment"
        movement.amount = Decimal(amount).quantize(CENT)
        movement.end_to_end_id = None
        movement.fx = None
        movement.counterparty_name, movement.counterparty_iban = name, iban
        movement.remittance = title
        movement.bank_code = "PMNT-RCDT-DMCT"
        movement.proprietary_code = "ELIXIR" if account.currency == "PLN" else "SEPA"
        movement.booked_id = transfer_id
        movement.pending_id = f"{transfer_id}-P"
        with self._lock:
            self.movements(resource_id, day).append(movement)
        return movement

    # -- generation ----------------------------------------------------------

    def _volume(self, account, rng, weekend: bool) -> int:
        per_day = account.per_day if account.per_day is not None else self.per_day
        # Weekdays carry 1.2x, weekends 0.5x: the mean over a week is per_day.
        mean = per_day * (0.5 if weekend else 1.2)
        if mean <= 0:
            return 0
        spread = max(1, int(mean * 0.3))
        return max(0, int(round(mean)) + rng.randint(-spread, spread))

    def _generate(self, resource_id: str, day: date) -> list[Movement]:
        account = self.accounts[resource_id]
        code = self.codes[resource_id]
        rng = random.Random(f"{self.seed}|{code}|{day.isoformat()}")
        weekend = day.weekday() >= 5
        kinds = _kinds(account.currency, weekend)
        population, weights = zip(*kinds, strict=True)
        result = []
        kinds_today = [
            rng.choices(population, weights)[0]
            for _ in range(self._volume(account, rng, weekend))
        ]
        if day.day == 1 and day > self.start:
            kinds_today.insert(0, "own_transfer")
        for n, kind in enumerate(kinds_today):
            movement = Movement()
            movement.day = day
            movement.currency = account.currency
            movement.kind = kind
            movement.end_to_end_id = None
            movement.fx = None
            movement.counterparty_name = movement.counterparty_iban = None
            getattr(self, f"_make_{movement.kind}")(movement, rng, account)
            movement.amount = movement.amount.quantize(CENT)
            lag = _lag(movement.kind, rng)
            movement.lag = lag
            movement.linked = lag > 0 and rng.random() < 0.8
            digest = hashlib.sha1(  # noqa: S324 - an id, not a signature
                f"{self.seed}|{code}|{day.isoformat()}|{n}".encode()
            ).hexdigest()
            stem = f"{code}-{day:%Y%m%d}-{n:04d}"
            movement.booked_id = f"{stem}-{digest[:6]}"
            movement.pending_id = f"{stem}-P{digest[6:11]}"
            result.append(movement)
        return result

    # One method per kind of movement. Each sets amount (signed, account
    # currency), remittance, codes and the counterparty when there is one.

    def _make_own_transfer(self, m, rng, account):
        """The treasurer covers last month's net outflow on the 1st, as
        companies do, so that balances stay realistic however long the ledger
        runs."""
        last_day = m.day - timedelta(days=1)
        net = sum(
            (
                movement.amount
                for offset in range(last_day.day)
                for movement in self.movements(
                    account.resource_id, last_day - timedelta(days=offset)
                )
                if movement.kind != "own_transfer"
            ),
            Decimal(0),
        )
        thousands = (max(Decimal(0), -net) / 1000).to_integral_value(ROUND_CEILING)
        m.amount = (thousands + rng.randint(1, 5)) * 1000
        m.remittance = "Przelew własny - zasilenie rachunku"
        m.counterparty_name = account.owner_name
        m.counterparty_iban = None
        m.bank_code = "PMNT-ICDT-BOOK"
        m.proprietary_code = "WLASNY"

    def _make_customer_payment(self, m, rng, account):
        customer = rng.choice(self.customers)
        if account.currency == "PLN":
            m.amount = _money(rng, 80, 25_000)
            prefix = rng.choice(("", "", "Zapłata za ", "Płatność ", "Przelew "))
        else:
            customer = rng.choice(self.foreign)
            m.amount = _money(rng, 50, 9_000)
            prefix = rng.choice(("", "Invoice ", "Payment "))
            m.end_to_end_id = rng.choice(("NOTPROVIDED", f"E2E{rng.randrange(10**9)}"))
        year, month, number = invoice_number(rng, m.day)
        m.remittance = prefix + messy_invoice_ref(rng, year, month, number)
        m.counterparty_name, m.counterparty_iban = customer.name, customer.iban
        m.bank_code = (
            "PMNT-RCDT-DMCT" if account.currency == "PLN" else "PMNT-RCDT-ESCT"
        )
        m.proprietary_code = "ELIXIR" if account.currency == "PLN" else "SEPA"

    def _make_split_payment_in(self, m, rng, account):
        customer = rng.choice(self.customers)
        gross = _money(rng, 2_000, 60_000)
        vat = (gross * 23 / 123).quantize(CENT)
        year, month, number = invoice_number(rng, m.day)
        m.amount = gross
        m.remittance = (
            f"/VAT/{_pl_amount(vat)}/IDC/{COMPANY_NIP}"
            f"/INV/FV/{year}/{month:02d}/{number:04d}/TXT/Zapłata za fakturę"
        )
        m.counterparty_name, m.counterparty_iban = customer.name, customer.iban
        m.bank_code = "PMNT-RCDT-DMCT"
        m.proprietary_code = "MPP"

    def _make_supplier_payment(self, m, rng, account):
        supplier = rng.choice(
            self.suppliers if account.currency == "PLN" else self.foreign
        )
        m.amount = -_money(rng, 150, 40_000)
        ref = rng.choice(
            (
                f"FA/{rng.randint(1, 999)}/{m.day.month:02d}/{m.day.year}",
                f"{rng.randint(1, 9999)}/{m.day.year}",
                f"F {m.day.year}/{rng.randint(1, 9999):05d}",
            )
        )
        m.remittance = rng.choice(("Zapłata za fakturę ", "Faktura ", "")) + ref
        m.counterparty_name, m.counterparty_iban = supplier.name, supplier.iban
        m.end_to_end_id = f"E2E-{m.day:%Y%m%d}-{rng.randrange(10**6):06d}"
        m.bank_code = (
            "PMNT-ICDT-DMCT" if account.currency == "PLN" else "PMNT-ICDT-ESCT"
        )
        m.proprietary_code = "ELIXIR" if account.currency == "PLN" else "SEPA"

    def _make_split_payment_out(self, m, rng, account):
        supplier = rng.choice(self.suppliers)
        gross = _money(rng, 15_000, 80_000)
        vat = (gross * 23 / 123).quantize(CENT)
        m.amount = -gross
        invoice = f"FA/{rng.randint(1, 999)}/{m.day.month:02d}/{m.day.year}"
        m.remittance = (
            f"/VAT/{_pl_amount(vat)}/IDC/{supplier.nip}/INV/{invoice}/TXT/Zapłata"
        )
        m.counterparty_name, m.counterparty_iban = supplier.name, supplier.iban
        m.end_to_end_id = f"E2E-{m.day:%Y%m%d}-{rng.randrange(10**6):06d}"
        m.bank_code = "PMNT-ICDT-DMCT"
        m.proprietary_code = "MPP"

    def _make_card_payment(self, m, rng, account):
        merchant, city = rng.choice(wording.MERCHANTS)
        merchant = merchant.format(n=rng.randint(100, 9999))
        m.amount = -_money(rng, 8, 900 if account.currency == "PLN" else 300)
        m.remittance = (
            f"Płatność kartą 4***********{rng.randint(1000, 9999)} {merchant} {city}"
        )
        m.counterparty_name = merchant
        m.bank_code = "PMNT-CCRD-POSD"
        m.proprietary_code = "CARD"

    def _make_card_refund(self, m, rng, account):
        merchant, city = rng.choice(wording.MERCHANTS)
        merchant = merchant.format(n=rng.randint(100, 9999))
        m.amount = _money(rng, 8, 400)
        m.remittance = f"Zwrot płatności kartą {merchant} {city}"
        m.counterparty_name = merchant
        m.bank_code = "PMNT-CCRD-RIMB"
        m.proprietary_code = "CARD"

    def _make_bank_commission(self, m, rng, account):
        m.amount = -_money(rng, 0.5, 60)
        m.remittance = rng.choice(wording.COMMISSIONS)
        m.bank_code = "PMNT-MDOP-CHRG"
        m.proprietary_code = "FEE"

    def _make_card_fee(self, m, rng, account):
        m.amount = -_money(rng, 4, 15)
        m.remittance = f"{rng.choice(wording.CARD_FEES)} {m.day.month:02d}/{m.day.year}"
        m.bank_code = "PMNT-CCRD-CHRG"
        m.proprietary_code = "FEE"

    def _make_customer_refund(self, m, rng, account):
        customer = rng.choice(self.customers)
        year, month, number = invoice_number(rng, m.day)
        m.amount = -_money(rng, 20, 2_000)
        m.remittance = f"Zwrot nadpłaty FV/{year}/{month:02d}/{number:04d}"
        m.counterparty_name, m.counterparty_iban = customer.name, customer.iban
        m.bank_code = (
            "PMNT-ICDT-DMCT" if account.currency == "PLN" else "PMNT-ICDT-ESCT"
        )
        m.proprietary_code = "ELIXIR" if account.currency == "PLN" else "SEPA"

    def _make_fx_payment(self, m, rng, account):
        """A payment in another currency, converted by the bank."""
        if account.currency == "PLN":
            source, low, high = rng.choice((("EUR", 4.20, 4.40), ("USD", 3.80, 4.10)))
        else:
            source, low, high = rng.choice((("USD", 0.88, 0.95), ("PLN", 0.225, 0.240)))
        rate = Decimal(f"{rng.uniform(low, high):.4f}")
        original = _money(rng, 100, 20_000)
        converted = (original * rate).quantize(CENT)
        # Keep original = converted / rate exact to the cent, so a consumer can
        # recover the original amount from the rate alone.
        original = (converted / rate).quantize(CENT)
        counterparty = rng.choice(self.foreign)
        if rng.random() < 0.6:
            m.amount = -converted
            m.remittance = (
                f"Invoice {m.day.year}-{rng.randint(1, 9999)} ({source} {original})"
            )
            m.bank_code = "PMNT-ICDT-XBCT"
        else:
            year, month, number = invoice_number(rng, m.day)
            m.amount = converted
            m.remittance = (
                f"Payment FV/{year}/{month:02d}/{number:04d} ({source} {original})"
            )
            m.bank_code = "PMNT-RCDT-XBCT"
        m.fx = (source, rate)
        m.counterparty_name, m.counterparty_iban = counterparty.name, counterparty.iban
        m.end_to_end_id = f"E2E-FX-{rng.randrange(10**8):08d}"
        m.proprietary_code = "SWIFT"


def _kinds(currency: str, weekend: bool):
    if weekend:
        return (("card_payment", 70), ("card_refund", 5), ("bank_commission", 25))
    if currency == "PLN":
        return (
            ("customer_payment", 30), ("split_payment_in", 8), ("supplier_payment", 15),
            ("split_payment_out", 4), ("card_payment", 20), ("card_refund", 2),
            ("bank_commission", 8), ("card_fee", 2), ("customer_refund", 2),
            ("fx_payment", 5),
        )  # fmt: skip
    return (
        ("customer_payment", 40), ("supplier_payment", 20), ("card_payment", 15),
        ("card_refund", 2), ("bank_commission", 10), ("card_fee", 2),
        ("customer_refund", 3), ("fx_payment", 8),
    )  # fmt: skip


def _lag(kind: str, rng) -> int:
    """Days from value date to booking: cards take a while, fees are immediate."""
    if kind == "card_payment":
        return rng.choice((1, 1, 2, 2, 3))
    if kind == "card_refund":
        return 2
    if kind in ("bank_commission", "card_fee", "own_transfer"):
        return 0
    return 1 if rng.random() < 0.15 else 0
