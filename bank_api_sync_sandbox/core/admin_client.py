"""Drive a Sandbox Bank through its ``/sandbox`` admin endpoints (whether it
runs in this process or elsewhere): plain HTTP, a timeout, typed errors."""

import json
from urllib.error import HTTPError, URLError
from urllib.request import Request, urlopen

TIMEOUT = 10


class SandboxAdminError(Exception):
    """The Sandbox Bank refused or could not be reached; the message says
    which and why."""


class SandboxAdmin:
    def __init__(self, base_url: str, timeout: float = TIMEOUT):
        if not base_url.startswith(("http://", "https://")):
            raise SandboxAdminError("The Sandbox Bank's URL is not http(s).")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def subscribe_webhooks(self, url: str, secret: str) -> None:
        self._post("/sandbox/webhooks", {"url": url, "secret": secret})

    def book_incoming_payment(self, account, amount, name, iban, title) -> dict:
        """Book a customer's payment now; returns the transaction."""
        answer = self._post(
            "/sandbox/payments/incoming",
            {
                "account": account,
                "amount": str(amount),
                "name": name,
                "iban": iban,
                "title": title,
            },
        )
        return answer["transaction"]

    def _post(self, path, payload):
        request = Request(  # noqa: S310 (http(s) checked in __init__)
            self.base_url + path,
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return json.loads(response.read() or b"null")
        except HTTPError as error:
            raise SandboxAdminError(
                f"The Sandbox Bank refused {path} (HTTP {error.code})."
            ) from None
        except (URLError, OSError) as error:
            raise SandboxAdminError(
                f"The Sandbox Bank at {self.base_url} cannot be reached: "
                f"{type(error).__name__}."
            ) from None
