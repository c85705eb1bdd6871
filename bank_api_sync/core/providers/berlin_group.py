"""Berlin Group NextGenPSD2 (XS2A) account information client.

* OAuth2 client credentials at ``token_path`` (HTTP Basic client
  authentication), refresh tokens used when the bank gives them; a 401
  TOKEN_EXPIRED / TOKEN_INVALID renews the token once and repeats the call.
* ``Consent-ID`` on account calls; ``PSU-IP-Address`` and ``PSU-User-Agent``
  only when a person started the run (``settings.user_present``): banks
  count the calls without them against the consent's ``frequencyPerDay``.
* Transactions: the window is cut into chunks of ``max_window_days``, its
  start clamped to ``today - max_history_days`` (``window_clamped_to`` tells),
  each chunk paged through ``_links.next`` (relative or absolute href);
  transactions are yielded in the bank's order, chunk by chunk, once each
  (deduplicated on ``Transaction.unique_key``).
* MT940: ``get_mt940_statements`` asks the same transaction list with
  ``Accept: text/plain`` and returns the MT940 bytes (booked only).
* Errors: CONSENT_EXPIRED / CONSENT_INVALID / CONSENT_UNKNOWN raise
  ``ConsentError`` (status "expired" / "invalid" / "unknown"),
  PERIOD_INVALID raises ``PeriodInvalid``, answers we cannot use raise
  ``BankResponseError`` naming the endpoint and the place in the answer.
"""

import codecs
import logging
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from urllib.parse import quote

from ..errors import (
    AuthenticationError,
    BankApiError,
    BankResponseError,
    ConsentError,
    PeriodInvalid,
)
from ..http import BankHttp
from ..model import BOOKED, PENDING, Account, Balance, Consent, Tokens, Transaction
from .base import BankClient
from .helpers import (
    STATUSES,
    as_dict,
    as_list,
    clamp_start,
    date_windows,
    parse_amount,
    parse_date,
    resolve_href,
    utcnow,
)

_logger = logging.getLogger(__name__)

CONSENT_CODES = {
    "CONSENT_EXPIRED": ("expired", "the consent has expired"),
    "CONSENT_INVALID": (
        "invalid",
        "the consent is no longer valid (revoked or " "not covering this account)",
    ),
    "CONSENT_UNKNOWN": ("unknown", "the bank does not know this consent"),
}
TOKEN_CODES = ("TOKEN_EXPIRED", "TOKEN_INVALID")
CENT = Decimal("0.01")
# Renew the access token this long before the bank says it expires.
TOKEN_SKEW = timedelta(seconds=30)
MAX_PAGES = 10_000  # a bank whose links never end is a bug, not a long history


def _text(value) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def _account_id(reference) -> str | None:
    if not isinstance(reference, dict):
        return None
    return _text(reference.get("iban")) or _text(reference.get("bban"))


def _remittance(raw: dict) -> str:
    text = raw.get("remittanceInformationUnstructured")
    if not text and isinstance(raw.get("remittanceInformationUnstructuredArray"), list):
        text = " ".join(
            str(part) for part in raw["remittanceInformationUnstructuredArray"]
        )
    if not text:
        structured = raw.get("remittanceInformationStructured")
        if isinstance(structured, dict):
            structured = structured.get("reference")
        text = structured
    if not text:
        text = raw.get("additionalInformation")
    return str(text or "").strip()


def _original_amount(raw, amount, currency, where):
    """(original amount, original currency) from ``currencyExchange``.

    ``exchangeRate`` is the price of one ``unitCurrency`` in the other
    currency; the original currency is the one that is not the booked one.
    """
    exchange = raw.get("currencyExchange")
    if isinstance(exchange, list):
        exchange = exchange[0] if exchange else None
    if not isinstance(exchange, dict):
        return None, None
    source = _text(exchange.get("sourceCurrency"))
    target = _text(exchange.get("targetCurrency"))
    original_currency = source if source != currency else target
    if not original_currency or original_currency == currency:
        return None, None
    rate = parse_amount(
        exchange.get("exchangeRate"), where, "currencyExchange.exchangeRate"
    )
    if rate <= 0:
        raise BankResponseError(f"{where}: currencyExchange.exchangeRate must be > 0")
    unit = _text(exchange.get("unitCurrency")) or source
    original = amount * rate if unit == currency else amount / rate
    return original.quantize(CENT), original_currency


def parse_transaction(
    raw, status: str, where: str, pending_link_field=None
) -> Transaction:
    """One Berlin Group ``transactions`` object as a core Transaction.

    Missing or odd fields raise BankResponseError naming ``where`` (endpoint,
    page and index) and the field, never a KeyError.
    """
    raw = as_dict(raw, where)
    amount_object = raw.get("transactionAmount")
    if not isinstance(amount_object, dict):
        raise BankResponseError(f"{where}: transactionAmount is missing")
    amount = parse_amount(
        amount_object.get("amount"), where, "transactionAmount.amount"
    )
    currency = _text(amount_object.get("currency"))
    if not currency:
        raise BankResponseError(f"{where}: transactionAmount.currency is missing")
    booking_date = parse_date(raw.get("bookingDate"), where, "bookingDate")
    value_date = parse_date(raw.get("valueDate"), where, "valueDate")
    if status == BOOKED and not (booking_date or value_date):
        raise BankResponseError(f"{where}: a booked transaction has no bookingDate")
    side = "debtor" if amount > 0 else "creditor"
    original, original_currency = _original_amount(raw, amount, currency, where)
    transaction_id = _text(raw.get("transactionId"))
    entry_reference = _text(raw.get("entryReference"))
    pending_reference = None
    if status == BOOKED and pending_link_field:
        link = _text(raw.get(pending_link_field))
        if link and link != transaction_id:
            pending_reference = link
    return Transaction(
        status=status,
        amount=amount,
        currency=currency.upper(),
        booking_date=booking_date,
        value_date=value_date,
        transaction_id=transaction_id,
        entry_reference=entry_reference,
        end_to_end_id=_text(raw.get("endToEndId")),
        counterparty_name=_text(raw.get(f"{side}Name"))
        or _text(raw.get("ultimateDebtor" if side == "debtor" else "ultimateCreditor")),
        counterparty_iban=_account_id(raw.get(f"{side}Account")),
        remittance=_remittance(raw),
        bank_transaction_code=_text(raw.get("bankTransactionCode")),
        proprietary_code=_text(raw.get("proprietaryBankTransactionCode")),
        original_amount=original,
        original_currency=original_currency,
        pending_reference=pending_reference,
        raw=raw,
    )


class BerlinGroupClient(BankClient):
    provider = "berlin_group"
    token_path = "/oauth2/token"  # noqa: S105 - a URL path, not a password
    api_prefix = "/v1"
    # The field of a booked transaction that names the pending one it
    # replaces. Berlin Group defines none: each bank documents its own.
    pending_link_field = None

    def __init__(self, settings, budget, http=None, *, clock=utcnow, **http_options):
        super().__init__(settings, budget, http)
        self.clock = clock
        if self.http is None:
            self.http = BankHttp(
                settings, budget, calls=self.calls, clock=clock, **http_options
            )
        else:
            self.http.calls = self.calls

    # -- plumbing ------------------------------------------------------------

    def _now(self) -> datetime:
        now = self.clock()
        if now.tzinfo is None:
            now = now.replace(tzinfo=timezone.utc)
        return now.astimezone(timezone.utc)

    def today(self) -> date:
        return self._now().date()

    def _url(self, path: str) -> str:
        return resolve_href(self.settings.base_url, path)

    def _headers(self, consent: bool) -> dict:
        headers = {"Authorization": f"Bearer {self.tokens.access_token}"}
        if consent:
            if not self.settings.consent_id:
                raise ConsentError(
                    "No consent yet: create one and have it authorised first.",
                    status="missing",
                )
            headers["Consent-ID"] = self.settings.consent_id
        if self.settings.user_present:
            headers["PSU-IP-Address"] = self.settings.psu_ip_address
            if self.settings.psu_user_agent:
                headers["PSU-User-Agent"] = self.settings.psu_user_agent
        return headers

    def _ensure_token(self):
        tokens = self.tokens
        if not tokens.access_token or (
            tokens.expires_at is not None
            and tokens.expires_at - TOKEN_SKEW <= self._now()
        ):
            self.authenticate()

    def _call(
        self,
        method,
        path_or_url,
        *,
        endpoint,
        params=None,
        json_body=None,
        consent=True,
        headers=None,
        ok=(200,),
    ):
        """An API call with a valid token, renewed once on TOKEN_EXPIRED."""
        self._ensure_token()
        url = self._url(path_or_url)
        for attempt in (1, 2):
            send = {**self._headers(consent), **(headers or {})}
            response = self.http.request(
                method,
                url,
                endpoint=endpoint,
                params=params,
                json_body=json_body,
                headers=send,
            )
            if response.status == 401 and attempt == 1:
                code, _text_ = response.error()
                if code in TOKEN_CODES or code is None:
                    self.authenticate()
                    continue
            break
        self._raise_for_status(response, ok)
        return response

    def _raise_for_status(self, response, ok):
        if response.status in ok:
            return
        code, text = response.error()
        redact = self.http.redact
        detail = redact(
            f"{response.endpoint}: HTTP {response.status} {code or ''}".strip()
        )
        said = redact(f" ({text})") if text else ""
        if code in CONSENT_CODES:
            status, meaning = CONSENT_CODES[code]
            raise ConsentError(
                f"{detail}: {meaning}{said}. A person must renew the consent.",
                status=status,
            )
        if code == "PERIOD_INVALID":
            raise PeriodInvalid(
                f"{detail}: the bank refused the date range{said}; ask for a "
                "shorter or more recent period."
            )
        if response.status == 401 or code in TOKEN_CODES:
            raise AuthenticationError(
                f"{detail}: the bank refused our access token{said}; check the "
                "client id and secret."
            )
        raise BankApiError(f"{detail}: the bank refused the request{said}.")

    # -- authentication --------------------------------------------------------

    def authenticate(self) -> Tokens:
        """Refresh the access token (refresh token first, then client credentials)."""
        if self.tokens.refresh_token:
            try:
                return self._token_request(
                    {
                        "grant_type": "refresh_token",
                        "refresh_token": self.tokens.refresh_token,
                    }
                )
            except AuthenticationError:
                # Refresh token refused (used, expired): start over below.
                _logger.debug("refresh token refused; asking for a new token")
        return self._token_request({"grant_type": "client_credentials"})

    def _token_request(self, form: dict) -> Tokens:
        grant = form["grant_type"]
        response = self.http.request(
            "POST",
            self._url(self.token_path),
            endpoint="token",
            data=form,
            auth=(self.settings.client_id, self.settings.client_secret),
        )
        if response.status != 200:
            code, text = response.error()
            raise AuthenticationError(
                self.http.redact(
                    f"token: the bank refused the {grant} grant (HTTP "
                    f"{response.status} {code or ''}{': ' + text if text else ''}); "
                    "check the client id and secret of the connection."
                )
            )
        body = as_dict(response.json(), "token")
        access = _text(body.get("access_token"))
        if not access:
            raise BankResponseError("token: the answer has no access_token")
        try:
            expires_in = float(body.get("expires_in") or 0)
        except (TypeError, ValueError):
            raise BankResponseError("token: expires_in is not a number") from None
        refresh = _text(body.get("refresh_token")) or (
            self.tokens.refresh_token if grant == "refresh_token" else None
        )
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

    # -- consents ------------------------------------------------------------

    def consent_access(self) -> dict:
        """The ``access`` of a new consent: every account, as a bank-offered
        consent (banks that need IBANs listed override this)."""
        return {"allPsd2": "allAccounts"}

    def create_consent(self, valid_until: date, frequency_per_day: int) -> Consent:
        headers = {}
        if self.settings.tpp_redirect_uri:
            headers["TPP-Redirect-URI"] = self.settings.tpp_redirect_uri
        response = self._call(
            "POST",
            f"{self.api_prefix}/consents",
            endpoint="consents",
            json_body={
                "access": self.consent_access(),
                "recurringIndicator": True,
                "validUntil": valid_until.isoformat(),
                "frequencyPerDay": int(frequency_per_day),
                "combinedServiceIndicator": False,
            },
            consent=False,
            headers=headers,
            ok=(200, 201),
        )
        body = as_dict(response.json(), "consents")
        consent_id = _text(body.get("consentId"))
        if not consent_id:
            raise BankResponseError("consents: the answer has no consentId")
        links = body.get("_links") if isinstance(body.get("_links"), dict) else {}
        redirect = links.get("scaRedirect")
        if isinstance(redirect, dict):
            redirect = redirect.get("href")
        self.settings.consent_id = consent_id
        return Consent(
            consent_id=consent_id,
            status=_text(body.get("consentStatus")) or "received",
            valid_until=valid_until,
            frequency_per_day=int(frequency_per_day),
            sca_redirect=_text(redirect),
        )

    def get_consent(self) -> Consent:
        consent_id = self.settings.consent_id
        if not consent_id:
            raise ConsentError("No consent yet: create one first.", status="missing")
        response = self._call(
            "GET",
            f"{self.api_prefix}/consents/{quote(consent_id)}",
            endpoint="consent",
            consent=False,
        )
        body = as_dict(response.json(), "consent")
        frequency = body.get("frequencyPerDay")
        return Consent(
            consent_id=consent_id,
            status=_text(body.get("consentStatus")) or "received",
            valid_until=parse_date(body.get("validUntil"), "consent", "validUntil"),
            frequency_per_day=int(frequency) if isinstance(frequency, int) else None,
        )

    def delete_consent(self) -> None:
        """Terminate the consent at the bank (status terminatedByTpp)."""
        consent_id = self.settings.consent_id
        if not consent_id:
            return
        self._call(
            "DELETE",
            f"{self.api_prefix}/consents/{quote(consent_id)}",
            endpoint="consent",
            consent=False,
            ok=(200, 202, 204),
        )

    # -- accounts --------------------------------------------------------------

    def list_accounts(self) -> list[Account]:
        response = self._call("GET", f"{self.api_prefix}/accounts", endpoint="accounts")
        body = as_dict(response.json(), "accounts")
        accounts = []
        for index, raw in enumerate(as_list(body.get("accounts"), "accounts.accounts")):
            where = f"accounts[{index}]"
            raw = as_dict(raw, where)
            resource_id = _text(raw.get("resourceId"))
            currency = _text(raw.get("currency"))
            if not resource_id:
                raise BankResponseError(f"{where}: resourceId is missing")
            if not currency:
                raise BankResponseError(f"{where}: currency is missing")
            accounts.append(
                Account(
                    resource_id=resource_id,
                    iban=_text(raw.get("iban")) or _text(raw.get("bban")),
                    currency=currency.upper(),
                    name=_text(raw.get("name")) or _text(raw.get("displayName")),
                    owner_name=_text(raw.get("ownerName")),
                )
            )
        return accounts

    def get_balances(self, account: Account) -> list[Balance]:
        response = self._call(
            "GET",
            f"{self.api_prefix}/accounts/{quote(account.resource_id)}/balances",
            endpoint="balances",
        )
        body = as_dict(response.json(), "balances")
        balances = []
        for index, raw in enumerate(as_list(body.get("balances"), "balances.balances")):
            where = f"balances[{index}]"
            raw = as_dict(raw, where)
            amount = raw.get("balanceAmount")
            if not isinstance(amount, dict):
                raise BankResponseError(f"{where}: balanceAmount is missing")
            balance_type = _text(raw.get("balanceType"))
            if not balance_type:
                raise BankResponseError(f"{where}: balanceType is missing")
            balances.append(
                Balance(
                    balance_type=balance_type,
                    amount=parse_amount(
                        amount.get("amount"), where, "balanceAmount.amount"
                    ),
                    currency=(
                        _text(amount.get("currency")) or account.currency
                    ).upper(),
                    reference_date=parse_date(
                        raw.get("referenceDate"), where, "referenceDate"
                    ),
                )
            )
        return balances

    # -- transactions ------------------------------------------------------------

    def iter_transactions(
        self, account: Account, date_from: date, date_to: date, status: str = "both"
    ) -> Iterator[Transaction]:
        if status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, not {status!r}")
        start, clamped = clamp_start(
            date_from, self.today(), self.settings.max_history_days
        )
        self.window_clamped_to = clamped  # known before the first transaction
        windows = date_windows(start, date_to, self.settings.max_window_days)
        return self._iter_windows(account, windows, status)

    def _iter_windows(self, account, windows, status):
        """Transactions of every window, each once.

        A bank id (or entry reference) seen before means the bank repeated
        the transaction (page overlap, window edge): skipped. Content-hash
        keys are not deduplicated here: two identical card fees on one day
        are two fees. A repeat without ids is caught at the page boundary
        (``_iter_pages``).
        """
        seen = set()
        for window_from, window_to in windows:
            pages = self._iter_pages(account, window_from, window_to, status)
            for transaction in pages:
                key = transaction.unique_key
                if not key.startswith("hash:"):
                    if key in seen:
                        continue
                    seen.add(key)
                yield transaction

    def _iter_pages(self, account, window_from, window_to, status):
        url = f"{self.api_prefix}/accounts/{quote(account.resource_id)}/transactions"
        params = {
            "dateFrom": window_from.isoformat(),
            "dateTo": window_to.isoformat(),
            "bookingStatus": status,
        }
        visited = set()
        last = {}  # kind -> the previous page's last transaction (raw)
        for page in range(1, MAX_PAGES + 1):
            response = self._call("GET", url, endpoint="transactions", params=params)
            body = as_dict(response.json(), f"transactions page {page}")
            report = as_dict(
                body.get("transactions"), f"transactions page {page}.transactions"
            )
            for kind in (BOOKED, PENDING):
                items = as_list(report.get(kind), f"transactions page {page}.{kind}")
                for index, raw in enumerate(items):
                    if index == 0 and raw == last.get(kind):
                        continue  # the previous page's last one, served again
                    where = f"transactions page {page} {kind}[{index}]"
                    yield parse_transaction(raw, kind, where, self.pending_link_field)
                if items:
                    last[kind] = items[-1]
            href = self._next_href(report) or self._next_href(body)
            if not href:
                return
            url, params = self._url(href), None
            if url in visited:
                raise BankResponseError(
                    f"transactions page {page}: the next link goes back to a page "
                    "already read"
                )
            visited.add(url)
        raise BankResponseError(f"transactions: more than {MAX_PAGES} pages")

    def get_mt940_statements(
        self, account: Account, date_from: date, date_to: date
    ) -> bytes:
        """The booked transactions of the window as MT940, the bytes as the
        bank sent them (the caller parses them: charsets vary by bank).

        NextGenPSD2 lets a bank answer the transaction list as MT940 when
        asked for ``text/plain``. The window is clamped and cut like
        ``iter_transactions``; the answers of the chunks are joined into one
        file (statements in date order). An answer that is not text raises
        BankResponseError.
        """
        start, clamped = clamp_start(
            date_from, self.today(), self.settings.max_history_days
        )
        self.window_clamped_to = clamped
        url = f"{self.api_prefix}/accounts/{quote(account.resource_id)}/transactions"
        parts = []
        for window_from, window_to in date_windows(
            start, date_to, self.settings.max_window_days
        ):
            response = self._call(
                "GET",
                url,
                endpoint="transactions",
                params={
                    "dateFrom": window_from.isoformat(),
                    "dateTo": window_to.isoformat(),
                    "bookingStatus": BOOKED,
                },
                headers={"Accept": "text/plain"},
            )
            content_type = next(
                (
                    value
                    for name, value in response.headers.items()
                    if name.lower() == "content-type"
                ),
                "",
            )
            if not content_type.lower().startswith("text/"):
                raise BankResponseError(
                    f"transactions {window_from.isoformat()} to "
                    f"{window_to.isoformat()}: the bank answered "
                    f"{content_type or 'without a content type'} instead of MT940 "
                    "text; does it serve MT940 (Accept: text/plain)?"
                )
            body = response.content
            if parts and body.startswith(codecs.BOM_UTF8):
                # One byte order mark, at the start of the joined file.
                body = body[len(codecs.BOM_UTF8) :]
            if body and not body.endswith(b"\n"):
                body += b"\r\n"
            parts.append(body)
        return b"".join(parts)

    @staticmethod
    def _next_href(container) -> str | None:
        links = container.get("_links") if isinstance(container, dict) else None
        if not isinstance(links, dict):
            return None
        link = links.get("next")
        if isinstance(link, dict):
            link = link.get("href")
        return _text(link) if isinstance(link, str) else None
