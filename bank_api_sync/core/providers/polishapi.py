"""PolishAPI (the Polish PSD2 standard) account information client.

Every call is a POST of a JSON envelope whose ``requestHeader`` carries
``requestId`` (a UUID version 1, also sent as the ``X-REQUEST-ID`` header,
which the standard requires to be equal), ``userAgent``, ``ipAddress``,
``sendDate``, ``tppId``, the access ``token`` and ``isDirectPsu``; the
authorisation calls carry ``isCompanyContext`` instead of the token.
Paths are ``/{version}/{service}/{version}/{operation}``, e.g.
``/v3_0.1/accounts/v3_0.1/getTransactionsDone`` (field names checked against
the published PolishAPI 2.1.2 specification, which later versions keep).

* accounts: ``getAccounts`` (paged) then ``getAccount`` per account, which
  gives the currency and the balances (``bookingBalance`` is reported as
  closingBooked, ``availableBalance`` as interimAvailable);
* transactions: ``getTransactionsDone`` (booked, filtered on the booking
  date) and ``getTransactionsPending`` (filtered on the transaction date),
  paged with ``pageId``/``perPage`` and ``pageInfo.nextPage``; amounts come
  unsigned with ``transactionCategory`` CREDIT/DEBIT;
* consent: ``authorize`` (the PSU is redirected to ``aspspRedirectUri``),
  then ``exchange_code`` with the code the bank sends back, then refresh
  tokens. PolishAPI has no consent-status endpoint: ``get_consent`` reports
  what the last token answer said (``scope_details``).

Message signing: banks require a detached JWS of the body in
``X-JWS-SIGNATURE``, made with the TPP's eIDAS seal certificate. The details
(header parameters, ``b64``, certificate chain) are set by each bank, so it is
a hook here: pass ``jws_signer=callable(body: bytes) -> str`` or override
``sign_request``. Without one the header is not sent.
"""

import json
import random
import uuid
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

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

MAX_PAGES = 10_000


def _text(value) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def account_iban(number: str | None) -> str | None:
    """An IBAN from a PolishAPI account number (26 digits are a Polish NRB)."""
    if not number:
        return None
    compact = number.replace(" ", "")
    if compact[:2].isalpha():
        return compact.upper()
    if len(compact) == 26 and compact.isdigit():
        return "PL" + compact
    return None


def _party(raw) -> tuple[str | None, str | None]:
    if not isinstance(raw, dict):
        return None, None
    name = raw.get("nameAddress")
    lines = name.get("value") if isinstance(name, dict) else None
    text = " ".join(str(line).strip() for line in lines or () if line) or None
    return text, account_iban(_text(raw.get("accountNumber")))


def parse_item(raw, status: str, currency: str, where: str) -> Transaction:
    """One PolishAPI ``TransactionInfo`` / ``TransactionPendingInfo``."""
    raw = as_dict(raw, where)
    item_id = _text(raw.get("itemId"))
    if not item_id:
        raise BankResponseError(f"{where}: itemId is missing")
    amount = parse_amount(raw.get("amount"), where, "amount")
    category = _text(raw.get("transactionCategory"))
    if category not in ("CREDIT", "DEBIT"):
        raise BankResponseError(
            f"{where}: transactionCategory {category!r} is not CREDIT/DEBIT"
        )
    amount = -abs(amount) if category == "DEBIT" else abs(amount)
    trade_date = parse_date(raw.get("tradeDate"), where, "tradeDate")
    booking_date = parse_date(raw.get("bookingDate"), where, "bookingDate")
    if status == BOOKED and not (booking_date or trade_date):
        raise BankResponseError(f"{where}: a done transaction has no bookingDate")
    name, iban = _party(raw.get("sender" if category == "CREDIT" else "recipient"))
    return Transaction(
        status=status,
        amount=amount,
        currency=(_text(raw.get("currency")) or currency).upper(),
        booking_date=booking_date if status == BOOKED else None,
        value_date=trade_date,
        transaction_id=item_id,
        counterparty_name=name,
        counterparty_iban=iban,
        remittance=str(raw.get("description") or "").strip(),
        proprietary_code=_text(raw.get("transactionType")),
        raw=raw,
    )


class PolishApiClient(BankClient):
    provider = "polishapi"
    api_version = "v3_0.1"

    def __init__(
        self,
        settings,
        budget,
        http=None,
        *,
        clock=utcnow,
        api_version=None,
        company_context=True,
        jws_signer=None,
        **http_options,
    ):
        super().__init__(settings, budget, http)
        self.clock = clock
        self.api_version = api_version or self.api_version
        self.company_context = company_context
        self.jws_signer = jws_signer
        self.scope_details = None  # from the last token answer
        self._node = random.SystemRandom().getrandbits(48) | (1 << 40)  # no MAC in ids
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

    def path(self, service: str, operation: str) -> str:
        version = self.api_version
        return f"/{version}/{service}/{version}/{operation}"

    def sign_request(self, body: bytes) -> str | None:
        """The X-JWS-SIGNATURE value for ``body``: the hook (see module doc)."""
        return self.jws_signer(body) if self.jws_signer else None

    def _request_header(self, request_id: str, authorisation: bool) -> dict:
        settings = self.settings
        header = {
            "requestId": request_id,
            "userAgent": settings.psu_user_agent or "bank_api_sync",
            "sendDate": self._now().strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3],
            "tppId": settings.tpp_id or settings.client_id,
        }
        if settings.psu_ip_address:
            header["ipAddress"] = settings.psu_ip_address
        if authorisation:
            header["isCompanyContext"] = bool(self.company_context)
        else:
            header["token"] = self.tokens.access_token
            header["isDirectPsu"] = bool(settings.user_present)
        return header

    def _post(self, service, operation, fields, *, endpoint, authorisation=False):
        """POST one envelope; renews the token once on HTTP 401."""
        if not authorisation:
            self._ensure_token()
        for attempt in (1, 2):
            request_id = str(uuid.uuid1(node=self._node))
            envelope = {
                "requestHeader": self._request_header(request_id, authorisation)
            }
            envelope.update(
                {key: value for key, value in fields.items() if value is not None}
            )
            body = json.dumps(envelope).encode("utf-8")
            headers = {
                "Content-Type": "application/json",
                "Accept-Encoding": "gzip",
                "Accept-Language": "pl",
                "Accept-Charset": "utf-8",
            }
            if not authorisation:
                headers["Authorization"] = f"Bearer {self.tokens.access_token}"
            signature = self.sign_request(body)
            if signature:
                headers["X-JWS-SIGNATURE"] = signature
            response = self.http.request(
                "POST",
                resolve_href(self.settings.base_url, self.path(service, operation)),
                endpoint=endpoint,
                data=body,
                headers=headers,
                request_id=request_id,
            )
            if response.status == 401 and attempt == 1 and not authorisation:
                self.authenticate()
                continue
            break
        self._raise_for_status(response)
        return as_dict(response.json(), endpoint)

    def _raise_for_status(self, response):
        if response.status in (200, 201):
            return
        code, text = response.error()
        detail = self.http.redact(
            f"{response.endpoint}: HTTP {response.status}"
            + (f" {code}" if code else "")
            + (f" ({text})" if text else "")
        )
        if response.status == 401:
            raise AuthenticationError(
                f"{detail}: the bank refused our access token; authorise the "
                "connection again."
            )
        if response.status == 403:
            raise ConsentError(
                f"{detail}: the consent does not allow this; a person must renew it.",
                status="invalid",
            )
        if code and "PERIOD" in code.upper():
            raise PeriodInvalid(f"{detail}: ask for a shorter or more recent period.")
        raise BankApiError(f"{detail}: the bank refused the request.")

    # -- authorisation -------------------------------------------------------

    def _ensure_token(self):
        tokens = self.tokens
        if not tokens.access_token or (
            tokens.expires_at is not None
            and tokens.expires_at - timedelta(seconds=30) <= self._now()
        ):
            self.authenticate()

    def authenticate(self) -> Tokens:
        """Renew the access token with the refresh token."""
        if not self.tokens.refresh_token:
            raise AuthenticationError(
                "The connection is not authorised yet (no refresh token): create "
                "a consent and complete the bank's authorisation first."
            )
        return self._token(
            {"grant_type": "refresh_token", "refresh_token": self.tokens.refresh_token}
        )

    def exchange_code(self, code: str, redirect_uri: str | None = None) -> Tokens:
        """Trade the authorisation code the bank redirected with for tokens."""
        return self._token(
            {
                "grant_type": "authorization_code",
                "Code": code,
                "redirect_uri": redirect_uri or self.settings.tpp_redirect_uri,
                "client_id": self.settings.client_id,
            }
        )

    def _token(self, fields) -> Tokens:
        fields = {
            **fields,
            "is_user_session": bool(self.settings.user_present),
            "user_ip": self.settings.psu_ip_address,
            "user_agent": self.settings.psu_user_agent,
        }
        self.http.add_secret(fields.get("Code"), fields.get("refresh_token"))
        try:
            body = self._post(
                "auth", "token", fields, endpoint="token", authorisation=True
            )
        except (AuthenticationError, ConsentError, BankApiError) as exc:
            if isinstance(exc, BankResponseError):
                raise
            raise AuthenticationError(
                f"token: the bank refused the {fields['grant_type']} grant ({exc}); "
                "authorise the connection again."
            ) from None
        access = _text(body.get("access_token"))
        if not access:
            raise BankResponseError("token: the answer has no access_token")
        try:
            expires_in = float(body.get("expires_in") or 0)
        except (TypeError, ValueError):
            raise BankResponseError("token: expires_in is not a number") from None
        refresh = _text(body.get("refresh_token")) or self.tokens.refresh_token
        self.http.add_secret(access, refresh)
        details = body.get("scope_details")
        if isinstance(details, dict):
            self.scope_details = details
            if _text(details.get("consentId")):
                self.settings.consent_id = _text(details.get("consentId"))
        self.tokens = Tokens(
            access_token=access,
            refresh_token=refresh,
            expires_at=self._now() + timedelta(seconds=expires_in)
            if expires_in
            else None,
        )
        self.settings.tokens = self.tokens
        return self.tokens

    def create_consent(self, valid_until: date, frequency_per_day: int) -> Consent:
        """Start the authorisation; the PSU must open ``sca_redirect``.

        PolishAPI has no frequencyPerDay: ``throttlingPolicy`` psd2Regulatory
        means the regulatory four unattended accesses a day.
        """
        if not self.settings.tpp_redirect_uri:
            raise BankApiError(
                "authorize: PolishAPI needs the redirect URI the bank sends the "
                "user back to (tpp_redirect_uri)."
            )
        consent_id = str(uuid.uuid4())
        history = {
            "scopeUsageLimit": "multiple",
            "maxAllowedHistoryLong": int(self.settings.max_history_days),
        }
        privileges = {
            "ais-accounts:getAccounts": {"scopeUsageLimit": "multiple"},
            "ais:getAccount": {"scopeUsageLimit": "multiple"},
            "ais:getTransactionsDone": history,
            "ais:getTransactionsPending": history,
        }
        body = self._post(
            "auth",
            "authorize",
            {
                "response_type": "code",
                "client_id": self.settings.client_id,
                "redirect_uri": self.settings.tpp_redirect_uri,
                "scope": "ais",
                "scope_details": {
                    "privilegeList": [privileges],
                    "scopeGroupType": "ais",
                    "consentId": consent_id,
                    "scopeTimeLimit": datetime.combine(
                        valid_until, time(23, 59, 59), timezone.utc
                    ).strftime("%Y-%m-%dT%H:%M:%S.000"),
                    "throttlingPolicy": "psd2Regulatory",
                },
                "state": uuid.uuid4().hex,
            },
            endpoint="authorize",
            authorisation=True,
        )
        redirect = _text(body.get("aspspRedirectUri"))
        if not redirect:
            raise BankResponseError("authorize: the answer has no aspspRedirectUri")
        self.settings.consent_id = consent_id
        return Consent(
            consent_id=consent_id,
            status="received",
            valid_until=valid_until,
            frequency_per_day=int(frequency_per_day),
            sca_redirect=redirect,
        )

    def get_consent(self) -> Consent:
        """What the bank said about the consent in its last token answer."""
        if not self.settings.consent_id:
            raise ConsentError("No consent yet: create one first.", status="missing")
        valid_until = None
        if self.scope_details:
            valid_until = parse_date(
                self.scope_details.get("scopeTimeLimit"), "token", "scopeTimeLimit"
            )
        authorised = bool(self.tokens.refresh_token or self.tokens.access_token)
        status = "valid" if authorised else "received"
        if valid_until and valid_until < self.today():
            status = "expired"
        return Consent(
            consent_id=self.settings.consent_id, status=status, valid_until=valid_until
        )

    # -- accounts ------------------------------------------------------------

    def _pages(self, operation, fields, *, endpoint, key):
        """Items of every page of a paged operation."""
        page_id, seen = None, set()
        for page in range(1, MAX_PAGES + 1):
            body = self._post(
                "accounts",
                operation,
                {**fields, "pageId": page_id, "perPage": int(self.settings.page_size)},
                endpoint=endpoint,
            )
            items = as_list(body.get(key), f"{endpoint} page {page}.{key}")
            for index, item in enumerate(items):
                yield page, index, item
            info = body.get("pageInfo")
            page_id = _text(info.get("nextPage")) if isinstance(info, dict) else None
            if not page_id:
                return
            if page_id in seen:
                raise BankResponseError(f"{endpoint} page {page}: nextPage repeats")
            seen.add(page_id)
        raise BankResponseError(f"{endpoint}: more than {MAX_PAGES} pages")

    def _account_info(self, number: str) -> dict:
        body = self._post(
            "accounts", "getAccount", {"accountNumber": number}, endpoint="account"
        )
        return as_dict(body.get("account"), "account.account")

    def list_accounts(self) -> list[Account]:
        accounts = []
        for page, index, raw in self._pages(
            "getAccounts", {}, endpoint="accounts", key="accounts"
        ):
            where = f"accounts page {page} accounts[{index}]"
            number = _text(as_dict(raw, where).get("accountNumber"))
            if not number:
                raise BankResponseError(f"{where}: accountNumber is missing")
            info = self._account_info(number)
            currency = _text(info.get("currency"))
            if not currency:
                raise BankResponseError(f"account {number[-4:]}: currency is missing")
            owner = info.get("nameAddress")
            owner_lines = owner.get("value") if isinstance(owner, dict) else None
            accounts.append(
                Account(
                    resource_id=number,
                    iban=account_iban(number),
                    currency=currency.upper(),
                    name=_text(info.get("accountNameClient"))
                    or _text(info.get("accountTypeName"))
                    or _text(raw.get("accountTypeName")),
                    owner_name=" ".join(owner_lines) if owner_lines else None,
                )
            )
        return accounts

    def get_balances(self, account: Account) -> list[Balance]:
        info = self._account_info(account.resource_id)
        where = f"account {account.resource_id[-4:]}"
        currency = (_text(info.get("currency")) or account.currency).upper()
        today = self.today()
        balances = []
        for field, kind in (
            ("bookingBalance", "closingBooked"),
            ("availableBalance", "interimAvailable"),
        ):
            if info.get(field) is not None:
                amount = parse_amount(info.get(field), where, field)
                balances.append(Balance(kind, Decimal(amount), currency, today))
        return balances

    # -- transactions --------------------------------------------------------

    def iter_transactions(
        self, account: Account, date_from: date, date_to: date, status: str = "both"
    ) -> Iterator[Transaction]:
        if status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, not {status!r}")
        start, clamped = clamp_start(
            date_from, self.today(), self.settings.max_history_days
        )
        self.window_clamped_to = clamped
        windows = date_windows(start, date_to, self.settings.max_window_days)
        return self._iter_windows(account, windows, status)

    def _iter_windows(self, account, windows, status):
        seen = set()
        for window_from, window_to in windows:
            for transaction in self._iter_window(
                account, window_from, window_to, status
            ):
                if transaction.unique_key not in seen:
                    seen.add(transaction.unique_key)
                    yield transaction

    def _iter_window(self, account, window_from, window_to, status):
        if status in (BOOKED, "both"):
            fields = {
                "accountNumber": account.resource_id,
                "bookingDateFrom": window_from.isoformat(),
                "bookingDateTo": window_to.isoformat(),
            }
            for page, index, raw in self._pages(
                "getTransactionsDone",
                fields,
                endpoint="transactions done",
                key="transactions",
            ):
                where = f"transactions done page {page} [{index}]"
                yield parse_item(raw, BOOKED, account.currency, where)
        if status in (PENDING, "both"):
            fields = {
                "accountNumber": account.resource_id,
                "transactionDateFrom": window_from.isoformat(),
                "transactionDateTo": window_to.isoformat(),
            }
            for page, index, raw in self._pages(
                "getTransactionsPending",
                fields,
                endpoint="transactions pending",
                key="transactions",
            ):
                where = f"transactions pending page {page} [{index}]"
                yield parse_item(raw, PENDING, account.currency, where)
