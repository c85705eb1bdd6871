"""Exceptions of the core. Each says what went wrong and what happens next.

The Odoo glue turns them into sync-log entries, chatter messages and
``UserError`` at its boundary; nothing here holds a secret in its message.
"""

from datetime import datetime


class BankApiError(Exception):
    """Base class: the bank (or our client) failed in a way a person may need to see."""


class RetryableError(BankApiError):
    """Try again later: nothing is wrong with the connection itself.

    ``retry_at`` (aware UTC datetime) is the earliest moment a new attempt may
    succeed, when the bank said so (Retry-After, maintenance end, quota reset).
    """

    def __init__(self, message, retry_at: datetime | None = None):
        super().__init__(message)
        self.retry_at = retry_at


class BankUnavailable(RetryableError):
    """Timeouts, connection errors and 5xx answers that outlived the retries."""


class RateLimited(RetryableError):
    """HTTP 429 from the bank (Retry-After honoured as long as it is short)."""


class QuotaExceeded(RetryableError):
    """Our own per-connection budget (daily quota) is used up until ``retry_at``."""


class MaintenanceWindow(RetryableError):
    """The bank is in a scheduled maintenance window until ``retry_at``."""


class AuthenticationError(BankApiError):
    """Credentials or tokens were refused and could not be renewed."""


class ConsentError(BankApiError):
    """The consent is expired, revoked or unknown: a person must renew it.

    ``status`` is the bank's word for it (expired, revokedByPsu, ...).
    """

    def __init__(self, message, status: str = "invalid"):
        super().__init__(message)
        self.status = status


class ConsentRefused(ConsentError):
    """The customer refused or cancelled the consent at the bank's page (an
    OAuth2 ``access_denied`` return): nothing was authorised, nothing is
    wrong with the connection's settings."""

    def __init__(self, message, status: str = "rejected"):
        super().__init__(message, status)


class CertificateRefused(BankApiError):
    """The TLS handshake with the bank failed over certificates: the bank did
    not accept our client certificate (QWAC), or we do not trust its server
    certificate. Retrying does not help; an administrator must act."""


class PeriodInvalid(BankApiError):
    """The bank refused the date range (beyond the history it serves)."""


class BankResponseError(BankApiError):
    """The bank answered something we cannot use (malformed JSON, missing field).

    The message names the endpoint and the place in the answer.
    """


class ForeignHostRefused(BankResponseError):
    """The bank pointed us (a ``next`` link, a redirect) at a host other than
    the connection's own: nothing was sent there, credentials least of all.

    ``host`` names where it wanted us to go.
    """

    def __init__(self, message, host: str):
        super().__init__(message)
        self.host = host
