"""The Sandbox Bank's PolishAPI 2.1.1 personality (a second API on its server).

Speaks PolishAPI as its published Swagger file describes it (paths
``/v2_1_1.1/{service}/v2_1_1.1/{operation}``): every call a POST of JSON with
a ``requestHeader``, except ``deleteConsent``, whose body is the consent id
alone (``DeleteConsentRequest``) and which takes no access token; checks that
X-REQUEST-ID equals ``requestHeader.requestId`` (a UUID version 1), that the
bearer token of the Authorization header is the one in
``requestHeader.token``, and the fields the specification requires of the
requests it serves. Its data come from the sandbox ledger: booked and pending
movements, and a hold (``HoldInfo``) for each pending debit. The test suite's
fake PolishAPI bank (tests/core/polishapi_fake.py) is this class on a server
of its own; the Sandbox Bank mounts it beside its Berlin Group API
(``SandboxBank.polishapi``), its login page under ``/polishapi/login``.

Its answers conform to that file too (tests/core/test_conformance_polishapi.py):
date-times carry their UTC offset (the bank's local time, +01:00), names are
cut into lines of at most 35 characters (``NameAddress``). One known
exception: an overdrawn account's balance is sent with its minus sign, which
the file's unsigned amount pattern cannot express (the balances are required).

Authorisation: ``authorize`` keeps what was asked (``scope_details``) and
gives the login page (``aspspRedirectUri``), where the customer approves or
denies; the bank then sends the browser back to ``redirect_uri`` the OAuth2
way (``code`` and ``state``, or ``error=access_denied``); ``token`` trades the
code for tokens bound to that consent.

Payments (PIS): ``domestic`` (``DomesticRequest``) and ``bundle``
(``BundleRequest`` of ``domesticTransfers``) are checked field by field
against the specification's limits (account numbers of at most 34
characters, 1 to 4 name lines of 35, a description of at most 140, an amount
and a currency, ``deliveryMode`` and ``system`` from their lists, a bundle's
total equal to its transfers'), deduplicated on ``tppTransactionId`` /
``tppBundleId`` (the same id with another body is refused), and answered
``submitted`` / ``inProgress``; ``getPayment`` and ``getBundle`` tell the
status, ``done`` once ``execute_payments()`` was called or, with
``execute_on_date``, once the bank's clock reaches the execution date.
With ``pis_authorisation`` (the Sandbox Bank's) each payment needs the
customer's own authorisation: a token of an ``authorize`` with the ``pis``
scope whose ``pis:domestic`` / ``pis:bundle`` privilege is that payment
(recipients, amounts, debit account), used for one payment only; another
token is answered 403 (PIS_CONSENT_REQUIRED, PAYMENT_NOT_AUTHORISED,
CONSENT_USED), and the status needs the ``pis:getPayment`` /
``pis:getBundle`` privilege of that payment. ``book`` (a callable) is told
of each new payment, for the bank to book its debits.
"""

import html
import secrets
import textwrap
import threading
import uuid
from datetime import date, timedelta, timezone
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

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


class PolishApiBank:
    def __init__(
        self,
        clock,
        ledger,
        accounts,
        version="v2_1_1.1",
        *,
        pis_authorisation=False,
        execute_on_date=False,
        book=None,
    ):
        self.clock = clock
        self.version = version
        self.ledger = ledger
        self.accounts = {a.iban[2:]: a for a in accounts}
        self.login_url = "/login"  # the customer's login page (set by the server)
        self.pis_authorisation = pis_authorisation
        self.execute_on_date = execute_on_date
        self.book = book
        self.grants = {}  # consent id -> the scope_details asked in authorize
        self.used = {}  # consent id -> the TPP id of the payment it initiated
        self._lock = threading.RLock()
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

    def today(self) -> date:
        return self.clock().date()

    def bodies(self, operation):
        return [body for op, _headers, body in self.requests if op == operation]

    # -- answers ---------------------------------------------------------------

    def answer(self, operation, headers, body):
        """(HTTP status, JSON payload or None) of one request."""
        with self._lock:
            return self._answer(operation, headers, body)

    def _answer(self, operation, headers, body):
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
        refused = self.pis_refused(operation, token, body)
        if refused:
            return 403, {"responseHeader": response_header, **refused}
        answer = handler(body)
        if isinstance(answer, tuple):  # (status, error payload)
            return answer[0], {"responseHeader": response_header, **answer[1]}
        return 200, {"responseHeader": response_header, **answer}

    def authorisation(self, operation, body, response_header):
        if operation == "authorize":
            details = body.get("scope_details") or {}
            consent_id = details.get("consentId")
            if not consent_id or not body.get("state") or not body.get("redirect_uri"):
                return 400, {"code": "INVALID_REQUEST", "message": "authorize"}
            code = "code-" + secrets.token_hex(4)
            self.codes[code] = consent_id
            self.grants[consent_id] = {**details, "scope": body.get("scope")}
            self.logins[body["state"]] = (body["redirect_uri"], code)
            redirect = f"{self.login_url}?{urlencode({'state': body['state']})}"
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
        grant = self.grants.get(consent_id) or {}
        if grant.get("scope") == "pis":
            return 200, {
                "responseHeader": response_header,
                "access_token": access,
                "token_type": "Bearer",
                "expires_in": "600",
                "scope": "pis",
                "scope_details": {
                    "consentId": consent_id,
                    "scopeTimeLimit": grant["scopeTimeLimit"],
                    "throttlingPolicy": "psd2Regulatory",
                    "privilegeList": grant.get("privilegeList") or [],
                },
            }
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
        if self.book is not None:
            self.book(payment_id, kind, content)
        return payment_id, self.payments[payment_id]

    # -- the customer's authorisation of each payment (pis scope) -------------

    @staticmethod
    def _what_is_paid(transfers):
        """What the customer approves of a list of transfers: debit account,
        recipient account, amount and currency of each."""
        facts = []
        for transfer in transfers:
            data = transfer.get("transferData") or {}
            try:
                amount = Decimal(str(data.get("amount")))
            except InvalidOperation:
                amount = None
            facts.append(
                (
                    (transfer.get("sender") or {}).get("accountNumber"),
                    (transfer.get("recipient") or {}).get("accountNumber"),
                    amount,
                    data.get("currency"),
                )
            )
        return sorted(facts, key=repr)

    def pis_refused(self, operation, token, body):
        """Why a payment operation is refused with ``token`` (its error
        payload), or None: with ``pis_authorisation``, the token must come
        from the customer's authorisation of that very payment."""
        if not self.pis_authorisation or operation not in (
            "domestic",
            "bundle",
            "getPayment",
            "getBundle",
        ):
            return None
        consent_id = self.consents.get(token)
        grant = self.grants.get(consent_id) or {}
        privileges = (grant.get("privilegeList") or [{}])[0]
        if grant.get("scope") != "pis" or not isinstance(privileges, dict):
            return {
                "code": "PIS_CONSENT_REQUIRED",
                "message": "The customer has not authorised this payment: ask "
                "authorize with the pis scope first.",
            }
        if operation in ("getPayment", "getBundle"):
            paid = self.payments.get(body.get("paymentId") or body.get("bundleId"))
            key = "tppTransactionId" if operation == "getPayment" else "tppBundleId"
            privilege = privileges.get(f"pis:{operation}") or {}
            if paid is None or privilege.get(key) != paid["body"].get(key):
                return {
                    "code": "PAYMENT_NOT_AUTHORISED",
                    "message": "This token may not ask about this payment.",
                }
            return None
        privilege = privileges.get(f"pis:{operation}")
        if operation == "domestic":
            asked, sent = [privilege or {}], [body]
            tpp_id = body.get("tppTransactionId")
        else:
            asked = (privilege or {}).get("domesticTransfers") or []
            sent = body.get("domesticTransfers") or []
            tpp_id = body.get("tppBundleId")
        if not privilege or self._what_is_paid(asked) != self._what_is_paid(sent):
            return {
                "code": "PAYMENT_NOT_AUTHORISED",
                "message": "This is not the payment the customer authorised.",
            }
        if self.used.setdefault(consent_id, tpp_id) != tpp_id:
            return {
                "code": "CONSENT_USED",
                "message": "The customer's authorisation was used for another "
                "payment.",
            }
        return None

    def _executed(self, payment):
        """With ``execute_on_date``: done once the execution date is here."""
        if not self.execute_on_date or payment["status"] not in (
            "submitted",
            "inProgress",
        ):
            return payment["status"]
        body = payment["body"]
        transfers = body.get("domesticTransfers") or [body]
        days = [
            (t.get("transferData") or {}).get("executionDate") or "" for t in transfers
        ]
        if max(days) <= self.today().isoformat():
            payment["status"] = "done"
        return payment["status"]

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
        status = self._executed(payment)
        return {
            "paymentId": body["paymentId"],
            "tppTransactionId": payment["body"]["tppTransactionId"],
            "generalStatus": status,
            "detailedStatus": status,
            "executionMode": payment["body"].get("executionMode") or "Immediate",
        }

    def op_getBundle(self, body):
        bundle = self.payments.get(body["bundleId"])
        if bundle is None or bundle["kind"] != "bundle":
            return 400, {"code": "NOT_FOUND", "message": "bundleId"}
        return {
            "bundleId": body["bundleId"],
            "tppBundleId": bundle["body"]["tppBundleId"],
            "bundleStatus": self._executed(bundle),
        }

    def execute_payments(self):
        for payment in self.payments.values():
            payment["status"] = "done"

    def login_page(self, state):
        """The customer's login page: what the TPP asks, Approve or Deny (a
        form posting ``decision`` back with the state); None for a state
        this bank did not give out or already answered."""
        with self._lock:
            redirect_uri, code = self.logins.get(state or "", (None, None))
            grant = self.grants.get(self.codes.get(code)) or {}
        if redirect_uri is None:
            return None
        privileges = (grant.get("privilegeList") or [{}])[0]
        if grant.get("scope") == "pis":
            transfers = [privileges.get("pis:domestic") or {}]
            transfers = (privileges.get("pis:bundle") or {}).get(
                "domesticTransfers"
            ) or transfers
            asked = "".join(
                "<li>{amount} {currency} to {account}: {title}</li>".format(
                    amount=html.escape(str(data.get("amount"))),
                    currency=html.escape(str(data.get("currency"))),
                    account=html.escape(
                        str((t.get("recipient") or {}).get("accountNumber"))
                    ),
                    title=html.escape(str(data.get("description"))),
                )
                for t in transfers
                for data in [t.get("transferData") or {}]
            )
            what = f"<p>A third party asks you to pay:</p><ul>{asked}</ul>"
        else:
            what = (
                "<p>A third party asks to read your accounts until "
                f"{html.escape(str(grant.get('scopeTimeLimit')))}.</p>"
            )
        return (
            "<!doctype html><html><head><meta charset='utf-8'>"
            "<title>Sandbox Bank (PolishAPI): approve</title></head><body>"
            f"<h1>Sandbox Bank</h1>{what}<form method='post'>"
            f"<input type='hidden' name='state' value='{html.escape(state)}'/>"
            "<button type='submit' name='decision' value='approve' "
            "class='sandbox-approve'>Approve</button> "
            "<button type='submit' name='decision' value='deny' "
            "class='sandbox-deny'>Deny</button></form></body></html>"
        )

    def login(self, query):
        """The PSU's answer at the login page (``decision`` approve or deny):
        where the bank sends the browser back, the OAuth2 way (the code and
        the state, or an error and the state)."""
        state = query.get("state", "")
        with self._lock:
            redirect_uri, code = self.logins.pop(state, (None, None))
        if redirect_uri is None:
            return None
        if query.get("decision") == "deny":
            back = {"error": "access_denied", "state": state}
        else:
            back = {"code": code, "state": state}
        separator = "&" if "?" in redirect_uri else "?"
        return f"{redirect_uri}{separator}{urlencode(back)}"


# -- on the Sandbox Bank's server ------------------------------------------------

LOGIN_PATH = "/polishapi/login"


def mounted(path: str, version: str) -> bool:
    """Whether the Sandbox Bank's PolishAPI personality serves ``path``."""
    return path == LOGIN_PATH or path.startswith(f"/{version}/")


def handle(bank, request):
    """One request to the Sandbox Bank's PolishAPI personality
    (``bank.polishapi``): its API (``POST /v2_1_1.1/...``, with the bank's
    transport faults and the ``timeout`` fault) and the customer's login page
    (``GET`` the form, ``POST`` the decision: a 302 back to the TPP)."""
    from . import api  # the Berlin Group side's faults, applied alike
    from .server import Response, json_response

    personality = bank.polishapi
    if request.path == LOGIN_PATH:
        if request.method == "GET":
            page = personality.login_page(request.query.get("state"))
            if page is None:
                return Response(404, b"Unknown or answered", content_type="text/plain")
            return Response(200, page.encode("utf-8"), content_type="text/html")
        form = request.form()
        if form.get("decision") not in ("approve", "deny"):
            return json_response(
                400, {"code": "INVALID_REQUEST", "message": "decision"}
            )
        location = personality.login(form)
        if location is None:
            return Response(404, b"Unknown or answered", content_type="text/plain")
        return Response(302, headers={"Location": location})
    late = bank.faults.take("timeout", request.path)
    response = api._transport_fault(bank, request)
    if response is None:
        parts = request.path.strip("/").split("/")
        version = personality.version
        expected = [version, parts[1] if len(parts) > 1 else "", version]
        operation = parts[3] if len(parts) == 4 and parts[:3] == expected else "?"
        if request.method != "POST":
            status, payload = 405, {"code": "INVALID_REQUEST", "message": "POST"}
        else:
            try:
                body = request.json() or {}
            except ValueError:
                body = None
            if not isinstance(body, dict):
                status, payload = 400, {"code": "INVALID_REQUEST", "message": "JSON"}
            else:
                status, payload = personality.answer(operation, request.headers, body)
        response = (
            json_response(status, payload) if payload is not None else Response(status)
        )
    if late is not None:
        response.delay = float(late.get("delay", 2.0))
    return response
