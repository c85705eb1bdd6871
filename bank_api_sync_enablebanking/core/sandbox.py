"""The Sandbox Bank's Enable Banking personality, served over real HTTP.

The paths and shapes of the Enable Banking API (``/aspsps``, ``/auth``,
``/sessions``, ``/accounts/{uid}/details|balances|transactions``), each
request's JWT checked with the application's public key (RS256, ``kid``,
issuer, audience, a lifetime of at most a day), and its errors: 401
``UNAUTHORIZED_ACCESS`` for a bad signature, 401 ``EXPIRED_SESSION`` for a
session past its access, 422 ``WRONG_TRANSACTIONS_PERIOD``, 429
``ASPSP_RATE_LIMIT_EXCEEDED`` once an account's unattended accesses of the
day (PSD2: 4 without the customer present) are used up, with Retry-After
at midnight UTC.

The customer's page is ``/sandbox/authorize/<authorization id>``: a GET with
``decision=approve`` (or ``deny``) sends them back (302) to the return
address with ``code`` and ``state`` (or ``error``).

As at Enable Banking, an account's uid belongs to its session: a renewal
(a new session) gives the same account a new uid (``account_uid``).

Shapes as Enable Banking's published OpenAPI file has them (checked by
``tests/core/test_conformance_enablebanking.py``): session, authorization
and account ids are UUIDs; a bank of ``/aspsps`` has its logo, its
authentication methods and ``beta``; a session and an account carry the
identification hashes; a field with no value is left out, never ``null``.

Run ``EnableBankingSandbox(public_key_pem, application_id).start()``; the
clock is settable (``clock=``) so that sessions can expire in a test.
"""

import json
import secrets
import threading
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

import jwt

DEFAULT_ASPSPS = (
    {
        "name": "Sandbox Bank PL",
        "country": "PL",
        "bic": "SNDBPLPW",
        "maximum_consent_validity": 180 * 86400,
        "psu_types": ["business", "personal"],
        "logo": "https://sandbox.invalid/logos/sandbox-bank-pl.png",
        "auth_methods": [
            {"psu_type": "business", "approach": "REDIRECT", "hidden_method": False},
            {"psu_type": "personal", "approach": "REDIRECT", "hidden_method": False},
        ],
        "beta": False,
    },
    {
        "name": "Sandbox Bank FI",
        "country": "FI",
        "bic": "SNDBFIHH",
        "maximum_consent_validity": 90 * 86400,
        "psu_types": ["personal"],
        "logo": "https://sandbox.invalid/logos/sandbox-bank-fi.png",
        "auth_methods": [
            {"psu_type": "personal", "approach": "REDIRECT", "hidden_method": False}
        ],
        "beta": False,
    },
)
MAX_JWT_LIFETIME = 24 * 3600
# Account uids are UUIDs derived from the account and its session's number,
# so that a test can name the uid a session gives.
UID_NAMESPACE = uuid.UUID("0f0e3c52-5b1e-4c1a-9a53-6d1e6b0e0b1a")


def account_uid(key, session_number):
    """The uid the ``session_number``-th session gives the account ``key``."""
    return str(uuid.uuid5(UID_NAMESPACE, f"{key}-s{session_number}"))


def _hash(*parts):
    return str(uuid.uuid5(UID_NAMESPACE, "/".join(parts)))


# The customer's page, for a person clicking through: approve or deny.
BANK_PAGE = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'/>"
    "<title>Sandbox Bank (Enable Banking)</title></head><body>"
    "<h1>Sandbox Bank (through Enable Banking)</h1>"
    "<p>Give the application access to your accounts?</p>"
    "<p><a href='?decision=approve'>Approve</a> "
    "<a href='?decision=deny'>Deny</a></p></body></html>"
)


def _utcnow():
    return datetime.now(timezone.utc)


@dataclass
class SandboxAccount:
    uid: str
    iban: str
    currency: str = "PLN"
    name: str = "Business account"
    balance: Decimal = Decimal("1000.00")
    # Enable Banking transaction objects, newest last.
    transactions: list = field(default_factory=list)


class EnableBankingSandbox:
    """An Enable Banking API (see the module docstring)."""

    def __init__(
        self,
        public_key_pem,
        application_id,
        *,
        clock=_utcnow,
        page_size=2,
        unattended_per_day=4,
        aspsps=DEFAULT_ASPSPS,
    ):
        self.public_key = public_key_pem
        self.application_id = application_id
        self.clock = clock
        self.page_size = page_size
        self.unattended_per_day = unattended_per_day
        self.aspsps = [dict(aspsp) for aspsp in aspsps]
        self.authorizations = {}  # id -> request body of POST /auth
        self.codes = {}  # code -> authorization id
        self.sessions = {}  # id -> {"valid_until", "status", "accounts"}
        self.accesses = {}  # (uid, day) -> unattended transaction listings
        self.request_log = []  # (method, path, status)
        self._lock = threading.Lock()
        self.accounts = {}
        self._server = None
        self.url = None

    # -- the ledger ------------------------------------------------------------

    def add_account(self, uid, iban, **values) -> SandboxAccount:
        account = SandboxAccount(uid, iban, **values)
        self.accounts[uid] = account
        return account

    def add_transaction(self, uid, reference, amount, day, status="BOOK", **values):
        """A movement of ``Decimal(amount)`` (negative: money out) on ``day``."""
        amount = Decimal(str(amount))
        transaction = {
            "entry_reference": reference,
            "transaction_amount": {
                "currency": self.accounts[uid].currency,
                "amount": str(abs(amount)),
            },
            "credit_debit_indicator": "CRDT" if amount >= 0 else "DBIT",
            "status": status,
            **({"booking_date": day.isoformat()} if status == "BOOK" else {}),
            "value_date": day.isoformat(),
            "transaction_date": day.isoformat(),
            "remittance_information": [values.pop("remittance", "")],
            **values,
        }
        self.accounts[uid].transactions.append(transaction)
        return transaction

    def book(self, uid, pending_reference, booked_reference, day):
        """The bank books a pending movement: it leaves the pending list and
        comes back booked under a new entry reference."""
        account = self.accounts[uid]
        pending = next(
            t for t in account.transactions if t["entry_reference"] == pending_reference
        )
        account.transactions.remove(pending)
        booked = {
            **pending,
            "entry_reference": booked_reference,
            "status": "BOOK",
            "booking_date": day.isoformat(),
        }
        account.transactions.append(booked)
        return booked

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
        return self.clock()

    def dispatch(self, method, path, query, headers, body):
        """(status, payload, extra headers) of one request."""
        with self._lock:
            status, payload, extra = self._dispatch(method, path, query, headers, body)
            self.request_log.append((method, path, status))
            return status, payload, extra

    def _dispatch(self, method, path, query, headers, body):
        parts = [part for part in path.split("/") if part]
        if parts[:2] == ["sandbox", "authorize"] and len(parts) == 3:
            return self._authorize_page(parts[2], query)
        refused = self._check_jwt(headers.get("Authorization") or "")
        if refused:
            return _error(401, "UNAUTHORIZED_ACCESS", refused)
        if method == "GET" and parts == ["aspsps"]:
            country = query.get("country")
            return (
                200,
                {
                    "aspsps": [
                        a for a in self.aspsps if a["country"] == country or not country
                    ]
                },
                {},
            )
        if method == "POST" and parts == ["auth"]:
            return self._start_auth(body)
        if method == "POST" and parts == ["sessions"]:
            return self._create_session(body)
        if parts[:1] == ["sessions"] and len(parts) == 2:
            return self._session(method, parts[1])
        if parts[:1] == ["accounts"] and len(parts) == 3 and method == "GET":
            return self._account(parts[1], parts[2], query, headers)
        return _error(404, "NOT_FOUND", f"No such endpoint: {method} {path}")

    def _check_jwt(self, authorization):
        """Why the request's JWT is refused, or None."""
        if not authorization.startswith("Bearer "):
            return "Authorization: Bearer <JWT> is required."
        token = authorization[len("Bearer ") :]
        try:
            header = jwt.get_unverified_header(token)
            if header.get("kid") != self.application_id:
                return "The JWT's kid is not a known application."
            claims = jwt.decode(
                token,
                self.public_key,
                algorithms=["RS256"],
                audience="api.enablebanking.com",
                issuer="enablebanking.com",
                options={"verify_exp": False, "verify_iat": False},
            )
        except jwt.PyJWTError as error:
            return f"The JWT is not valid ({type(error).__name__})."
        now = self.now().timestamp()
        if not isinstance(claims.get("iat"), int) or not isinstance(
            claims.get("exp"), int
        ):
            return "The JWT needs iat and exp."
        if claims["exp"] - claims["iat"] > MAX_JWT_LIFETIME:
            return "The JWT lives longer than 24 hours."
        if claims["exp"] < now or claims["iat"] > now + 60:
            return "The JWT is expired or not yet valid."
        return None

    def _aspsp(self, name, country):
        return next(
            (a for a in self.aspsps if a["name"] == name and a["country"] == country),
            None,
        )

    def _start_auth(self, body):
        access = body.get("access") or {}
        aspsp = body.get("aspsp") or {}
        bank = self._aspsp(aspsp.get("name"), aspsp.get("country"))
        if bank is None:
            return _error(404, "ASPSP_NOT_FOUND", "No such ASPSP in this country.")
        try:
            valid_until = datetime.fromisoformat(access.get("valid_until") or "")
        except ValueError:
            return _error(422, "WRONG_REQUEST_PARAMETERS", "access.valid_until")
        longest = self.now() + timedelta(seconds=bank["maximum_consent_validity"])
        if valid_until > longest + timedelta(days=1):
            return _error(
                422,
                "WRONG_REQUEST_PARAMETERS",
                "access.valid_until is beyond the ASPSP's maximum consent validity.",
            )
        if not body.get("redirect_url"):
            return _error(422, "WRONG_REQUEST_PARAMETERS", "redirect_url is required.")
        authorization_id = str(uuid.uuid4())
        self.authorizations[authorization_id] = {**body, "valid_until": valid_until}
        return (
            200,
            {
                "url": f"{self.url}/sandbox/authorize/{authorization_id}",
                "authorization_id": authorization_id,
                "psu_id_hash": _hash("psu", self.application_id),
            },
            {},
        )

    def _authorize_page(self, authorization_id, query):
        authorization = self.authorizations.get(authorization_id)
        if authorization is None:
            return _error(404, "NOT_FOUND", "No such authorization.")
        if "decision" not in query:
            return 200, BANK_PAGE, {}
        if query.get("decision") == "approve":
            code = secrets.token_hex(12)
            self.codes[code] = authorization_id
            answer = {"code": code, "state": authorization["state"]}
        else:
            answer = {"error": "access_denied", "state": authorization["state"]}
        location = f"{authorization['redirect_url']}?{urlencode(answer)}"
        return 302, {}, {"Location": location}

    def _create_session(self, body):
        authorization_id = self.codes.pop(str(body.get("code")), None)
        if authorization_id is None:
            return _error(
                422, "EXPIRED_AUTHORIZATION_CODE", "The code is unknown or spent."
            )
        authorization = self.authorizations[authorization_id]
        session_id = str(uuid.uuid4())
        valid_until = authorization["valid_until"]
        # Account uids belong to a session: a new session gives new uids.
        number = len(self.sessions) + 1
        uids = {account_uid(key, number): key for key in self.accounts}
        self.sessions[session_id] = {
            "status": "AUTHORIZED",
            "valid_until": valid_until,
            "accounts": uids,
            "aspsp": authorization["aspsp"],
            "psu_type": authorization.get("psu_type") or "personal",
            "created": self.now(),
        }
        return (
            200,
            {
                "session_id": session_id,
                "accounts": [
                    self._account_details(self.accounts[key], uid)
                    for uid, key in uids.items()
                ],
                "aspsp": authorization["aspsp"],
                "psu_type": authorization.get("psu_type") or "personal",
                "access": {"valid_until": valid_until.isoformat()},
            },
            {},
        )

    def _session(self, method, session_id):
        session = self.sessions.get(session_id)
        if session is None:
            return _error(404, "SESSION_DOES_NOT_EXIST", "No such session.")
        if method == "DELETE":
            session["status"] = "CLOSED"
            return 200, {"message": "OK"}, {}
        status = session["status"]
        if status == "AUTHORIZED" and session["valid_until"] < self.now():
            status = "EXPIRED"
        return (
            200,
            {
                "status": status,
                "accounts": list(session["accounts"]),
                "accounts_data": [
                    {
                        "uid": uid,
                        "identification_hash": self._identification(key),
                        "identification_hashes": [self._identification(key)],
                    }
                    for uid, key in session["accounts"].items()
                ],
                "aspsp": session["aspsp"],
                "psu_type": session["psu_type"],
                "psu_id_hash": _hash("psu", self.application_id),
                "access": {"valid_until": session["valid_until"].isoformat()},
                "created": session["created"].isoformat(),
            },
            {},
        )

    def _account(self, uid, what, query, headers):
        session = next(
            (s for s in self.sessions.values() if uid in s["accounts"]), None
        )
        if session is None:
            return _error(404, "ACCOUNT_DOES_NOT_EXIST", "No such account.")
        if session["status"] != "AUTHORIZED":
            return _error(401, "CLOSED_SESSION", "The session is closed.")
        account = self.accounts[session["accounts"][uid]]
        if session["valid_until"] < self.now():
            return _error(401, "EXPIRED_SESSION", "The session has expired.")
        if what == "details":
            return 200, self._account_details(account, uid), {}
        if what == "balances":
            return 200, {"balances": self._balances(account)}, {}
        if what == "transactions":
            return self._transactions(account, query, headers)
        return _error(404, "NOT_FOUND", "No such endpoint.")

    def _identification(self, key):
        return _hash("account", self.accounts[key].iban)

    def _account_details(self, account, uid):
        identification = _hash("account", account.iban)
        return {
            "uid": uid,
            "identification_hash": identification,
            "identification_hashes": [identification],
            "account_id": {"iban": account.iban},
            "currency": account.currency,
            "name": account.name,
            "cash_account_type": "CACC",
        }

    def _balances(self, account):
        booked = sum(
            (_signed(t) for t in account.transactions if t["status"] == "BOOK"),
            account.balance,
        )
        pending = sum(
            (_signed(t) for t in account.transactions if t["status"] == "PDNG"),
            Decimal(0),
        )
        today = self.now().date().isoformat()
        return [
            {
                "name": "Booked",
                "balance_amount": {"currency": account.currency, "amount": str(booked)},
                "balance_type": "CLBD",
                "reference_date": today,
            },
            {
                "name": "Available",
                "balance_amount": {
                    "currency": account.currency,
                    "amount": str(booked + pending),
                },
                "balance_type": "ITAV",
                "reference_date": today,
            },
        ]

    def _seconds_to_midnight(self):
        """The daily limit starts again at midnight UTC."""
        now = self.now()
        midnight = datetime.combine(
            now.date() + timedelta(days=1), datetime.min.time(), timezone.utc
        )
        return str(max(1, int((midnight - now).total_seconds())))

    def _transactions(self, account, query, headers):
        try:
            date_from = date.fromisoformat(query.get("date_from") or "")
            date_to = date.fromisoformat(
                query.get("date_to") or self.now().date().isoformat()
            )
        except ValueError:
            return _error(422, "WRONG_TRANSACTIONS_PERIOD", "date_from is required.")
        if date_from > date_to:
            return _error(422, "WRONG_TRANSACTIONS_PERIOD", "date_from after date_to.")
        if not headers.get("Psu-Ip-Address"):
            key = (account.uid, self.now().date())
            self.accesses[key] = self.accesses.get(key, 0) + 1
            if self.accesses[key] > self.unattended_per_day:
                status, payload, _ = _error(
                    429,
                    "ASPSP_RATE_LIMIT_EXCEEDED",
                    "The bank's limit of unattended accesses today is reached.",
                )
                return status, payload, {"Retry-After": self._seconds_to_midnight()}
        wanted = query.get("transaction_status")
        selected = [
            t
            for t in account.transactions
            if (not wanted or t["status"] == wanted)
            and date_from <= date.fromisoformat(t["value_date"]) <= date_to
        ]
        start = int(query.get("continuation_key") or 0)
        page = selected[start : start + self.page_size]
        more = start + self.page_size < len(selected)
        answer = {"transactions": page}
        if more:
            answer["continuation_key"] = str(start + self.page_size)
        return 200, answer, {}


def _signed(transaction):
    amount = Decimal(transaction["transaction_amount"]["amount"])
    return amount if transaction["credit_debit_indicator"] == "CRDT" else -amount


def _error(status, code, message):
    return status, {"code": status, "error": code, "message": message}, {}


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
        raw = self.rfile.read(length) if length else b""
        url = urlsplit(self.path)
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = None
        if not isinstance(body, dict):
            status, payload, extra = _error(
                400, "WRONG_REQUEST_PARAMETERS", "JSON body"
            )
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
