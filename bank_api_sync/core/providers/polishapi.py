"""PolishAPI (the Polish PSD2 standard) account information client.

Every call is a POST of a JSON envelope whose ``requestHeader`` carries
``requestId`` (a UUID version 1, also sent as the ``X-REQUEST-ID`` header,
which the standard requires to be equal), ``userAgent``, ``ipAddress``,
``sendDate``, ``tppId``, the access ``token`` and ``isDirectPsu``; the
authorisation calls carry ``isCompanyContext`` instead of the token.
Paths are ``/{version}/{service}/{version}/{operation}``, the version a
setting (option ``version``), by default that of the published PolishAPI
2.1.1 specification: ``/v2_1_1.1/accounts/v2_1_1.1/getTransactionsDone``.
Operations and field names are checked against that specification's
Swagger file. Its date-times are RFC 3339 ``date-time``: ``sendDate`` and the
consent's end (``scopeTimeLimit``) are sent with their UTC offset.

* accounts: ``getAccounts`` (paged) then ``getAccount`` per account, which
  gives the currency and the balances (``bookingBalance`` is reported as
  closingBooked, ``availableBalance`` as interimAvailable);
* transactions: ``getTransactionsDone`` (booked, filtered on the booking
  date) and ``getTransactionsPending`` (filtered on the transaction date),
  paged with ``pageId``/``perPage`` and ``pageInfo.nextPage``; amounts come
  unsigned with ``transactionCategory`` CREDIT/DEBIT;
* holds (card and other blockades on the available funds): ``getHolds``
  (``iter_holds``), filtered on the transaction date;
* consent: ``authorize`` (the PSU is redirected to ``aspspRedirectUri``),
  then ``exchange_code`` with the code the bank sends back, then refresh
  tokens; ``deleteConsent`` ends it. PolishAPI has no consent-status
  endpoint: ``get_consent`` reports what the last token answer said
  (``scope_details``).
* payments: ``initiate_domestic`` / ``initiate_bundle`` and ``get_payment``
  / ``get_bundle``, with the connection's token or, for a bank that wants
  each payment authorised by the customer, the payment's own:
  ``authorize_payment`` (``scope`` pis, the payment in the privilege list)
  sends the customer to the bank, ``payment_token`` trades the code they
  come back with for that token (the connection's tokens are left alone).

Message signing: banks require a detached JWS (RFC 7515, appendix F) of the
body in ``X-JWS-SIGNATURE``, made with the TPP's eIDAS seal certificate: with
a QSealC in ``settings.seal`` every request carries one (core/jws.py: RS256
or ES256, ``kid`` and ``x5c`` of the seal). A bank whose details differ is
served by ``jws_signer=callable(body: bytes) -> str``, which takes precedence.
An answer that carries ``X-JWS-SIGNATURE`` is verified before it is read:
with the bank's certificate (option ``bank_certificate``, PEM) when set,
else with the one the signature carries; a signature that does not hold is
``jws.SignatureInvalid``, logged, and the answer is not used.

Versions covered: 2.1.1 (``v2_1_1.1``, the default) and 2.1.2 (``v2_1_2.1``),
each checked against its published Swagger file; another path version a
bank documents is used as given (``VERSIONS``).

Options: ``version`` (the path version, ``v2_1_1.1``), ``tpp_id`` (the TPP
identifier of the envelope, the client id when unset),
``company_context`` (authorisation for a company's accounts) and
``bank_certificate`` (the bank's signing certificate, PEM).
"""

import functools
import json
import logging
import random
import re
import uuid
from collections.abc import Iterator
from datetime import date, datetime, time, timezone
from decimal import Decimal

from cryptography import x509

from .. import jws
from ..certificates import CertificateInvalid
from ..errors import (
    AuthenticationError,
    BankApiError,
    BankResponseError,
    ConsentError,
    ConsentRefused,
)
from ..model import BOOKED, PENDING, Account, Balance, Consent, Tokens, Transaction
from .base import BankClient, text
from .helpers import as_dict, as_list, parse_amount, parse_date
from .registry import register

_logger = logging.getLogger(__name__)

# The path version of the published PolishAPI 2.1.1 specification.
DEFAULT_VERSION = "v2_1_1.1"
# The versions whose published specification the conformance tests check
# this client against (tests/core/test_conformance_polishapi.py): path
# version -> the standard's version. Another path version a bank documents
# (option ``version``) is used as given, unchecked.
VERSIONS = {"v2_1_1.1": "2.1.1", "v2_1_2.1": "2.1.2"}
# What a path version may be: it becomes part of every URL path.
VERSION_PATTERN = re.compile(r"v[0-9A-Za-z][0-9A-Za-z_.]{0,19}")


def date_time(moment: datetime) -> str:
    """An RFC 3339 date-time with milliseconds and its UTC offset."""
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds")


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


def _name(name_address) -> str | None:
    """The text of a ``NameAddress`` (its lines joined)."""
    lines = name_address.get("value") if isinstance(name_address, dict) else None
    return " ".join(str(line).strip() for line in lines or () if line) or None


def _party(raw) -> tuple[str | None, str | None]:
    if not isinstance(raw, dict):
        return None, None
    return _name(raw.get("nameAddress")), account_iban(text(raw.get("accountNumber")))


def parse_item(raw, status: str, currency: str, where: str) -> Transaction:
    """One PolishAPI ``TransactionInfo`` / ``TransactionPendingInfo``."""
    raw = as_dict(raw, where)
    item_id = text(raw.get("itemId"))
    if not item_id:
        raise BankResponseError(f"{where}: itemId is missing")
    amount = parse_amount(raw.get("amount"), where, "amount")
    category = text(raw.get("transactionCategory"))
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
        currency=(text(raw.get("currency")) or currency).upper(),
        booking_date=booking_date if status == BOOKED else None,
        value_date=trade_date,
        transaction_id=item_id,
        counterparty_name=name,
        counterparty_iban=iban,
        remittance=str(raw.get("description") or "").strip(),
        proprietary_code=text(raw.get("transactionType")),
        raw=raw,
    )


def parse_hold(raw, currency: str, where: str) -> Transaction:
    """One PolishAPI ``HoldInfo``: money held on the account, not booked yet
    (a hold is always a debit: the specification gives no category)."""
    raw = as_dict(raw, where)
    item_id = text(raw.get("itemId"))
    if not item_id:
        raise BankResponseError(f"{where}: itemId is missing")
    amount = -abs(parse_amount(raw.get("amount"), where, "amount"))
    name, iban = _party(raw.get("recipient"))
    return Transaction(
        status=PENDING,
        amount=amount,
        currency=(text(raw.get("currency")) or currency).upper(),
        booking_date=None,
        value_date=parse_date(raw.get("tradeDate"), where, "tradeDate"),
        transaction_id=item_id,
        counterparty_name=name or _name(raw.get("initiator")),
        counterparty_iban=iban,
        remittance=str(raw.get("description") or "").strip(),
        proprietary_code=text(raw.get("transactionType")),
        raw=raw,
    )


class PolishApiClient(BankClient):
    OPTIONS = {
        "version": DEFAULT_VERSION,
        "tpp_id": None,
        "company_context": True,
        # The bank's signing certificate (PEM) its answers are checked with.
        "bank_certificate": None,
    }

    def __init__(self, settings, budget, http=None, *, jws_signer=None, **options):
        super().__init__(settings, budget, http, **options)
        self.jws_signer = jws_signer
        self.scope_details = None  # from the last token answer
        self._node = random.SystemRandom().getrandbits(48) | (1 << 40)  # no MAC in ids

    # -- plumbing ------------------------------------------------------------

    def path(self, service: str, operation: str) -> str:
        version = str(self.option("version"))
        if not VERSION_PATTERN.fullmatch(version) or ".." in version:
            raise ValueError(
                f"PolishAPI: the version {version[:40]!r} is not a path version "
                "(v followed by up to 20 letters, digits, _ or ., as v2_1_1.1)."
            )
        return f"/{version}/{service}/{version}/{operation}"

    def new_request_id(self) -> str:
        """A UUID version 1, as the standard requires (with a random node
        instead of this machine's MAC address)."""
        return str(uuid.uuid1(node=self._node))

    def sign_request(self, method, url, headers, body) -> dict:
        """X-JWS-SIGNATURE over ``body``: the hook (see the module doc)."""
        signed = super().sign_request(method, url, headers, body)
        if self.jws_signer:
            signed["X-JWS-SIGNATURE"] = self.jws_signer(body)
        elif self.settings.seal is not None:
            signed["X-JWS-SIGNATURE"] = jws.sign_detached(self.settings.seal, body)
        return signed

    def _check_answer_signature(self, response):
        """Verify the bank's X-JWS-SIGNATURE of an answer that carries one."""
        headers = {name.lower(): value for name, value in response.headers.items()}
        value = headers.get("x-jws-signature")
        if not value:
            return
        try:
            jws.verify_detached(
                value, response.content, self._bank_certificate, response.endpoint
            )
        except jws.SignatureInvalid as error:
            _logger.warning(
                "bank answer refused: %s (X-Request-ID %s)", error, response.request_id
            )
            raise

    @functools.cached_property
    def _bank_certificate(self):
        pem = self.option("bank_certificate")
        if not pem:
            return None
        try:
            return x509.load_pem_x509_certificate(pem.encode())
        except ValueError:
            raise CertificateInvalid(
                "PolishAPI: the bank's signing certificate is not a PEM "
                "certificate; paste it again (-----BEGIN CERTIFICATE----- ...)."
            ) from None

    def _request_header(
        self, request_id: str, authorisation: bool, with_token: bool = True
    ) -> dict:
        settings = self.settings
        header = {
            "requestId": request_id,
            "userAgent": settings.psu_user_agent or "bank_api_sync",
            "sendDate": date_time(self._now()),
            "tppId": self.option("tpp_id") or settings.client_id,
        }
        if settings.psu_ip_address:
            header["ipAddress"] = settings.psu_ip_address
        if authorisation:
            header["isCompanyContext"] = bool(self.option("company_context"))
        elif with_token:
            header["token"] = self.tokens.access_token
            header["isDirectPsu"] = bool(settings.user_present)
        return header

    def _post(
        self,
        service,
        operation,
        fields,
        *,
        endpoint,
        authorisation=False,
        envelope=True,
        with_token=True,
        ok=(200, 201),
        request_id=None,
        token=None,
    ):
        """POST one request; renews the token once on HTTP 401. ``envelope``:
        the body carries a ``requestHeader`` (every operation but 2.1.1's
        ``deleteConsent``); ``authorisation``: an authorisation operation,
        sent without the access token; ``with_token``: off for an operation
        sent without the access token but not an authorisation one;
        ``request_id``: the same requestId for every attempt (a payment's, see
        ``stable_request_id``) instead of a new one each time; ``token``: the
        access token of a payment's own authorisation (``payment_token``)
        instead of the connection's, never renewed."""
        with_token = with_token and not authorisation
        if with_token and token is None:
            self._ensure_token()
        url = self._url(self.path(service, operation))

        def prepare():
            body = {}
            attempt_id = request_id or self.new_request_id()
            if envelope:
                body["requestHeader"] = self._request_header(
                    attempt_id, authorisation, with_token
                )
                if with_token and token is not None:
                    body["requestHeader"]["token"] = token
            body.update(
                {name: value for name, value in fields.items() if value is not None}
            )
            headers = {
                "Content-Type": "application/json",
                "Accept-Encoding": "gzip",
                "Accept-Language": "pl",
                "Accept-Charset": "utf-8",
            }
            if with_token:
                bearer = self.tokens.access_token if token is None else token
                headers["Authorization"] = f"Bearer {bearer}"
            return {
                "method": "POST",
                "url": url,
                "data": json.dumps(body).encode("utf-8"),
                "headers": headers,
                "request_id": attempt_id,
            }

        response = self._send(
            prepare, endpoint=endpoint, renew_token=with_token and token is None
        )
        self._check_answer_signature(response)
        self._raise_for_status(response, ok)
        return as_dict(response.json(), endpoint) if response.content else {}

    def _error(self, status, code, detail, said):
        if status == 403:
            return ConsentError(
                f"{detail}{said}: the consent does not allow this; a person must "
                "renew it.",
                status="invalid",
            )
        if status == 401:
            return AuthenticationError(
                f"{detail}{said}: the bank refused our access token; authorise "
                "the connection again."
            )
        return super()._error(status, code, detail, said)

    # -- authorisation -------------------------------------------------------

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
        tokens = self._store_tokens(body, fields["grant_type"])
        details = body.get("scope_details")
        if isinstance(details, dict):
            self.scope_details = details
            if text(details.get("consentId")):
                self.settings.consent_id = text(details.get("consentId"))
        return tokens

    def start_authorization(
        self, redirect_uri, state, valid_until, frequency_per_day
    ) -> Consent:
        """``authorize`` with ``state`` in its own field (OAuth2)."""
        self.settings.tpp_redirect_uri = redirect_uri
        return self._authorize(valid_until, frequency_per_day, state)

    def complete_authorization(self, params: dict) -> Consent:
        """The bank sent the customer back with an authorisation ``code``:
        trade it for tokens, which confirm the consent. Without one: the
        customer refused or cancelled (``error=access_denied``,
        ``ConsentRefused``), or the bank failed (``AuthenticationError``)."""
        code = text(params.get("code"))
        if not code and text(params.get("error")) == "access_denied":
            raise ConsentRefused(
                "The customer refused or cancelled the consent at the bank's "
                "page (access_denied): nothing was authorised."
            )
        if not code:
            raise AuthenticationError(
                "The bank sent the customer back without an authorisation code "
                f"({text(params.get('error')) or 'no reason given'})."
            )
        self.exchange_code(code)
        return self.get_consent()

    def create_consent(self, valid_until: date, frequency_per_day: int) -> Consent:
        """Start the authorisation; the PSU must open ``sca_redirect``.

        PolishAPI has no frequencyPerDay: ``throttlingPolicy`` psd2Regulatory
        means the regulatory four unattended accesses a day.
        """
        return self._authorize(valid_until, frequency_per_day, uuid.uuid4().hex)

    def _authorize(self, valid_until, frequency_per_day, state) -> Consent:
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
        # Least privilege: the account details (balances) and the
        # transactions only when the connection's scopes ask for them; with
        # neither, the account list alone (scope ais-accounts).
        scopes = self.settings.scopes
        privileges = {"ais-accounts:getAccounts": {"scopeUsageLimit": "multiple"}}
        if scopes:
            privileges["ais:getAccount"] = {"scopeUsageLimit": "multiple"}
        if "transactions" in scopes:
            privileges.update(
                {
                    "ais:getTransactionsDone": history,
                    "ais:getTransactionsPending": history,
                    "ais:getHolds": history,
                }
            )
        scope = "ais" if scopes else "ais-accounts"
        body = self._post(
            "auth",
            "authorize",
            {
                "response_type": "code",
                "client_id": self.settings.client_id,
                "redirect_uri": self.settings.tpp_redirect_uri,
                "scope": scope,
                "scope_details": {
                    "privilegeList": [privileges],
                    "scopeGroupType": scope,
                    "consentId": consent_id,
                    "scopeTimeLimit": date_time(
                        datetime.combine(valid_until, time(23, 59, 59), timezone.utc)
                    ),
                    "throttlingPolicy": "psd2Regulatory",
                },
                "state": state or uuid.uuid4().hex,
            },
            endpoint="authorize",
            authorisation=True,
        )
        redirect = text(body.get("aspspRedirectUri"))
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

    def delete_consent(self) -> None:
        """``deleteConsent``: the bank forgets the consent (answer 204),
        without the access token. PolishAPI 2.1.1 gives this operation a body
        of the consent id alone; 2.1.2 (and later) adds the request envelope
        without the token (``RequestHeaderWithoutToken``)."""
        consent_id = self.settings.consent_id
        if not consent_id:
            return
        self._post(
            "accounts",
            "deleteConsent",
            {"consentId": consent_id},
            endpoint="consent",
            envelope=self.option("version") != "v2_1_1.1",
            with_token=False,
            ok=(200, 204),
        )

    # -- accounts ------------------------------------------------------------

    def _pages(self, operation, fields, *, endpoint, key):
        """(page, index, item) of every item of a paged operation."""

        def fetch(page_id, page):
            body = self._post(
                "accounts",
                operation,
                {**fields, "pageId": page_id, "perPage": int(self.settings.page_size)},
                endpoint=endpoint,
            )
            info = body.get("pageInfo")
            return body, text(info.get("nextPage")) if isinstance(info, dict) else None

        for page, body in self._paged(endpoint, fetch):
            items = as_list(body.get(key), f"{endpoint} page {page}.{key}")
            for index, item in enumerate(items):
                yield page, index, item

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
            number = text(as_dict(raw, where).get("accountNumber"))
            if not number:
                raise BankResponseError(f"{where}: accountNumber is missing")
            info = self._account_info(number)
            currency = text(info.get("currency"))
            if not currency:
                raise BankResponseError(f"account {number[-4:]}: currency is missing")
            owner = info.get("nameAddress")
            owner_lines = owner.get("value") if isinstance(owner, dict) else None
            accounts.append(
                Account(
                    resource_id=number,
                    iban=account_iban(number),
                    currency=currency.upper(),
                    name=text(info.get("accountNameClient"))
                    or text(info.get("accountTypeName"))
                    or text(raw.get("accountTypeName")),
                    owner_name=" ".join(owner_lines) if owner_lines else None,
                )
            )
        return accounts

    def get_balances(self, account: Account) -> list[Balance]:
        info = self._account_info(account.resource_id)
        where = f"account {account.resource_id[-4:]}"
        currency = (text(info.get("currency")) or account.currency).upper()
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
                transaction = self._kept(
                    parse_item, raw, where, BOOKED, account.currency, where
                )
                if transaction is not None:
                    yield transaction
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
                transaction = self._kept(
                    parse_item, raw, where, PENDING, account.currency, where
                )
                if transaction is not None:
                    yield transaction

    def iter_holds(
        self, account: Account, date_from: date, date_to: date
    ) -> Iterator[Transaction]:
        """The account's holds (blockades on its available funds) whose
        transaction date is in the window, as pending debits, across pages
        and chunks."""
        for window_from, window_to in self.windows(date_from, date_to):
            fields = {
                "accountNumber": account.resource_id,
                "transactionDateFrom": window_from.isoformat(),
                "transactionDateTo": window_to.isoformat(),
            }
            for page, index, raw in self._pages(
                "getHolds", fields, endpoint="holds", key="holds"
            ):
                yield parse_hold(raw, account.currency, f"holds page {page} [{index}]")

    # -- payments (PIS) ------------------------------------------------------
    # The bodies are the caller's (bank_api_sync_payment); this client adds
    # the requestHeader, the token, the JWS signature and a requestId kept
    # across retries, so that the bank sees one request however often it is
    # sent (with ``tppTransactionId`` / ``tppBundleId``, the standard's
    # idempotency keys).
    #
    # A bank that wants the customer to authorise each payment (PolishAPI's
    # ``pis`` scope) is asked first with ``authorize_payment``: the payment
    # goes in ``scope_details.privilegeList`` (``pis:domestic`` or
    # ``pis:bundle``, with ``pis:getPayment`` / ``pis:getBundle`` for its
    # status), the customer approves it at ``aspspRedirectUri``, and the code
    # the bank sends back is traded for that payment's own access token
    # (``payment_token``), which the initiation and the status calls then
    # carry (``token``) instead of the connection's.

    def authorize_payment(
        self, privileges: dict, redirect_uri: str, state: str, valid_until: date
    ) -> str:
        """``authorize`` with ``scope`` pis for one payment (or bundle):
        ``privileges`` is the ``privilegeList`` entry; returns the bank's page
        where the customer approves it (``aspspRedirectUri``)."""
        body = self._post(
            "auth",
            "authorize",
            {
                "response_type": "code",
                "client_id": self.settings.client_id,
                "redirect_uri": redirect_uri,
                "scope": "pis",
                "scope_details": {
                    "privilegeList": [privileges],
                    "scopeGroupType": "pis",
                    "consentId": str(uuid.uuid4()),
                    "scopeTimeLimit": date_time(
                        datetime.combine(valid_until, time(23, 59, 59), timezone.utc)
                    ),
                    "throttlingPolicy": "psd2Regulatory",
                },
                "state": state,
            },
            endpoint="authorize payment",
            authorisation=True,
        )
        redirect = text(body.get("aspspRedirectUri"))
        if not redirect:
            raise BankResponseError("authorize: the answer has no aspspRedirectUri")
        return redirect

    def payment_token(self, params: dict, redirect_uri: str) -> str:
        """The customer is back from the bank's page of a payment's
        authorisation: its ``code`` traded for the payment's access token,
        returned and not kept as the connection's tokens (which stay those of
        its account information consent). ``error=access_denied``:
        ``ConsentRefused``."""
        code = text(params.get("code"))
        if not code and text(params.get("error")) == "access_denied":
            raise ConsentRefused(
                "The customer refused or cancelled the payment at the bank's "
                "page (access_denied): nothing was paid."
            )
        if not code:
            raise AuthenticationError(
                "The bank sent the customer back without an authorisation code "
                f"({text(params.get('error')) or 'no reason given'})."
            )
        self.http.add_secret(code)
        body = self._post(
            "auth",
            "token",
            {
                "grant_type": "authorization_code",
                "Code": code,
                "redirect_uri": redirect_uri,
                "client_id": self.settings.client_id,
                "is_user_session": bool(self.settings.user_present),
                "user_ip": self.settings.psu_ip_address,
                "user_agent": self.settings.psu_user_agent,
            },
            endpoint="payment token",
            authorisation=True,
        )
        access = text(body.get("access_token"))
        if not access:
            raise BankResponseError("token: the answer has no access_token")
        self.http.add_secret(access, text(body.get("refresh_token")))
        return access

    def initiate_domestic(self, fields: dict, request_id: str, token=None) -> dict:
        """``payments/domestic``: one domestic transfer (``DomesticRequest``);
        the answer has ``paymentId`` and ``generalStatus``."""
        return self._post(
            "payments",
            "domestic",
            fields,
            endpoint="payments domestic",
            request_id=request_id,
            token=token,
        )

    def initiate_bundle(self, fields: dict, request_id: str, token=None) -> dict:
        """``payments/bundle``: several transfers at once (``BundleRequest``);
        the answer has ``bundleId`` and ``bundleStatus``."""
        return self._post(
            "payments",
            "bundle",
            fields,
            endpoint="payments bundle",
            request_id=request_id,
            token=token,
        )

    def get_payment(self, payment_id: str, token=None) -> dict:
        return self._post(
            "payments",
            "getPayment",
            {"paymentId": payment_id},
            endpoint="payments getPayment",
            token=token,
        )

    def get_bundle(self, bundle_id: str, token=None) -> dict:
        return self._post(
            "payments",
            "getBundle",
            {"bundleId": bundle_id, "transactionsIncluded": True},
            endpoint="payments getBundle",
            token=token,
        )


def stable_request_id(key: str) -> str:
    """A requestId in the UUID version 1 form the standard asks for, the same
    for every attempt with ``key`` (a payment's idempotency key)."""
    digest = uuid.uuid5(uuid.NAMESPACE_URL, f"polishapi-request:{key}")
    return str(uuid.UUID(bytes=digest.bytes, version=1))


register("polishapi", PolishApiClient)
