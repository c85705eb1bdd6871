"""The Sandbox Bank's GoCardless personality, served over real HTTP.

The paths and shapes of GoCardless Bank Account Data API v2 under
``/api/v2/``: ``token/new/`` and ``token/refresh/`` (the secret id and key,
access and refresh tokens with their lifetimes), ``institutions/?country=``,
``agreements/enduser/`` (history and access days within the bank's bounds),
``requisitions/`` (the bank's page ``link``; the customer comes back to
``redirect`` with ``ref``), ``accounts/{id}/details|balances|transactions/``
(``transactions.booked`` and ``.pending``). Its errors carry ``summary``,
``detail`` and ``status_code``: 401 for an unknown or expired token, 428 for
an account whose agreement has expired (``AccessExpiredError``; the
requisition then reads ``EX``), 409 for a suspended account,
400 for a date range beyond the agreement's history, and 429 once an
account's successful accesses of the day (``account_success_per_day``, the
banks' PSD2 limit) are used up. Every answer carries the rate-limit headers
as GoCardless documents them (``HTTP_X_RATELIMIT_LIMIT``, ``_REMAINING``,
``_RESET``; on account paths ``HTTP_X_RATELIMIT_ACCOUNT_SUCCESS_*``), the
resets in seconds (an account's at midnight UTC).

The customer's page is ``/sandbox/link/<requisition id>``: a GET with
``decision=approve`` (or ``deny``) sends them back (302) to the requisition's
``redirect`` with ``ref`` (or ``error`` and ``details`` too).

As at GoCardless, an account's id belongs to its requisition: a renewal (a
new requisition) gives the same account a new id.

Run ``GoCardlessSandbox(secret_id, secret_key).start()``; the clock is
settable (``clock=``) so that tokens and agreements can expire in a test.
"""

import json
import secrets
import threading
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

DEFAULT_INSTITUTIONS = (
    {
        "id": "SANDBOXBANK_SNDBPLPW",
        "name": "Sandbox Bank PL",
        "bic": "SNDBPLPW",
        "transaction_total_days": "540",
        "max_access_valid_for_days": "180",
        "countries": ["PL"],
        "logo": "",
    },
    {
        "id": "SANDBOXBANK_SNDBDEFF",
        "name": "Sandbox Bank DE",
        "bic": "SNDBDEFF",
        "transaction_total_days": "90",
        "max_access_valid_for_days": "90",
        "countries": ["DE"],
        "logo": "",
    },
)
ACCESS_SECONDS = 24 * 3600
REFRESH_SECONDS = 30 * 24 * 3600
# The general limit: requests a minute of one secret.
GENERAL_PER_MINUTE = 1000
# The customer's page, for a person clicking through: approve or deny.
BANK_PAGE = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'/>"
    "<title>Sandbox Bank (GoCardless)</title></head><body>"
    "<h1>Sandbox Bank (through GoCardless)</h1>"
    "<p>Give the application access to your accounts?</p>"
    "<p><a href='?decision=approve'>Approve</a> "
    "<a href='?decision=deny'>Deny</a></p></body></html>"
)


def _utcnow():
    return datetime.now(timezone.utc)


@dataclass
class SandboxAccount:
    key: str
    iban: str
    currency: str = "PLN"
    name: str = "Business account"
    owner_name: str = "Sandbox Sp. z o.o."
    balance: Decimal = Decimal("1000.00")
    # (status "booked"/"pending", GoCardless transaction object), oldest first.
    transactions: list = field(default_factory=list)


class GoCardlessSandbox:
    """A GoCardless Bank Account Data API (see the module docstring)."""

    def __init__(
        self,
        secret_id,
        secret_key,
        *,
        clock=_utcnow,
        account_success_per_day=4,
        institutions=DEFAULT_INSTITUTIONS,
    ):
        self.secret_id = secret_id
        self.secret_key = secret_key
        self.clock = clock
        self.account_success_per_day = account_success_per_day
        self.institutions = [dict(institution) for institution in institutions]
        self.access_tokens = {}  # token -> expires at
        self.refresh_tokens = {}  # token -> expires at
        self.agreements = {}  # id -> agreement object
        self.requisitions = {}  # id -> requisition object (+ "_accounts")
        self.suspended = {}  # account id -> True: GoCardless suspended it
        self.successes = {}  # (account id, scope, day) -> successful accesses
        self.minute_calls = {}  # minute -> calls
        self.request_log = []  # (method, path, status)
        self.accounts = {}
        self._lock = threading.Lock()
        self._server = None
        self.url = None

    # -- the ledger ------------------------------------------------------------

    def add_account(self, key, iban, **values) -> SandboxAccount:
        account = SandboxAccount(key, iban, **values)
        self.accounts[key] = account
        return account

    def add_transaction(self, key, reference, amount, day, status="booked", **values):
        """A movement of ``Decimal(amount)`` (negative: money out) on ``day``;
        a booked one has ``transactionId`` ``reference``, a pending one
        none (as many banks through GoCardless) but ``internalTransactionId``."""
        account = self.accounts[key]
        amount = Decimal(str(amount))
        transaction = {
            "internalTransactionId": f"int-{reference}",
            "valueDate": day.isoformat(),
            "transactionAmount": {"amount": str(amount), "currency": account.currency},
            "remittanceInformationUnstructured": values.pop("remittance", ""),
            **values,
        }
        if status == "booked":
            transaction["transactionId"] = reference
            transaction["bookingDate"] = day.isoformat()
        account.transactions.append((status, transaction))
        return transaction

    def book(self, key, pending_reference, booked_reference, day):
        """The bank books a pending movement: it leaves the pending list and
        comes back booked with its own transaction id."""
        account = self.accounts[key]
        found = next(
            entry
            for entry in account.transactions
            if entry[0] == "pending"
            and entry[1]["internalTransactionId"] == f"int-{pending_reference}"
        )
        account.transactions.remove(found)
        booked = {
            **found[1],
            "transactionId": booked_reference,
            "internalTransactionId": f"int-{booked_reference}",
            "bookingDate": day.isoformat(),
        }
        account.transactions.append(("booked", booked))
        return booked

    def expire_agreements(self):
        """Every agreement's access ends now (the bank's 90 or 180 days are over)."""
        for agreement in self.agreements.values():
            if agreement["accepted"]:
                accepted = self.now() - timedelta(
                    days=agreement["access_valid_for_days"], minutes=1
                )
                agreement["accepted"] = accepted.isoformat()

    # -- serving ---------------------------------------------------------------

    def start(self):
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.sandbox = self
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def now(self):
        now = self.clock()
        return now if now.tzinfo else now.replace(tzinfo=timezone.utc)

    def dispatch(self, method, path, query, headers, body):
        """(status, payload, extra headers) of one request."""
        with self._lock:
            status, payload, extra = self._dispatch(method, path, query, headers, body)
            if path.startswith("/api/"):
                extra = {**self._general_limit_headers(), **extra}
            self.request_log.append((method, path, status))
            return status, payload, extra

    def _general_limit_headers(self):
        now = self.now()
        minute = now.replace(second=0, microsecond=0)
        self.minute_calls[minute] = self.minute_calls.get(minute, 0) + 1
        return {
            "HTTP_X_RATELIMIT_LIMIT": str(GENERAL_PER_MINUTE),
            "HTTP_X_RATELIMIT_REMAINING": str(
                max(0, GENERAL_PER_MINUTE - self.minute_calls[minute])
            ),
            "HTTP_X_RATELIMIT_RESET": str(max(1, 60 - now.second)),
        }

    def _dispatch(self, method, path, query, headers, body):
        parts = [part for part in path.split("/") if part]
        if parts[:2] == ["sandbox", "link"] and len(parts) == 3:
            return self._link_page(parts[2], query)
        if parts[:2] != ["api", "v2"]:
            return _error(404, "Not found", f"No such endpoint: {method} {path}")
        parts = parts[2:]
        if method == "POST" and parts == ["token", "new"]:
            return self._new_token(body)
        if method == "POST" and parts == ["token", "refresh"]:
            return self._refresh(body)
        refused = self._check_token(headers.get("Authorization") or "")
        if refused:
            return _error(401, "Invalid token", refused)
        if method == "GET" and parts == ["institutions"]:
            country = (query.get("country") or "").upper()
            return (
                200,
                [
                    i
                    for i in self.institutions
                    if not country or country in i["countries"]
                ],
                {},
            )
        if parts[:2] == ["agreements", "enduser"]:
            if method == "POST" and len(parts) == 2:
                return self._create_agreement(body)
            if method == "GET" and len(parts) == 3 and parts[2] in self.agreements:
                return 200, self.agreements[parts[2]], {}
            return _error(404, "Not found", "No such end user agreement.")
        if parts[:1] == ["requisitions"]:
            if method == "POST" and len(parts) == 1:
                return self._create_requisition(body)
            if len(parts) == 2:
                return self._requisition(method, parts[1])
        if parts[:1] == ["accounts"] and len(parts) == 3 and method == "GET":
            return self._account(parts[1], parts[2], query)
        return _error(404, "Not found", f"No such endpoint: {method} {path}")

    # -- tokens ----------------------------------------------------------------

    def _issue(self, table, seconds):
        token = secrets.token_urlsafe(24)
        table[token] = self.now() + timedelta(seconds=seconds)
        return token

    def _new_token(self, body):
        if (
            body.get("secret_id") != self.secret_id
            or body.get("secret_key") != self.secret_key
        ):
            return _error(
                401,
                "Authentication failed",
                "No active account found with the given credentials",
            )
        return (
            200,
            {
                "access": self._issue(self.access_tokens, ACCESS_SECONDS),
                "access_expires": ACCESS_SECONDS,
                "refresh": self._issue(self.refresh_tokens, REFRESH_SECONDS),
                "refresh_expires": REFRESH_SECONDS,
            },
            {},
        )

    def _refresh(self, body):
        expires = self.refresh_tokens.get(str(body.get("refresh")))
        if expires is None or expires < self.now():
            return _error(401, "Invalid token", "Token is invalid or expired")
        return (
            200,
            {
                "access": self._issue(self.access_tokens, ACCESS_SECONDS),
                "access_expires": ACCESS_SECONDS,
            },
            {},
        )

    def _check_token(self, authorization):
        if not authorization.startswith("Bearer "):
            return "Authentication credentials were not provided."
        expires = self.access_tokens.get(authorization[len("Bearer ") :])
        if expires is None or expires < self.now():
            return "Token is invalid or expired"
        return None

    # -- agreements and requisitions -------------------------------------------

    def _institution(self, institution_id):
        return next((i for i in self.institutions if i["id"] == institution_id), None)

    def _create_agreement(self, body):
        institution = self._institution(body.get("institution_id"))
        if institution is None:
            return _field_error(
                "institution_id",
                "Unknown Institution ID",
                "Get institution IDs " "from /institutions/?country={COUNTRY_CODE}",
            )
        history = body.get("max_historical_days", 90)
        access = body.get("access_valid_for_days", 90)
        if not isinstance(history, int) or not (
            1 <= history <= int(institution["transaction_total_days"])
        ):
            return _field_error(
                "max_historical_days",
                "Incorrect max_historical_days",
                f"max_historical_days must be > 0 and <= "
                f"{institution['transaction_total_days']} for {institution['id']}",
            )
        if not isinstance(access, int) or not (
            1 <= access <= int(institution["max_access_valid_for_days"])
        ):
            return _field_error(
                "access_valid_for_days",
                "Incorrect access_valid_for_days",
                f"access_valid_for_days must be > 0 and <= "
                f"{institution['max_access_valid_for_days']}",
            )
        scope = body.get("access_scope") or ["balances", "details", "transactions"]
        agreement = {
            "id": _uuid(),
            "created": self.now().isoformat(),
            "institution_id": institution["id"],
            "max_historical_days": history,
            "access_valid_for_days": access,
            "access_scope": list(scope),
            "accepted": None,
        }
        self.agreements[agreement["id"]] = agreement
        return 201, agreement, {}

    def _create_requisition(self, body):
        for name in ("redirect", "institution_id"):
            if not body.get(name):
                return _field_error(name, "This field is required.", name)
        agreement = self.agreements.get(body.get("agreement") or "")
        if agreement is None or agreement["institution_id"] != body["institution_id"]:
            return _field_error(
                "agreement", "Incorrect agreement", "No such agreement for the bank."
            )
        reference = str(body.get("reference") or _uuid())
        if any(r["reference"] == reference for r in self.requisitions.values()):
            return _field_error(
                "reference",
                "Client reference must be unique",
                "Client reference is already in use",
            )
        requisition = {
            "id": _uuid(),
            "created": self.now().isoformat(),
            "redirect": body["redirect"],
            "status": "CR",
            "institution_id": body["institution_id"],
            "agreement": agreement["id"],
            "reference": reference,
            "accounts": [],
            "user_language": body.get("user_language") or "EN",
            "link": "",
            "_accounts": {},
        }
        requisition["link"] = f"{self.url}/sandbox/link/{requisition['id']}"
        self.requisitions[requisition["id"]] = requisition
        return 201, _public(requisition), {}

    def _link_page(self, requisition_id, query):
        requisition = self.requisitions.get(requisition_id)
        if requisition is None or requisition["status"] != "CR":
            return _error(
                404, "Not found", "No such requisition waiting for the customer."
            )
        if "decision" not in query:
            return 200, BANK_PAGE, {}
        answer = {"ref": requisition["reference"]}
        if query.get("decision") == "approve":
            number = sum(1 for r in self.requisitions.values() if r["_accounts"]) + 1
            # Account ids belong to a requisition: a new one gives new ids
            # (UUIDs, as the published API file has them).
            ids = {linked_account_id(key, number): key for key in self.accounts}
            requisition.update(status="LN", accounts=list(ids), _accounts=ids)
            self.agreements[requisition["agreement"]]["accepted"] = (
                self.now().isoformat()
            )
        else:
            requisition["status"] = "RJ"
            answer.update(error="UserCancelledSession", details="User cancelled")
        parts = urlsplit(requisition["redirect"])
        query_string = "&".join(filter(None, (parts.query, urlencode(answer))))
        return 302, {}, {"Location": urlunsplit(parts._replace(query=query_string))}

    def _agreement_over(self, agreement):
        if not agreement["accepted"]:
            return False
        accepted = datetime.fromisoformat(agreement["accepted"])
        return (
            accepted + timedelta(days=agreement["access_valid_for_days"]) < self.now()
        )

    def _requisition(self, method, requisition_id):
        requisition = self.requisitions.get(requisition_id)
        if requisition is None:
            return _error(404, "Not found", "Not found.")
        if method == "DELETE":
            del self.requisitions[requisition_id]
            return 200, {"summary": "Requisition deleted", "detail": ""}, {}
        if requisition["status"] == "LN" and self._agreement_over(
            self.agreements[requisition["agreement"]]
        ):
            requisition["status"] = "EX"
        return 200, _public(requisition), {}

    # -- accounts --------------------------------------------------------------

    def _account(self, account_id, what, query):
        requisition = next(
            (r for r in self.requisitions.values() if account_id in r["_accounts"]),
            None,
        )
        if requisition is None:
            return _error(404, "Not found", f"Account ID {account_id} not found")
        agreement = self.agreements[requisition["agreement"]]
        if requisition["status"] == "EX" or self._agreement_over(agreement):
            requisition["status"] = "EX"
            return _error(
                401,
                "Access has expired or it has been revoked",
                f"End User Agreement (EUA) {agreement['id']} was valid for "
                f"{agreement['access_valid_for_days']} days and has expired; "
                "reconnect the account with a new requisition.",
                type="AccessExpiredError",
            )
        if self.suspended.get(account_id):
            return _error(
                409,
                "Account suspended",
                "This account or its requisition was suspended due to numerous "
                "errors that occurred while accessing it.",
            )
        if requisition["status"] != "LN":
            return _error(
                409,
                "Requisition not linked",
                f"Requisition {requisition['id']} is in status "
                f"{requisition['status']}.",
            )
        account = self.accounts[requisition["_accounts"][account_id]]
        if what not in ("details", "balances", "transactions"):
            return _error(404, "Not found", "No such endpoint.")
        key = (account_id, what, self.now().date())
        used = self.successes.get(key, 0)
        if used >= self.account_success_per_day:
            status, payload, _ = _error(
                429,
                "Rate limit exceeded",
                f"The rate limit for this resource is "
                f"{self.account_success_per_day}/day. Please try again in "
                f"{self._seconds_to_midnight()} seconds",
            )
            return status, payload, self._account_limit_headers(used)
        if what == "transactions":
            answer = self._transactions(account, agreement, query)
        elif what == "balances":
            answer = 200, {"balances": self._balances(account)}, {}
        else:
            answer = 200, {"account": self._details(account, account_id)}, {}
        if answer[0] == 200:
            self.successes[key] = used + 1
            used += 1
        return answer[0], answer[1], self._account_limit_headers(used)

    def _account_limit_headers(self, used):
        return {
            "HTTP_X_RATELIMIT_ACCOUNT_SUCCESS_LIMIT": str(self.account_success_per_day),
            "HTTP_X_RATELIMIT_ACCOUNT_SUCCESS_REMAINING": str(
                max(0, self.account_success_per_day - used)
            ),
            "HTTP_X_RATELIMIT_ACCOUNT_SUCCESS_RESET": str(self._seconds_to_midnight()),
        }

    def _seconds_to_midnight(self):
        now = self.now()
        midnight = datetime.combine(
            now.date() + timedelta(days=1), datetime.min.time(), timezone.utc
        )
        return max(1, int((midnight - now).total_seconds()))

    @staticmethod
    def _details(account, account_id):
        return {
            "resourceId": account_id,
            "iban": account.iban,
            "currency": account.currency,
            "ownerName": account.owner_name,
            "name": account.name,
            "cashAccountType": "CACC",
        }

    def _balances(self, account):
        booked = sum(
            (_amount(t) for s, t in account.transactions if s == "booked"),
            account.balance,
        )
        pending = sum(
            (_amount(t) for s, t in account.transactions if s == "pending"),
            Decimal(0),
        )
        today = self.now().date().isoformat()
        return [
            {
                "balanceAmount": {"amount": str(booked), "currency": account.currency},
                "balanceType": "closingBooked",
                "referenceDate": today,
            },
            {
                "balanceAmount": {
                    "amount": str(booked + pending),
                    "currency": account.currency,
                },
                "balanceType": "interimAvailable",
                "referenceDate": today,
            },
        ]

    def _transactions(self, account, agreement, query):
        today = self.now().date()
        try:
            date_from = date.fromisoformat(
                query.get("date_from")
                or (
                    today - timedelta(days=agreement["max_historical_days"])
                ).isoformat()
            )
            date_to = date.fromisoformat(query.get("date_to") or today.isoformat())
        except ValueError:
            return _field_error("date_from", "Invalid date", "Use YYYY-MM-DD dates.")
        earliest = today - timedelta(days=agreement["max_historical_days"])
        if date_from < earliest:
            return _field_error(
                "date_from",
                "Date can't be before the agreement's max_historical_days",
                f"date_from {date_from} is before {earliest}, the oldest day of "
                f"the agreement's {agreement['max_historical_days']} days",
            )
        if date_from > date_to:
            return _field_error(
                "date_to", "Incorrect date range", "date_to is before date_from"
            )
        lists = {"booked": [], "pending": []}
        for status, transaction in account.transactions:
            if date_from <= date.fromisoformat(transaction["valueDate"]) <= date_to:
                lists[status].append(transaction)
        return 200, {"transactions": lists}, {}


# Account ids are UUIDs derived from the account and its requisition's
# number, so that a test can name the id a requisition gives.
ID_NAMESPACE = uuid.UUID("5c0d7a4e-2b8f-4e61-9d3a-1f6c8e0a9b72")


def linked_account_id(key, requisition_number):
    """The id the ``requisition_number``-th linked requisition gives the
    account ``key``."""
    return str(uuid.uuid5(ID_NAMESPACE, f"{key}-r{requisition_number}"))


def _uuid():
    raw = secrets.token_hex(16)
    return f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:]}"


def _public(requisition):
    return {k: v for k, v in requisition.items() if not k.startswith("_")}


def _amount(transaction):
    return Decimal(transaction["transactionAmount"]["amount"])


def _error(status, summary, detail, **more):
    body = {"summary": summary, "detail": detail, "status_code": status, **more}
    return status, body, {}


def _field_error(name, summary, detail):
    return (
        400,
        {name: {"summary": summary, "detail": detail}, "status_code": 400},
        {},
    )


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format, *args):
        """Quiet: the sandbox keeps its own request_log."""

    def do_GET(self):
        self._answer("GET")

    def do_POST(self):
        self._answer("POST")

    def do_DELETE(self):
        self._answer("DELETE")

    def _answer(self, method):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(min(length, 1_000_000)) if length else b""
        url = urlsplit(self.path)
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = None
        if not isinstance(body, dict):
            status, payload, extra = _error(400, "Invalid JSON", "A JSON object body")
        else:
            status, payload, extra = self.server.sandbox.dispatch(
                method, url.path, dict(parse_qsl(url.query)), self.headers, body
            )
        if isinstance(payload, str):  # the customer's page
            content, content_type = payload.encode(), "text/html; charset=utf-8"
        else:
            content = json.dumps(payload).encode() if status != 302 else b""
            content_type = "application/json"
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(content)))
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(content)
