"""BankHttp bounds what a bank sends back: the size of an answer and the
total time of a request, however slowly its body trickles in."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bank_api_sync.core.errors import BankResponseError, BankUnavailable
from bank_api_sync.core.http import BankHttp
from bank_api_sync.core.providers import ConnectionSettings


class HostileBank:
    """A real HTTP server whose GET answers are ``body`` (bytes), sent
    ``per_write`` bytes at a time every ``pause`` seconds; ``length`` is the
    Content-Length it announces (None: none, the body ends with the
    connection)."""

    def __init__(self, body, per_write=None, pause=0.0, length="actual"):
        bank = self
        self.body, self.per_write, self.pause = body, per_write, pause
        self.length = len(body) if length == "actual" else length

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                if bank.length is not None:
                    self.send_header("Content-Length", str(bank.length))
                self.end_headers()
                step = bank.per_write or len(bank.body)
                try:
                    for start in range(0, len(bank.body), step):
                        self.wfile.write(bank.body[start : start + step])
                        self.wfile.flush()
                        time.sleep(bank.pause)
                except OSError:
                    return  # the client hung up: that is the point

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def hostile():
    banks = []

    def make(*args, **kwargs):
        banks.append(HostileBank(*args, **kwargs))
        return banks[-1]

    yield make
    for bank in banks:
        bank.close()


def http_for(bank, **limits):
    settings = ConnectionSettings(
        provider="berlin_group", base_url=bank.url, timeout=2.0, max_retries=0
    )
    return BankHttp(settings, None, sleep=lambda seconds: None, **limits)


def test_an_announced_oversized_answer_is_not_read(hostile):
    bank = hostile(b"x" * 200_000)
    http = http_for(bank, max_response_bytes=100_000)
    with pytest.raises(BankResponseError, match=r"limit: response size"):
        http.request("GET", bank.url + "/v1/accounts", endpoint="accounts")


def test_an_oversized_answer_without_length_is_cut_at_the_limit(hostile):
    bank = hostile(b"x" * 300_000, per_write=10_000, length=None)
    http = http_for(bank, max_response_bytes=100_000)
    with pytest.raises(BankResponseError, match=r"over the limit of 100,000"):
        http.request("GET", bank.url + "/v1/accounts", endpoint="accounts")


def test_a_trickled_answer_is_cut_at_the_total_time_per_request(hostile):
    # One byte every 0.2 s: no read waits as long as the 2 s timeout.
    bank = hostile(b'{"accounts": []}' * 10, per_write=1, pause=0.2)
    http = http_for(bank, request_deadline=1.0)
    started = time.monotonic()
    with pytest.raises(BankUnavailable, match=r"limit: total time per request"):
        http.request("GET", bank.url + "/v1/accounts", endpoint="accounts")
    assert time.monotonic() - started < 2.0


def test_an_answer_within_the_limits_is_read_whole(hostile):
    bank = hostile(b'{"accounts": []}', per_write=4, pause=0.01)
    http = http_for(bank, max_response_bytes=1_000, request_deadline=5.0)
    answer = http.request("GET", bank.url + "/v1/accounts", endpoint="accounts")
    assert answer.json() == {"accounts": []}


def test_pages_per_run_are_bounded_and_the_limit_named():
    from datetime import timedelta

    from bank_api_sync_sandbox.core.sandbox import SandboxBank

    from .sandbox_support import Clock, api_calls, sandbox_client

    with SandboxBank(seed=5, now=Clock(), per_day=4, page_size=2) as bank:
        client = sandbox_client(bank)
        client.max_pages_per_run = 3
        [account, *_others] = client.list_accounts()
        before = len(api_calls(bank))
        start = bank.today() - timedelta(days=20)
        with pytest.raises(BankResponseError, match=r"limit: pages per run"):
            list(client.iter_transactions(account, start, bank.today(), "booked"))
        assert len(api_calls(bank)) - before == 3
