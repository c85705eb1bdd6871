"""Keep secrets out of log lines and exception messages.

A ``Redactor`` knows the secret values of one connection (client secret,
access and refresh tokens) and also blanks what looks like a credential
whatever its value: ``Authorization`` header values, ``access_token=...``,
``"refresh_token": "..."``, an OAuth2 ``code=...`` in a URL, ``password``.
Consent ids and request ids are not secret and stay readable.
"""

import re

MASK = "***"

# Credentials in "key=value" (query strings, forms) or "key": "value" (JSON).
# Plain prose ("token: POST ...") is left alone: known secret values are
# masked wherever they appear anyway.
_KEYS = (
    r"access_token|refresh_token|id_token|client_secret|client_assertion|"
    r"assertion|password|token|secret"
)
_KEYED = re.compile(
    rf"""(?ix)
    ((?:["'](?:{_KEYS})["']\s*:\s*["']?)|(?:\b(?:{_KEYS})=["']?))
    ([^"'&\s,;}}]+)
    """
)
# An OAuth2 authorization code travels as ``code=`` in URLs and forms only: a
# JSON ``"code"`` is an error code (TOKEN_EXPIRED, ...) and must stay readable.
_CODE_PARAM = re.compile(r"(?i)(?<![\w-])(code=)([^&\s\"',;]+)")
_AUTH_SCHEME = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+")
# An Authorization value without a scheme (the schemes are handled above).
_AUTH_HEADER = re.compile(
    r"(?i)(['\"]?(?:proxy-)?authorization['\"]?\s*[:=]\s*['\"]?)"
    r"(?!(?:bearer|basic)\s)([^\s'\",}]+)"
)

SENSITIVE_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-jws-signature"}
)

# Secrets shorter than this are not replaced verbatim: masking every "a" or
# "12" in a message would make it unreadable and protects nothing.
_MIN_SECRET_LENGTH = 4


class Redactor:
    """Blanks known secret values and credential-looking fragments in text."""

    def __init__(self, secrets=()):
        self._secrets = set()
        self.add(*secrets)

    def add(self, *values):
        """Remember more secret values (e.g. a token just received)."""
        for value in values:
            if value and isinstance(value, str) and len(value) >= _MIN_SECRET_LENGTH:
                self._secrets.add(value)

    def __call__(self, text) -> str:
        text = str(text)
        # Longest first, so that a secret containing another is masked whole.
        for secret in sorted(self._secrets, key=len, reverse=True):
            if secret in text:
                text = text.replace(secret, MASK)
        text = _AUTH_SCHEME.sub(lambda m: f"{m.group(1)} {MASK}", text)
        text = _AUTH_HEADER.sub(lambda m: m.group(1) + MASK, text)
        text = _KEYED.sub(lambda m: m.group(1) + MASK, text)
        return _CODE_PARAM.sub(lambda m: m.group(1) + MASK, text)

    def headers(self, headers) -> dict:
        """A copy of ``headers`` fit for a log line."""
        return {
            name: MASK if name.lower() in SENSITIVE_HEADERS else self(value)
            for name, value in dict(headers or {}).items()
        }


def redact(text, secrets=()) -> str:
    """One-off redaction of ``text`` with the given secret values."""
    return Redactor(secrets)(text)
