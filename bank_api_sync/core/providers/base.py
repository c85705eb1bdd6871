"""The interface every provider client offers to the sync.

Contract (what the Odoo glue relies on):

* A client is built from a ``ConnectionSettings`` and a ``CallBudget``; it makes
  every HTTP call through one ``BankHttp`` (core/http.py), which adds the
  X-Request-ID, timeouts, retries, Retry-After, budget checks and redaction.
* ``list_accounts``, ``get_balances`` and ``iter_transactions`` return core
  model objects (core/model.py) and raise core errors (core/errors.py) only.
* ``iter_transactions`` covers the requested window completely: it follows the
  provider's pagination and splits windows longer than the provider allows
  (``max_window_days``), never asks beyond ``max_history_days`` (the start is
  clamped and the clamping reported through ``window_clamped_to``).
* Tokens renewed during a call are exposed in ``tokens`` so the caller can
  persist them (encrypted); every call is appended to ``calls`` for the usage
  ledger.
"""

import abc
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from ..model import Account, Balance, CallRecord, Consent, Tokens, Transaction


@dataclass
class ConnectionSettings:
    """Everything a client needs to reach one bank on behalf of one company.

    Secrets (client_secret, tokens) arrive decrypted from the Odoo glue and must
    never be logged or put in an exception message.
    """

    provider: str  # "sandbox", "berlin_group", "polishapi"
    base_url: str
    client_id: str = ""
    client_secret: str = field(default="", repr=False)
    consent_id: str | None = None
    tokens: Tokens = field(default_factory=Tokens, repr=False)
    # PSD2 user-present context: set only for a run a person started.
    psu_ip_address: str | None = None
    psu_user_agent: str | None = None
    tpp_redirect_uri: str | None = None
    max_history_days: int = 90
    max_window_days: int = 31
    page_size: int = 100
    timeout: float = 20.0
    max_retries: int = 3
    # Scheduled maintenance windows: (weekday 0=Monday, "HH:MM", "HH:MM") in UTC.
    maintenance_windows: tuple = ()
    # PolishAPI only: TPP identifier for the request envelope.
    tpp_id: str | None = None

    @property
    def user_present(self) -> bool:
        return bool(self.psu_ip_address)


class BankClient(abc.ABC):
    """One provider's client. Subclasses implement the abstract methods."""

    provider = None

    def __init__(self, settings, budget, http=None):
        self.settings = settings
        self.budget = budget
        self.tokens = settings.tokens
        self.calls: list[CallRecord] = []
        self.window_clamped_to: date | None = None
        self.http = http

    @abc.abstractmethod
    def authenticate(self) -> Tokens:
        """Obtain (or refresh) an access token; returns and stores it in ``tokens``."""

    @abc.abstractmethod
    def create_consent(self, valid_until: date, frequency_per_day: int) -> Consent:
        """Ask the bank for an account-information consent."""

    @abc.abstractmethod
    def get_consent(self) -> Consent:
        """The current consent's status and validity."""

    @abc.abstractmethod
    def list_accounts(self) -> list[Account]:
        """Accounts the consent covers."""

    @abc.abstractmethod
    def get_balances(self, account: Account) -> list[Balance]:
        """The account's balances (closingBooked, interimAvailable, ...)."""

    @abc.abstractmethod
    def iter_transactions(
        self, account: Account, date_from: date, date_to: date, status: str = "both"
    ) -> Iterator[Transaction]:
        """Every transaction of the window, booked and/or pending (``status`` is
        "booked", "pending" or "both"), across pages and chunks."""
