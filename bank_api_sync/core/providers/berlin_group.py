"""Berlin Group NextGenPSD2 (XS2A) account information client.

Headers as the v1.3.11 OpenAPI file of the standard asks them:

* ``X-Request-ID`` on every call (``BankHttp``);
* ``Consent-ID`` on account calls;
* ``PSU-IP-Address``: on account and consent-status calls only when a person
  started the run (the file's "conditional for AIS": present if and only if
  the PSU initiated the request; banks count the calls without it against
  the consent's ``frequencyPerDay``); on consent creation always (mandatory
  there): the person's address, or without one the address we call the bank
  from (option ``tpp_ip_address``, else the local address of the route to
  the bank), as the file says. Its format is IPv4: an IPv4-mapped IPv6
  address is sent as the IPv4 it maps; another IPv6 address cannot be
  written in that format, so ours is sent in its place;
* ``PSU-User-Agent`` with the person's browser whenever a person is there;
* ``TPP-Redirect-URI`` on consent creation, whenever we know where the bank
  should send the customer back (the file recommends always sending it), and
  ``TPP-Nok-Redirect-URI`` for where to send them when the SCA failed or was
  refused: ``start_authorization`` gives both the same ``state`` (the nok
  one with ``result=nok`` added); ``complete_authorization`` then asks the
  consent's status, which says how it went whatever the page returned to.
* OAuth SCA (the approach some banks use instead): the consent's
  ``_links.scaOAuth`` names the bank's OAuth2 server metadata; the customer
  is sent to its ``authorization_endpoint`` (``response_type=code``,
  ``scope=AIS:<consentId>``, ``state``, the bare ``redirect_uri``) and comes
  back with a ``code``, traded at ``token_path`` for the tokens of the
  consent (``grant_type=authorization_code``) before its status is asked.

* OAuth2 client credentials at ``token_path`` (HTTP Basic client
  authentication) before the first call, unless the bank has no such step
  (option ``client_credentials`` off: the bank identifies us by our
  certificate, and no Authorization header is sent); refresh tokens used
  when the bank gives them; a 401 TOKEN_EXPIRED / TOKEN_INVALID renews the
  token once and repeats the call.
* Transactions: the window is cut into chunks of ``max_window_days``, its
  start clamped to ``today - max_history_days`` (``window_clamped_to`` tells),
  each chunk paged through ``_links.next`` (relative or absolute href);
  transactions are yielded in the bank's order, chunk by chunk, once each
  (deduplicated on ``Transaction.unique_key``).
* MT940: ``get_mt940_statements`` asks the same transaction list with
  ``Accept: text/plain`` and returns the MT940 bytes (booked only).
* camt.053: ``get_camt_statements`` asks it with ``Accept: application/xml``
  and returns the XML documents (booked only).
* Errors: CONSENT_EXPIRED / CONSENT_INVALID / CONSENT_UNKNOWN raise
  ``ConsentError`` (status "expired" / "invalid" / "unknown"),
  PERIOD_INVALID raises ``PeriodInvalid``, answers we cannot use raise
  ``BankResponseError`` naming the endpoint and the place in the answer.
"""

import codecs
import dataclasses
import functools
import ipaddress
import logging
import socket
from datetime import date
from decimal import Decimal
from urllib.parse import quote, urlsplit

from .. import signing
from ..errors import (
    AuthenticationError,
    BankApiError,
    BankResponseError,
    ConsentError,
    PeriodInvalid,
)
from ..model import BOOKED, PENDING, Account, Balance, Consent, Tokens, Transaction
from .base import BankClient, text, with_query
from .helpers import as_dict, as_list, parse_amount, parse_date
from .registry import register

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


# Berlin Group codes of a refused signature or certificate (HTTP 401): no
# new token helps; what the bank refused, in words.
SIGNATURE_CODES = {
    "SIGNATURE_MISSING": "request, which is not signed",
    "SIGNATURE_INVALID": "request signature",
    "CERTIFICATE_INVALID": "certificate",
    "CERTIFICATE_EXPIRED": "certificate, which has expired",
    "CERTIFICATE_MISSING": "request, which carries no certificate (QWAC or QSealC)",
}


def ipv4_header_value(address) -> str | None:
    """``address`` in the IPv4 format of the PSU-IP-Address header: an IPv4
    address as it is, an IPv4-mapped IPv6 address as the IPv4 it maps; None
    for anything else (another IPv6 address, not an address)."""
    try:
        parsed = ipaddress.ip_address(str(address or "").strip().strip("[]"))
    except ValueError:
        return None
    if parsed.version == 6:
        parsed = parsed.ipv4_mapped
    return str(parsed) if parsed else None


def local_ipv4_towards(url: str) -> str | None:
    """The local IPv4 address this machine reaches ``url``'s host from (no
    packet is sent: a UDP socket only asks the kernel for the route); None
    when there is no IPv4 route."""
    parts = urlsplit(url)
    if not parts.hostname:
        return None
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect((parts.hostname, parts.port or 443))
            return probe.getsockname()[0]
    except (OSError, UnicodeError, ValueError):
        return None


def _account_id(reference) -> str | None:
    if not isinstance(reference, dict):
        return None
    return text(reference.get("iban")) or text(reference.get("bban"))


def _remittance(raw: dict) -> str:
    found = raw.get("remittanceInformationUnstructured")
    parts = raw.get("remittanceInformationUnstructuredArray")
    if not found and isinstance(parts, list):
        found = " ".join(str(part) for part in parts)
    if not found:
        structured = raw.get("remittanceInformationStructured")
        if isinstance(structured, dict):
            structured = structured.get("reference")
        found = structured
    if not found:
        found = raw.get("additionalInformation")
    return str(found or "").strip()


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
    source = text(exchange.get("sourceCurrency"))
    target = text(exchange.get("targetCurrency"))
    original_currency = source if source != currency else target
    if not original_currency or original_currency == currency:
        return None, None
    rate = parse_amount(
        exchange.get("exchangeRate"), where, "currencyExchange.exchangeRate"
    )
    if rate <= 0:
        raise BankResponseError(f"{where}: currencyExchange.exchangeRate must be > 0")
    unit = text(exchange.get("unitCurrency")) or source
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
    currency = text(amount_object.get("currency"))
    if not currency:
        raise BankResponseError(f"{where}: transactionAmount.currency is missing")
    booking_date = parse_date(raw.get("bookingDate"), where, "bookingDate")
    value_date = parse_date(raw.get("valueDate"), where, "valueDate")
    if status == BOOKED and not (booking_date or value_date):
        raise BankResponseError(f"{where}: a booked transaction has no bookingDate")
    side = "debtor" if amount > 0 else "creditor"
    original, original_currency = _original_amount(raw, amount, currency, where)
    transaction_id = text(raw.get("transactionId"))
    entry_reference = text(raw.get("entryReference"))
    pending_reference = None
    if status == BOOKED and pending_link_field:
        link = text(raw.get(pending_link_field))
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
        end_to_end_id=text(raw.get("endToEndId")),
        counterparty_name=text(raw.get(f"{side}Name"))
        or text(raw.get("ultimateDebtor" if side == "debtor" else "ultimateCreditor")),
        counterparty_iban=_account_id(raw.get(f"{side}Account")),
        remittance=_remittance(raw),
        bank_transaction_code=text(raw.get("bankTransactionCode")),
        proprietary_code=text(raw.get("proprietaryBankTransactionCode")),
        original_amount=original,
        original_currency=original_currency,
        pending_reference=pending_reference,
        raw=raw,
    )


class BerlinGroupClient(BankClient):
    statement_formats = frozenset({"json", "mt940", "camt"})
    OPTIONS = {
        # The bank gives an OAuth2 token for our client id and secret before
        # anything else; off for banks that know us by our certificate only.
        "client_credentials": True,
        # The public IPv4 address we call the bank from (PSU-IP-Address of a
        # consent created without a person); found from the route if unset.
        "tpp_ip_address": None,
    }
    token_path = "/oauth2/token"  # noqa: S105 - a URL path, not a password
    api_prefix = "/v1"
    # The field of a booked transaction that names the pending one it
    # replaces. Berlin Group defines none: each bank documents its own.
    pending_link_field = None
    _sca_oauth = None  # the scaOAuth link of the consent just created
    # The bare redirect URI the OAuth authorisation was asked with: the code
    # is traded with exactly that one (RFC 6749 4.1.3), not the TPP-Redirect-
    # URI, which carries the state.
    _oauth_redirect_uri = None

    # -- plumbing ------------------------------------------------------------

    def _psu_headers(self, mandatory=False) -> dict:
        """PSU-IP-Address and PSU-User-Agent (see the module docstring):
        ``mandatory`` for a call whose PSU-IP-Address the standard requires
        even when no person is there (consent creation)."""
        settings = self.settings
        headers = {}
        if settings.user_present:
            headers["PSU-IP-Address"] = (
                ipv4_header_value(settings.psu_ip_address) or self._own_ipv4
            )
            if settings.psu_user_agent:
                headers["PSU-User-Agent"] = settings.psu_user_agent
        elif mandatory:
            headers["PSU-IP-Address"] = self._own_ipv4
        return {name: value for name, value in headers.items() if value}

    @functools.cached_property
    def _own_ipv4(self) -> str | None:
        """The IPv4 address we call the bank from (see ``tpp_ip_address``)."""
        configured = ipv4_header_value(self.option("tpp_ip_address"))
        return configured or local_ipv4_towards(self._url(self.api_prefix))

    def _headers(self, consent: bool) -> dict:
        headers = {}
        if self.tokens.access_token:
            headers["Authorization"] = f"Bearer {self.tokens.access_token}"
        if consent:
            if not self.settings.consent_id:
                raise ConsentError(
                    "No consent yet: create one and have it authorised first.",
                    status="missing",
                )
            headers["Consent-ID"] = self.settings.consent_id
        return headers

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

        def prepare():
            send = {
                **self._headers(consent),
                **self._psu_headers(),
                **(headers or {}),
            }
            return {
                "method": method,
                "url": url,
                "params": params,
                "json_body": json_body,
                "headers": send,
            }

        response = self._send(prepare, endpoint=endpoint)
        self._raise_for_status(response, ok)
        return response

    def sign_request(self, method, url, headers, body) -> dict:
        """With a QSealC (``settings.seal``), the Berlin Group signature
        headers (core/signing.py)."""
        signed = super().sign_request(method, url, headers, body)
        if self.settings.seal is not None:
            signed.update(
                signing.berlin_group_headers(
                    self.settings.seal, {**headers, **signed}, body, self._now()
                )
            )
        return signed

    def _token_refused(self, response) -> bool:
        code, _said = response.error()
        return (code in TOKEN_CODES or code is None) and code not in SIGNATURE_CODES

    def _error(self, status, code, detail, said):
        if code in CONSENT_CODES:
            consent_status, meaning = CONSENT_CODES[code]
            return ConsentError(
                f"{detail}: {meaning}{said}. A person must renew the consent.",
                status=consent_status,
            )
        if code == "PERIOD_INVALID":
            return PeriodInvalid(
                f"{detail}: the bank refused the date range{said}; ask for a "
                "shorter or more recent period."
            )
        if code in SIGNATURE_CODES:
            return AuthenticationError(
                f"{detail}: the bank refused our {SIGNATURE_CODES[code]}{said}; an "
                "administrator checks the connection's certificates (Certificates "
                "page): the QWAC and QSealC must be the ones registered at the "
                "bank."
            )
        if status == 401 or code in TOKEN_CODES:
            return AuthenticationError(
                f"{detail}: the bank refused our access token{said}; check the "
                "client id and secret."
            )
        return BankApiError(f"{detail}: the bank refused the request{said}.")

    # -- authentication --------------------------------------------------------

    def _token_stale(self) -> bool:
        # Without the client-credentials step there is no token to get
        # until a person authorises one.
        has_token_step = self.tokens.access_token or self.option("client_credentials")
        return bool(has_token_step) and super()._token_stale()

    def authenticate(self) -> Tokens:
        """Renew the access token: the refresh token first, then client
        credentials (when the bank has that step; without it there is no
        token to get)."""
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
        if not self.option("client_credentials"):
            return self.tokens
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
            code, said = response.error()
            if code in SIGNATURE_CODES:
                # A certificate or signature refused: not the id and secret.
                self._raise_for_status(response)
            raise AuthenticationError(
                self.http.redact(
                    f"token: the bank refused the {grant} grant (HTTP "
                    f"{response.status} {code or ''}{': ' + said if said else ''}); "
                    "check the client id and secret of the connection."
                )
            )
        return self._store_tokens(response.json(), grant)

    # -- consents ------------------------------------------------------------

    def start_authorization(
        self, redirect_uri, state, valid_until, frequency_per_day
    ) -> Consent:
        """Redirect SCA: the bank sends the customer back to ``redirect_uri``
        (TPP-Redirect-URI) or, when the SCA failed or was refused, to the
        same with ``result=nok`` (TPP-Nok-Redirect-URI), both with ``state``."""
        self.settings.tpp_nok_redirect_uri = with_query(
            redirect_uri, state=state, result="nok"
        )
        consent = super().start_authorization(
            redirect_uri, state, valid_until, frequency_per_day
        )
        if consent.sca_redirect or not self._sca_oauth:
            return consent
        self._oauth_redirect_uri = redirect_uri
        return dataclasses.replace(
            consent,
            sca_redirect=with_query(
                self._authorization_endpoint(self._sca_oauth),
                response_type="code",
                client_id=self.settings.client_id,
                redirect_uri=redirect_uri,
                scope=f"AIS:{consent.consent_id}",
                state=state,
            ),
        )

    def complete_authorization(self, params: dict) -> Consent:
        """Back from the bank: with an OAuth2 ``code`` (OAuth SCA), trade it
        for the consent's tokens first; then the consent's status says how it
        went (a refusal leaves it rejected)."""
        code = text(params.get("code"))
        if code:
            self._token_request(
                {
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": self._oauth_redirect_uri
                    or self.settings.tpp_redirect_uri,
                }
            )
        return super().complete_authorization(params)

    def _authorization_endpoint(self, metadata_url: str) -> str:
        """The ``authorization_endpoint`` of the bank's OAuth2 server
        metadata (RFC 8414) at ``metadata_url``."""
        response = self.http.request(
            "GET", self._url(metadata_url), endpoint="oauth metadata"
        )
        self._raise_for_status(response)
        body = as_dict(response.json(), "oauth metadata")
        endpoint = text(body.get("authorization_endpoint"))
        if not endpoint:
            raise BankResponseError(
                "oauth metadata: the answer has no authorization_endpoint"
            )
        return self._url(endpoint)

    def consent_access(self) -> dict:
        """The ``access`` of a new consent: every account, as a bank-offered
        consent (banks that need IBANs listed override this), no more than
        the connection's scopes: transactions need ``allPsd2`` (accounts,
        balances and transactions: Berlin Group has no global consent for
        transactions alone), balances alone ``availableAccountsWithBalance``,
        neither the account list only (``availableAccounts``)."""
        scopes = self.settings.scopes
        if "transactions" in scopes:
            return {"allPsd2": "allAccounts"}
        if "balances" in scopes:
            return {"availableAccountsWithBalance": "allAccounts"}
        return {"availableAccounts": "allAccounts"}

    def create_consent(self, valid_until: date, frequency_per_day: int) -> Consent:
        headers = self._psu_headers(mandatory=True)
        if self.settings.tpp_redirect_uri:
            headers["TPP-Redirect-URI"] = self.settings.tpp_redirect_uri
            if self.settings.tpp_nok_redirect_uri:
                headers["TPP-Nok-Redirect-URI"] = self.settings.tpp_nok_redirect_uri
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
        consent_id = text(body.get("consentId"))
        if not consent_id:
            raise BankResponseError("consents: the answer has no consentId")
        links = body.get("_links") if isinstance(body.get("_links"), dict) else {}
        redirect, oauth = (
            link.get("href") if isinstance(link, dict) else link
            for link in (links.get("scaRedirect"), links.get("scaOAuth"))
        )
        self._sca_oauth = text(oauth) if isinstance(oauth, str) else None
        self.settings.consent_id = consent_id
        return Consent(
            consent_id=consent_id,
            status=text(body.get("consentStatus")) or "received",
            valid_until=valid_until,
            frequency_per_day=int(frequency_per_day),
            sca_redirect=text(redirect),
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
            status=text(body.get("consentStatus")) or "received",
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
            resource_id = text(raw.get("resourceId"))
            currency = text(raw.get("currency"))
            if not resource_id:
                raise BankResponseError(f"{where}: resourceId is missing")
            if not currency:
                raise BankResponseError(f"{where}: currency is missing")
            accounts.append(
                Account(
                    resource_id=resource_id,
                    iban=text(raw.get("iban")) or text(raw.get("bban")),
                    currency=currency.upper(),
                    name=text(raw.get("name")) or text(raw.get("displayName")),
                    owner_name=text(raw.get("ownerName")),
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
            balance_type = text(raw.get("balanceType"))
            if not balance_type:
                raise BankResponseError(f"{where}: balanceType is missing")
            balances.append(
                Balance(
                    balance_type=balance_type,
                    amount=parse_amount(
                        amount.get("amount"), where, "balanceAmount.amount"
                    ),
                    currency=(text(amount.get("currency")) or account.currency).upper(),
                    reference_date=parse_date(
                        raw.get("referenceDate"), where, "referenceDate"
                    ),
                )
            )
        return balances

    # -- transactions ------------------------------------------------------------

    def _transactions_path(self, account: Account) -> str:
        return f"{self.api_prefix}/accounts/{quote(account.resource_id)}/transactions"

    def _iter_window(self, account, window_from, window_to, status):
        """One window, page after page (``_links.next``). A transaction
        without bank ids served again at the top of the next page (the
        previous page's last) is skipped: only there can a repeat be told
        from two equal movements."""
        first = (
            self._transactions_path(account),
            {
                "dateFrom": window_from.isoformat(),
                "dateTo": window_to.isoformat(),
                "bookingStatus": status,
            },
        )

        def fetch(cursor, page):
            url, params = first if cursor is None else (cursor, None)
            response = self._call("GET", url, endpoint="transactions", params=params)
            body = as_dict(response.json(), f"transactions page {page}")
            report = as_dict(
                body.get("transactions"), f"transactions page {page}.transactions"
            )
            href = self._next_href(report) or self._next_href(body)
            return report, self._url(href) if href else None

        last = {}  # kind -> the previous page's last transaction (raw)
        for page, report in self._paged("transactions", fetch):
            for kind in (BOOKED, PENDING):
                items = as_list(report.get(kind), f"transactions page {page}.{kind}")
                for index, raw in enumerate(items):
                    if index == 0 and raw == last.get(kind):
                        continue  # the previous page's last one, served again
                    where = f"transactions page {page} {kind}[{index}]"
                    transaction = self._kept(
                        parse_transaction,
                        raw,
                        where,
                        kind,
                        where,
                        self.pending_link_field,
                    )
                    if transaction is not None:
                        yield transaction
                if items:
                    last[kind] = items[-1]

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
        parts = []
        for body in self._booked_documents(
            account, date_from, date_to, "text/plain", "MT940 text"
        ):
            if parts and body.startswith(codecs.BOM_UTF8):
                # One byte order mark, at the start of the joined file.
                body = body[len(codecs.BOM_UTF8) :]
            if body and not body.endswith(b"\n"):
                body += b"\r\n"
            parts.append(body)
        return b"".join(parts)

    def get_camt_statements(
        self, account: Account, date_from: date, date_to: date
    ) -> list:
        """The booked transactions of the window as ISO 20022 camt.053
        documents: one bytes document per chunk of the window (XML documents
        cannot be joined), as the bank sent them.

        NextGenPSD2 lets a bank answer the transaction list as camt.053 when
        asked for ``application/xml``. An answer that is not XML raises
        BankResponseError.
        """
        return list(
            self._booked_documents(
                account, date_from, date_to, "application/xml", "camt.053 XML"
            )
        )

    def _booked_documents(self, account, date_from, date_to, accept, what):
        """The bank's answer to the booked transaction list of each chunk of
        the window, asked for as ``accept`` (a file format rather than JSON);
        an answer of another content type raises BankResponseError naming the
        chunk and ``what`` was expected."""
        for window_from, window_to in self.windows(date_from, date_to):
            response = self._call(
                "GET",
                self._transactions_path(account),
                endpoint="transactions",
                params={
                    "dateFrom": window_from.isoformat(),
                    "dateTo": window_to.isoformat(),
                    "bookingStatus": BOOKED,
                },
                headers={"Accept": accept},
            )
            content_type = next(
                (
                    value
                    for name, value in response.headers.items()
                    if name.lower() == "content-type"
                ),
                "",
            ).lower()
            # text/plain may come as text/x-mt940 or with a charset; XML as
            # application/xml, text/xml or application/camt.053+xml.
            if accept.startswith("text/"):
                served = content_type.startswith("text/")
            else:
                served = "xml" in content_type
            if not served:
                raise BankResponseError(
                    f"transactions {window_from.isoformat()} to "
                    f"{window_to.isoformat()}: the bank answered "
                    f"{content_type or 'without a content type'} instead of "
                    f"{what}; does it serve it (Accept: {accept})?"
                )
            yield response.content

    @staticmethod
    def _next_href(container) -> str | None:
        links = container.get("_links") if isinstance(container, dict) else None
        if not isinstance(links, dict):
            return None
        link = links.get("next")
        if isinstance(link, dict):
            link = link.get("href")
        return text(link) if isinstance(link, str) else None


register("berlin_group", BerlinGroupClient)
