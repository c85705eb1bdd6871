"""Enable Banking, a licensed aggregator of PSD2 banks, as a provider.

Every request carries a JWT signed with the application's RSA private key
(RS256; header ``kid``: the application id; claims ``iss``
"enablebanking.com", ``aud`` "api.enablebanking.com", ``iat`` and ``exp``).
There are no OAuth2 tokens: the key signs each request.

The consent round trip: ``POST /auth`` (the bank, its country, the access
wanted until, the return address and its ``state``) gives the bank's page;
the customer approves there and comes back with a ``code``, which
``POST /sessions`` trades for a session (its id is the connection's consent
id, with the accounts it covers and how long the access lasts). An expired
or closed session is a ``ConsentError``: the connection is renewed through
the same round trip. ``GET /aspsps?country=PL`` lists the banks with the
longest consent each allows (the bank picker).

Registered as provider ``enablebanking``.
"""

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timezone

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from .siblings import base, errors, helpers, model, registry

DEFAULT_BASE_URL = "https://api.enablebanking.com"
JWT_ISSUER = "enablebanking.com"
JWT_AUDIENCE = "api.enablebanking.com"
# Enable Banking refuses a JWT that lives longer than a day.
MAX_JWT_LIFETIME = 24 * 3600
JWT_LIFETIME = 3600
# Enable Banking's transaction statuses that are ours (INFO, OTHR: not movements).
STATUSES = {"BOOK": model.BOOKED, "PDNG": model.PENDING}
# ISO 20022 balance types, by the Berlin Group names the rest of the product reads.
BALANCE_TYPES = {
    "CLBD": "closingBooked",
    "CLAV": "closingAvailable",
    "ITBD": "interimBooked",
    "ITAV": "interimAvailable",
    "OPBD": "openingBooked",
    "OPAV": "openingAvailable",
    "XPCD": "expected",
    "PRCD": "previouslyClosedBooked",
}
# A session's status at Enable Banking, by the consent statuses of the base.
SESSION_STATUSES = {
    "AUTHORIZED": "valid",
    "PENDING_AUTHORIZATION": "received",
    "RETURNED_FROM_BANK": "received",
    "EXPIRED": "expired",
    "CLOSED": "terminatedByTpp",
    "REVOKED": "revokedByPsu",
    "CANCELLED": "rejected",
    "INVALID": "rejected",
}
# Error codes that end the session: a person must connect again.
SESSION_ERRORS = {
    "EXPIRED_SESSION": "expired",
    "CLOSED_SESSION": "terminatedByTpp",
    "REVOKED_SESSION": "revokedByPsu",
    "SESSION_DOES_NOT_EXIST": "invalid",
    "EXPIRED_AUTHORIZATION_CODE": "rejected",
}


@dataclass(frozen=True)
class Aspsp:
    """A bank Enable Banking reaches: its name and country identify it."""

    name: str
    country: str
    maximum_consent_days: int | None  # None: the bank did not say
    psu_types: tuple = ()
    bic: str | None = None


def load_private_key(pem: str):
    """The RSA private key of a PEM text; AuthenticationError (never quoting
    the key) when it is not one."""
    try:
        key = load_pem_private_key((pem or "").strip().encode(), password=None)
    except (ValueError, TypeError):
        key = None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise errors.AuthenticationError(
            "Enable Banking: the private key is not an unencrypted RSA private "
            "key in PEM format (-----BEGIN PRIVATE KEY-----); paste the key "
            "whose public half you uploaded with the application."
        )
    return key


def make_jwt(application_id: str, private_key, now: datetime, lifetime=JWT_LIFETIME):
    """The JWT Enable Banking asks on every request."""
    lifetime = min(int(lifetime), MAX_JWT_LIFETIME)
    issued = int(now.timestamp())
    claims = {
        "iss": JWT_ISSUER,
        "aud": JWT_AUDIENCE,
        "iat": issued,
        "exp": issued + lifetime,
    }
    return jwt.encode(
        claims, private_key, algorithm="RS256", headers={"kid": application_id}
    )


def _valid_until(value, where) -> date | None:
    """The date of Enable Banking's ``valid_until`` (an ISO date-time)."""
    return helpers.parse_date(value, where, "valid_until")


class EnableBankingClient(base.BankClient):
    """The Enable Banking API (see the module docstring). ``client_id`` is
    the application id, ``client_secret`` its private key (PEM)."""

    OPTIONS = {
        "country": "PL",  # the bank's country (ISO 3166 alpha-2)
        "aspsp_name": "",  # the bank's name, as GET /aspsps gives it
        "psu_type": "business",
        "jwt_lifetime": JWT_LIFETIME,
    }

    def __init__(self, settings, budget, http=None, **options):
        settings.base_url = settings.base_url or DEFAULT_BASE_URL
        super().__init__(settings, budget, http, **options)
        self._private_key = None
        # Accounts POST /sessions described: no need to ask for them again.
        self._session_accounts: list | None = None

    # -- signing -------------------------------------------------------------

    def sign_request(self, method, url, headers, body):
        if not self.settings.client_id:
            raise errors.AuthenticationError(
                "Enable Banking: set the application id of the connection."
            )
        if self._private_key is None:
            self._private_key = load_private_key(self.settings.client_secret)
        token = make_jwt(
            self.settings.client_id,
            self._private_key,
            self._now(),
            self.option("jwt_lifetime"),
        )
        return {"Authorization": f"Bearer {token}"}

    def authenticate(self):
        """Nothing to obtain: each request is signed with the key."""
        return self.tokens

    def _token_refused(self, response) -> bool:
        return False  # a refused signature stays refused

    # -- requests and errors -------------------------------------------------

    def _call(self, method, path, endpoint, *, params=None, json_body=None, ok=(200,)):
        headers = {}
        if self.settings.psu_ip_address:
            headers["Psu-Ip-Address"] = self.settings.psu_ip_address
        if self.settings.psu_user_agent:
            headers["Psu-User-Agent"] = self.settings.psu_user_agent
        url = self._url(path)
        response = self._send(
            lambda: {
                "method": method,
                "url": url,
                "params": params,
                "json_body": json_body,
                "headers": dict(headers),
            },
            endpoint=endpoint,
        )
        self._raise_for_status(response, ok)
        return response.json() if response.content else {}

    def _raise_for_status(self, response, ok=(200,)):
        if response.status in ok:
            return
        code, said = self._error_of(response)
        detail = self.http.redact(
            f"{response.endpoint}: HTTP {response.status} {code or ''}".strip()
        )
        said = self.http.redact(f" ({said[:300]})") if said else ""
        raise self._error(response.status, code, detail, said)

    @staticmethod
    def _error_of(response):
        """(code, message) of an Enable Banking error answer: the code is its
        ``error`` field (``code`` is the HTTP status repeated)."""
        try:
            body = response.json()
        except errors.BankResponseError:
            body = None
        if not isinstance(body, dict):
            return None, ""
        code = body.get("error")
        return (str(code)[:80] if code else None), str(body.get("message") or "")

    def _error(self, status, code, detail, said):
        if code in SESSION_ERRORS:
            return errors.ConsentError(
                f"{detail}: Enable Banking ended the session{said}; connect "
                "again (Renew Consent) to approve a new one at the bank.",
                status=SESSION_ERRORS[code],
            )
        if code == "WRONG_TRANSACTIONS_PERIOD":
            return errors.PeriodInvalid(
                f"{detail}: the bank refused the date range{said}; ask for a "
                "shorter or more recent period."
            )
        if status in (401, 403):
            return errors.AuthenticationError(
                f"{detail}: Enable Banking refused the request's signature{said}; "
                "check the application id and that its public key is the one "
                "uploaded in the Enable Banking control panel."
            )
        return errors.BankApiError(
            f"{detail}: Enable Banking refused the request{said}."
        )

    def _session_id(self) -> str:
        if not self.settings.consent_id:
            raise errors.ConsentError(
                "Enable Banking: the connection has no session yet; click "
                "Connect to approve the access at the bank.",
                status="invalid",
            )
        return self.settings.consent_id

    # -- the bank list ---------------------------------------------------------

    def list_aspsps(self, country: str) -> list[Aspsp]:
        """The banks of ``country`` (ISO 3166 alpha-2) Enable Banking reaches."""
        body = helpers.as_dict(
            self._call("GET", "/aspsps", "aspsps", params={"country": country}),
            "aspsps",
        )
        return [
            self._parse_aspsp(helpers.as_dict(raw, "aspsps[]"))
            for raw in helpers.as_list(body.get("aspsps"), "aspsps")
        ]

    @staticmethod
    def _parse_aspsp(raw) -> Aspsp:
        name, country = base.text(raw.get("name")), base.text(raw.get("country"))
        if not name or not country:
            raise errors.BankResponseError("aspsps: a bank without name or country")
        seconds = raw.get("maximum_consent_validity")
        days = None
        if isinstance(seconds, int | float) and math.isfinite(seconds) and seconds > 0:
            days = max(1, int(seconds // 86400))
        psu_types = raw.get("psu_types")
        return Aspsp(
            name=name[:200],
            country=country[:2].upper(),
            maximum_consent_days=days,
            psu_types=tuple(str(t) for t in psu_types)
            if isinstance(psu_types, list)
            else (),
            bic=base.text(raw.get("bic")),
        )

    # -- consent: the authorization round trip --------------------------------

    def start_authorization(self, redirect_uri, state, valid_until, frequency_per_day):
        aspsp_name = self.option("aspsp_name")
        if not aspsp_name:
            raise errors.BankApiError(
                "Enable Banking: choose the bank of the connection (Choose Bank) "
                "before connecting."
            )
        until = datetime.combine(valid_until, time(23, 59, 59), timezone.utc)
        body = {
            "access": {"valid_until": until.isoformat()},
            "aspsp": {"name": aspsp_name, "country": self.option("country")},
            "state": state or "",
            "redirect_url": redirect_uri,
            "psu_type": self.option("psu_type"),
        }
        answer = helpers.as_dict(
            self._call("POST", "/auth", "auth", json_body=body), "auth"
        )
        url = base.text(answer.get("url"))
        if not url:
            raise errors.BankResponseError("auth: the answer has no url")
        return model.Consent(
            consent_id=base.text(answer.get("authorization_id")) or "",
            status="received",
            valid_until=valid_until,
            frequency_per_day=frequency_per_day,
            sca_redirect=url,
        )

    def create_consent(self, valid_until, frequency_per_day):
        return self.start_authorization(
            self.settings.tpp_redirect_uri or "", None, valid_until, frequency_per_day
        )

    def complete_authorization(self, params: dict):
        """Trade the ``code`` the customer came back with for a session."""
        code = base.text(params.get("code"))
        if not code:
            # The bank sent the customer back without access (refused, cancelled).
            return model.Consent(consent_id="", status="rejected")
        body = helpers.as_dict(
            self._call("POST", "/sessions", "sessions", json_body={"code": code[:500]}),
            "sessions",
        )
        session_id = base.text(body.get("session_id"))
        if not session_id:
            raise errors.BankResponseError("sessions: the answer has no session_id")
        self.settings.consent_id = session_id
        self.http.add_secret(session_id)
        access = body.get("access") if isinstance(body.get("access"), dict) else {}
        self._session_accounts = [
            self._parse_account(helpers.as_dict(raw, "sessions: accounts[]"))
            for raw in helpers.as_list(body.get("accounts"), "sessions: accounts")
        ]
        return model.Consent(
            consent_id=session_id,
            status="valid",
            valid_until=_valid_until(access.get("valid_until"), "sessions: access"),
        )

    def get_consent(self):
        body = helpers.as_dict(
            self._call("GET", f"/sessions/{self._session_id()}", "session"), "session"
        )
        access = body.get("access") if isinstance(body.get("access"), dict) else {}
        status = SESSION_STATUSES.get(str(body.get("status") or ""), "rejected")
        valid_until = _valid_until(access.get("valid_until"), "session: access")
        if status == "valid" and valid_until and valid_until < self.today():
            status = "expired"
        return model.Consent(
            consent_id=self.settings.consent_id,
            status=status,
            valid_until=valid_until,
        )

    def delete_consent(self):
        if self.settings.consent_id:
            self._call(
                "DELETE",
                f"/sessions/{self.settings.consent_id}",
                "session",
                ok=(200, 204),
            )

    # -- accounts and balances -------------------------------------------------

    def list_accounts(self):
        if self._session_accounts is not None:
            return list(self._session_accounts)
        session = helpers.as_dict(
            self._call("GET", f"/sessions/{self._session_id()}", "session"), "session"
        )
        accounts = []
        for uid in helpers.as_list(session.get("accounts"), "session: accounts"):
            uid = base.text(uid)
            if uid:
                details = self._call("GET", f"/accounts/{uid}/details", "accounts")
                accounts.append(
                    self._parse_account(helpers.as_dict(details, "accounts"), uid)
                )
        return accounts

    @staticmethod
    def _parse_account(raw, uid=None) -> model.Account:
        uid = uid or base.text(raw.get("uid"))
        if not uid:
            raise errors.BankResponseError("accounts: an account without uid")
        account_id = (
            raw.get("account_id") if isinstance(raw.get("account_id"), dict) else {}
        )
        return model.Account(
            resource_id=uid[:200],
            iban=base.text(account_id.get("iban")),
            currency=(base.text(raw.get("currency")) or "")[:3].upper(),
            name=base.text(raw.get("name") or raw.get("product")),
        )

    def get_balances(self, account):
        body = helpers.as_dict(
            self._call("GET", f"/accounts/{account.resource_id}/balances", "balances"),
            "balances",
        )
        balances = []
        for raw in helpers.as_list(body.get("balances"), "balances"):
            raw = helpers.as_dict(raw, "balances[]")
            amount = raw.get("balance_amount")
            amount = amount if isinstance(amount, dict) else {}
            kind = str(raw.get("balance_type") or "")
            balances.append(
                model.Balance(
                    balance_type=BALANCE_TYPES.get(kind, kind or "other"),
                    amount=helpers.parse_amount(
                        amount.get("amount"), "balances", "balance_amount.amount"
                    ),
                    currency=(base.text(amount.get("currency")) or account.currency)[
                        :3
                    ],
                    reference_date=helpers.parse_date(
                        raw.get("reference_date"), "balances", "reference_date"
                    ),
                )
            )
        return balances

    # -- transactions ----------------------------------------------------------

    def _iter_window(self, account, window_from, window_to, status):
        params = {
            "date_from": window_from.isoformat(),
            "date_to": window_to.isoformat(),
        }
        if status == "booked":
            params["transaction_status"] = "BOOK"
        elif status == "pending":
            params["transaction_status"] = "PDNG"
        path = f"/accounts/{account.resource_id}/transactions"

        def fetch(cursor, page):
            body = helpers.as_dict(
                self._call(
                    "GET",
                    path,
                    "transactions",
                    params={**params, "continuation_key": cursor},
                ),
                f"transactions page {page}",
            )
            return body, base.text(body.get("continuation_key"))

        for page, body in self._paged("transactions", fetch):
            where = f"transactions page {page}"
            for raw in helpers.as_list(body.get("transactions"), where):
                transaction = self._kept(self._parse_transaction, raw, where, account)
                if transaction is not None and (
                    status == "both" or transaction.status == status
                ):
                    yield transaction

    def _parse_transaction(self, raw, account):
        raw = helpers.as_dict(raw, "transaction")
        state = STATUSES.get(str(raw.get("status") or "BOOK"))
        if state is None:
            return None
        money = raw.get("transaction_amount")
        money = money if isinstance(money, dict) else {}
        amount = abs(
            helpers.parse_amount(
                money.get("amount"), "transaction", "transaction_amount"
            )
        )
        incoming = raw.get("credit_debit_indicator") != "DBIT"
        party = "debtor" if incoming else "creditor"
        who = raw.get(party) if isinstance(raw.get(party), dict) else {}
        where_from = raw.get(f"{party}_account")
        where_from = where_from if isinstance(where_from, dict) else {}
        remittance = raw.get("remittance_information")
        if isinstance(remittance, list):
            remittance = " ".join(str(part) for part in remittance if part)
        code = raw.get("bank_transaction_code")
        code = code if isinstance(code, dict) else {}
        return model.Transaction(
            status=state,
            amount=amount if incoming else -amount,
            currency=(base.text(money.get("currency")) or account.currency)[:3],
            booking_date=helpers.parse_date(
                raw.get("booking_date"), "transaction", "booking_date"
            ),
            value_date=helpers.parse_date(
                raw.get("value_date") or raw.get("transaction_date"),
                "transaction",
                "value_date",
            ),
            entry_reference=base.text(raw.get("entry_reference")),
            counterparty_name=base.text(who.get("name")),
            counterparty_iban=base.text(where_from.get("iban")),
            remittance=str(remittance or "").strip(),
            bank_transaction_code=base.text(code.get("code")),
            proprietary_code=base.text(code.get("sub_code")),
            raw=raw,
        )


registry.register("enablebanking", EnableBankingClient)
