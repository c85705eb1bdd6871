"""The Sandbox Bank sends signed Standard Webhooks, retried with backoff."""

import json
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from standardwebhooks.webhooks import Webhook

from bank_api_sync_sandbox.core.admin_client import SandboxAdmin, SandboxAdminError
from bank_api_sync_sandbox.core.sandbox import SandboxBank
from bank_api_sync_sandbox.core.sandbox.webhooks import WebhookSender

from .sandbox_support import Clock

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
FAST = {"retry_delays": (0.01, 0.02, 0.03), "timeout": 2}


class Receiver:
    """A webhook endpoint that answers ``statuses`` in turn (then 200) and
    keeps what it received."""

    def __init__(self, *statuses):
        self.statuses = list(statuses)
        self.received = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                headers = {k.lower(): v for k, v in self.headers.items()}
                receiver.received.append((headers, body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.server.shutdown()
        self.server.server_close()

    def verified(self):
        """(webhook-id, event) of each request, each verified by the
        independent standardwebhooks package."""
        return [
            (headers["webhook-id"], Webhook(SECRET).verify(body, headers))
            for headers, body in self.received
        ]


@pytest.fixture
def sender():
    senders = []

    def make(url, **options):
        senders.append(WebhookSender(url, SECRET, **{**FAST, **options}).start())
        return senders[-1]

    yield make
    for made in senders:
        made.stop()


def test_a_delivery_is_signed_as_standard_webhooks_receivers_verify(sender):
    with Receiver() as receiver:
        webhooks = sender(receiver.url)
        delivery = webhooks.send("transaction.booked", {"account_id": "a"})
        assert webhooks.wait_idle(5)
        assert delivery.delivered
    ((webhook_id, event),) = receiver.verified()
    assert webhook_id == delivery.webhook_id
    assert event["type"] == "transaction.booked"
    assert event["data"] == {"account_id": "a"}


def test_a_failed_delivery_is_retried_with_the_same_id_until_answered(sender):
    with Receiver(500, 503) as receiver:
        webhooks = sender(receiver.url)
        delivery = webhooks.send("balance.updated", {"account_id": "a"})
        assert webhooks.wait_idle(5)
    assert delivery.delivered
    assert [outcome for _attempt, outcome in delivery.outcomes] == [500, 503, 200]
    ids = {webhook_id for webhook_id, _event in receiver.verified()}
    assert ids == {delivery.webhook_id}, "a retry is the same delivery"


def test_an_unreachable_receiver_is_given_up_after_the_last_retry(sender):
    with Receiver() as receiver:
        url = receiver.url
    webhooks = sender(url)
    delivery = webhooks.send("transaction.booked", {"account_id": "a"})
    assert webhooks.wait_idle(10)
    assert not delivery.delivered
    assert delivery.attempts == 1 + len(FAST["retry_delays"])


def test_a_malformed_secret_is_refused_at_once():
    with pytest.raises(ValueError, match="whsec_"):
        WebhookSender("http://127.0.0.1:9/hook", "not-a-secret")


def test_a_booked_customer_payment_is_notified_with_the_new_balance():
    bank = SandboxBank(seed=7, now=Clock())
    before = bank.balances("acc-pln")["closingBooked"]
    with Receiver(500) as receiver:
        bank.configure_webhooks(receiver.url, SECRET, **FAST)
        tx = bank.book_customer_payment(
            "acc-pln", Decimal("1234.50"), "Kowalski", None, "FV/2026/11/0007"
        )
        assert bank.webhooks.wait_idle(5)
        bank.stop()
    booked = bank.ledger("acc-pln", "booked")
    assert booked[-1]["transactionId"] == tx["transactionId"]
    assert bank.balances("acc-pln")["closingBooked"] == before + Decimal("1234.50")
    events = [event for _id, event in receiver.verified()]
    # The first delivery failed once and came again: three requests, two events.
    assert len(receiver.received) == 3
    assert {event["type"] for event in events} == {
        "transaction.booked",
        "balance.updated",
    }
    balance = next(e for e in events if e["type"] == "balance.updated")
    closing = next(
        b for b in balance["data"]["balances"] if b["balanceType"] == "closingBooked"
    )
    assert Decimal(closing["amount"]) == before + Decimal("1234.50")
    assert json.dumps(events)  # plain JSON, nothing else


def test_the_admin_api_subscribes_and_books_over_http():
    with SandboxBank(seed=7, port=0, now=Clock()) as bank, Receiver() as receiver:
        admin = SandboxAdmin(bank.url)
        admin.subscribe_webhooks(receiver.url, SECRET)
        tx = admin.book_incoming_payment(
            "acc-eur", Decimal("99.90"), "ACME GmbH", None, "FV/2026/11/0001"
        )
        assert bank.webhooks.wait_idle(5)
        with pytest.raises(SandboxAdminError, match="HTTP 404"):
            admin.book_incoming_payment("nope", 1, "x", None, "")
        with pytest.raises(SandboxAdminError, match="HTTP 400"):
            admin.book_incoming_payment("acc-eur", -5, "x", None, "")
        with pytest.raises(SandboxAdminError, match="HTTP 400"):
            admin.subscribe_webhooks(receiver.url, "not-a-secret")
    assert tx["transactionAmount"] == {"currency": "EUR", "amount": "99.90"}
    assert tx["debtorName"] == "ACME GmbH"
    types = [event["type"] for _id, event in receiver.verified()]
    assert sorted(types) == ["balance.updated", "transaction.booked"]


def test_an_unreachable_sandbox_is_a_clear_error():
    with pytest.raises(SandboxAdminError, match="cannot be reached"):
        SandboxAdmin("http://127.0.0.1:9", timeout=1).subscribe_webhooks(
            "http://127.0.0.1:9/hook", SECRET
        )
