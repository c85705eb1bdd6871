"""The sandbox's stand-in for the Ministry of Finance's VAT taxpayer white
list ("Wykaz podatników VAT"), served by the Sandbox Bank's HTTP server under
the register's own paths, parameters, answers and error codes:

* ``GET /api/check/nip/{nip}/bank-account/{account}?date=YYYY-MM-DD``:
  ``{"result": {"accountAssigned": "TAK"|"NIE", "requestDateTime", "requestId"}}``;
* ``GET /api/search/nip/{nip}?date=`` and
  ``GET /api/search/bank-account/{account}?date=``: ``result.subject`` (one
  taxpayer or null) resp. ``result.subjects`` (a list), with ``requestId``;
* errors ``{"code": "WL-1xx", "message"}`` with status 400: WL-101 no date,
  WL-102 a date that is no date, WL-103 a date in the future, WL-111 an
  account that is not 26 digits with valid check digits, WL-115 a NIP whose
  check digit fails, WL-190 another path, WL-191 the day's limit of checks
  used (``daily_limit``, 5,000 in the real register).

Accounts are the register's 26-digit NRBs (no ``PL``). The taxpayers of the
sandbox's world (``SANDBOX_TAXPAYERS``: the suppliers of the demo) are on the
list from the start; ``register(nip, account, name)`` adds one, every other
pair is answered ``NIE``. Each answer gets a fresh ``requestId`` in the
register's shape.
"""

import re
import secrets
import threading
from datetime import date, datetime

CHECK_PATH = re.compile(r"^/api/check/nip/([^/]*)/bank-account/([^/]*)$")
SEARCH_NIP_PATH = re.compile(r"^/api/search/nip/([^/]*)$")
SEARCH_ACCOUNT_PATH = re.compile(r"^/api/search/bank-account/([^/]*)$")
NIP_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)
DAILY_LIMIT = 5000

# The taxpayers of the sandbox's world (NIP, listed account, name): the demo's
# suppliers are among them; an account of theirs not listed here is answered
# NIE like any other.
SANDBOX_TAXPAYERS = (
    ("5213017228", "PL21102028920000000000001234", "Hurtownia Elektryczna Volt"),
    ("1234563218", "PL91116022020000000123456789", "Biuro Rachunkowe Saldo"),
)


def valid_nip(nip: str) -> bool:
    if not (isinstance(nip, str) and len(nip) == 10 and nip.isdigit()):
        return False
    check = sum(int(d) * w for d, w in zip(nip, NIP_WEIGHTS, strict=False)) % 11
    return check != 10 and check == int(nip[9])


def valid_nrb(account: str) -> bool:
    """26 digits whose check digits hold (the IBAN's, with PL in front)."""
    if not (isinstance(account, str) and len(account) == 26 and account.isdigit()):
        return False
    return int(account[2:] + "2521" + account[:2]) % 97 == 1


def as_nrb(account: str) -> str:
    compact = re.sub(r"[\s-]", "", account or "").upper()
    return compact[2:] if compact.startswith("PL") else compact


class VatWhiteList:
    def __init__(self, today=None, daily_limit=DAILY_LIMIT, taxpayers=()):
        self.accounts = {}  # nip -> set of NRBs
        self.names = {}
        self.today = today or date.today
        self.daily_limit = daily_limit
        self.requests = []  # (path, query) of every question
        self.checks_by_day = {}
        self._lock = threading.Lock()
        for nip, account, name in taxpayers:
            self.register(nip, account, name)

    def register(self, nip, account, name="Taxpayer"):
        with self._lock:
            self.accounts.setdefault(nip, set()).add(as_nrb(account))
            self.names[nip] = name

    def answer(self, path, query):
        """(status, JSON payload) for a GET of ``path`` with ``query``."""
        today = self.today()
        with self._lock:
            self.requests.append((path, dict(query)))
            if path.startswith("/api/check/"):
                self.checks_by_day[today] = self.checks_by_day.get(today, 0) + 1
            checks_today = self.checks_by_day.get(today, 0)
        check = CHECK_PATH.match(path)
        search_nip = SEARCH_NIP_PATH.match(path)
        search_account = SEARCH_ACCOUNT_PATH.match(path)
        if not (check or search_nip or search_account):
            return _error("WL-190", "Niepoprawne żądanie.")
        problem = self._date_problem(query.get("date"), today)
        if problem:
            return problem
        if check:
            if checks_today > self.daily_limit:
                return _error("WL-191", "Wyczerpany limit zapytań na dziś.")
            return self._check(*check.groups())
        if search_nip:
            return self._search_nip(search_nip.group(1))
        return self._search_account(search_account.group(1))

    @staticmethod
    def _date_problem(value, today):
        if not value:
            return _error("WL-101", "Pole 'date' nie może być puste.")
        try:
            asked = date.fromisoformat(value)
        except ValueError:
            return _error("WL-102", "Pole 'date' ma nieprawidłowy format.")
        if asked > today:
            return _error("WL-103", "Data nie może być datą przyszłą.")
        return None

    def _check(self, nip, account):
        if not valid_nip(nip):
            return _error("WL-115", "Nieprawidłowy NIP.")
        if not valid_nrb(account):
            return _error("WL-111", "Nieprawidłowy numer konta.")
        assigned = account in self.accounts.get(nip, ())
        return 200, {
            "result": {
                "accountAssigned": "TAK" if assigned else "NIE",
                **_stamp(),
            }
        }

    def _subject(self, nip):
        return {
            "name": self.names[nip],
            "nip": nip,
            "statusVat": "Czynny",
            "accountNumbers": sorted(self.accounts[nip]),
            "hasVirtualAccounts": False,
        }

    def _search_nip(self, nip):
        if not valid_nip(nip):
            return _error("WL-115", "Nieprawidłowy NIP.")
        subject = self._subject(nip) if nip in self.accounts else None
        return 200, {"result": {"subject": subject, **_stamp()}}

    def _search_account(self, account):
        if not valid_nrb(account):
            return _error("WL-111", "Nieprawidłowy numer konta.")
        subjects = [
            self._subject(nip)
            for nip, accounts in sorted(self.accounts.items())
            if account in accounts
        ]
        return 200, {"result": {"subjects": subjects, **_stamp()}}


def _stamp():
    # The register's ids look like "z5x71-85a8gl5".
    return {
        "requestDateTime": datetime.now().strftime("%d-%m-%Y %H:%M:%S"),
        "requestId": f"{secrets.token_hex(3)[:5]}-{secrets.token_hex(4)}",
    }


def _error(code, message):
    return 400, {"code": code, "message": message}
