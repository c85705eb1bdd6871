"""OAuth2 for the sandbox bank: client credentials, refresh tokens and, for
consents approved the OAuth way, authorisation codes.

Access tokens live ``token_lifetime`` seconds (300 by default); refresh
tokens 30 days and are rotated: a refresh token works once. An authorisation
code works once, within ``CODE_LIFETIME``, with the redirect URI it was
given for.
"""

import base64
import binascii
import secrets
import threading
from datetime import timedelta
from urllib.parse import unquote

DEFAULT_CLIENT_ID = "sandbox-client"
DEFAULT_CLIENT_SECRET = "sandbox-secret"  # noqa: S105 - the sandbox's public default
REFRESH_LIFETIME = timedelta(days=30)
CODE_LIFETIME = timedelta(minutes=10)


class TokenStore:
    def __init__(self, clock, client_id, client_secret, lifetime: float):
        self.clock = clock
        self.client_id = client_id
        self.client_secret = client_secret
        self.lifetime = timedelta(seconds=lifetime)
        self._access = {}  # token -> expires_at
        self._refresh = {}  # token -> expires_at
        self._codes = {}  # code -> (redirect_uri, expires_at)
        self._lock = threading.Lock()

    def _client_from(self, form, authorization):
        """(client_id, client_secret) from HTTP Basic or the form body."""
        if authorization and authorization.lower().startswith("basic "):
            try:
                decoded = base64.b64decode(authorization[6:].strip()).decode()
            except (binascii.Error, UnicodeDecodeError):
                return None, None
            client_id, _, secret = decoded.partition(":")
            return unquote(client_id), unquote(secret)
        return form.get("client_id"), form.get("client_secret")

    def token_request(self, form: dict, authorization: str | None):
        """Answer a POST /oauth2/token: (status, body)."""
        client_id, secret = self._client_from(form, authorization)
        if client_id != self.client_id or not secrets.compare_digest(
            str(secret or ""), self.client_secret
        ):
            return 401, {
                "error": "invalid_client",
                "error_description": "Unknown client or wrong client secret.",
            }
        grant = form.get("grant_type")
        if grant == "client_credentials":
            return 200, self._issue()
        if grant == "refresh_token":
            with self._lock:
                expires = self._refresh.pop(form.get("refresh_token") or "", None)
            if expires is None or expires <= self.clock():
                return 400, {
                    "error": "invalid_grant",
                    "error_description": "Refresh token unknown, used or expired.",
                }
            return 200, self._issue()
        if grant == "authorization_code":
            with self._lock:
                given = self._codes.pop(form.get("code") or "", None)
            if (
                given is None
                or given[1] <= self.clock()
                or given[0] != form.get("redirect_uri")
            ):
                return 400, {
                    "error": "invalid_grant",
                    "error_description": "Code unknown, used, expired or given "
                    "for another redirect_uri.",
                }
            return 200, self._issue()
        return 400, {
            "error": "unsupported_grant_type",
            "error_description": "Use client_credentials, refresh_token or "
            "authorization_code.",
        }

    def issue_code(self, redirect_uri: str) -> str:
        """An authorisation code for ``redirect_uri`` (the customer approved)."""
        code = "sbx-code-" + secrets.token_urlsafe(16)
        with self._lock:
            self._codes[code] = (redirect_uri, self.clock() + CODE_LIFETIME)
        return code

    def _issue(self) -> dict:
        access = "sbx-at-" + secrets.token_urlsafe(24)
        refresh = "sbx-rt-" + secrets.token_urlsafe(24)
        now = self.clock()
        with self._lock:
            self._access[access] = now + self.lifetime
            self._refresh[refresh] = now + REFRESH_LIFETIME
        return {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": int(self.lifetime.total_seconds()),
            "refresh_token": refresh,
        }

    def check(self, authorization: str | None) -> tuple[str, str] | None:
        """None when the bearer token is good, else (code, text)."""
        if not authorization or not authorization.lower().startswith("bearer "):
            return "TOKEN_INVALID", "An OAuth2 bearer token is required."
        token = authorization[7:].strip()
        expires = self._access.get(token)
        if expires is None:
            return "TOKEN_INVALID", "The access token is not known."
        if expires <= self.clock():
            return "TOKEN_EXPIRED", "The access token has expired; refresh it."
        return None

    def expire(self, authorization: str | None):
        """Make the presented token expire now (the expired_token fault)."""
        if authorization and authorization.lower().startswith("bearer "):
            token = authorization[7:].strip()
            with self._lock:
                if token in self._access:
                    self._access[token] = self.clock() - timedelta(seconds=1)
