"""What every provider client is, and what they all do the same way.

A provider plugs in with a subclass of ``BankClient`` registered under its
code (``registry.register("acme", AcmeClient)``, at import of its core); the
Odoo glue and the benchmarks build clients with ``registry.build_client`` and
ask the class's capabilities, never a provider's name.

What a subclass declares (class attributes):

* ``statement_formats``: the formats it delivers statements in: ``"json"``
  (``iter_transactions``, booked and pending) and ``"mt940"``
  (``get_mt940_statements``, booked only), ``"camt"``
  (``get_camt_statements``, camt.053 documents, booked only);
* ``OPTIONS``: its own settings and their defaults, read with ``option(name)``
  from ``ConnectionSettings.options`` (the Odoo glue fills them from the
  provider's prefixed fields).

What it implements: ``authenticate``, ``create_consent``, ``get_consent``,
``delete_consent``, ``list_accounts``, ``get_balances`` and
``_iter_window`` (one window of transactions, every page of it); and, for a
consent the customer approves at the bank, ``start_authorization`` /
``complete_authorization`` when the defaults (a consent whose status the bank
reports after its page) do not fit.

What the base does for all of them (the contract the Odoo glue relies on):

* every HTTP call goes through one ``BankHttp`` (core/http.py): X-Request-ID,
  timeouts, retries with backoff, Retry-After, budget checks, redaction;
* ``_send`` signs the request (``sign_request``, a hook) and, when the bank
  refuses the access token, renews it once and sends again;
* ``_raise_for_status`` turns an error answer into a typed core error
  (``_error`` is each provider's mapping of its codes);
* ``iter_transactions`` covers the requested window completely: the start
  clamped to ``max_history_days`` (``window_clamped_to`` tells), the window
  cut into ``max_window_days`` chunks, each paged through (``_paged``), a
  transaction the bank repeats yielded once;
* tokens renewed during a call are in ``tokens`` (and ``settings.tokens``)
  for the caller to persist encrypted; every call is in ``calls``.

Certificates: ``settings.client_certificate`` (a QWAC) makes ``BankHttp``
present it in mutual TLS; ``settings.seal`` (a QSealC) is the key a signing
provider's ``sign_request`` uses. Payment initiation will be a capability of
its own.
"""

import abc
import functools
import json
import math
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..errors import (
    AuthenticationError,
    BankApiError,
    BankResponseError,
    PeriodInvalid,
)
from ..http import BankHttp
from ..model import Account, Balance, CallRecord, Consent, Tokens, Transaction
from ..sanity import check_or_reject, recipe_of
from .helpers import STATUSES, as_dict, clamp_start, date_windows, resolve_href, utcnow

# Renew the access token this long before the bank says it expires.
TOKEN_SKEW = timedelta(seconds=30)
MAX_PAGES = 10_000  # a bank whose pages never end is a bug, not a long history
# Pages one client (one run) reads in all listings together: endless `next`
# links stop here, and the next run goes on from what was imported.
MAX_PAGES_PER_RUN = 5_000
# The longest access token lifetime believed (a year); longer is a bank's error.
MAX_TOKEN_LIFETIME = 366 * 24 * 3600
# The account information a consent may cover ("payments" is the payments
# add-on's and never asked for here).
ACCESS_SCOPES = frozenset({"balances", "transactions"})


@dataclass
class ConnectionSettings:
    """Everything a client needs to reach one bank on behalf of one company.

    Secrets (client_secret, tokens) arrive decrypted from the Odoo glue and must
    never be logged or put in an exception message.
    """

    provider: str  # the code its client is registered under
    base_url: str
    client_id: str = ""
    client_secret: str = field(default="", repr=False)
    consent_id: str | None = None
    tokens: Tokens = field(default_factory=Tokens, repr=False)
    # PSD2 user-present context: set only for a run a person started.
    psu_ip_address: str | None = None
    psu_user_agent: str | None = None
    # Where the bank sends the customer back after its consent page (and,
    # for banks that tell the two apart, after a failed or refused one).
    tpp_redirect_uri: str | None = None
    tpp_nok_redirect_uri: str | None = None
    max_history_days: int = 90
    max_window_days: int = 31
    page_size: int = 100
    timeout: float = 20.0
    max_retries: int = 3
    # Scheduled maintenance windows: (weekday 0=Monday, "HH:MM", "HH:MM") in UTC.
    maintenance_windows: tuple = ()
    # The provider's own settings, by the names its client's OPTIONS declares.
    options: dict = field(default_factory=dict)
    # eIDAS certificates (core.certificates.Credential), keys decrypted: the
    # QWAC presented for mutual TLS, the QSealC that signs requests.
    client_certificate: object = field(default=None, repr=False)
    seal: object = field(default=None, repr=False)
    # The CA bundle that vouches for the bank's server certificate (None:
    # the system's and certifi's): a file, or the connection's PEM text
    # (its *Bank's CA certificates*), used for this connection only.
    ca_bundle: str | None = None
    ca_certificates: str | None = None
    # What the consent asks the bank for (least privilege): a subset of
    # ``ACCESS_SCOPES``; each provider maps it to its own consent request.
    scopes: frozenset = ACCESS_SCOPES

    @property
    def user_present(self) -> bool:
        return bool(self.psu_ip_address)


def text(value) -> str | None:
    """A bank's value as stripped text; None when absent or blank."""
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def with_query(url: str, **params) -> str:
    """``url`` with ``params`` added to its query string (None values left out)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    query += [(name, value) for name, value in params.items() if value is not None]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _body_bytes(request: dict) -> bytes | None:
    """The body exactly as it will be sent (signatures cover these bytes):
    a JSON or form body is encoded here, once, in ``request["data"]``."""
    headers = request["headers"]
    if request.get("json_body") is not None:
        request["data"] = json.dumps(request.pop("json_body")).encode()
        headers.setdefault("Content-Type", "application/json")
    elif isinstance(request.get("data"), dict | list):
        request["data"] = urlencode(request["data"], doseq=True).encode()
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
    body = request.get("data")
    return body.encode() if isinstance(body, str) else body


class BankClient(abc.ABC):
    """One provider's client (see the module docstring)."""

    statement_formats = frozenset({"json"})
    OPTIONS: dict = {}

    def __init__(
        self,
        settings: ConnectionSettings,
        budget,
        http: BankHttp | None = None,
        *,
        clock: Callable[[], datetime] = utcnow,
        request_signer=None,
        **http_options,
    ):
        unknown = sorted(set(settings.options) - set(self.OPTIONS))
        if unknown:
            raise ValueError(
                f"{type(self).__name__} has no option {', '.join(unknown)} "
                f"(its options: {', '.join(sorted(self.OPTIONS)) or 'none'})."
            )
        self.settings = settings
        self.budget = budget
        self.tokens = settings.tokens
        self.calls: list[CallRecord] = []
        # Transactions kept aside (core.sanity.Rejected): the caller takes them.
        self.rejected: list = []
        self.recipes: dict = {}
        self.pages_read = 0
        self.max_pages_per_run = MAX_PAGES_PER_RUN
        self.window_clamped_to: date | None = None
        self.clock = clock
        # callable(method, url, headers, body) -> headers to add (signatures).
        self.request_signer = request_signer
        if http is None:
            http = BankHttp(
                settings, budget, calls=self.calls, clock=clock, **http_options
            )
        else:
            http.calls = self.calls
        self.http = http

    def option(self, name: str):
        """A provider setting: the connection's value, else the default."""
        value = self.settings.options.get(name)
        return self.OPTIONS[name] if value in (None, "") else value

    # -- plumbing ------------------------------------------------------------

    def _now(self) -> datetime:
        now = self.clock()
        if now.tzinfo is None:
            now = now.replace(tzinfo=timezone.utc)
        return now.astimezone(timezone.utc)

    def today(self) -> date:
        return self._now().date()

    def _url(self, path_or_url: str) -> str:
        return resolve_href(self.settings.base_url, path_or_url)

    def _kept(self, parse, raw, where: str, *args):
        """``parse(raw, *args)``'s transaction, or None when it is kept aside
        (``rejected``, with its reason): see core/sanity.py."""
        recipe = recipe_of(parse, args)
        transaction = check_or_reject(
            functools.partial(parse, raw, *args), raw, where, self.rejected, recipe
        )
        if transaction is not None:
            # Kept for the caller's own checks (a currency Odoo does not
            # know): how to read it again, by the transaction's identity.
            self.recipes[id(transaction)] = recipe
        return transaction

    def new_request_id(self) -> str:
        """The X-Request-ID of a new request (kept across its retries)."""
        return str(uuid.uuid4())

    def sign_request(self, method: str, url: str, headers: dict, body) -> dict:
        """Headers that sign the request (none by default): the hook of
        signing providers and of the ``request_signer`` option."""
        if self.request_signer is None:
            return {}
        return self.request_signer(method, url, headers, body) or {}

    def _send(self, prepare, *, endpoint: str, renew_token: bool = True):
        """Send the request ``prepare()`` describes (keyword arguments of
        ``BankHttp.request``, made again for the second attempt so that they
        carry the new token). A 401 that ``_token_refused`` renews the token
        once (``renew_token``) and sends again. Returns the last answer."""
        for attempt in (1, 2):
            request = prepare()
            headers = request.setdefault("headers", {})
            # Signatures cover the request id: it is chosen before signing.
            headers["X-Request-ID"] = request.setdefault(
                "request_id", self.new_request_id()
            )
            body = _body_bytes(request)
            headers.update(
                self.sign_request(request["method"], request["url"], headers, body)
            )
            response = self.http.request(endpoint=endpoint, **request)
            if (
                attempt == 1
                and renew_token
                and response.status == 401
                and self._token_refused(response)
            ):
                self.authenticate()
                continue
            return response

    def _token_refused(self, response) -> bool:
        """Whether a 401 says the access token is bad (renewing may help)."""
        return True

    def _raise_for_status(self, response, ok=(200,)):
        if response.status in ok:
            return
        code, said = response.error()
        detail = self.http.redact(
            f"{response.endpoint}: HTTP {response.status} {code or ''}".strip()
        )
        said = self.http.redact(f" ({said})") if said else ""
        raise self._error(response.status, code, detail, said)

    def _error(self, status: int, code: str | None, detail: str, said: str):
        """The core error for an error answer (``detail``: endpoint, status
        and code; ``said``: the bank's text). Providers add their codes."""
        if code and "PERIOD" in code.upper():
            return PeriodInvalid(
                f"{detail}: the bank refused the date range{said}; ask for a "
                "shorter or more recent period."
            )
        if status == 401:
            return AuthenticationError(
                f"{detail}: the bank refused our access token{said}; check the "
                "client id and secret, or authorise the connection again."
            )
        return BankApiError(f"{detail}: the bank refused the request{said}.")

    # -- tokens ----------------------------------------------------------------

    def _ensure_token(self):
        if self._token_stale():
            self.authenticate()

    def _token_stale(self) -> bool:
        """Whether the next call needs a new access token first: none yet,
        or it expires within ``TOKEN_SKEW``."""
        tokens = self.tokens
        return not tokens.access_token or (
            tokens.expires_at is not None
            and tokens.expires_at - TOKEN_SKEW <= self._now()
        )

    def _store_tokens(self, body, grant: str) -> Tokens:
        """Keep the tokens of a token answer (an OAuth2 JSON object)."""
        body = as_dict(body, "token")
        access = text(body.get("access_token"))
        if not access:
            raise BankResponseError("token: the answer has no access_token")
        try:
            expires_in = float(body.get("expires_in") or 0)
        except (TypeError, ValueError, OverflowError):
            raise BankResponseError("token: expires_in is not a number") from None
        if not math.isfinite(expires_in) or not 0 <= expires_in <= MAX_TOKEN_LIFETIME:
            raise BankResponseError(
                f"token: expires_in {str(body.get('expires_in'))[:40]} is not a "
                f"token lifetime (0 to {MAX_TOKEN_LIFETIME} seconds); the bank's "
                "answer was refused, nothing was stored."
            )
        refresh = text(body.get("refresh_token"))
        if not refresh and grant == "refresh_token":
            refresh = self.tokens.refresh_token  # the bank did not rotate it
        self.http.add_secret(access, refresh)
        self.tokens = Tokens(
            access_token=access,
            refresh_token=refresh,
            expires_at=self._now() + timedelta(seconds=expires_in)
            if expires_in
            else None,
        )
        self.settings.tokens = self.tokens
        return self.tokens

    @abc.abstractmethod
    def authenticate(self) -> Tokens:
        """Obtain (or refresh) an access token; returns and stores it in ``tokens``."""

    # -- consents ------------------------------------------------------------

    @abc.abstractmethod
    def create_consent(self, valid_until: date, frequency_per_day: int) -> Consent:
        """Ask the bank for an account-information consent; its
        ``sca_redirect`` is the bank's page where the customer approves it."""

    @abc.abstractmethod
    def get_consent(self) -> Consent:
        """The current consent's status and validity."""

    @abc.abstractmethod
    def delete_consent(self) -> None:
        """End the consent at the bank (nothing to do without one)."""

    def start_authorization(
        self, redirect_uri: str, state: str | None, valid_until, frequency_per_day
    ) -> Consent:
        """Ask for a consent the customer approves at the bank, who is then
        sent back to ``redirect_uri`` (with ``state``, when given, to tell
        whose consent it is). The consent's ``sca_redirect`` is the bank's
        page to open."""
        self.settings.tpp_redirect_uri = with_query(redirect_uri, state=state)
        return self.create_consent(valid_until, frequency_per_day)

    def complete_authorization(self, params: dict) -> Consent:
        """The consent once the customer came back from the bank's page
        (``params``: what the bank added to ``redirect_uri``). By default the
        bank's consent status tells how it went."""
        return self.get_consent()

    # -- accounts ------------------------------------------------------------

    @abc.abstractmethod
    def list_accounts(self) -> list[Account]:
        """Accounts the consent covers."""

    @abc.abstractmethod
    def get_balances(self, account: Account) -> list[Balance]:
        """The account's balances (closingBooked, interimAvailable, ...)."""

    # -- transactions ------------------------------------------------------------

    def windows(self, date_from: date, date_to: date) -> list[tuple[date, date]]:
        """The windows to ask for: the start clamped to the history the bank
        serves (``window_clamped_to`` tells, before the first call), cut into
        ``max_window_days`` chunks."""
        start, self.window_clamped_to = clamp_start(
            date_from, self.today(), self.settings.max_history_days
        )
        return date_windows(start, date_to, self.settings.max_window_days)

    def iter_transactions(
        self, account: Account, date_from: date, date_to: date, status: str = "both"
    ) -> Iterator[Transaction]:
        """Every transaction of the window, booked and/or pending (``status``
        is "booked", "pending" or "both"), across pages and chunks."""
        if status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, not {status!r}")
        return self._iter_windows(account, self.windows(date_from, date_to), status)

    def _iter_windows(self, account, windows, status):
        """Transactions of every window, each once.

        A bank id (or entry reference) seen before means the bank repeated
        the transaction (page overlap, window edge): skipped. Content-hash
        keys are not deduplicated here: two identical card fees on one day
        are two fees.
        """
        seen = set()
        for window_from, window_to in windows:
            for transaction in self._iter_window(
                account, window_from, window_to, status
            ):
                key = transaction.unique_key
                if not key.startswith("hash:"):
                    if key in seen:
                        continue
                    seen.add(key)
                yield transaction

    @abc.abstractmethod
    def _iter_window(
        self, account: Account, window_from: date, window_to: date, status: str
    ) -> Iterator[Transaction]:
        """The transactions of one window the bank serves in one listing,
        every page of it, in the bank's order."""

    def _paged(self, endpoint: str, fetch):
        """(page number, body) of every page of a listing. ``fetch(cursor,
        page)`` asks for one page (cursor ``None``: the first) and returns
        (body, the next page's cursor or None). A cursor met twice or an
        endless listing is a BankResponseError."""
        cursor, seen = None, set()
        for page in range(1, MAX_PAGES + 1):
            if self.pages_read >= self.max_pages_per_run:
                raise BankResponseError(
                    f"{endpoint} page {page}: this run has read "
                    f"{self.pages_read:,} pages (limit: pages per run); the next "
                    "run goes on from what was imported."
                )
            self.pages_read += 1
            body, cursor = fetch(cursor, page)
            yield page, body
            if not cursor:
                return
            if cursor in seen:
                raise BankResponseError(
                    f"{endpoint} page {page}: the next page is one already read"
                )
            seen.add(cursor)
        raise BankResponseError(f"{endpoint}: more than {MAX_PAGES} pages")
