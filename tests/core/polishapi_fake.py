"""A small fake PolishAPI bank for the client tests (real HTTP, not a test module).

Speaks PolishAPI 2.1.1 as its published Swagger file describes it (paths
``/v2_1_1.1/{service}/v2_1_1.1/{operation}``): every call a POST of JSON with
a ``requestHeader``, except ``deleteConsent``, whose body is the consent id
alone (``DeleteConsentRequest``) and which takes no access token; checks that
X-REQUEST-ID equals ``requestHeader.requestId`` (a UUID version 1), that the
bearer token of the Authorization header is the one in
``requestHeader.token``, and the fields the specification requires of the
requests it serves. Its data come from the sandbox ledger: booked and pending
movements, and a hold (``HoldInfo``) for each pending debit.

Its answers conform to that file too (tests/core/test_conformance_polishapi.py):
date-times carry their UTC offset (the bank's local time, +01:00), names are
cut into lines of at most 35 characters (``NameAddress``). One known
exception: an overdrawn account's balance is sent with its minus sign, which
the file's unsigned amount pattern cannot express (the balances are required).

Payments (PIS): ``domestic`` (``DomesticRequest``) and ``bundle``
(``BundleRequest`` of ``domesticTransfers``) are checked field by field
against the specification's limits (account numbers of at most 34
characters, 1 to 4 name lines of 35, a description of at most 140, an amount
and a currency, ``deliveryMode`` and ``system`` from their lists, a bundle's
total equal to its transfers'), deduplicated on ``tppTransactionId`` /
``tppBundleId`` (the same id with another body is refused), and answered
``submitted`` / ``inProgress``; ``getPayment`` and ``getBundle`` tell the
status, ``done`` once ``execute_payments()`` was called.
"""

import json
import secrets
import textwrap
import threading
import uuid
from datetime import date, timedelta, timezone
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

from bank_api_sync.core.jws import sign_detached
from bank_api_sync_sandbox.core.sandbox.ledger import DEFAULT_ACCOUNTS, Ledger

# Fields the specification requires of the requests served here, beside the
# requestHeader (AccountInfoRequest, TransactionInfoRequest, HoldRequest).
REQUIRED = {
    "getAccount": ("accountNumber",),
    "getTransactionsDone": ("accountNumber",),
    "getTransactionsPending": ("accountNumber",),
    "getHolds": ("accountNumber",),
    "domestic": (
        "recipient",
        "sender",
        "transferData",
        "tppTransactionId",
        "deliveryMode",
        "system",
    ),
    "bundle": ("tppBundleId", "transfersTotalAmount", "typeOfTransfers"),
    "getPayment": ("paymentId",),
    "getBundle": ("bundleId",),
}
DELIVERY_MODES = ("ExpressD0", "StandardD1")
SYSTEMS = ("Elixir", "ExpressElixir", "Sorbnet", "BlueCash", "Internal")


BANK_TIME = "+01:00"  # the bank's local time (Poland, winter)


def name_lines(name):
    """``NameAddress.value``: the name in lines of at most 35 characters."""
    return {"value": textwrap.wrap(name, 35)[:4]}


class FakePolishApi:
    def __init__(self, clock, version="v2_1_1.1", seed=4, per_day=3):
        self.clock = clock
        self.version = version
        today = clock().date()
        self.ledger = Ledger(
            seed, list(DEFAULT_ACCOUNTS), per_day, today - timedelta(60)
        )
        self.accounts = {a.iban[2:]: a for a in DEFAULT_ACCOUNTS}
        self.access = {}  # token -> expires at
        self.refresh = set()
        self.codes = {}  # authorisation code -> consent id
        self.logins = {}  # state -> (redirect_uri, code): the PSU's login page
        self.consents = {}  # access token -> consent id
        self.deleted = set()  # consent ids
        self.requests = []  # (operation, headers, body)
        self.expire_next_token = False
        self.raw_bodies = []  # the request bodies as received
        self.payments = {}  # payment or bundle id -> {kind, status, body}
        self.by_tpp_id = {}  # tppTransactionId / tppBundleId -> id
        # With a seal (core.certificates.Credential), answers are signed
        # (X-JWS-SIGNATURE); ``forge_signatures``: over other bytes.
        self.seal = None
        self.forge_signatures = False
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(
            target=self.server.serve_forever,
            kwargs={"poll_interval": 0.05},
            daemon=True,
        )

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.server.shutdown()
        self.server.server_close()

    def today(self) -> date:
        return self.clock().date()

    def bodies(self, operation):
        return [body for op, _headers, body in self.requests if op == operation]

    # -- answers ---------------------------------------------------------------

    def answer(self, operation, headers, body):
        request_id = headers.get("X-REQUEST-ID")
        if operation == "deleteConsent":
            return self.delete_consent(request_id, headers, body)
        header = body.get("requestHeader") or {}
        if request_id != header.get("requestId") or uuid.UUID(request_id).version != 1:
            return 400, {"code": "INVALID_REQUEST_ID", "message": "requestId"}
        response_header = {
            "requestId": request_id,
            "sendDate": self.clock()
            .astimezone(timezone.utc)
            .isoformat(timespec="milliseconds"),
        }
        if operation in ("authorize", "token"):
            return self.authorisation(operation, body, response_header)
        token = (headers.get("Authorization") or "").removeprefix("Bearer ")
        if token != header.get("token"):
            return 400, {"code": "TOKEN_MISMATCH", "message": "header and body differ"}
        if self.expire_next_token:
            self.expire_next_token = False
            self.access[token] = self.clock() - timedelta(seconds=1)
        if token not in self.access or self.access[token] <= self.clock():
            return 401, {
                "responseHeader": response_header,
                "code": "TOKEN_EXPIRED",
                "message": "Token expired",
            }
        if self.consents.get(token) in self.deleted:
            return 403, {
                "responseHeader": response_header,
                "code": "CONSENT_DELETED",
                "message": "The consent was deleted",
            }
        handler = getattr(self, f"op_{operation}", None)
        if handler is None:
            return 404, {"code": "NOT_FOUND", "message": operation}
        missing = [name for name in REQUIRED.get(operation, ()) if name not in body]
        if missing:
            return 400, {"code": "INVALID_REQUEST", "message": ", ".join(missing)}
        answer = handler(body)
        if isinstance(answer, tuple):  # (status, error payload)
            return answer[0], {"responseHeader": response_header, **answer[1]}
        return 200, {"responseHeader": response_header, **answer}

    def authorisation(self, operation, body, response_header):
        if operation == "authorize":
            consent_id = body["scope_details"]["consentId"]
            code = "code-" + secrets.token_hex(4)
            self.codes[code] = consent_id
            self.logins[body["state"]] = (body["redirect_uri"], code)
            redirect = f"{self.url}/login?{urlencode({'state': body['state']})}"
            return 200, {
                "responseHeader": response_header,
                "aspspRedirectUri": redirect,
            }
        grant = body.get("grant_type")
        if grant == "authorization_code" and body.get("Code") in self.codes:
            consent_id = self.codes.pop(body["Code"])
        elif grant == "refresh_token" and body.get("refresh_token") in self.refresh:
            self.refresh.discard(body["refresh_token"])
            consent_id = "consent-renewed"
        else:
            return 400, {"code": "INVALID_GRANT", "message": "no"}
        access, refresh = (
            "pl-at-" + secrets.token_hex(8),
            "pl-rt-" + secrets.token_hex(8),
        )
        self.access[access] = self.clock() + timedelta(seconds=600)
        self.consents[access] = consent_id
        self.refresh.add(refresh)
        return 200, {
            "responseHeader": response_header,
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": "600",
            "refresh_token": refresh,
            "scope": "ais",
            "scope_details": {
                "consentId": consent_id,
                "scopeTimeLimit": f"{self.today() + timedelta(days=90)}T23:59:59"
                f"{BANK_TIME}",
                "throttlingPolicy": "psd2Regulatory",
            },
        }

    def delete_consent(self, request_id, headers, body):
        """deleteConsent: ``DeleteConsentRequest`` requires ``consentId``
        (2.1.1: nothing else is defined; 2.1.2: with a ``requestHeader``
        without token, whose requestId is X-REQUEST-ID); the answer is 204
        without a body."""
        if not request_id or uuid.UUID(request_id).version != 1:
            return 400, {"code": "INVALID_REQUEST_ID", "message": "X-REQUEST-ID"}
        if self.version == "v2_1_1.1":
            expected = {"consentId"}
        else:
            expected = {"consentId", "requestHeader"}
            header = body.get("requestHeader") or {}
            if header.get("requestId") != request_id or "token" in header:
                return 400, {"code": "INVALID_REQUEST", "message": "requestHeader"}
        if set(body) != expected:
            return 400, {"code": "INVALID_REQUEST", "message": sorted(body)}
        self.deleted.add(body["consentId"])
        return 204, None

    @staticmethod
    def page(items, body):
        start = int(body.get("pageId") or 0)
        size = int(body.get("perPage") or 10)
        info = {}
        if start + size < len(items):
            info["nextPage"] = str(start + size)
        if start:
            info["previousPage"] = str(max(0, start - size))
        return items[start : start + size], info

    def op_getAccounts(self, body):
        items = [
            {
                "accountNumber": number,
                "accountTypeName": "Rachunek firmowy",
                "accountType": {"code": "CACC", "description": "Current"},
                "psuRelations": [{"typeOfRelation": "Owner"}],
            }
            for number in self.accounts
        ]
        chunk, info = self.page(items, body)
        return {"accounts": chunk, "pageInfo": info}

    def op_getAccount(self, body):
        account = self.accounts[body["accountNumber"]]
        closing, available = self.ledger.balances(account.resource_id, self.today())
        info = {
            "account": {
                "accountNumber": body["accountNumber"],
                "nameAddress": name_lines(account.owner_name),
                "accountType": {"code": "CACC", "description": "Current"},
                "accountTypeName": account.name,
                "accountHolderType": "corporation",
                "currency": account.currency,
                "availableBalance": f"{available}",
                "bookingBalance": f"{closing}",
                "psuRelations": [{"typeOfRelation": "Owner"}],
            }
        }
        return info

    def item(self, movement, booked):
        party = {
            "nameAddress": name_lines(movement.counterparty_name)
            if movement.counterparty_name
            else None,
            "accountNumber": movement.counterparty_iban,
        }
        party = {key: value for key, value in party.items() if value}
        item = {
            "itemId": movement.booked_id if booked else movement.pending_id,
            "amount": f"{abs(movement.amount)}",
            "currency": movement.currency,
            "description": movement.remittance,
            "transactionType": movement.proprietary_code,
            "tradeDate": f"{movement.day}T12:00:00{BANK_TIME}",
            "transactionCategory": "CREDIT" if movement.amount > 0 else "DEBIT",
            "sender" if movement.amount > 0 else "recipient": party,
        }
        if booked:
            item["bookingDate"] = f"{movement.booking_day}T00:00:00{BANK_TIME}"
        return item

    def op_getTransactionsDone(self, body):
        account = self.accounts[body["accountNumber"]]
        movements = self.ledger.booked(
            account.resource_id,
            self.today(),
            date.fromisoformat(body["bookingDateFrom"]),
            date.fromisoformat(body["bookingDateTo"]),
        )
        chunk, info = self.page([self.item(m, True) for m in movements], body)
        return {"transactions": chunk, "pageInfo": info}

    def op_getTransactionsPending(self, body):
        account = self.accounts[body["accountNumber"]]
        movements = self.ledger.pending(
            account.resource_id,
            self.today(),
            date.fromisoformat(body["transactionDateFrom"]),
            date.fromisoformat(body["transactionDateTo"]),
        )
        chunk, info = self.page([self.item(m, False) for m in movements], body)
        return {"transactions": chunk, "pageInfo": info}

    def op_getHolds(self, body):
        """Holds are filtered on the transaction date (booking dates are
        ignored for holds, says the specification)."""
        account = self.accounts[body["accountNumber"]]
        movements = self.ledger.pending(
            account.resource_id,
            self.today(),
            date.fromisoformat(body["transactionDateFrom"]),
            date.fromisoformat(body["transactionDateTo"]),
        )
        holds = [
            {
                "itemId": f"hold-{m.pending_id}",
                "amount": f"{abs(m.amount)}",
                "currency": m.currency,
                "description": m.remittance,
                "transactionType": "CARD",
                "tradeDate": f"{m.day}T12:00:00{BANK_TIME}",
                "holdExpirationDate": f"{m.day + timedelta(days=7)}T12:00:00"
                f"{BANK_TIME}",
                "recipient": {"nameAddress": name_lines(m.counterparty_name)},
            }
            for m in movements
            if m.amount < 0
        ]
        chunk, info = self.page(holds, body)
        return {"holds": chunk, "pageInfo": info}

    # -- payments (PIS) -------------------------------------------------------

    @staticmethod
    def transfer_problem(transfer):
        """What is wrong with one DomesticRequest's transfer fields, or None."""
        recipient, sender = transfer.get("recipient"), transfer.get("sender")
        data = transfer.get("transferData") or {}
        lines = ((recipient or {}).get("nameAddress") or {}).get("value") or []
        if not recipient or not 0 < len(recipient.get("accountNumber") or "") <= 34:
            return "recipient.accountNumber"
        if not 1 <= len(lines) <= 4 or any(len(line) > 35 for line in lines):
            return "recipient.nameAddress"
        if sender is None or len(sender.get("accountNumber") or "") > 34:
            return "sender.accountNumber"
        if not data.get("description") or len(data["description"]) > 140:
            return "transferData.description"
        try:
            amount = Decimal(data.get("amount"))
        except (TypeError, ArithmeticError):
            return "transferData.amount"
        if amount <= 0 or len(data.get("currency") or "") != 3:
            return "transferData.amount"
        if transfer.get("deliveryMode") not in DELIVERY_MODES:
            return "deliveryMode"
        if transfer.get("system") not in SYSTEMS:
            return "system"
        if transfer.get("splitPayment") and not (
            transfer.get("transactionInfoSp") or {}
        ).get("spTaxIdentificationNumber"):
            return "transactionInfoSp"
        return None

    def initiate(self, kind, tpp_id, body):
        content = {k: v for k, v in body.items() if k != "requestHeader"}
        known = self.by_tpp_id.get(tpp_id)
        if known is not None:
            if self.payments[known]["body"] != content:
                return 400, {"code": "DUPLICATE_ID", "message": tpp_id}
            return known, self.payments[known]
        payment_id = f"{kind}-{len(self.payments) + 1:04d}"
        self.payments[payment_id] = {
            "kind": kind,
            "status": "submitted" if kind == "domestic" else "inProgress",
            "body": content,
        }
        self.by_tpp_id[tpp_id] = payment_id
        return payment_id, self.payments[payment_id]

    def op_domestic(self, body):
        problem = self.transfer_problem(body)
        if problem:
            return 400, {"code": "INVALID_REQUEST", "message": problem}
        payment_id, payment = self.initiate("domestic", body["tppTransactionId"], body)
        if payment_id == 400:
            return payment_id, payment
        return {
            "paymentId": payment_id,
            "generalStatus": payment["status"],
            "detailedStatus": "accepted for execution",
        }

    def op_bundle(self, body):
        transfers = body.get("domesticTransfers") or []
        if body["typeOfTransfers"] != "domestic" or not transfers:
            return 400, {"code": "INVALID_REQUEST", "message": "domesticTransfers"}
        for transfer in transfers:
            problem = self.transfer_problem(transfer) or (
                None if transfer.get("tppTransactionId") else "tppTransactionId"
            )
            if problem:
                return 400, {"code": "INVALID_REQUEST", "message": problem}
        total = sum(Decimal(t["transferData"]["amount"]) for t in transfers)
        if Decimal(body["transfersTotalAmount"]) != total:
            return 400, {"code": "INVALID_REQUEST", "message": "transfersTotalAmount"}
        bundle_id, bundle = self.initiate("bundle", body["tppBundleId"], body)
        if bundle_id == 400:
            return bundle_id, bundle
        return {"bundleId": bundle_id, "bundleStatus": bundle["status"]}

    def op_getPayment(self, body):
        payment = self.payments.get(body["paymentId"])
        if payment is None or payment["kind"] != "domestic":
            return 400, {"code": "NOT_FOUND", "message": "paymentId"}
        return {
            "paymentId": body["paymentId"],
            "tppTransactionId": payment["body"]["tppTransactionId"],
            "generalStatus": payment["status"],
            "detailedStatus": payment["status"],
        }

    def op_getBundle(self, body):
        bundle = self.payments.get(body["bundleId"])
        if bundle is None or bundle["kind"] != "bundle":
            return 400, {"code": "NOT_FOUND", "message": "bundleId"}
        return {
            "bundleId": body["bundleId"],
            "tppBundleId": bundle["body"]["tppBundleId"],
            "bundleStatus": bundle["status"],
        }

    def execute_payments(self):
        for payment in self.payments.values():
            payment["status"] = "done"

    def login(self, query):
        """The PSU's answer at the login page (``decision`` approve or deny):
        where the bank sends the browser back, the OAuth2 way (the code and
        the state, or an error and the state)."""
        state = query.get("state", "")
        redirect_uri, code = self.logins.pop(state, (None, None))
        if redirect_uri is None:
            return None
        if query.get("decision") == "deny":
            back = {"error": "access_denied", "state": state}
        else:
            back = {"code": code, "state": state}
        separator = "&" if "?" in redirect_uri else "?"
        return f"{redirect_uri}{separator}{urlencode(back)}"


def _handler(fake):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def log_message(self, *args):
            pass

        def do_GET(self):
            parts = urlsplit(self.path)
            query = dict(parse_qsl(parts.query))
            location = fake.login(query) if parts.path == "/login" else None
            self.send_response(302 if location else 404)
            if location:
                self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            fake.raw_bodies.append(raw)
            body = json.loads(raw or b"{}")
            parts = self.path.strip("/").split("/")
            expected = [fake.version, parts[1] if len(parts) > 1 else "", fake.version]
            operation = parts[3] if len(parts) == 4 and parts[:3] == expected else "?"
            fake.requests.append((operation, dict(self.headers.items()), body))
            status, payload = fake.answer(operation, self.headers, body)
            data = json.dumps(payload).encode() if payload is not None else b""
            self.send_response(status)
            if data:
                self.send_header("Content-Type", "application/json")
            if fake.seal is not None:
                signed = data + b" " if fake.forge_signatures else data
                self.send_header("X-JWS-SIGNATURE", sign_detached(fake.seal, signed))
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler
