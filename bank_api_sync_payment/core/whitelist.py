"""The Polish VAT taxpayer white list (Wykaz podatników VAT) of the Ministry
of Finance: is this account the supplier's, on this day?

The public API (no key) answers
``GET /api/check/nip/{nip}/bank-account/{account}?date=YYYY-MM-DD`` with
``{"result": {"accountAssigned": "TAK"|"NIE", "requestDateTime":
"dd-MM-yyyy HH:mm:ss", "requestId": "..."}}``; the ``requestId`` is the proof,
kept with the payment, that the check was made. Errors are ``{"code":
"WL-1xx", "message": ...}``: WL-103 a date in the future, WL-111 a bad
account, WL-113 to WL-115 a bad NIP, WL-191 the day's requests from this
address used up, WL-195 and WL-196 a register being updated (ask again). The
Ministry allows 5,000 checks (and 100 searches) a day from one address: the
cache below asks each NIP and account once a day, and refuses to start a
batch that would go past the limit.

Paying more than 15,000 PLN (the value of the transaction) to an account
not on the list costs the buyer the tax deduction of the cost and makes it
jointly liable for the supplier's VAT, unless the tax office is notified
(ZAW-NR) within 7 days.
"""

import json
import time
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import requests

from .accounts import nrb
from .texts import _lt

PRODUCTION_URL = "https://wl-api.mf.gov.pl"
TEST_URL = "https://wl-test.mf.gov.pl"
CHECK_DAILY_LIMIT = 5000
LEGAL_THRESHOLD = Decimal("15000")
RETRYABLE_CODES = frozenset({"WL-195", "WL-196"})
LIMIT_CODES = frozenset({"WL-191"})
MAX_BODY = 64 * 1024
MAX_ID = 64
# A batch asks the register for at most this long (seconds): a person waits
# for it, and a worker has a time limit. What was answered is kept.
BATCH_SECONDS = 60.0


class WhiteListError(Exception):
    """The register could not answer; ``retryable`` when asking later may
    work (an update in progress, a timeout, the day's limit)."""

    def __init__(self, reason, retryable=False):
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable


@dataclass(frozen=True)
class WhiteListAnswer:
    nip: str
    account: str  # NRB, 26 digits
    on_date: date
    assigned: bool
    request_id: str
    request_datetime: str


class WhiteListClient:
    """One question at a time, bounded in time and size. ``session`` may be a
    ``requests.Session`` (tests pass one); the register's base URL is the
    production one unless told."""

    def __init__(self, base_url=PRODUCTION_URL, timeout=10.0, session=None):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = session or requests.Session()

    def check(self, nip: str, account: str, on_date: date) -> WhiteListAnswer:
        digits = nrb(account)
        if not digits or not (nip and len(nip) == 10 and nip.isdigit()):
            raise WhiteListError(
                _lt(
                    "the white list only knows Polish NIPs and Polish accounts "
                    "(%(nip)s, %(account)s)",
                    nip=nip,
                    account=account,
                )
            )
        url = (
            f"{self.base_url}/api/check/nip/{nip}/bank-account/{digits}"
            f"?date={on_date.isoformat()}"
        )
        status, body = self._get(url)
        if status != 200:
            raise self._error(status, body)
        return self._answer(body, nip, digits, on_date)

    def _get(self, url):
        try:
            with self.session.get(
                url,
                timeout=self.timeout,
                stream=True,
                headers={"Accept": "application/json", "User-Agent": "Odoo"},
            ) as response:
                body = response.raw.read(MAX_BODY + 1, decode_content=True)
                status = response.status_code
        except requests.RequestException as error:
            raise WhiteListError(
                _lt(
                    "the VAT white list cannot be reached (%(error)s)",
                    error=type(error).__name__,
                ),
                retryable=True,
            ) from None
        if len(body) > MAX_BODY:
            raise WhiteListError(
                _lt("the VAT white list answered more than %(max)s bytes", max=MAX_BODY)
            )
        try:
            return status, json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            if status >= 500:
                return status, {}
            raise WhiteListError(
                _lt(
                    "the VAT white list answered HTTP %(status)s with a body that "
                    "is not JSON",
                    status=status,
                )
            ) from None

    def _error(self, status, body):
        code = str(body.get("code") or "")[:20] if isinstance(body, dict) else ""
        message = str(body.get("message") or "")[:200] if isinstance(body, dict) else ""
        if status == 429 or code in LIMIT_CODES:
            return WhiteListError(
                _lt(
                    "the VAT white list's daily limit of requests is used up "
                    "(%(code)s); it is available again tomorrow",
                    code=code or status,
                ),
                retryable=True,
            )
        if status >= 500 or code in RETRYABLE_CODES:
            return WhiteListError(
                _lt(
                    "the VAT white list is not available now (HTTP %(status)s "
                    "%(code)s); try again in a few minutes",
                    status=status,
                    code=code,
                ),
                retryable=True,
            )
        return WhiteListError(
            _lt(
                "the VAT white list refused the question (HTTP %(status)s %(code)s: "
                "%(message)s)",
                status=status,
                code=code,
                message=message,
            )
        )

    @staticmethod
    def _answer(body, nip, digits, on_date):
        result = body.get("result") if isinstance(body, dict) else None
        if not isinstance(result, dict):
            raise WhiteListError(_lt("the VAT white list's answer has no result"))
        assigned = result.get("accountAssigned")
        request_id = result.get("requestId")
        if assigned not in ("TAK", "NIE") or not isinstance(request_id, str):
            raise WhiteListError(
                _lt("the VAT white list's answer has no accountAssigned or requestId")
            )
        if not request_id.isprintable() or not 0 < len(request_id) <= MAX_ID:
            raise WhiteListError(
                _lt("the VAT white list's requestId is not an identifier")
            )
        return WhiteListAnswer(
            nip=nip,
            account=digits,
            on_date=on_date,
            assigned=assigned == "TAK",
            request_id=request_id,
            request_datetime=str(result.get("requestDateTime") or "")[:32],
        )


class WhiteListCache:
    """Answers by (NIP, account, day): the register is asked once per pair and
    day, whatever the number of orders and lines. ``known`` are the answers
    already kept (the Odoo glue loads the day's); ``used_today`` the requests
    already made today, counted against ``daily_limit``; ``batch_seconds``
    bounds the time spent asking (``clock``: seconds, monotonic)."""

    def __init__(
        self,
        client,
        known=(),
        daily_limit=CHECK_DAILY_LIMIT,
        used_today=0,
        batch_seconds=BATCH_SECONDS,
        clock=time.monotonic,
    ):
        self.client = client
        self.daily_limit = daily_limit
        self.used_today = used_today
        self.clock = clock
        self.deadline = clock() + batch_seconds
        self.answers = {
            (answer.nip, answer.account, answer.on_date): answer for answer in known
        }
        self.fresh = []

    def ensure_room(self, pairs, on_date):
        """Refuse a batch that would go past the daily limit before asking
        anything: half a batch checked is no use to anybody."""
        missing = {(nip, nrb(account)) for nip, account in pairs} - {
            (nip, account) for nip, account, day in self.answers if day == on_date
        }
        if self.used_today + len(missing) > self.daily_limit:
            raise WhiteListError(
                _lt(
                    "checking %(count)s more accounts would pass the VAT white "
                    "list's limit of %(limit)s requests a day (%(used)s used)",
                    count=len(missing),
                    limit=self.daily_limit,
                    used=self.used_today,
                ),
                retryable=True,
            )

    def answer(self, nip, account, on_date) -> WhiteListAnswer:
        key = (nip, nrb(account), on_date)
        if key not in self.answers:
            if self.clock() > self.deadline:
                raise WhiteListError(
                    _lt(
                        "the VAT white list is slow today: %(count)s accounts were "
                        "checked and kept; ask again for the others",
                        count=len(self.fresh),
                    ),
                    retryable=True,
                )
            answer = self.client.check(nip, account, on_date)
            self.used_today += 1
            self.answers[key] = answer
            self.fresh.append(answer)
        return self.answers[key]
