"""``SandboxBank``: a Berlin Group NextGenPSD2 bank on a local port.

    with SandboxBank(seed=7, port=0) as bank:   # port 0: a free port
        bank.url                                # http://127.0.0.1:<port>
        bank.ledger("acc-pln", "booked")        # the truth, as the API serves it
        bank.set_fault("http_500", times=2)     # misbehave twice
        bank.advance(days=1)                    # pendings become booked

The bank's clock is ``now()`` (the injected ``now`` callable, or the real UTC
time, which freezegun freezes when a test does) plus whatever ``advance``
added. Days are UTC days of that clock. See ``ledger.py`` for the data,
``consents.py`` for what counts as an access, ``faults.py`` for the faults
and ``admin.py`` for the HTTP admin endpoints.
"""

import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from ..siblings import berlin_group, maintenance
from . import admin, api, polishapi
from . import state_file as state_file_io
from .auth import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, TokenStore
from .consents import ConsentStore
from .faults import FaultBoard
from .ledger import DEFAULT_ACCOUNTS, Ledger
from .payments import PaymentStore
from .server import SandboxHTTPServer, json_response
from .webhooks import WebhookSender
from .whitelist import SANDBOX_TAXPAYERS, VatWhiteList


@dataclass(frozen=True)
class LoggedRequest:
    """One request the sandbox received, for tests to assert on."""

    method: str
    path: str  # with the query string
    headers: dict
    status: int | None  # None: the connection was dropped (a fault)
    at: datetime
    body: bytes = b""

    def header(self, name: str) -> str | None:
        """A header's value, whatever the case of its name."""
        lowered = name.lower()
        for key, value in self.headers.items():
            if key.lower() == lowered:
                return value
        return None


class SandboxBank:
    def __init__(
        self,
        seed: int = 7,
        port: int = 0,
        host: str = "127.0.0.1",
        *,
        now=None,
        accounts=DEFAULT_ACCOUNTS,
        per_day: float = 8,
        page_size: int = 50,
        client_id: str = DEFAULT_CLIENT_ID,
        client_secret: str = DEFAULT_CLIENT_SECRET,
        token_lifetime: float = 300,
        history_days: int = 90,
        ledger_days: int = 120,
        ledger_start: date | None = None,
        daily_quota: int | None = None,
        max_window_days: int | None = None,
        maintenance_windows=(),
        auto_approve_consents: bool = True,
        max_consent_days: int = 180,
        absolute_links: bool = False,
        state_file: str | None = None,
        oauth2: bool = True,
        sca_oauth: bool = False,
        signatures_required: bool = False,
        trusted_ca=None,
        tls=None,
    ):
        self.seed = seed
        self.host = host
        self.port = port
        self._clock = now
        self._offset = timedelta(0)
        self.page_size = page_size
        self.history_days = history_days
        self.daily_quota = daily_quota
        self.max_window_days = max_window_days
        self.maintenance_windows = tuple(maintenance_windows)
        for window in self.maintenance_windows:
            maintenance.parse_window(window)  # fail now on a typo, not per request
        self.absolute_links = absolute_links
        # False: a bank without the OAuth2 step (it knows TPPs by their
        # certificate): no token endpoint, no bearer token asked.
        self.oauth2 = oauth2
        # True: consents are approved through OAuth2 (Berlin Group's OAuth
        # SCA approach: ``scaOAuth``, an authorisation code) instead of the
        # redirect approach (``scaRedirect``).
        self.sca_oauth = sca_oauth
        # Strict mode: every /v1 request must carry a valid Berlin Group
        # signature, by a certificate ``trusted_ca`` (an x509 certificate)
        # issued when given.
        self.signatures_required = signatures_required
        self.trusted_ca = trusted_ca
        # Strict TLS mode (tls.TlsSetup): HTTPS, and the API only for a
        # client presenting a certificate its authority issued.
        self.tls = tls
        self.accounts = {account.resource_id: account for account in accounts}
        self.ledger_book = Ledger(
            seed,
            list(accounts),
            per_day,
            ledger_start or self.today() - timedelta(days=ledger_days),
        )
        self.tokens = TokenStore(self.now, client_id, client_secret, token_lifetime)
        self.consents = ConsentStore(self.now, auto_approve_consents, max_consent_days)
        self.payments = PaymentStore(self.today)
        # The same bank speaking PolishAPI 2.1.1 (polishapi.py): the same
        # accounts and ledger, each payment authorised by the customer at its
        # login page, executed on its date and booked on the debit account.
        self.polishapi = polishapi.PolishApiBank(
            self.now,
            self.ledger_book,
            list(accounts),
            pis_authorisation=True,
            execute_on_date=True,
            book=self._book_polishapi_payment,
        )
        # The Ministry of Finance's VAT white list, as the sandbox's world
        # knows it (whitelist.py), under its own paths (/api/...).
        self.whitelist = VatWhiteList(self.today, taxpayers=SANDBOX_TAXPAYERS)
        self.faults = FaultBoard()
        self.request_log: list[LoggedRequest] = []
        self._extra_windows = []  # absolute (start, end) maintenance windows
        self._quota_used = {}  # day -> requests
        self._listings = OrderedDict()
        self._lock = threading.Lock()
        self._server = None
        self._thread = None
        self.webhooks: WebhookSender | None = None
        self.state_file = state_file
        if state_file:
            state_file_io.load(self, state_file)

    # -- life cycle ----------------------------------------------------------

    def bind(self) -> "SandboxBank":
        """Open the listening socket (``port`` 0 becomes the free port found)."""
        if self._server is None:
            self._server = SandboxHTTPServer(
                (self.host, self.port),
                self,
                self.tls.server_context() if self.tls else None,
            )
            self.port = self._server.server_address[1]
            self.polishapi.login_url = f"{self.url}{polishapi.LOGIN_PATH}"
        return self

    def start(self) -> "SandboxBank":
        """Serve in a daemon thread; returns at once."""
        self.bind()
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name=f"sandbox-bank-{self.port}",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self):
        if self.webhooks is not None:
            self.webhooks.stop()
        if self._server is not None:
            if self._thread is not None:
                self._server.shutdown()
                self._thread.join(timeout=5)
            self._server.server_close()
            self._server = self._thread = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def serve_forever(self):
        """Serve in the calling thread until interrupted (the command line)."""
        self.bind()
        try:
            self._server.serve_forever(poll_interval=0.2)
        finally:
            self._server.server_close()
            self._server = None

    @property
    def scheme(self) -> str:
        return "https" if self.tls else "http"

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in ("", "0.0.0.0") else self.host  # noqa: S104
        return f"{self.scheme}://{host}:{self.port}"

    # -- clock ---------------------------------------------------------------

    def now(self) -> datetime:
        current = self._clock() if self._clock else datetime.now(timezone.utc)
        if current.tzinfo is None:
            current = current.replace(tzinfo=timezone.utc)
        return current.astimezone(timezone.utc) + self._offset

    def today(self) -> date:
        return self.now().date()

    def next_midnight(self) -> datetime:
        return datetime.combine(self.today() + timedelta(days=1), time(), timezone.utc)

    def advance(self, days=0, hours=0, minutes=0, seconds=0):
        """Move the bank's clock forward: pending movements become booked."""
        step = timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
        with self._lock:
            self._offset += step

    # -- limits --------------------------------------------------------------

    def add_maintenance(self, start: datetime, end: datetime):
        """An extra maintenance window between two aware datetimes."""
        self._extra_windows.append((start, end))

    def maintenance_end(self) -> datetime | None:
        now = self.now()
        ends = [end for start, end in self._extra_windows if start <= now < end]
        weekly = maintenance.window_end(self.maintenance_windows, now)
        if weekly is not None:
            ends.append(weekly)
        return max(ends) if ends else None

    def quota_take(self) -> bool:
        """Count one API request against the daily quota; False when used up."""
        if self.daily_quota is None:
            return True
        today = self.today()
        with self._lock:
            used = self._quota_used.get(today, 0)
            if used >= self.daily_quota:
                return False
            self._quota_used[today] = used + 1
        return True

    # -- faults, consents ----------------------------------------------------

    def set_fault(self, name: str, times: int = 1, **options):
        """Misbehave ``times`` times (see faults.FAULTS for the names)."""
        self.faults.set(name, times, **options)

    def clear_faults(self):
        self.faults.clear()

    def create_consent(self, valid_until=None, frequency_per_day=4, access=None) -> str:
        """A consent made without HTTP (for tests); returns its id."""
        valid_until = valid_until or self.today() + timedelta(days=90)
        status, consent = self.consents.open(
            {
                "access": access or {"allPsd2": "allAccounts"},
                "recurringIndicator": True,
                "validUntil": valid_until.isoformat(),
                "frequencyPerDay": frequency_per_day,
                "combinedServiceIndicator": False,
            }
        )
        if status != 201:
            raise ValueError(consent[1])
        return consent.consent_id

    # -- the truth -----------------------------------------------------------

    def listing(self, resource_id, status, date_from, date_to) -> list:
        """[(kind, transaction dict)] as the API pages them: booked, then pending."""
        key = (resource_id, status, date_from, date_to, self.today())
        with self._lock:
            found = self._listings.get(key)
            if found is not None:
                self._listings.move_to_end(key)
                return found
        book, today = self.ledger_book, key[-1]
        found = []
        if status in ("booked", "both"):
            booked = book.booked(resource_id, today, date_from, date_to)
            found += [("booked", m.to_api("booked")) for m in booked]
        if status in ("pending", "both"):
            pending = book.pending(resource_id, today, date_from, date_to)
            found += [("pending", m.to_api("pending")) for m in pending]
        with self._lock:
            self._listings[key] = found
            while len(self._listings) > 32:
                self._listings.popitem(last=False)
        return found

    def ledger(
        self,
        resource_id: str,
        status: str = "booked",
        date_from: date | None = None,
        date_to: date | None = None,
        as_transactions: bool = False,
    ) -> list:
        """Every transaction of the account in ``status`` ("booked" or
        "pending"), as the API serves them (dicts), or as core Transactions
        parsed the way the sandbox client parses them. Without dates: the
        whole ledger up to today."""
        if status not in ("booked", "pending"):
            raise ValueError("status is 'booked' or 'pending'")
        if resource_id not in self.accounts:
            raise KeyError(resource_id)
        items = [
            tx for _kind, tx in self.listing(resource_id, status, date_from, date_to)
        ]
        if not as_transactions:
            return [dict(tx) for tx in items]
        return [
            berlin_group.parse_transaction(
                tx, status, f"ledger {status}[{index}]", "entryReference"
            )
            for index, tx in enumerate(items)
        ]

    def opening_balance(self, resource_id: str):
        return self.ledger_book.opening_balance(resource_id)

    def book_initiated(self, payment) -> None:
        """Book an authorised payment's transfers on its debit account."""
        account = next(
            a for a in self.accounts.values() if a.iban == payment.debtor_iban
        )
        self.ledger_book.book_initiated(
            account.resource_id,
            payment.execution_date,
            payment.payment_id,
            [
                (end_to_end, amount, iban, name, remittance)
                for amount, _currency, iban, name, remittance, end_to_end in (
                    payment.transfers
                )
            ],
            batch=payment.batch_booking,
        )

    def _book_polishapi_payment(self, payment_id, kind, body) -> None:
        """Book a PolishAPI payment's transfers (initiated once the customer
        authorised it) on its debit account, on their execution date."""
        transfers = body.get("domesticTransfers") or [body]
        sender = (transfers[0].get("sender") or {}).get("accountNumber") or ""
        account = self.polishapi.accounts.get(sender)
        if account is None:
            return
        day = max(
            date.fromisoformat(t["transferData"]["executionDate"])
            if t["transferData"].get("executionDate")
            else self.today()
            for t in transfers
        )
        self.ledger_book.book_initiated(
            account.resource_id,
            day,
            payment_id,
            [
                (
                    t.get("tppTransactionId") or body.get("tppTransactionId"),
                    t["transferData"]["amount"],
                    "PL" + t["recipient"]["accountNumber"],
                    " ".join(t["recipient"].get("nameAddress", {}).get("value", [])),
                    t["transferData"]["description"],
                )
                for t in transfers
            ],
        )
        with self._lock:
            self._listings.clear()

    def balances(self, resource_id: str) -> dict:
        """{"closingBooked": Decimal, "interimAvailable": Decimal} today."""
        closing, available = self.ledger_book.balances(resource_id, self.today())
        return {"closingBooked": closing, "interimAvailable": available}

    def describe(self) -> dict:
        return {
            "name": "Sandbox Bank (Berlin Group NextGenPSD2)",
            "now": self.now().isoformat(),
            "seed": self.seed,
            "client_id": self.tokens.client_id,
            "token_url": f"{self.url}/oauth2/token" if self.oauth2 else None,
            "api": f"{self.url}/v1",
            "vat_white_list": self.url,
            "history_days": self.history_days,
            "page_size": self.page_size,
            "accounts": [
                {"resourceId": a.resource_id, "iban": a.iban, "currency": a.currency}
                for a in self.accounts.values()
            ],
        }

    # -- webhooks ------------------------------------------------------------

    def configure_webhooks(self, url: str, secret: str, **options) -> WebhookSender:
        """Send signed webhooks to ``url`` from now on. A new address or
        secret replaces the subscription: deliveries still queued for the old
        one are dropped, as a bank drops them when a subscription changes."""
        with self._lock:
            current = self.webhooks
            if current and (current.url, current.secret) == (url, secret):
                return current
            self.webhooks = WebhookSender(url, secret, **options).start()
        if current is not None:
            current.stop()
        return self.webhooks

    def notify_booked(self, resource_id: str):
        """A transaction was booked on the account: tell the subscriber,
        with the balances it changed."""
        if self.webhooks is None:
            return []
        account = self.accounts[resource_id]
        today = self.today().isoformat()
        balances = [
            {
                "balanceType": kind,
                "amount": f"{amount}",
                "currency": account.currency,
                "referenceDate": today,
            }
            for kind, amount in self.balances(resource_id).items()
        ]
        return [
            self.webhooks.send("transaction.booked", {"account_id": resource_id}),
            self.webhooks.send(
                "balance.updated", {"account_id": resource_id, "balances": balances}
            ),
        ]

    def book_customer_payment(
        self, resource_id: str, amount, name: str, iban: str | None, title: str
    ) -> dict:
        """A customer pays into the account now: booked today, and notified
        by webhook when webhooks are configured. Returns the transaction as
        the API serves it."""
        if resource_id not in self.accounts:
            raise KeyError(resource_id)
        movement = self.ledger_book.book_received(
            resource_id,
            self.today(),
            f"SBX-IN-{uuid.uuid4().hex[:16].upper()}",
            amount,
            iban,
            name,
            title,
        )
        with self._lock:
            self._listings.clear()
        self.notify_booked(resource_id)
        return movement.to_api("booked")

    # -- HTTP ----------------------------------------------------------------

    def dispatch(self, request):
        if request.path == "/sandbox" or request.path.startswith("/sandbox/"):
            return admin.handle(self, request)
        if request.path.startswith("/api/") and request.method == "GET":
            # Another service on the same server: none of the bank's rules.
            return json_response(*self.whitelist.answer(request.path, request.query))
        if polishapi.mounted(request.path, self.polishapi.version):
            response = polishapi.handle(self, request)
        else:
            response = api.handle(self, request)
        # Every answer names the request it answers (Berlin Group requires
        # X-Request-ID in responses); one that came without gets a new id.
        response.headers.setdefault(
            "X-Request-ID", request.header("X-Request-ID") or str(uuid.uuid4())
        )
        if self.state_file and request.method in ("POST", "DELETE"):
            with self._lock:
                state_file_io.save(self, self.state_file)
        self.request_log.append(
            LoggedRequest(
                method=request.method,
                path=request.raw_path,
                headers=dict(request.headers.items()),
                status=None if response.drop else response.status,
                at=self.now(),
                body=request.body,
            )
        )
        return response
