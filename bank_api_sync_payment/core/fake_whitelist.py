"""A stand-in for the Ministry of Finance's VAT white list, for this add-on's
tests (the demo asks the one the Sandbox Bank serves): the same paths,
parameters, answers and error codes as the real register (see whitelist.py),
over real HTTP on loopback.

``FakeWhiteList.register(nip, account, name)`` puts an account on the list;
every other pair is answered ``NIE``. Each answer gets a fresh ``requestId``
in the register's shape, and ``daily_limit`` makes it answer WL-191 once that
many checks came in a day.
"""

import json
import re
import secrets
import threading
from datetime import date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from .accounts import nrb, polish_nip

CHECK_PATH = re.compile(r"^/api/check/nip/([^/]*)/bank-account/([^/]*)$")
SEARCH_PATH = re.compile(r"^/api/search/nip/([^/]*)$")


class FakeWhiteList:
    def __init__(self, today=None, daily_limit=5000):
        self.accounts = {}  # nip -> set of NRBs
        self.names = {}
        self.today = today or date.today
        self.daily_limit = daily_limit
        self.requests = []  # (path, query) of every question, for the tests
        self.checks_by_day = {}
        self._lock = threading.Lock()

    def register(self, nip, account, name="Taxpayer"):
        self.accounts.setdefault(nip, set()).add(nrb(account))
        self.names[nip] = name

    def answer(self, path, query):
        """(status, JSON payload) for a GET of ``path`` with ``query``."""
        today = self.today()
        with self._lock:
            self.requests.append((path, dict(query)))
            if path.startswith("/api/check/"):
                self.checks_by_day[today] = self.checks_by_day.get(today, 0) + 1
            checks_today = self.checks_by_day.get(today, 0)
        problem = self._date_problem(query.get("date"))
        if problem:
            return problem
        check = CHECK_PATH.match(path)
        if check:
            if checks_today > self.daily_limit:
                return _error(400, "WL-191", "Wyczerpany limit zapytań na dziś.")
            return self._check(*check.groups())
        search = SEARCH_PATH.match(path)
        if search:
            return self._search(search.group(1))
        return _error(400, "WL-190", "Niepoprawne żądanie.")

    def _date_problem(self, value):
        if not value:
            return _error(400, "WL-101", "Pole 'date' nie może być puste.")
        try:
            asked = date.fromisoformat(value)
        except ValueError:
            return _error(400, "WL-102", "Pole 'date' ma nieprawidłowy format.")
        if asked > self.today():
            return _error(400, "WL-103", "Data nie może być datą przyszłą.")
        return None

    def _check(self, nip, account):
        if not polish_nip(nip):
            return _error(400, "WL-115", "Nieprawidłowy NIP.")
        if not (len(account) == 26 and account.isdigit() and nrb("PL" + account)):
            return _error(400, "WL-111", "Nieprawidłowy numer konta.")
        assigned = account in self.accounts.get(nip, ())
        return 200, {
            "result": {
                "accountAssigned": "TAK" if assigned else "NIE",
                "requestDateTime": datetime.now().strftime("%d-%m-%Y %H:%M:%S"),
                "requestId": _request_id(),
            }
        }

    def _search(self, nip):
        if not polish_nip(nip):
            return _error(400, "WL-115", "Nieprawidłowy NIP.")
        subject = None
        if nip in self.accounts:
            subject = {
                "name": self.names[nip],
                "nip": nip,
                "statusVat": "Czynny",
                "accountNumbers": sorted(self.accounts[nip]),
                "hasVirtualAccounts": False,
            }
        return 200, {
            "result": {
                "subject": subject,
                "requestDateTime": datetime.now().strftime("%d-%m-%Y %H:%M:%S"),
                "requestId": _request_id(),
            }
        }


def _request_id():
    # The register's ids look like "z5x71-85a8gl5".
    return f"{secrets.token_hex(3)[:5]}-{secrets.token_hex(4)}"


def _error(status, code, message):
    return status, {"code": code, "message": message}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        """Quiet: the tests read the register's own list of requests."""

    def do_GET(self):
        url = urlsplit(self.path)
        status, payload = self.server.register.answer(
            url.path, dict(parse_qsl(url.query))
        )
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class FakeWhiteListServer(ThreadingHTTPServer):
    """``FakeWhiteListServer(register).start()`` serves it on a free loopback
    port until ``stop()``; ``url`` is its base URL."""

    daemon_threads = True

    def __init__(self, register, port=0):
        self.register = register
        super().__init__(("127.0.0.1", port), _Handler)
        self._thread = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"

    def start(self):
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self.shutdown()
        self.server_close()
