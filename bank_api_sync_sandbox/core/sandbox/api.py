"""The sandbox bank's Berlin Group NextGenPSD2 API (AIS) and OAuth2 endpoint.

Checks, in this order, for every API request: fault switches, maintenance
window (503 + Retry-After), in strict TLS mode a client certificate (401
CERTIFICATE_MISSING, tls.py), in strict signature mode the request's
signature, then for ``/v1``: X-Request-ID present, a
PSU-IP-Address in the IPv4 format the standard gives it (400 FORMAT_ERROR),
the daily request quota (429 ACCESS_EXCEEDED + Retry-After), the bearer token
(401 TOKEN_INVALID / TOKEN_EXPIRED; none is asked of a bank without the
OAuth2 step, ``oauth2=False``), the consent (401 CONSENT_EXPIRED /
CONSENT_INVALID, 403 CONSENT_UNKNOWN), the request's own parameters (400
PERIOD_INVALID beyond the history limit) and last frequencyPerDay for
unattended requests (429 ACCESS_EXCEEDED, see consents.py). The transaction
list is served as MT940 to a client that asks for ``text/plain`` (mt940.py),
and as camt.053 to one that asks for ``application/xml`` (camt.py); today's
movements as an MT942 intraday report when ``text/plain`` comes with
``format=mt942`` (mt942.py).
Payment initiation (PIS) is in payments.py.
"""

import ipaddress
import math
import re
from datetime import date, timedelta
from urllib.parse import quote, urlencode

from ..siblings import signing
from . import camt, mt940, mt942, payments
from .server import Response, json_response, tpp_error

ROUTES = []
OAUTH_METADATA_PATH = "/.well-known/oauth-authorization-server"


def route(method, pattern):
    def register(function):
        ROUTES.append((method, re.compile(f"^{pattern}$"), function))
        return function

    return register


def handle(bank, request) -> Response:
    late = None
    if not request.path.startswith("/sandbox"):
        late = bank.faults.take("timeout", request.path)
    response = _handle(bank, request)
    if late is not None:
        # The real answer, but only after the client has given up waiting.
        response.delay = float(late.get("delay", 2.0))
    return response


def _certificate_refused(bank, request) -> Response | None:
    """In strict TLS mode, the standard's 401 for an API request that came
    without a client certificate (one the bank's authority did not issue
    already failed the handshake). The customer's pages stay open."""
    if bank.tls is None or request.path.startswith("/sandbox"):
        return None
    if request.client_certificate:
        return None
    return tpp_error(
        401,
        "CERTIFICATE_MISSING",
        "This bank serves its API over mutual TLS only: no client certificate "
        "(QWAC) was presented.",
    )


def _signature_refused(bank, request) -> Response | None:
    """In strict mode, the standard's 401 for a /v1 request whose signature
    is missing or does not hold (core.signing.verify_berlin_group)."""
    if not bank.signatures_required or not request.path.startswith("/v1/"):
        return None
    try:
        signing.verify_berlin_group(
            dict(request.headers.items()),
            request.body,
            trusted_ca=bank.trusted_ca,
            now=bank.now(),
        )
    except signing.SignatureRefused as refused:
        return tpp_error(refused.status, refused.code, str(refused))
    return None


def _handle(bank, request) -> Response:
    faulted = _transport_fault(bank, request)
    if faulted is not None:
        return faulted
    end = bank.maintenance_end()
    if end is not None:
        return tpp_error(
            503,
            "SERVICE_UNAVAILABLE",
            f"Scheduled maintenance until {end.isoformat()}.",
            {"Retry-After": _seconds_until(bank, end)},
        )
    refused = _certificate_refused(bank, request) or _signature_refused(bank, request)
    if refused is not None:
        return refused
    if request.path == "/oauth2/token" and bank.oauth2:
        if request.method != "POST":
            return tpp_error(405, "SERVICE_INVALID", "Use POST.")
        status, payload = bank.tokens.token_request(
            request.form(), request.header("Authorization")
        )
        return json_response(status, payload, {"Cache-Control": "no-store"})
    if request.path == OAUTH_METADATA_PATH and request.method == "GET":
        host = request.header("Host") or "127.0.0.1"
        return json_response(
            200,
            {
                "issuer": f"{bank.scheme}://{host}",
                "authorization_endpoint": f"{bank.scheme}://{host}/sandbox/oauth/authorize",
                "token_endpoint": f"{bank.scheme}://{host}/oauth2/token",
                "response_types_supported": ["code"],
                "grant_types_supported": ["authorization_code", "refresh_token"],
            },
        )
    if not request.path.startswith("/v1/"):
        return tpp_error(404, "RESOURCE_UNKNOWN", f"No such endpoint: {request.path}")
    if not request.header("X-Request-ID"):
        return tpp_error(400, "FORMAT_ERROR", "The X-Request-ID header is required.")
    psu_ip_address = request.header("PSU-IP-Address")
    if psu_ip_address is not None and not _is_ipv4(psu_ip_address):
        return tpp_error(
            400, "FORMAT_ERROR", "PSU-IP-Address must be an IPv4 address (ipv4)."
        )
    if not bank.quota_take():
        return tpp_error(
            429,
            "ACCESS_EXCEEDED",
            "The daily request quota of this TPP is used up.",
            {"Retry-After": _seconds_until(bank, bank.next_midnight())},
        )
    if bank.oauth2:
        authorization = request.header("Authorization")
        if bank.faults.take("expired_token", request.path) is not None:
            bank.tokens.expire(authorization)
        token_error = bank.tokens.check(authorization)
        if token_error:
            return tpp_error(401, *token_error)
    for method, pattern, function in ROUTES:
        match = pattern.match(request.path)
        if match and method == request.method:
            return function(bank, request, *match.groups())
    return tpp_error(404, "RESOURCE_UNKNOWN", f"No such endpoint: {request.path}")


def _is_ipv4(value: str) -> bool:
    try:
        return ipaddress.ip_address(value.strip()).version == 4
    except ValueError:
        return False


def _seconds_until(bank, moment) -> int:
    return max(1, math.ceil((moment - bank.now()).total_seconds()))


def _transport_fault(bank, request):
    path = request.path
    if path.startswith("/sandbox"):
        return None
    faults = bank.faults
    if faults.take("connection_reset", path) is not None:
        return Response(0, drop=True)
    options = faults.take("maintenance", path)
    if options is not None:
        return tpp_error(
            503,
            "SERVICE_UNAVAILABLE",
            "Unscheduled maintenance.",
            {"Retry-After": int(options.get("retry_after", 3600))},
        )
    options = faults.take("http_503", path)
    if options is not None:
        headers = {}
        if options.get("retry_after") is not None:
            headers["Retry-After"] = int(options["retry_after"])
        return tpp_error(503, "SERVICE_UNAVAILABLE", "Try again later.", headers)
    if faults.take("http_500", path) is not None:
        return tpp_error(500, "INTERNAL_SERVER_ERROR", "Something broke.")
    options = faults.take("http_429", path)
    if options is not None:
        retry_after = options.get("retry_after", 1)
        headers = {} if retry_after is None else {"Retry-After": int(retry_after)}
        return tpp_error(429, "ACCESS_EXCEEDED", "Too many requests.", headers)
    if faults.take("malformed_json", path) is not None:
        return Response(200, b'{"transactions": {"booked": [{"transactionId": "')
    if faults.take("leak_secrets", path) is not None:
        return tpp_error(
            400,
            "FORMAT_ERROR",
            f"Rejected {request.raw_path} with Authorization "
            f"{request.header('Authorization')}",
        )
    return None


# -- consents ---------------------------------------------------------------


@route("POST", "/v1/consents")
def create_consent(bank, request):
    if not request.header("PSU-IP-Address"):
        # Mandatory here, even for a consent created without the PSU: the
        # TPP then sends the address it calls from.
        return tpp_error(400, "FORMAT_ERROR", "The PSU-IP-Address header is required.")
    try:
        body = request.json()
    except ValueError:
        return tpp_error(400, "FORMAT_ERROR", "The body is not JSON.")
    status, result = bank.consents.open(
        body, request.header("TPP-Redirect-URI"), request.header("TPP-Nok-Redirect-URI")
    )
    if status != 201:
        return tpp_error(status, *result)
    consent_id = result.consent_id
    host = request.header("Host") or "127.0.0.1"
    if bank.sca_oauth:
        # OAuth SCA: the link names the bank's OAuth2 server (its metadata).
        sca = {"scaOAuth": {"href": f"{bank.scheme}://{host}{OAUTH_METADATA_PATH}"}}
    else:
        sca = {
            "scaRedirect": {"href": f"{bank.scheme}://{host}/sandbox/sca/{consent_id}"}
        }
    payload = {
        "consentStatus": result.status,
        "consentId": consent_id,
        "_links": {
            **sca,
            "self": {"href": f"/v1/consents/{consent_id}"},
            "status": {"href": f"/v1/consents/{consent_id}/status"},
        },
    }
    return json_response(201, payload, {"Location": f"/v1/consents/{consent_id}"})


@route("GET", "/v1/consents/([^/]+)")
def get_consent(bank, request, consent_id):
    consent = bank.consents.get(consent_id)
    if consent is None:
        return tpp_error(403, "CONSENT_UNKNOWN", "No consent with this id.")
    payload = {
        "access": consent.access,
        "recurringIndicator": consent.recurring,
        "validUntil": consent.valid_until.isoformat(),
        "frequencyPerDay": consent.frequency_per_day,
        "lastActionDate": (consent.last_action or consent.created).isoformat(),
        "consentStatus": consent.status,
        "_links": {"account": {"href": "/v1/accounts"}},
    }
    return json_response(200, payload)


@route("GET", "/v1/consents/([^/]+)/status")
def consent_status(bank, request, consent_id):
    consent = bank.consents.get(consent_id)
    if consent is None:
        return tpp_error(403, "CONSENT_UNKNOWN", "No consent with this id.")
    return json_response(200, {"consentStatus": consent.status})


@route("DELETE", "/v1/consents/([^/]+)")
def delete_consent(bank, request, consent_id):
    if bank.consents.set_status(consent_id, "terminatedByTpp") is None:
        return tpp_error(403, "CONSENT_UNKNOWN", "No consent with this id.")
    return Response(204)


# -- accounts ---------------------------------------------------------------


def _consent_error(bank, request, account=None, service="accounts"):
    consent_id = request.header("Consent-ID")
    if consent_id and bank.faults.take("revoked_consent", request.path) is not None:
        bank.consents.set_status(consent_id, "revokedByPsu")
    error = bank.consents.check(
        consent_id, account.iban if account else None, service=service
    )
    return tpp_error(*error) if error else None


def _frequency_exceeded(bank, request, resource):
    """429 when an unattended request goes beyond frequencyPerDay, else None."""
    if request.header("PSU-IP-Address"):
        return None  # the user is present: PSD2 does not count it
    if bank.consents.take_access(request.header("Consent-ID"), resource):
        return None
    return tpp_error(
        429,
        "ACCESS_EXCEEDED",
        "frequencyPerDay of the consent is used up for this resource today.",
        {"Retry-After": _seconds_until(bank, bank.next_midnight())},
    )


def _account_or_error(bank, request, resource_id, service="accounts"):
    account = bank.accounts.get(resource_id)
    if account is None:
        return None, tpp_error(404, "RESOURCE_UNKNOWN", "No account with this id.")
    return account, _consent_error(bank, request, account, service)


def account_details(bank, account, with_balance=False) -> dict:
    path = f"/v1/accounts/{quote(account.resource_id)}"
    details = {
        "resourceId": account.resource_id,
        "iban": account.iban,
        "currency": account.currency,
        "name": account.name,
        "product": "Rachunek firmowy",
        "cashAccountType": "CACC",
        "status": "enabled",
        "usage": "ORGA",
        "ownerName": account.owner_name,
        "_links": {
            "balances": {"href": f"{path}/balances"},
            "transactions": {"href": f"{path}/transactions"},
        },
    }
    if with_balance:
        details["balances"] = balance_list(bank, account)
    return details


def balance_list(bank, account) -> list:
    closing, available = bank.ledger_book.balances(account.resource_id, bank.today())
    today = bank.today().isoformat()
    return [
        {
            "balanceType": kind,
            "balanceAmount": {"currency": account.currency, "amount": f"{amount}"},
            "referenceDate": today,
        }
        for kind, amount in (
            ("closingBooked", closing),
            ("interimAvailable", available),
        )
    ]


@route("GET", "/v1/accounts")
def list_accounts(bank, request):
    error = _consent_error(bank, request)
    if error:
        return error
    consent = bank.consents.get(request.header("Consent-ID"))
    accounts = [a for a in bank.accounts.values() if consent.covers(a.iban)]
    error = _frequency_exceeded(bank, request, "accounts")
    if error:
        return error
    with_balance = request.query.get("withBalance") == "true"
    payload = {"accounts": [account_details(bank, a, with_balance) for a in accounts]}
    return json_response(200, payload)


@route("GET", "/v1/accounts/([^/]+)")
def get_account(bank, request, resource_id):
    account, error = _account_or_error(bank, request, resource_id)
    if error:
        return error
    error = _frequency_exceeded(bank, request, "accounts")
    if error:
        return error
    with_balance = request.query.get("withBalance") == "true"
    return json_response(200, {"account": account_details(bank, account, with_balance)})


@route("GET", "/v1/accounts/([^/]+)/balances")
def get_balances(bank, request, resource_id):
    account, error = _account_or_error(bank, request, resource_id, "balances")
    if error:
        return error
    error = _frequency_exceeded(bank, request, f"balances:{resource_id}")
    if error:
        return error
    payload = {
        "account": {"iban": account.iban, "currency": account.currency},
        "balances": balance_list(bank, account),
    }
    return json_response(200, payload)


def _parse_period(bank, query):
    """(date_from, date_to, status, page) or an error Response."""
    today = bank.today()
    try:
        date_from = date.fromisoformat(query["dateFrom"])
        date_to = date.fromisoformat(query["dateTo"]) if query.get("dateTo") else today
        page = int(query.get("page") or 1)
    except KeyError:
        return tpp_error(400, "FORMAT_ERROR", "dateFrom is required.")
    except ValueError:
        return tpp_error(400, "FORMAT_ERROR", "dateFrom, dateTo or page is invalid.")
    status = query.get("bookingStatus") or "booked"
    if status not in ("booked", "pending", "both"):
        return tpp_error(400, "PARAMETER_NOT_SUPPORTED", f"bookingStatus {status!r}.")
    if date_from > date_to or page < 1:
        return tpp_error(400, "FORMAT_ERROR", "dateFrom is after dateTo.")
    earliest = today - timedelta(days=bank.history_days)
    if date_from < earliest:
        return tpp_error(
            400,
            "PERIOD_INVALID",
            f"History is served for {bank.history_days} days: from "
            f"{earliest.isoformat()} on.",
        )
    if bank.max_window_days and (date_to - date_from).days + 1 > bank.max_window_days:
        return tpp_error(
            400,
            "PERIOD_INVALID",
            f"One request covers at most {bank.max_window_days} days.",
        )
    return date_from, date_to, status, page


@route("GET", "/v1/accounts/([^/]+)/transactions")
def get_transactions(bank, request, resource_id):
    account, error = _account_or_error(bank, request, resource_id, "transactions")
    if error:
        return error
    period = _parse_period(bank, request.query)
    if isinstance(period, Response):
        return period
    date_from, date_to, status, page = period
    if page == 1:  # only the first page of a listing is an access
        error = _frequency_exceeded(bank, request, f"transactions:{resource_id}")
        if error:
            return error
    if camt.wants_camt(request):  # Accept: application/xml, see camt.py
        return camt.transactions_response(bank, account, date_from, date_to, status)
    if mt942.wants_mt942(request):  # text/plain and format=mt942, see mt942.py
        return mt942.transactions_response(bank, account, status)
    if mt940.wants_mt940(request):  # Accept: text/plain, see mt940.py
        return mt940.transactions_response(bank, account, date_from, date_to, status)
    items = bank.listing(resource_id, status, date_from, date_to)
    size = bank.page_size
    start = (page - 1) * size
    chunk = list(items[start : start + size])
    path = request.path
    if (
        page > 1
        and start <= len(items)
        and bank.faults.take("repeated_transaction", path)
    ):
        chunk.insert(0, items[start - 1])
    if chunk and bank.faults.take("missing_amount", path) is not None:
        kind, tx = chunk[0]
        chunk[0] = (kind, {k: v for k, v in tx.items() if k != "transactionAmount"})
    poison = chunk and bank.faults.take("poisoned_transaction", path)
    if poison:
        kind, tx = chunk[0]
        chunk[0] = (kind, {**tx, **poison.get("replace", {})})
    if chunk and bank.faults.take("no_transaction_ids", path) is not None:
        hidden = ("transactionId", "entryReference")
        chunk = [(k, {f: v for f, v in t.items() if f not in hidden}) for k, t in chunk]
    report = {}
    if status in ("booked", "both"):
        report["booked"] = [tx for kind, tx in chunk if kind == "booked"]
    if status in ("pending", "both"):
        report["pending"] = [tx for kind, tx in chunk if kind == "pending"]
    links = {"account": {"href": f"/v1/accounts/{quote(resource_id)}"}}
    if start + size < len(items):
        query = {
            "dateFrom": date_from.isoformat(),
            "dateTo": date_to.isoformat(),
            "bookingStatus": status,
            "page": page + 1,
        }
        href = f"{path}?{urlencode(query)}"
        if bank.absolute_links:
            href = f"{bank.scheme}://{request.header('Host') or '127.0.0.1'}{href}"
        links["next"] = {"href": href}
    report["_links"] = links
    payload = {
        "account": {"iban": account.iban, "currency": account.currency},
        "transactions": report,
    }
    return json_response(200, payload)


# -- payments (payments.py) -------------------------------------------------


@route("POST", "/v1/(payments|bulk-payments)/([^/]+)")
def initiate_payment(bank, request, service, product):
    return payments.initiate(bank, request, service, product)


@route("POST", "/v1/(payments|bulk-payments)/([^/]+)/([^/]+)/authorisations")
def authorise_payment(bank, request, service, product, payment_id):
    return payments.authorise(bank, request, service, product, payment_id)


@route("GET", "/v1/(payments|bulk-payments)/([^/]+)/([^/]+)/status")
def payment_status(bank, request, service, product, payment_id):
    return payments.status(bank, request, service, product, payment_id)
