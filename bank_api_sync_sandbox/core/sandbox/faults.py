"""Fault switches: make the sandbox misbehave N times, then behave again.

``bank.set_fault(name, times=1, **options)`` or ``POST /sandbox/faults``
with ``{"name": ..., "times": ..., ...options}``. Every fault takes the
option ``path``: it then fires only on requests whose path contains it
(e.g. ``"/transactions"``); without it, on any API request (``/v1/...`` and
``/oauth2/token``), never on the ``/sandbox`` admin endpoints.
"""

import threading

FAULTS = {
    "timeout": "answer only after `delay` seconds (default 2): longer than the "
    "client's timeout",
    "http_500": "answer 500 INTERNAL_SERVER_ERROR",
    "http_503": "answer 503 SERVICE_UNAVAILABLE (with Retry-After when the "
    "`retry_after` option is given)",
    "http_429": "answer 429 ACCESS_EXCEEDED with Retry-After: `retry_after` "
    "(default 1) seconds; without Retry-After when `retry_after` is null",
    "maintenance": "answer 503 with a long Retry-After (`retry_after`, default 3600)",
    "malformed_json": "answer 200 with a truncated JSON body",
    "connection_reset": "close the connection without answering",
    "expired_token": "the presented access token expires now: 401 TOKEN_EXPIRED",
    "revoked_consent": "the PSU revokes the consent: 401 CONSENT_INVALID from now on",
    "repeated_transaction": "a transactions page repeats the last transaction of "
    "the previous page",
    "missing_amount": "a transactions page has one transaction without "
    "transactionAmount",
    "no_transaction_ids": "a transactions page leaves out transactionId and "
    "entryReference (the consumer must fall back to a content hash)",
    "leak_secrets": "answer 400 with an error text that echoes the request's "
    "Authorization header and query string (a careless bank)",
    "poisoned_transaction": "a transactions page's first transaction gets the "
    "fields of `replace` (a NUL, a lone surrogate, an amount of 1e400...)",
}

# Faults that replace the whole answer, checked before routing, in this order.
TRANSPORT_FAULTS = (
    "connection_reset",
    "timeout",
    "maintenance",
    "http_503",
    "http_500",
    "http_429",
    "malformed_json",
    "leak_secrets",
)


class FaultBoard:
    def __init__(self):
        self._active = {}  # name -> {"times": n, **options}
        self._lock = threading.Lock()

    def set(self, name: str, times: int = 1, **options):
        if name not in FAULTS:
            raise ValueError(
                f"unknown fault {name!r}; known faults: {', '.join(sorted(FAULTS))}"
            )
        if times < 1:
            raise ValueError("times must be at least 1")
        with self._lock:
            self._active[name] = {"times": int(times), **options}

    def clear(self, name: str | None = None):
        with self._lock:
            if name is None:
                self._active.clear()
            else:
                self._active.pop(name, None)

    def active(self) -> dict:
        with self._lock:
            return {name: dict(options) for name, options in self._active.items()}

    def take(self, name: str, path: str):
        """The fault's options (with its ``name``: never empty) if it fires on
        this path, one use consumed; else None."""
        with self._lock:
            options = self._active.get(name)
            if options is None or (options.get("path") and options["path"] not in path):
                return None
            options["times"] -= 1
            if options["times"] <= 0:
                del self._active[name]
            fired = {key: value for key, value in options.items() if key != "times"}
            return {"name": name, **fired}

    def armed(self, name: str, path: str) -> bool:
        """Whether the fault would fire on this path, without consuming it."""
        with self._lock:
            options = self._active.get(name)
            return options is not None and (
                not options.get("path") or options["path"] in path
            )
