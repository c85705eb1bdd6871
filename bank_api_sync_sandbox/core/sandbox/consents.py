"""Account-information consents of the sandbox bank.

Life cycle: ``POST /v1/consents`` creates one. With ``auto_approve`` (the
default) it is ``valid`` at once; otherwise it stays ``received`` until someone
opens its ``scaRedirect`` link (``GET /sandbox/sca/{id}``, the bank's login
page: an Approve / Deny form) and decides: Approve makes it ``valid`` and
sends the customer to the ``TPP-Redirect-URI`` given at creation, Deny makes
it ``rejected`` and sends them to the ``TPP-Nok-Redirect-URI`` (else the
``TPP-Redirect-URI``), as Berlin Group redirect SCA does. ``DELETE``
terminates it (``terminatedByTpp``); the ``revoked_consent`` fault revokes
it (``revokedByPsu``); it is ``expired`` the day after ``validUntil``, which
the bank caps at ``max_consent_days`` ahead.

What counts as one access for ``frequencyPerDay`` (unattended requests only,
i.e. without a PSU-IP-Address header), per consent and per UTC day of the
bank's clock, counted separately for each resource:

* ``GET /v1/accounts`` (and ``/v1/accounts/{id}``): one access of "accounts";
* ``GET /v1/accounts/{id}/balances``: one access of that account's balances;
* the first page of ``GET /v1/accounts/{id}/transactions``: one access of that
  account's transactions; the following pages (``_links.next``) are free.

So a daily unattended sync (list, balances and transactions of each account)
uses one access of each resource, and ``frequencyPerDay=4`` allows four.
"""

import secrets
import threading
from dataclasses import dataclass, field
from datetime import date, timedelta

VALID = "valid"


@dataclass
class SandboxConsent:
    consent_id: str
    access: dict
    recurring: bool
    valid_until: date
    frequency_per_day: int
    combined: bool
    status: str
    created: date
    redirect_uri: str | None = None
    nok_redirect_uri: str | None = None
    last_action: date | None = None
    accesses: dict = field(default_factory=dict)  # (day, resource) -> count

    def covers(self, iban: str | None) -> bool:
        """Whether the consent names this account (or all accounts)."""
        listed = [
            ref.get("iban")
            for key in ("accounts", "balances", "transactions")
            for ref in self.access.get(key) or ()
            if isinstance(ref, dict)
        ]
        return not listed or iban in listed

    def allows(self, service: str) -> bool:
        """Whether the consent's access covers ``service`` ("accounts",
        "balances" or "transactions"): ``allPsd2`` all three,
        ``availableAccountsWithBalance`` accounts and balances,
        ``availableAccounts`` the list only; a detailed consent what it
        names (its balances and transactions give the accounts too)."""
        access = self.access
        if service == "accounts" or access.get("allPsd2"):
            return True
        if service == "balances" and access.get("availableAccountsWithBalance"):
            return True
        return service in access


class ConsentStore:
    def __init__(self, clock, auto_approve=True, max_consent_days=180):
        self.clock = clock
        self.auto_approve = auto_approve
        self.max_consent_days = max_consent_days
        self._consents = {}
        self._lock = threading.Lock()

    def today(self) -> date:
        return self.clock().date()

    def open(self, body, redirect_uri=None, nok_redirect_uri=None):
        """(status, body or error (code, text)) for a POST /v1/consents."""
        if not isinstance(body, dict):
            return 400, ("FORMAT_ERROR", "The body must be a JSON object.")
        missing = [
            key
            for key in (
                "access",
                "recurringIndicator",
                "validUntil",
                "frequencyPerDay",
                "combinedServiceIndicator",
            )
            if key not in body
        ]
        if missing:
            return 400, ("FORMAT_ERROR", f"Missing in the body: {', '.join(missing)}.")
        try:
            valid_until = date.fromisoformat(str(body["validUntil"]))
            frequency = int(body["frequencyPerDay"])
        except (TypeError, ValueError):
            return 400, ("FORMAT_ERROR", "validUntil or frequencyPerDay is invalid.")
        if not isinstance(body["access"], dict) or frequency < 1:
            return 400, (
                "FORMAT_ERROR",
                "access must be an object, frequencyPerDay >= 1.",
            )
        today = self.today()
        if valid_until < today:
            return 400, ("FORMAT_ERROR", "validUntil lies in the past.")
        # The bank adjusts far-away dates (as the spec allows): 180 days at most.
        valid_until = min(valid_until, today + timedelta(days=self.max_consent_days))
        consent = SandboxConsent(
            consent_id="cns-" + secrets.token_hex(8),
            access=body["access"],
            recurring=bool(body["recurringIndicator"]),
            valid_until=valid_until,
            frequency_per_day=frequency,
            combined=bool(body["combinedServiceIndicator"]),
            status=VALID if self.auto_approve else "received",
            created=today,
            redirect_uri=redirect_uri,
            nok_redirect_uri=nok_redirect_uri,
        )
        with self._lock:
            self._consents[consent.consent_id] = consent
        return 201, consent

    def get(self, consent_id) -> SandboxConsent | None:
        consent = self._consents.get(consent_id or "")
        if consent and consent.status == VALID and self.today() > consent.valid_until:
            consent.status = "expired"
        return consent

    def set_status(self, consent_id, status) -> SandboxConsent | None:
        consent = self.get(consent_id)
        if consent is not None:
            consent.status = status
        return consent

    def check(self, consent_id, iban=None, service="accounts"):
        """None when the consent allows access to the account's ``service``,
        else (http status, code, text)."""
        if not consent_id:
            return 400, "FORMAT_ERROR", "The Consent-ID header is required."
        consent = self.get(consent_id)
        if consent is None:
            return 403, "CONSENT_UNKNOWN", "No consent with this id."
        if consent.status == "expired":
            return (
                401,
                "CONSENT_EXPIRED",
                f"The consent expired after {consent.valid_until}.",
            )
        if consent.status != VALID:
            return 401, "CONSENT_INVALID", f"The consent is {consent.status}."
        if iban is not None and not consent.covers(iban):
            return 401, "CONSENT_INVALID", "The consent does not cover this account."
        if not consent.allows(service):
            return (
                401,
                "CONSENT_INVALID",
                f"The consent does not cover the {service} of the accounts.",
            )
        return None

    def take_access(self, consent_id, resource: str) -> bool:
        """Count one unattended access; False when frequencyPerDay is used up."""
        consent = self.get(consent_id)
        today = self.today()
        with self._lock:
            key = (today, resource)
            used = consent.accesses.get(key, 0)
            if used >= consent.frequency_per_day:
                return False
            consent.accesses[key] = used + 1
            consent.last_action = today
        return True
