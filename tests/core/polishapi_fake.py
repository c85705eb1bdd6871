"""A small fake PolishAPI bank for the client tests (real HTTP, not a test module).

The Sandbox Bank's PolishAPI personality (``bank_api_sync_sandbox`` core,
``sandbox/polishapi.py``: what it speaks and checks is described there) on a
server of its own, with a ledger of its own (seed 4, 3 movements a day), and
the payments as the client tests want them: no per-payment authorisation
asked (``pis_authorisation`` off: the connection's token pays) and executed
when ``execute_payments()`` says so. Its login page answers a GET with
``decision`` at once (no form). With a seal (``seal``, a
core.certificates.Credential) its answers are signed (X-JWS-SIGNATURE);
``forge_signatures``: over other bytes.
"""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from bank_api_sync.core.jws import sign_detached
from bank_api_sync_sandbox.core.sandbox.ledger import DEFAULT_ACCOUNTS, Ledger
from bank_api_sync_sandbox.core.sandbox.polishapi import BANK_TIME, PolishApiBank

__all__ = ["BANK_TIME", "FakePolishApi"]


class FakePolishApi(PolishApiBank):
    def __init__(self, clock, version="v2_1_1.1", seed=4, per_day=3, **options):
        today = clock().date()
        ledger = Ledger(seed, list(DEFAULT_ACCOUNTS), per_day, today - timedelta(60))
        super().__init__(clock, ledger, DEFAULT_ACCOUNTS, version, **options)
        self.seal = None
        self.forge_signatures = False
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.login_url = f"{self.url}/login"
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
