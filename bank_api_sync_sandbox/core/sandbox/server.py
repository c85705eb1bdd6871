"""HTTP plumbing of the sandbox bank: requests in, responses out.

The routing and the bank's behaviour live in ``api.py`` (the Berlin Group
API) and ``admin.py`` (the ``/sandbox`` endpoints); this module only turns
bytes into ``Request`` objects and ``Response`` objects back into bytes.
"""

import json
import logging
import time
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from . import tls

_logger = logging.getLogger(__name__)


@dataclass
class Request:
    method: str
    path: str  # without the query string
    raw_path: str  # as sent, with the query string
    query: dict
    headers: Message
    body: bytes = b""
    # The client's certificate as the TLS layer verified it (strict TLS
    # mode, tls.py): None over plain HTTP or when none was presented.
    client_certificate: dict | None = None

    def header(self, name: str) -> str | None:
        return self.headers.get(name)

    def json(self):
        return json.loads(self.body.decode("utf-8") or "null")

    def form(self) -> dict:
        return dict(parse_qsl(self.body.decode("utf-8"), keep_blank_values=True))


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    content_type: str = "application/json"
    delay: float = 0.0  # seconds to wait before answering (the timeout fault)
    drop: bool = False  # close the connection without answering


def json_response(status: int, payload, headers=None) -> Response:
    try:
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate (the poisoned_transaction fault): escaped, as JSON
        # allows, for the client to find.
        body = json.dumps(payload).encode("ascii")
    return Response(status, body, dict(headers or {}))


def tpp_error(status: int, code: str, text: str, headers=None) -> Response:
    """A Berlin Group error body: ``tppMessages`` with one ERROR message."""
    payload = {"tppMessages": [{"category": "ERROR", "code": code, "text": text}]}
    return json_response(status, payload, headers)


class SandboxHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: long listings page quickly
    server_version = "SandboxBank/1.0"
    # Headers and body leave in separate writes: without TCP_NODELAY each
    # answer would wait for the delayed ACK (about 40 ms a request).
    disable_nagle_algorithm = True

    def log_message(self, format, *args):
        _logger.debug("sandbox %s - %s", self.address_string(), format % args)

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_DELETE(self):
        self._dispatch("DELETE")

    def do_PUT(self):
        self._dispatch("PUT")

    def _peer_certificate(self):
        getpeercert = getattr(self.connection, "getpeercert", None)
        return (getpeercert() or None) if getpeercert else None

    def _dispatch(self, method):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        url = urlsplit(self.path)
        request = Request(
            method=method,
            path=url.path,
            raw_path=self.path,
            query=dict(parse_qsl(url.query, keep_blank_values=True)),
            headers=self.headers,
            body=body,
            client_certificate=self._peer_certificate(),
        )
        try:
            response = self.server.bank.dispatch(request)
        except Exception:  # a bug in the sandbox must not kill the server thread
            _logger.exception("sandbox bank failed on %s %s", method, self.path)
            response = tpp_error(500, "INTERNAL_SERVER_ERROR", "Sandbox bank bug.")
        if response.drop:
            self.close_connection = True
            return
        if response.delay:
            time.sleep(response.delay)
        try:
            self.send_response(response.status)
            if response.body or response.status not in (204, 304):
                self.send_header(
                    "Content-Type", f"{response.content_type}; charset=utf-8"
                )
            self.send_header("Content-Length", str(len(response.body)))
            for name, value in response.headers.items():
                self.send_header(name, str(value))
            self.end_headers()
            if response.body:
                self.wfile.write(response.body)
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up (its timeout): nothing left to answer.
            self.close_connection = True


class SandboxHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, address, bank, ssl_context=None):
        self.bank = bank
        # Strict TLS mode (tls.py): each accepted connection's handshake is
        # made in its own thread, so that a slow or refused client never
        # holds up the others.
        self.ssl_context = ssl_context
        super().__init__(address, SandboxHandler)

    def finish_request(self, request, client_address):
        if self.ssl_context is None:
            return super().finish_request(request, client_address)
        secured = tls.handshake(self.ssl_context, request)
        if secured is None:
            _logger.info(
                "sandbox bank: TLS handshake with %s refused (no valid client "
                "certificate, or not TLS)",
                client_address[0],
            )
            return None
        try:
            return super().finish_request(secured, client_address)
        finally:
            secured.close()
