"""The Sandbox Bank's client: a Berlin Group client with the sandbox's defaults.

The sandbox names, in a booked transaction's ``entryReference``, the id of
the pending transaction it replaces; this client exposes it as
``Transaction.pending_reference``. Registered as provider ``sandbox``.
"""

from .sandbox.auth import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from .siblings import berlin_group, registry

DEFAULT_BASE_URL = "http://127.0.0.1:8070"


class SandboxClient(berlin_group.BerlinGroupClient):
    pending_link_field = "entryReference"

    def __init__(self, settings, budget, http=None, **options):
        # Blank settings take the sandbox's public defaults (in place: the
        # caller keeps reading consent_id and tokens from the same object).
        settings.base_url = settings.base_url or DEFAULT_BASE_URL
        settings.client_id = settings.client_id or DEFAULT_CLIENT_ID
        settings.client_secret = settings.client_secret or DEFAULT_CLIENT_SECRET
        super().__init__(settings, budget, http, **options)

    def get_mt942_report(self, account, day) -> bytes:
        """The MT942 intraday report of ``account`` for ``day`` (today, by the
        bank's clock: the movements booked so far today), the bytes as sent:
        the transaction list of ``day`` asked as ``text/plain`` with the
        sandbox's ``format=mt942``. An answer that is not text raises
        BankResponseError."""
        response = self._call(
            "GET",
            self._transactions_path(account),
            endpoint="transactions",
            params={
                "dateFrom": day.isoformat(),
                "dateTo": day.isoformat(),
                "bookingStatus": "booked",
                "format": "mt942",
            },
            headers={"Accept": "text/plain"},
        )
        content_type = next(
            (
                value
                for name, value in response.headers.items()
                if name.lower() == "content-type"
            ),
            "",
        ).lower()
        if not content_type.startswith("text/"):
            served = content_type or "without a content type"
            raise berlin_group.BankResponseError(
                f"MT942 report: the bank answered {served} instead of MT942 text"
            )
        return response.content


registry.register("sandbox", SandboxClient)
