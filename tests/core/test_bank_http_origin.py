"""BankHttp sends credentials to the connection's own host only: a foreign
``next`` link or any redirect is refused, named and logged, and the foreign
server never hears from us."""

import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bank_api_sync.core.errors import ForeignHostRefused
from bank_api_sync.core.http import BankHttp
from bank_api_sync.core.model import Tokens
from bank_api_sync.core.providers import ConnectionSettings

TOKEN = "access-token-of-the-bank"


class Server:
    """A real HTTP server on ``host`` that records what it received and
    answers each GET with ``answer(path) -> (status, headers, body)``."""

    def __init__(self, host, answer):
        self.received = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.received.append((self.path, dict(self.headers)))
                status, headers, body = answer(self.path)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.url = f"http://{host}:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def foreign():
    with Server("127.0.0.2", lambda path: (200, {}, b"{}")) as server:
        yield server


def make_http(bank_url):
    settings = ConnectionSettings(
        provider="berlin_group",
        base_url=bank_url + "/psd2",
        client_id="client",
        client_secret="secret",
        tokens=Tokens(access_token=TOKEN),
        timeout=2.0,
    )
    return BankHttp(settings, None, sleep=lambda seconds: None)


def auth_headers():
    return {"Authorization": f"Bearer {TOKEN}", "Consent-ID": "consent-1"}


def test_a_next_link_to_another_host_is_refused_before_sending(foreign, caplog):
    with Server("127.0.0.1", lambda path: (200, {}, b"{}")) as bank:
        http = make_http(bank.url)
        next_link = f"{foreign.url}/psd2/v1/accounts/a1/transactions?page=2"
        with (
            caplog.at_level(logging.WARNING),
            pytest.raises(ForeignHostRefused) as refused,
        ):
            http.request(
                "GET", next_link, endpoint="transactions", headers=auth_headers()
            )
    assert foreign.received == []
    assert refused.value.host == foreign.url
    assert "127.0.0.2" in str(refused.value)
    assert "127.0.0.2" in caplog.text
    assert TOKEN not in caplog.text and TOKEN not in str(refused.value)
    assert http.calls == []


def test_another_port_of_the_same_host_is_another_host():
    with (
        Server("127.0.0.1", lambda path: (200, {}, b"{}")) as bank,
        Server("127.0.0.1", lambda path: (200, {}, b"{}")) as other,
    ):
        http = make_http(bank.url)
        with pytest.raises(ForeignHostRefused):
            http.request("GET", other.url + "/psd2/v1/accounts", endpoint="accounts")
        assert other.received == []
        answer = http.request("GET", bank.url + "/psd2/v1/accounts", endpoint="x")
        assert answer.status == 200
        assert len(bank.received) == 1


def test_a_redirect_is_never_followed(foreign, caplog):
    def redirect(path):
        return 302, {"Location": f"{foreign.url}/collect"}, b""

    with Server("127.0.0.1", redirect) as bank:
        http = make_http(bank.url)
        with (
            caplog.at_level(logging.WARNING),
            pytest.raises(ForeignHostRefused) as refused,
        ):
            http.request(
                "GET",
                bank.url + "/psd2/v1/accounts",
                endpoint="accounts",
                headers=auth_headers(),
            )
    assert foreign.received == []
    assert "127.0.0.2" in str(refused.value)
    assert "redirected" in caplog.text
