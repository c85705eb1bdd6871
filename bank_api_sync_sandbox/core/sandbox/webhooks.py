"""The Sandbox Bank as a webhook sender (Standard Webhooks).

    sender = WebhookSender("http://odoo/bank_api_sync/webhook/<token>", "whsec_...")
    sender.start()
    sender.send("transaction.booked", {"account_id": "acc-pln"})
    sender.wait_idle(timeout=10)      # tests: every delivery answered or given up

Each event is one delivery with its own ``webhook-id``; it is signed
(``v1,<base64 HMAC-SHA256 of id.timestamp.body>``) at every attempt with a
fresh timestamp, and retried with backoff while the receiver does not answer
2xx, as real senders do: the same delivery may therefore arrive twice (a
receiver that stored it but whose answer was lost), and the receiver's
idempotency on ``webhook-id`` makes that harmless.
"""

import base64
import hashlib
import heapq
import hmac
import itertools
import json
import logging
import threading
import time
import uuid
from dataclasses import dataclass, field
from urllib.error import URLError
from urllib.request import Request, urlopen

_logger = logging.getLogger(__name__)

SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix, not a secret)
# Seconds before each retry (Standard Webhooks senders wait longer; a
# sandbox demo cannot wait hours). After the last one the delivery is dropped.
RETRY_DELAYS = (1, 2, 5, 15, 60)
TIMEOUT = 10


def sign(secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header value for one attempt."""
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError("a webhook secret starts with whsec_")
    key = base64.b64decode(secret[len(SECRET_PREFIX) :])
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


@dataclass(order=True)
class Delivery:
    due: float
    order: int
    webhook_id: str = field(compare=False)
    body: bytes = field(compare=False)
    attempts: int = field(default=0, compare=False)
    # (attempt, HTTP status or the error's class name) per attempt.
    outcomes: list = field(default_factory=list, compare=False)
    delivered: bool = field(default=False, compare=False)


class WebhookSender:
    def __init__(
        self,
        url: str,
        secret: str,
        *,
        retry_delays=RETRY_DELAYS,
        timeout: float = TIMEOUT,
        clock=time.monotonic,
    ):
        sign(secret, "check", 0, b"")  # refuse a malformed secret now
        if not url.startswith(("http://", "https://")):
            raise ValueError("a webhook URL starts with http:// or https://")
        self.url = url
        self.secret = secret
        self.retry_delays = tuple(retry_delays)
        self.timeout = timeout
        self.clock = clock
        self.deliveries: list[Delivery] = []
        self._queue = []
        self._order = itertools.count()
        self._busy = 0
        self._condition = threading.Condition()
        self._thread = None
        self._stopped = False

    # -- life cycle ----------------------------------------------------------

    def start(self) -> "WebhookSender":
        with self._condition:
            if self._thread is None:
                self._stopped = False
                self._thread = threading.Thread(
                    target=self._run, name="sandbox-bank-webhooks", daemon=True
                )
                self._thread.start()
        return self

    def stop(self):
        with self._condition:
            self._stopped = True
            self._condition.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=self.timeout + 1)
            self._thread = None

    # -- sending -------------------------------------------------------------

    def send(self, event_type: str, data: dict) -> Delivery:
        """Queue one event for delivery now; returns the delivery."""
        body = json.dumps(
            {"type": event_type, "timestamp": int(time.time()), "data": data},
            sort_keys=True,
        ).encode()
        delivery = Delivery(
            self.clock(), next(self._order), f"msg_{uuid.uuid4().hex}", body
        )
        with self._condition:
            self.deliveries.append(delivery)
            heapq.heappush(self._queue, delivery)
            self._condition.notify_all()
        return delivery

    def attempt(self, delivery: Delivery) -> bool:
        """One attempt: sign now, POST, True on a 2xx answer."""
        timestamp = int(time.time())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "SandboxBank-Webhooks/1.0",
            "webhook-id": delivery.webhook_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": sign(
                self.secret, delivery.webhook_id, timestamp, delivery.body
            ),
        }
        # The scheme was checked in __init__: http(s) only.
        request = Request(self.url, data=delivery.body, headers=headers, method="POST")  # noqa: S310
        delivery.attempts += 1
        try:
            with urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                status = response.status
        except URLError as error:
            status = getattr(error, "code", None) or type(error).__name__
        except OSError as error:  # reset, timeout
            status = type(error).__name__
        delivery.outcomes.append((delivery.attempts, status))
        return isinstance(status, int) and 200 <= status < 300

    def wait_idle(self, timeout: float = 30) -> bool:
        """Wait until no delivery is due or under way (tests, the demo);
        False if the time ran out."""
        deadline = time.monotonic() + timeout
        with self._condition:
            while self._queue or self._busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._condition.wait(min(left, 0.05))
        return True

    # -- the sender's thread -------------------------------------------------

    def _run(self):
        while True:
            with self._condition:
                delivery = self._next_due()
                if delivery is None:
                    return
                self._busy += 1
            try:
                delivered = self.attempt(delivery)
            except Exception:  # a bug here must not stop the other deliveries
                _logger.exception("sandbox webhook %s failed", delivery.webhook_id)
                delivered = False
            with self._condition:
                self._busy -= 1
                self._after_attempt(delivery, delivered)
                self._condition.notify_all()

    def _next_due(self):
        while not self._stopped:
            if self._queue and self._queue[0].due <= self.clock():
                return heapq.heappop(self._queue)
            wait = self._queue[0].due - self.clock() if self._queue else 1.0
            self._condition.wait(max(min(wait, 1.0), 0.01))
        return None

    def _after_attempt(self, delivery, delivered):
        if delivered:
            delivery.delivered = True
            return
        if delivery.attempts > len(self.retry_delays):
            _logger.warning(
                "sandbox webhook %s given up after %s attempts",
                delivery.webhook_id,
                delivery.attempts,
            )
            return
        delivery.due = self.clock() + self.retry_delays[delivery.attempts - 1]
        heapq.heappush(self._queue, delivery)
