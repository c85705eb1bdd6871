"""The one HTTP layer every provider client talks to its bank through.

``BankHttp.request`` is the only place that calls ``requests``. It adds, for
every call:

* ``X-Request-ID`` (a fresh UUID4 per logical request, kept across the
  retries of that request so that a bank that deduplicates on it, as Berlin
  Group payment initiation requires, never executes a request twice);
* the configured maintenance windows, checked before calling: inside one,
  ``MaintenanceWindow(retry_at=window end)`` is raised and the bank is not
  called;
* the ``CallBudget`` (daily quota of unattended calls, minimum interval);
* an explicit timeout, and retries with exponential backoff and jitter on
  timeouts, connection errors and HTTP 500/502/503/504;
* ``Retry-After`` on 429 and 503 (or the wait a bank's own headers give,
  ``retry_after_of``): honoured by waiting when it is at most
  ``retry_after_cap`` seconds, otherwise ``RateLimited`` (429) or
  ``MaintenanceWindow`` (503) with ``retry_at``; a 429 that outlives the
  retries without saying when gives ``retry_at`` = now + ``RATE_LIMIT_PAUSE``
  (the bank asked us to slow down: the next run waits for it);
* a ``CallRecord`` per attempt in ``calls`` (the client's usage ledger);
* redaction of secrets in every log line and exception message;
* one origin: a URL on another scheme, host or port than the connection's
  ``base_url`` (a hostile ``_links.next``) is refused before anything is sent,
  and so is every redirect (3xx): ``ForeignHostRefused`` names the host and a
  warning is logged. Credentials never leave for a host the user did not set;
* a TLS handshake that fails over certificates (the bank wants a QWAC we
  do not present, or serves one we do not trust) is ``CertificateRefused``
  at once, with the TLS layer's reason, never retried;
* bounds on what comes back: a body over ``max_response_bytes`` is refused as
  soon as it is (announced or read) that large (``BankResponseError``, "limit:
  response size"), and a request whose answer takes longer than
  ``request_deadline`` seconds in all (a bank trickling its body byte by byte
  stays under every read's timeout) is cut (``BankUnavailable``, "limit: total
  time per request");
* an optional ``recorder``: a callable given an ``Exchange`` (the request as
  it left, the answer as it came) after every answer; the conformance tests
  validate these against the published specifications. It sees the secrets
  the request carries: a test and diagnostics hook, never one that logs.

Other 4xx answers are returned to the provider client, which knows its
bank's error codes. ``BankResponse.json()`` raises ``BankResponseError``
naming the endpoint when the body is not JSON.
"""

import contextlib
import json
import logging
import random
import re
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import requests

from . import certificates, maintenance
from .errors import (
    BankApiError,
    BankResponseError,
    BankUnavailable,
    CertificateRefused,
    ForeignHostRefused,
    MaintenanceWindow,
    RateLimited,
)
from .model import CallRecord
from .redaction import Redactor

_logger = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({500, 502, 503, 504})
# The largest answer read: a statement page is kilobytes, a month of a busy
# account's MT940 a few megabytes.
MAX_RESPONSE_BYTES = 16 * 1024 * 1024
# The longest one request may take, every read of its answer included.
REQUEST_DEADLINE = 120.0
# How long to leave a bank alone that answered 429 without Retry-After, after
# the retries: one period of the scheduled sync.
RATE_LIMIT_PAUSE = timedelta(minutes=15)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def parse_retry_after(value, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date)."""
    if value is None:
        return None
    value = str(value).strip()
    if not value:
        return None
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return max(0.0, float(value))
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return max(0.0, (moment - now).total_seconds())


def retry_after_header(headers, now: datetime) -> float | None:
    """Seconds to wait that an answer's Retry-After header asks for."""
    return parse_retry_after(headers.get("Retry-After"), now)


@dataclass
class BankResponse:
    """What came back: status, headers, the raw body and where it came from."""

    status: int
    headers: dict
    content: bytes
    endpoint: str
    request_id: str
    _parsed: object = field(default=None, repr=False)
    _has_parsed: bool = field(default=False, repr=False)

    def json(self):
        """The body as JSON; BankResponseError naming the endpoint when it is not."""
        if not self._has_parsed:
            try:
                self._parsed = json.loads(self.content.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                raise BankResponseError(
                    f"{self.endpoint}: the bank answered HTTP {self.status} with a "
                    f"body that is not valid JSON ({len(self.content)} bytes); "
                    "the next run tries again."
                ) from None
            except RecursionError:
                raise BankResponseError(
                    f"{self.endpoint}: the bank's answer is nested too deep to "
                    f"read ({len(self.content)} bytes; limit: JSON nesting); the "
                    "next run tries again."
                ) from None
            self._has_parsed = True
        return self._parsed

    def error(self) -> tuple[str | None, str]:
        """(code, text) of an error answer, whatever the bank's error format:
        Berlin Group ``tppMessages``, RFC 7807 ``code``/``detail``, OAuth2
        ``error``/``error_description`` or PolishAPI ``code``/``message``."""
        try:
            body = json.loads(self.content.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return None, self.content[:200].decode("utf-8", "replace")
        if not isinstance(body, dict):
            return None, ""
        messages = body.get("tppMessages")
        if isinstance(messages, list) and messages and isinstance(messages[0], dict):
            first = messages[0]
            return _str_or_none(first.get("code")), str(first.get("text") or "")
        code = body.get("code") or body.get("error")
        text = (
            body.get("text")
            or body.get("detail")
            or body.get("message")
            or body.get("error_description")
            or body.get("title")
            or ""
        )
        return _str_or_none(code), str(text)


@dataclass(frozen=True)
class Exchange:
    """One request as it was sent and the answer to it (``recorder``)."""

    method: str
    url: str  # with the query string, as sent
    request_headers: dict
    request_body: bytes | None
    status: int
    response_headers: dict
    response_body: bytes
    endpoint: str


def origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) of a URL, the default port made explicit."""
    parts = urlsplit(url or "")
    scheme = (parts.scheme or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    port = port or {"http": 80, "https": 443}.get(scheme)
    return scheme, (parts.hostname or "").lower(), port


def _host_label(url: str) -> str:
    scheme, host, port = origin(url)
    return f"{scheme}://{host}:{port}" if host else repr(str(url)[:80])


def _cut_connection(answer):
    """Close the socket under a response still being read (the watchdog of
    ``request_deadline``): the blocked read returns at once."""
    # The connection keeps its socket unless the answer closes it (HTTP/1.0,
    # "Connection: close"); then only the body's reader holds it.
    reader = getattr(getattr(getattr(answer.raw, "_fp", None), "fp", None), "raw", None)
    sock = getattr(getattr(answer.raw, "_connection", None), "sock", None) or getattr(
        reader, "_sock", None
    )
    if sock is not None:
        with contextlib.suppress(OSError):  # closed meanwhile: nothing to cut
            sock.shutdown(socket.SHUT_RDWR)


def _str_or_none(value):
    return None if value is None else str(value)


class BankHttp:
    """One bank connection's HTTP client (see the module docstring)."""

    def __init__(
        self,
        settings,
        budget=None,
        *,
        calls=None,
        session=None,
        sleep=time.sleep,
        clock=utcnow,
        jitter=random.random,
        retry_after_cap: float = 30.0,
        backoff_base: float = 0.5,
        backoff_max: float = 30.0,
        secrets=(),
        logger=None,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
        request_deadline: float = REQUEST_DEADLINE,
        retry_after_of=None,
        recorder=None,
    ):
        self.settings = settings
        # callable(headers, now) -> seconds to wait or None: how long a 429 or
        # 503 asks us to wait. Retry-After by default; a bank that says it in
        # headers of its own (a rate-limit reset) gives its reading here.
        self.retry_after_of = retry_after_of or retry_after_header
        self.budget = budget
        self.calls = calls if calls is not None else []
        self.session = session or self._new_session(settings)
        self.sleep = sleep
        self.clock = clock
        self.jitter = jitter
        self.retry_after_cap = retry_after_cap
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.logger = logger or _logger
        self.max_response_bytes = max_response_bytes
        self.request_deadline = request_deadline
        self.recorder = recorder
        tokens = getattr(settings, "tokens", None)
        self.redact = Redactor(
            [
                getattr(settings, "client_secret", None),
                getattr(tokens, "access_token", None),
                getattr(tokens, "refresh_token", None),
                *secrets,
            ]
        )

    @staticmethod
    def _new_session(settings):
        """A session presenting the connection's QWAC, when it has one, and
        trusting the connection's CA certificates for the bank's server
        certificate when it has some (the system's store otherwise)."""
        credential = getattr(settings, "client_certificate", None)
        verify = getattr(settings, "ca_bundle", None)
        if not verify and getattr(settings, "ca_certificates", None):
            verify = certificates.ca_bundle_file(settings.ca_certificates)
        verify = verify or True
        if credential is not None:
            return certificates.mtls_session(credential, verify=verify)
        session = requests.Session()
        session.verify = verify
        return session

    def add_secret(self, *values):
        """Secrets learnt during the session (new tokens) are redacted too."""
        self.redact.add(*values)

    def _now(self) -> datetime:
        now = self.clock()
        if now.tzinfo is None:
            now = now.replace(tzinfo=timezone.utc)
        return now.astimezone(timezone.utc)

    def backoff(self, attempt: int) -> float:
        """Exponential backoff plus jitter: base * 2**attempt + U(0, base)."""
        delay = self.backoff_base * (2**attempt) + self.jitter() * self.backoff_base
        return min(delay, self.backoff_max)

    def check_maintenance(self):
        """MaintenanceWindow when a configured window is running now."""
        windows = getattr(self.settings, "maintenance_windows", ()) or ()
        if not windows:
            return
        end = maintenance.window_end(windows, self._now())
        if end is not None:
            raise MaintenanceWindow(
                "The bank is in a scheduled maintenance window until "
                f"{end.isoformat()}; nothing was asked, the next run after it "
                "catches up.",
                retry_at=end,
            )

    def request(
        self,
        method: str,
        url: str,
        *,
        endpoint: str,
        params=None,
        json_body=None,
        data=None,
        headers=None,
        auth=None,
        request_id: str | None = None,
        user_present: bool | None = None,
        timeout: float | None = None,
    ) -> BankResponse:
        """Call the bank once (plus retries); see the module docstring."""
        if user_present is None:
            user_present = bool(getattr(self.settings, "user_present", False))
        timeout = timeout if timeout is not None else self.settings.timeout
        max_retries = max(0, int(getattr(self.settings, "max_retries", 0) or 0))
        self.check_maintenance()
        self.check_origin(method, url, endpoint)
        request_id = request_id or str(uuid.uuid4())
        send_headers = {"Accept": "application/json", **(headers or {})}
        send_headers["X-Request-ID"] = request_id
        path = urlsplit(url).path
        attempt = 0
        while True:
            if self.budget is not None:
                self.budget.acquire(user_present)
            at = self._now()
            started = time.monotonic()
            try:
                answer = self.session.request(
                    method,
                    url,
                    params=params,
                    json=json_body,
                    data=data,
                    headers=send_headers,
                    auth=auth,
                    timeout=timeout,
                    allow_redirects=False,
                    stream=True,
                    # Explicit: requests would otherwise let the environment's
                    # REQUESTS_CA_BUNDLE replace the connection's CA bundle.
                    verify=getattr(self.session, "verify", None),
                )
                content = self._read_body(answer, endpoint, method, path, started)
            except requests.exceptions.SSLError as exc:
                self._record(endpoint, None, started, user_present, at)
                raise self._tls_refused(method, url, path, endpoint, exc) from None
            except (requests.Timeout, requests.ConnectionError) as exc:
                self._record(endpoint, None, started, user_present, at)
                what = "timed out" if isinstance(exc, requests.Timeout) else "failed"
                if attempt < max_retries:
                    delay = self.backoff(attempt)
                    self._log_retry(method, path, endpoint, what, delay, request_id)
                    self.sleep(delay)
                    attempt += 1
                    continue
                raise BankUnavailable(
                    self.redact(
                        f"{endpoint}: {method} {path} {what} after {attempt + 1} "
                        f"attempt(s) ({type(exc).__name__}); the bank is unreachable "
                        "for now, the next run tries again."
                    )
                ) from None
            except requests.RequestException as exc:
                self._record(endpoint, None, started, user_present, at)
                raise BankApiError(
                    self.redact(
                        f"{endpoint}: {method} {path} could not be sent "
                        f"({type(exc).__name__}: {exc})."
                    )
                ) from None

            status = answer.status_code
            self._record(endpoint, status, started, user_present, at)
            response = BankResponse(
                status=status,
                headers=dict(answer.headers),
                content=content,
                endpoint=endpoint,
                request_id=request_id,
            )
            if self.recorder is not None:
                self._record_exchange(answer, response)
            self.logger.debug(
                self.redact(
                    f"bank call {method} {path} [{endpoint}] -> {status} "
                    f"({time.monotonic() - started:.3f} s, X-Request-ID {request_id})"
                )
            )
            if 300 <= status < 400:
                self._refuse_redirect(method, path, endpoint, answer.headers)
            if status != 429 and status not in RETRY_STATUSES:
                return response

            now = self._now()
            retry_after = self.retry_after_of(answer.headers, now)
            code, text = response.error()
            summary = f"{endpoint}: {method} {path} answered HTTP {status}" + (
                f" {code}" if code else ""
            )
            if retry_after is not None and retry_after > self.retry_after_cap:
                retry_at = now + timedelta(seconds=retry_after)
                raise self._long_wait_error(status, summary, text, retry_at)
            if attempt < max_retries:
                delay = (
                    retry_after if retry_after is not None else self.backoff(attempt)
                )
                self._log_retry(
                    method, path, endpoint, f"HTTP {status}", delay, request_id
                )
                self.sleep(delay)
                attempt += 1
                continue
            retry_at = now + timedelta(seconds=retry_after) if retry_after else None
            if status == 429 and retry_at is None:
                retry_at = now + RATE_LIMIT_PAUSE
            message = self.redact(
                f"{summary} after {attempt + 1} attempt(s)"
                + (f": {text}" if text else "")
                + "; the next run tries again."
            )
            if status == 429:
                raise RateLimited(message, retry_at=retry_at)
            raise BankUnavailable(message, retry_at=retry_at)

    def _record_exchange(self, answer, response):
        sent = answer.request
        body = sent.body
        self.recorder(
            Exchange(
                method=sent.method,
                url=sent.url,
                request_headers=dict(sent.headers),
                request_body=body.encode() if isinstance(body, str) else body,
                status=response.status,
                response_headers=dict(response.headers),
                response_body=response.content,
                endpoint=response.endpoint,
            )
        )

    def _read_body(self, answer, endpoint, method, path, started) -> bytes:
        """The answer's body, within ``max_response_bytes`` and what is left
        of ``request_deadline`` (a watchdog cuts the connection then)."""
        limit = self.max_response_bytes
        what = f"{endpoint}: {method} {path}"
        announced = answer.headers.get("Content-Length")
        if announced and announced.isdigit() and int(announced) > limit:
            answer.close()
            raise self._too_large(what, int(announced))
        deadline = started + self.request_deadline
        watchdog = threading.Timer(
            max(0.0, deadline - time.monotonic()), _cut_connection, (answer,)
        )
        watchdog.daemon = True
        watchdog.start()
        chunks, size = [], 0
        try:
            for chunk in answer.iter_content(64 * 1024):
                size += len(chunk)
                if size > limit:
                    raise self._too_large(what, size)
                chunks.append(chunk)
        except requests.RequestException:
            if time.monotonic() < deadline:
                raise
        finally:
            watchdog.cancel()
            answer.close()
        if time.monotonic() >= deadline:
            message = self.redact(
                f"{what}: the answer took more than {self.request_deadline:g} s "
                "in all (limit: total time per request); the next run tries again."
            )
            self.logger.warning("bank call cut: %s", message)
            raise BankUnavailable(message)
        return b"".join(chunks)

    def _tls_refused(self, method, url, path, endpoint, exc):
        """CertificateRefused for a failed TLS handshake, naming the
        certificate and the TLS layer's reason (never retried: the same
        certificates fail the same way)."""
        said = str(exc)
        # "[SSL: CODE] words" or, when the bank drops a refused handshake
        # (TLS 1.3), "SSLEOFError(8, 'EOF occurred ...')".
        found = re.search(r"\[SSL: [A-Z0-9_]+\][^'\")]*", said) or re.search(
            r"(SSL\w*Error)\(\d+, '([^']{1,120})'", said
        )
        if found is None:
            reason = type(exc).__name__
        elif found.lastindex == 2:
            reason = f"{found.group(1)}: {found.group(2)}"
        else:
            reason = found.group(0).strip()[:160]
        has_qwac = getattr(self.settings, "client_certificate", None) is not None
        if "CERTIFICATE_VERIFY_FAILED" in reason:
            # Our side refused the bank's server certificate.
            message = self.redact(
                f"{endpoint}: {method} {path}: the TLS handshake with "
                f"{_host_label(url)} failed ({reason}): the bank's server "
                "certificate is not one we trust. An administrator pastes the "
                "authority that issued it in the connection's Bank's CA "
                "Certificates (Certificates page), or checks the API URL."
            )
            self.logger.warning("bank call refused: %s", message)
            return CertificateRefused(message)
        message = self.redact(
            f"{endpoint}: {method} {path}: the TLS handshake with "
            f"{_host_label(url)} failed ({reason}): the bank did not accept our "
            "client certificate (QWAC: "
            + ("the connection's" if has_qwac else "none is set on the connection")
            + "), or its server certificate is not one we trust. An "
            "administrator checks the connection's certificates (Certificates "
            "page) and the bank's CA."
        )
        self.logger.warning("bank call refused: %s", message)
        return CertificateRefused(message)

    def _too_large(self, what, size):
        message = self.redact(
            f"{what}: the answer is {size:,} bytes or more, over the limit of "
            f"{self.max_response_bytes:,} (limit: response size); it was not read."
        )
        self.logger.warning("bank call refused: %s", message)
        return BankResponseError(message)

    def check_origin(self, method: str, url: str, endpoint: str):
        """ForeignHostRefused (nothing sent) when ``url`` is not on the
        connection's own scheme, host and port."""
        base_url = getattr(self.settings, "base_url", None)
        if not base_url or origin(url) == origin(base_url):
            return
        self._refuse_host(
            _host_label(url),
            f"{endpoint}: the bank pointed {method} at {_host_label(url)}, which is "
            f"not the connection's host {_host_label(base_url)}; nothing was sent "
            "there. If the bank really moved, an administrator changes the "
            "connection's API URL.",
        )

    def _refuse_redirect(self, method, path, endpoint, headers):
        location = str(headers.get("Location") or "")
        target = _host_label(location) if "://" in location else "its own host"
        self._refuse_host(
            target,
            f"{endpoint}: {method} {path} was redirected to {target}; redirects "
            "are not followed (credentials go to the connection's API URL only). "
            "If the bank really moved, an administrator changes the API URL.",
        )

    def _refuse_host(self, host, message):
        message = self.redact(message)
        # A security event: a bank (or whoever answers for it) tried to send
        # us elsewhere. Logged as a warning so that monitoring sees it.
        self.logger.warning("bank call refused: %s", message)
        raise ForeignHostRefused(message, host=host)

    def _long_wait_error(self, status, summary, text, retry_at):
        detail = f": {text}" if text else ""
        until = retry_at.isoformat()
        if status == 429:
            return RateLimited(
                self.redact(
                    f"{summary}{detail}; the bank allows the next call at {until}."
                ),
                retry_at=retry_at,
            )
        if status == 503:
            return MaintenanceWindow(
                self.redact(
                    f"{summary}{detail}; the bank is under maintenance until {until}."
                ),
                retry_at=retry_at,
            )
        return BankUnavailable(
            self.redact(f"{summary}{detail}; the bank asks to retry at {until}."),
            retry_at=retry_at,
        )

    def _log_retry(self, method, path, endpoint, what, delay, request_id):
        # A retried call is routine; a run that still fails is reported by the
        # caller (sync log, chatter, activity).
        self.logger.info(
            self.redact(
                f"bank call {method} {path} [{endpoint}] {what}; retrying in "
                f"{delay:.2f} s (X-Request-ID {request_id})"
            )
        )

    def _record(self, endpoint, status, started, user_present, at):
        self.calls.append(
            CallRecord(
                endpoint=endpoint,
                status=status,
                duration=time.monotonic() - started,
                user_present=bool(user_present),
                at=at,
            )
        )
