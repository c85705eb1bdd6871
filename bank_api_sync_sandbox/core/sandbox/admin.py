"""The ``/sandbox`` endpoints: drive the sandbox bank from outside Python.

No authentication: the sandbox listens on the loopback interface by default
and holds no real data.

* ``GET  /sandbox``                      what the bank is: accounts, clock, client id
* ``POST /sandbox/advance``              ``{"days": 1, "hours": 0}``: move the clock
* ``GET|POST|DELETE /sandbox/faults``    list, set (``{"name", "times", ...}``), clear
* ``GET  /sandbox/ledger/{account}``     ``?status=booked|pending|both&dateFrom&dateTo``
* ``GET  /sandbox/requests``             the request log (``?limit=``), secrets masked
* ``POST /sandbox/webhooks``             ``{"url", "secret"}``: send signed
  webhooks (Standard Webhooks) for new transactions and balances there
* ``POST /sandbox/payments/incoming``    ``{"account", "amount", "name", "iban",
  "title"}``: a customer pays into the account now (booked, then notified)
* ``GET  /sandbox/sca/{consentId}``      the bank's "login page": an Approve /
  Deny form for a consent waiting for the customer, else its status
* ``POST /sandbox/sca/{consentId}``      ``decision=approve|deny``: the consent
  becomes valid (rejected) and the customer is redirected to the
  TPP-Redirect-URI (the TPP-Nok-Redirect-URI, else the TPP-Redirect-URI)
* ``GET|POST /sandbox/oauth/authorize``  OAuth SCA (a bank made with
  ``sca_oauth``): ``response_type=code&client_id&redirect_uri&state&
  scope=AIS:{consentId}``; the same form, then the redirect URI with ``code``
  and ``state`` (``error=access_denied`` when denied)
"""

import html
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from ..siblings import redaction
from .faults import FAULTS
from .server import Response, json_response, tpp_error


def handle(bank, request) -> Response:
    path = request.path.rstrip("/") or "/"
    method = request.method
    if path == "/sandbox" and method == "GET":
        return json_response(200, bank.describe())
    if path == "/sandbox/advance" and method == "POST":
        return _advance(bank, request)
    if path == "/sandbox/faults":
        return _faults(bank, request)
    if path == "/sandbox/requests" and method == "GET":
        return _requests(bank, request)
    if path == "/sandbox/webhooks" and method == "POST":
        return _webhooks(bank, request)
    if path == "/sandbox/payments/incoming" and method == "POST":
        return _incoming_payment(bank, request)
    match = re.fullmatch(r"/sandbox/ledger/([^/]+)", path)
    if match and method == "GET":
        return _ledger(bank, request, match.group(1))
    match = re.fullmatch(r"/sandbox/sca/([^/]+)", path)
    if match and method == "GET":
        return _sca_page(bank, match.group(1))
    if match and method == "POST":
        return _sca_decision(bank, request, match.group(1))
    if path == "/sandbox/oauth/authorize" and method in ("GET", "POST"):
        return _oauth_authorize(bank, request)
    return tpp_error(404, "RESOURCE_UNKNOWN", f"No such sandbox endpoint: {path}")


def _body(request) -> dict:
    try:
        body = request.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _advance(bank, request):
    body = {**request.query, **_body(request)}
    try:
        days = float(body.get("days", 0))
        hours = float(body.get("hours", 0))
        seconds = float(body.get("seconds", 0))
    except (TypeError, ValueError):
        return tpp_error(400, "FORMAT_ERROR", "days, hours and seconds are numbers.")
    bank.advance(days=days, hours=hours, seconds=seconds)
    return json_response(200, {"now": bank.now().isoformat()})


def _faults(bank, request):
    if request.method == "GET":
        return json_response(200, {"active": bank.faults.active(), "known": FAULTS})
    if request.method == "DELETE":
        bank.faults.clear(request.query.get("name"))
        return Response(204)
    if request.method == "POST":
        options = _body(request)
        name = options.pop("name", None)
        times = options.pop("times", 1)
        try:
            bank.set_fault(name, times=int(times), **options)
        except (TypeError, ValueError) as exc:
            return tpp_error(400, "FORMAT_ERROR", str(exc))
        return json_response(201, {"active": bank.faults.active()})
    return tpp_error(405, "SERVICE_INVALID", "GET, POST or DELETE.")


def _requests(bank, request):
    try:
        limit = int(request.query.get("limit", 100))
    except ValueError:
        limit = 100
    redact = redaction.Redactor()
    entries = [
        {
            "method": entry.method,
            "path": redact(entry.path),
            "status": entry.status,
            "at": entry.at.isoformat(),
            "headers": redact.headers(entry.headers),
        }
        for entry in bank.request_log[-limit:]
    ]
    return json_response(200, {"requests": entries})


def _webhooks(bank, request):
    body = _body(request)
    try:
        bank.configure_webhooks(str(body.get("url", "")), str(body.get("secret", "")))
    except ValueError as exc:
        return tpp_error(400, "FORMAT_ERROR", str(exc))
    return json_response(200, {"url": body["url"]})


def _incoming_payment(bank, request):
    body = _body(request)
    if body.get("account") not in bank.accounts:
        return tpp_error(404, "RESOURCE_UNKNOWN", "No account with this id.")
    try:
        amount = Decimal(str(body.get("amount")))
    except InvalidOperation:
        amount = Decimal(0)
    if not amount.is_finite() or amount <= 0 or not body.get("name"):
        return tpp_error(400, "FORMAT_ERROR", "A positive amount and a name.")
    tx = bank.book_customer_payment(
        body["account"],
        amount,
        str(body["name"])[:70],
        body.get("iban") or None,
        str(body.get("title") or "")[:140],
    )
    return json_response(201, {"transaction": tx})


def _ledger(bank, request, resource_id):
    if resource_id not in bank.accounts:
        return tpp_error(404, "RESOURCE_UNKNOWN", "No account with this id.")
    status = request.query.get("status", "both")
    try:
        date_from = request.query.get("dateFrom")
        date_to = request.query.get("dateTo")
        date_from = date.fromisoformat(date_from) if date_from else None
        date_to = date.fromisoformat(date_to) if date_to else None
    except ValueError:
        return tpp_error(400, "FORMAT_ERROR", "dateFrom/dateTo are YYYY-MM-DD.")
    payload = {"account": resource_id, "today": bank.today().isoformat()}
    for kind in ("booked", "pending"):
        if status in (kind, "both"):
            payload[kind] = bank.ledger(resource_id, kind, date_from, date_to)
    return json_response(200, payload)


def _page(title, content) -> Response:
    page = (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>Sandbox Bank: {html.escape(title)}</title></head><body>"
        f"<h1>Sandbox Bank</h1>{content}</body></html>"
    )
    return Response(200, page.encode("utf-8"), content_type="text/html")


def _sca_page(bank, consent_id, hidden=None):
    """The bank's login page: a form for a consent waiting for the customer,
    its status for any other."""
    consent = bank.consents.get(consent_id)
    if consent is None:
        return Response(404, b"Unknown consent", content_type="text/plain")
    shown = html.escape(consent_id)
    if consent.status != "received":
        return _page(
            "consent",
            f"<p>Consent {shown} is <strong>{html.escape(consent.status)}"
            "</strong>.</p><p>You can close this page.</p>",
        )
    accounts = "all your accounts"
    return _page(
        "approve access",
        f"<p>A third party asks to read {accounts} until "
        f"{consent.valid_until.isoformat()}, {consent.frequency_per_day} times "
        f"a day without you (consent {shown}).</p>"
        "<form method='post'>"
        + "".join(
            f"<input type='hidden' name='{html.escape(name)}' "
            f"value='{html.escape(value)}'/>"
            for name, value in (hidden or {}).items()
        )
        + "<button type='submit' name='decision' value='approve' "
        "class='sandbox-approve'>Approve</button> "
        "<button type='submit' name='decision' value='deny' "
        "class='sandbox-deny'>Deny</button></form>",
    )


def _sca_decision(bank, request, consent_id):
    """Approve or deny, then send the customer back to the TPP: Berlin Group
    redirect SCA (the TPP's URIs carry its own state, kept as they are)."""
    consent = bank.consents.get(consent_id)
    if consent is None:
        return Response(404, b"Unknown consent", content_type="text/plain")
    decision = request.form().get("decision")
    if decision not in ("approve", "deny"):
        return tpp_error(400, "FORMAT_ERROR", "decision must be approve or deny.")
    if consent.status != "received":
        return _sca_page(bank, consent_id)  # decided before: nothing changes
    denied = decision == "deny"
    bank.consents.set_status(consent_id, "rejected" if denied else "valid")
    back = (consent.nok_redirect_uri if denied else None) or consent.redirect_uri
    if not back:
        return _sca_page(bank, consent_id)
    separator = "&" if "?" in back else "?"
    query = urlencode({"consentId": consent_id, "consentStatus": consent.status})
    return Response(302, headers={"Location": f"{back}{separator}{query}"})


def _oauth_authorize(bank, request):
    """OAuth SCA: the customer approves the consent named in ``scope`` and
    goes back to ``redirect_uri`` with an authorisation code and ``state``."""
    params = request.query if request.method == "GET" else request.form()
    scope = params.get("scope") or ""
    consent_id = scope[4:] if scope.startswith("AIS:") else None
    consent = bank.consents.get(consent_id)
    redirect_uri = params.get("redirect_uri")
    if (
        params.get("response_type") != "code"
        or params.get("client_id") != bank.tokens.client_id
        or consent is None
        or not redirect_uri
    ):
        return tpp_error(
            400,
            "FORMAT_ERROR",
            "response_type=code, the client_id, redirect_uri and "
            "scope=AIS:<a consent of this bank> are required.",
        )
    asked = {
        name: params.get(name) or ""
        for name in ("response_type", "client_id", "redirect_uri", "scope", "state")
    }
    if request.method == "GET" or consent.status != "received":
        return _sca_page(bank, consent_id, hidden=asked)
    decision = params.get("decision")
    if decision not in ("approve", "deny"):
        return tpp_error(400, "FORMAT_ERROR", "decision must be approve or deny.")
    if decision == "deny":
        bank.consents.set_status(consent_id, "rejected")
        back = {"error": "access_denied", "state": asked["state"]}
    else:
        bank.consents.set_status(consent_id, "valid")
        back = {"code": bank.tokens.issue_code(redirect_uri), "state": asked["state"]}
    separator = "&" if "?" in redirect_uri else "?"
    return Response(
        302, headers={"Location": f"{redirect_uri}{separator}{urlencode(back)}"}
    )
