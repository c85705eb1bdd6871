"""GoCardless Bank Account Data (formerly Nordigen), a licensed aggregator
of PSD2 banks, as a provider.

Credentials: a secret id and secret key from the GoCardless Bank Account
Data portal, traded at ``POST /api/v2/token/new/`` for an access token (a
day) and a refresh token (a month); ``POST /api/v2/token/refresh/`` gives a
new access token from the refresh token. A refused token (401) is renewed
once, by the refresh token and else by the secrets.

The consent round trip: ``POST /api/v2/agreements/enduser/`` (the bank, the
days of history, the days of access, the scopes) and ``POST
/api/v2/requisitions/`` (the agreement, the return address, a reference)
give the bank's page (``link``); the customer approves there and comes back
to the return address, then ``GET /api/v2/requisitions/{id}/`` tells the
status (``LN``: linked) and the accounts. The requisition's id is the
connection's consent id. An ended access (HTTP 401 ``AccessExpiredError``
or ``AccountInactiveError``, 409 a suspended account, 428, a requisition's
status ``EX``) is a ``ConsentError``: a new requisition through the same
round trip renews the access. ``GET /api/v2/institutions/?country=PL`` lists
the banks with the history and access days each allows (the bank picker).

Rate limits: every answer may carry ``HTTP_X_RATELIMIT_LIMIT``,
``_REMAINING`` and ``_RESET`` (seconds until the window starts again) for
the general limit and ``HTTP_X_RATELIMIT_ACCOUNT_SUCCESS_*`` for an account's
successful accesses of the day (the banks' PSD2 limit, often 4). The client
keeps the last reading in ``rate_limits``; a 429 waits for the reset the
headers give (``RateLimited.retry_at``), not a guess.

Registered as provider ``gocardless``.
"""

import dataclasses
import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .siblings import base, errors, helpers, http, model, registry

DEFAULT_BASE_URL = "https://bankaccountdata.gocardless.com"
API = "/api/v2"
TOKEN_PATHS = ("/token/new/", "/token/refresh/")
ACCESS_SCOPE = ("balances", "details", "transactions")
# GoCardless's own bounds of an agreement (days).
MAX_HISTORY_DAYS = 730
MAX_ACCESS_DAYS = 180
# A requisition's status, by the consent statuses of the base.
REQUISITION_STATUSES = {
    "CR": "received",  # created
    "GC": "received",  # giving consent
    "UA": "received",  # undergoing authentication
    "SA": "received",  # selecting accounts
    "GA": "received",  # granting access
    "LN": "valid",  # linked
    "RJ": "rejected",
    "EX": "expired",
    "SU": "revokedByPsu",  # suspended
    "ID": "received",
    "IA": "received",
}
# HTTP statuses that mean the agreement or requisition is over (a suspended
# account, an expired agreement); a 401 that is not about the token, too
# (AccessExpiredError, AccountInactiveError).
CONSENT_STATUSES = {409: "expired", 428: "expired"}
# The largest number a rate-limit header is believed to carry.
MAX_HEADER_NUMBER = 10**9


@dataclass(frozen=True)
class Institution:
    """A bank GoCardless reaches, with what its agreements may ask for."""

    institution_id: str
    name: str
    bic: str | None
    countries: tuple
    transaction_total_days: int | None  # history the bank serves
    max_access_valid_for_days: int | None  # longest access


@dataclass(frozen=True)
class RateLimits:
    """The last rate-limit reading: None where the answer said nothing."""

    limit: int | None = None
    remaining: int | None = None
    reset_at: datetime | None = None
    account_limit: int | None = None
    account_remaining: int | None = None
    account_reset_at: datetime | None = None


def _header_number(headers, *names) -> int | None:
    """The first of ``names`` the headers carry, as a whole number; names are
    compared as GoCardless documents them (``HTTP_X_RATELIMIT_LIMIT``) and as
    they travel (``X-RateLimit-Limit``, any case)."""
    wanted = [name.upper().replace("-", "_").removeprefix("HTTP_") for name in names]
    found = {}
    for key, value in (headers or {}).items():
        found.setdefault(
            str(key).upper().replace("-", "_").removeprefix("HTTP_"), value
        )
    for name in wanted:
        value = str(found.get(name) or "").strip()
        if value.isdigit() and int(value) <= MAX_HEADER_NUMBER:
            return int(value)
    return None


def read_rate_limits(headers, now: datetime) -> RateLimits | None:
    """The rate limits an answer's headers tell, or None when they tell none."""
    limit = _header_number(headers, "HTTP_X_RATELIMIT_LIMIT")
    remaining = _header_number(headers, "HTTP_X_RATELIMIT_REMAINING")
    reset = _header_number(headers, "HTTP_X_RATELIMIT_RESET")
    account_limit = _header_number(headers, "HTTP_X_RATELIMIT_ACCOUNT_SUCCESS_LIMIT")
    account_remaining = _header_number(
        headers, "HTTP_X_RATELIMIT_ACCOUNT_SUCCESS_REMAINING"
    )
    account_reset = _header_number(headers, "HTTP_X_RATELIMIT_ACCOUNT_SUCCESS_RESET")
    values = (limit, remaining, reset, account_limit, account_remaining, account_reset)
    if all(value is None for value in values):
        return None
    return RateLimits(
        limit=limit,
        remaining=remaining,
        reset_at=now + timedelta(seconds=reset) if reset is not None else None,
        account_limit=account_limit,
        account_remaining=account_remaining,
        account_reset_at=now + timedelta(seconds=account_reset)
        if account_reset is not None
        else None,
    )


def rate_limit_wait(headers, now: datetime) -> float | None:
    """Seconds a 429 asks us to wait: Retry-After when sent, else the reset
    of the limit that is used up (an account's accesses of the day first)."""
    from_header = headers.get("Retry-After") if hasattr(headers, "get") else None
    if from_header is not None:
        seconds = http.parse_retry_after(from_header, now)
        if seconds is not None:
            return seconds
    account_remaining = _header_number(
        headers, "HTTP_X_RATELIMIT_ACCOUNT_SUCCESS_REMAINING"
    )
    account_reset = _header_number(headers, "HTTP_X_RATELIMIT_ACCOUNT_SUCCESS_RESET")
    remaining = _header_number(headers, "HTTP_X_RATELIMIT_REMAINING")
    reset = _header_number(headers, "HTTP_X_RATELIMIT_RESET")
    if account_reset is not None and (account_remaining == 0 or reset is None):
        return float(account_reset)
    if reset is not None and remaining in (0, None):
        return float(reset)
    return float(account_reset) if account_reset is not None else None


def _about_token(text: str) -> bool:
    """Whether a 401's text is about our token or secrets (not the bank's
    access): "Invalid token", "Token is invalid or expired", "Authentication
    credentials were not provided", "Authentication failed"."""
    text = (text or "").lower()
    return not text or "token" in text or "authentication" in text


def _days(value) -> int | None:
    """A number of days GoCardless gives as a number or as text ("540")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and math.isfinite(value) and value > 0:
        return min(int(value), 100_000)
    text = str(value or "").strip()
    if text.isdigit() and 0 < int(text) <= 100_000:
        return int(text)
    return None


class GoCardlessClient(base.BankClient):
    """The GoCardless Bank Account Data API (see the module docstring).
    ``client_id`` is the secret id, ``client_secret`` the secret key."""

    OPTIONS = {
        "institution_id": "",  # the bank, as GET /institutions/ names it
        "history_days": 90,  # the agreement's max_historical_days
        "access_days": 90,  # the agreement's access_valid_for_days
        "user_language": "",  # the language of GoCardless's pages (PL, EN)
    }

    def __init__(self, settings, budget, http=None, **options):
        settings.base_url = settings.base_url or DEFAULT_BASE_URL
        # GoCardless answers any range in one piece, and each call is one of
        # the account's few accesses a day: one window, never chunks.
        settings.max_window_days = max(settings.max_window_days, MAX_HISTORY_DAYS + 1)
        super().__init__(settings, budget, http, **options)
        self.http.retry_after_of = rate_limit_wait
        self.rate_limits: RateLimits | None = None
        # The agreement of the requisition last read (the Odoo glue keeps it).
        self.agreement_id: str | None = None
        self._requisition: dict | None = None

    # -- tokens ----------------------------------------------------------------

    def authenticate(self):
        """A new access token: from the refresh token when there is one (a
        refused refresh token falls back to the secrets), else the secrets."""
        if not self.tokens.refresh_token:
            return self._new_token()
        try:
            return self._refresh_token()
        except errors.AuthenticationError:
            # The refresh token expired (a month): the secrets start again.
            return self._new_token()

    def _new_token(self):
        if not self.settings.client_id or not self.settings.client_secret:
            raise errors.AuthenticationError(
                "GoCardless: set the secret id and secret key of the connection "
                "(GoCardless Bank Account Data portal, User secrets)."
            )
        body = self._call(
            "POST",
            "/token/new/",
            "token",
            json_body={
                "secret_id": self.settings.client_id,
                "secret_key": self.settings.client_secret,
            },
            authorized=False,
        )
        return self._keep_tokens(body)

    def _refresh_token(self):
        body = self._call(
            "POST",
            "/token/refresh/",
            "token",
            json_body={"refresh": self.tokens.refresh_token},
            authorized=False,
        )
        return self._keep_tokens(body)

    def _keep_tokens(self, body):
        """GoCardless's token answer (``access``, ``access_expires`` in
        seconds, ``refresh`` on a new token) in the base's OAuth2 terms."""
        body = helpers.as_dict(body, "token")
        return self._store_tokens(
            {
                "access_token": body.get("access"),
                "expires_in": body.get("access_expires"),
                "refresh_token": body.get("refresh"),
            },
            "refresh_token" if not body.get("refresh") else "client_credentials",
        )

    def sign_request(self, method, url, headers, body):
        signed = super().sign_request(method, url, headers, body)
        if not self.tokens.access_token or url.endswith(TOKEN_PATHS):
            return signed  # the token endpoints take the secrets, no token
        return {**signed, "Authorization": f"Bearer {self.tokens.access_token}"}

    def _token_refused(self, response) -> bool:
        """A 401 about the token (renewing it helps); GoCardless answers an
        account's ended access with 401 too (AccessExpiredError), which a
        new token does not cure."""
        return response.endpoint != "token" and _about_token(
            self._error_of(response)[1]
        )

    # -- requests and errors ---------------------------------------------------

    def _call(
        self,
        method,
        path,
        endpoint,
        *,
        params=None,
        json_body=None,
        ok=(200, 201),
        authorized=True,
    ):
        if authorized:
            self._ensure_token()
        url = self._url(API + path)

        def prepare():
            return {
                "method": method,
                "url": url,
                "params": params,
                "json_body": json_body,
                "headers": {},
            }

        response = self._send(prepare, endpoint=endpoint, renew_token=authorized)
        limits = read_rate_limits(response.headers, self._now())
        if limits is not None:
            self.rate_limits = limits
        self._raise_for_status(response, ok)
        return response.json() if response.content else {}

    def _raise_for_status(self, response, ok=(200,)):
        if response.status in ok:
            return
        summary, said = self._error_of(response)
        detail = self.http.redact(f"{response.endpoint}: HTTP {response.status}")
        said = self.http.redact(f" ({said[:300]})") if said else ""
        raise self._error(response.status, summary, detail, said)

    @staticmethod
    def _error_of(response):
        """(summary, summary and detail) of a GoCardless error answer
        (``summary``, ``detail``, ``status_code``; a field's errors nested
        under its name)."""
        try:
            body = response.json()
        except errors.BankResponseError:
            body = None
        if not isinstance(body, dict):
            return None, ""
        summary, detail = body.get("summary"), body.get("detail")
        if summary is None:  # {"field": {"summary": ..., "detail": ...}}
            nested = next((v for v in body.values() if isinstance(v, dict)), {})
            summary, detail = nested.get("summary"), nested.get("detail")
        summary = str(summary or "")[:200]
        text = ": ".join(str(part)[:300] for part in (summary, detail) if part)
        return summary or None, text

    def _error(self, status, code, detail, said):
        if status in CONSENT_STATUSES:
            return errors.ConsentError(
                f"{detail}: GoCardless ended the access to the bank{said}; renew "
                "it (Renew Consent) to approve a new agreement at the bank.",
                status=CONSENT_STATUSES[status],
            )
        if status == 401 and not _about_token(said):
            return errors.ConsentError(
                f"{detail}: GoCardless no longer reaches the account{said}; the "
                "access expired or was revoked at the bank: renew it (Renew "
                "Consent) to approve a new agreement.",
                status="expired",
            )
        if status == 401:
            return errors.AuthenticationError(
                f"{detail}: GoCardless refused the token{said}; check the secret "
                "id and secret key (GoCardless Bank Account Data portal, User "
                "secrets)."
            )
        if status == 403:
            return errors.ConsentError(
                f"{detail}: GoCardless refused the access to the account{said}; "
                "renew it (Renew Consent).",
                status="rejected",
            )
        if status == 400 and "date" in said.lower():
            return errors.PeriodInvalid(
                f"{detail}: the bank refused the date range{said}; ask for a "
                "shorter or more recent period."
            )
        return errors.BankApiError(f"{detail}: GoCardless refused the request{said}.")

    def _requisition_id(self) -> str:
        if not self.settings.consent_id:
            raise errors.ConsentError(
                "GoCardless: the connection has no requisition yet; click "
                "Connect to approve the access at the bank.",
                status="invalid",
            )
        return self.settings.consent_id

    # -- the bank list -----------------------------------------------------------

    def list_institutions(self, country: str) -> list[Institution]:
        """The banks of ``country`` (ISO 3166 alpha-2) GoCardless reaches."""
        body = self._call(
            "GET", "/institutions/", "institutions", params={"country": country}
        )
        return [
            self._parse_institution(helpers.as_dict(raw, "institutions[]"))
            for raw in helpers.as_list(body, "institutions")
        ]

    @staticmethod
    def _parse_institution(raw) -> Institution:
        institution_id, name = base.text(raw.get("id")), base.text(raw.get("name"))
        if not institution_id or not name:
            raise errors.BankResponseError("institutions: a bank without id or name")
        countries = raw.get("countries")
        return Institution(
            institution_id=institution_id[:200],
            name=name[:200],
            bic=(base.text(raw.get("bic")) or "")[:20] or None,
            countries=tuple(str(c)[:2].upper() for c in countries)
            if isinstance(countries, list)
            else (),
            transaction_total_days=_days(raw.get("transaction_total_days")),
            max_access_valid_for_days=_days(raw.get("max_access_valid_for_days")),
        )

    # -- consent: agreement and requisition --------------------------------------

    def _agreement_days(self, valid_until):
        history = _days(self.option("history_days")) or 90
        access = _days(self.option("access_days"))
        if access is None and valid_until is not None:
            access = (valid_until - self.today()).days + 1
        return (
            max(1, min(history, MAX_HISTORY_DAYS)),
            max(1, min(access or 90, MAX_ACCESS_DAYS)),
        )

    def start_authorization(self, redirect_uri, state, valid_until, frequency_per_day):
        institution_id = self.option("institution_id")
        if not institution_id:
            raise errors.BankApiError(
                "GoCardless: choose the bank of the connection (Load Banks, then "
                "Bank) before connecting."
            )
        history, access = self._agreement_days(valid_until)
        agreement = helpers.as_dict(
            self._call(
                "POST",
                "/agreements/enduser/",
                "agreements",
                json_body={
                    "institution_id": institution_id,
                    "max_historical_days": history,
                    "access_valid_for_days": access,
                    # Least privilege: details (the account) always, balances
                    # and transactions as the connection's scopes ask.
                    "access_scope": [
                        scope
                        for scope in ACCESS_SCOPE
                        if scope == "details" or scope in self.settings.scopes
                    ],
                },
            ),
            "agreements",
        )
        agreement_id = base.text(agreement.get("id"))
        if not agreement_id:
            raise errors.BankResponseError("agreements: the answer has no id")
        body = {
            "redirect": base.with_query(redirect_uri, state=state),
            "institution_id": institution_id,
            "agreement": agreement_id,
            # Unique per requisition at GoCardless; comes back as ``ref``.
            "reference": state or f"odoo-{self._now().timestamp():.0f}",
        }
        if self.option("user_language"):
            body["user_language"] = str(self.option("user_language"))[:2].upper()
        requisition = helpers.as_dict(
            self._call("POST", "/requisitions/", "requisitions", json_body=body),
            "requisitions",
        )
        requisition_id = base.text(requisition.get("id"))
        link = base.text(requisition.get("link"))
        if not requisition_id or not link:
            raise errors.BankResponseError("requisitions: the answer has no id or link")
        return model.Consent(
            consent_id=requisition_id,
            status=REQUISITION_STATUSES.get(str(requisition.get("status")), "received"),
            valid_until=self.today() + timedelta(days=access - 1),
            frequency_per_day=frequency_per_day,
            sca_redirect=link,
        )

    def create_consent(self, valid_until, frequency_per_day):
        return self.start_authorization(
            self.settings.tpp_redirect_uri or "", None, valid_until, frequency_per_day
        )

    def complete_authorization(self, params: dict):
        """Back from the bank's page: the requisition tells how it went (a
        customer who refused comes back with ``error``)."""
        consent = self.get_consent()
        if consent.status != "valid" and params.get("error"):
            # Refused or cancelled at the bank: the requisition may not say yet.
            return dataclasses.replace(consent, status="rejected")
        return consent

    def _read_requisition(self) -> dict:
        body = helpers.as_dict(
            self._call(
                "GET", f"/requisitions/{self._requisition_id()}/", "requisitions"
            ),
            "requisitions",
        )
        self._requisition = body
        self.agreement_id = base.text(body.get("agreement"))
        return body

    def get_consent(self):
        requisition = self._read_requisition()
        status = REQUISITION_STATUSES.get(str(requisition.get("status")), "rejected")
        valid_until = None
        if self.agreement_id:
            valid_until = self._agreement_end(self.agreement_id)
            if status == "valid" and valid_until and valid_until < self.today():
                status = "expired"
        return model.Consent(
            consent_id=self.settings.consent_id,
            status=status,
            valid_until=valid_until,
        )

    def _agreement_end(self, agreement_id) -> date | None:
        """The last day of an accepted agreement's access."""
        body = helpers.as_dict(
            self._call("GET", f"/agreements/enduser/{agreement_id}/", "agreements"),
            "agreements",
        )
        accepted = helpers.parse_date(body.get("accepted"), "agreements", "accepted")
        days = _days(body.get("access_valid_for_days"))
        if accepted is None or days is None:
            return None
        return accepted + timedelta(days=days - 1)

    def delete_consent(self):
        if self.settings.consent_id:
            self._call(
                "DELETE",
                f"/requisitions/{self.settings.consent_id}/",
                "requisitions",
                ok=(200, 204),
            )

    # -- accounts and balances -----------------------------------------------------

    def list_accounts(self):
        requisition = self._requisition or self._read_requisition()
        accounts = []
        for account_id in helpers.as_list(
            requisition.get("accounts"), "requisitions: accounts"
        ):
            account_id = base.text(account_id)
            if not account_id:
                continue
            body = helpers.as_dict(
                self._call("GET", f"/accounts/{account_id}/details/", "accounts"),
                "accounts",
            )
            accounts.append(self._parse_account(body, account_id))
        return accounts

    @staticmethod
    def _parse_account(body, account_id) -> model.Account:
        raw = body.get("account") if isinstance(body.get("account"), dict) else {}
        return model.Account(
            resource_id=account_id[:200],
            iban=base.text(raw.get("iban")),
            currency=(base.text(raw.get("currency")) or "")[:3].upper(),
            name=base.text(raw.get("name") or raw.get("product")),
            owner_name=base.text(raw.get("ownerName")),
        )

    def get_balances(self, account):
        body = helpers.as_dict(
            self._call("GET", f"/accounts/{account.resource_id}/balances/", "balances"),
            "balances",
        )
        balances = []
        for raw in helpers.as_list(body.get("balances"), "balances"):
            raw = helpers.as_dict(raw, "balances[]")
            amount = raw.get("balanceAmount")
            amount = amount if isinstance(amount, dict) else {}
            balances.append(
                model.Balance(
                    balance_type=str(raw.get("balanceType") or "other")[:40],
                    amount=helpers.parse_amount(
                        amount.get("amount"), "balances", "balanceAmount.amount"
                    ),
                    currency=(base.text(amount.get("currency")) or account.currency)[
                        :3
                    ],
                    reference_date=helpers.parse_date(
                        raw.get("referenceDate"), "balances", "referenceDate"
                    ),
                )
            )
        return balances

    # -- transactions ----------------------------------------------------------------

    def _iter_window(self, account, window_from, window_to, status):
        """GoCardless answers a window in one piece: ``transactions.booked``
        and ``transactions.pending``, no paging."""
        params = {
            "date_from": window_from.isoformat(),
            "date_to": window_to.isoformat(),
        }
        self.pages_read += 1
        body = helpers.as_dict(
            self._call(
                "GET",
                f"/accounts/{account.resource_id}/transactions/",
                "transactions",
                params=params,
            ),
            "transactions",
        )
        lists = helpers.as_dict(body.get("transactions") or {}, "transactions")
        wanted = ("booked", "pending") if status == "both" else (status,)
        for state in wanted:
            where = f"transactions.{state}"
            for raw in helpers.as_list(lists.get(state), where):
                transaction = self._kept(
                    self._parse_transaction, raw, where, account, state
                )
                if transaction is not None:
                    yield transaction

    def _parse_transaction(self, raw, account, state):
        raw = helpers.as_dict(raw, "transaction")
        money = raw.get("transactionAmount")
        money = money if isinstance(money, dict) else {}
        amount = helpers.parse_amount(
            money.get("amount"), "transaction", "transactionAmount.amount"
        )
        incoming = amount >= 0
        party = "debtor" if incoming else "creditor"
        where_from = raw.get(f"{party}Account")
        where_from = where_from if isinstance(where_from, dict) else {}
        remittance = raw.get("remittanceInformationUnstructured")
        if not remittance:
            parts = raw.get("remittanceInformationUnstructuredArray")
            if isinstance(parts, list):
                remittance = " ".join(str(part) for part in parts if part)
        exchange = raw.get("currencyExchange")
        if isinstance(exchange, list):
            exchange = exchange[0] if exchange else None
        exchange = exchange if isinstance(exchange, dict) else {}
        original = None
        if exchange.get("instructedAmount") and isinstance(
            exchange["instructedAmount"], dict
        ):
            original = exchange["instructedAmount"]
        return model.Transaction(
            status=model.BOOKED if state == "booked" else model.PENDING,
            amount=amount,
            currency=(base.text(money.get("currency")) or account.currency)[:3],
            booking_date=helpers.parse_date(
                raw.get("bookingDate"), "transaction", "bookingDate"
            ),
            value_date=helpers.parse_date(
                raw.get("valueDate") or raw.get("bookingDate"),
                "transaction",
                "valueDate",
            ),
            transaction_id=base.text(raw.get("transactionId")),
            entry_reference=base.text(
                raw.get("internalTransactionId") or raw.get("entryReference")
            ),
            end_to_end_id=base.text(raw.get("endToEndId")),
            counterparty_name=base.text(raw.get(f"{party}Name")),
            counterparty_iban=base.text(where_from.get("iban")),
            remittance=str(remittance or "").strip(),
            bank_transaction_code=base.text(raw.get("bankTransactionCode")),
            proprietary_code=base.text(raw.get("proprietaryBankTransactionCode")),
            original_amount=helpers.parse_amount(
                original.get("amount"), "transaction", "instructedAmount"
            )
            if original and original.get("amount") is not None
            else None,
            original_currency=base.text(original.get("currency")) if original else None,
            raw=raw,
        )


registry.register("gocardless", GoCardlessClient)
