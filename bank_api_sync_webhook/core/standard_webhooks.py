"""Standard Webhooks (https://www.standardwebhooks.com) signature checks.

A sender signs ``<webhook-id>.<webhook-timestamp>.<raw body>`` with
HMAC-SHA256 under a secret ``whsec_<base64 key>`` and sends the result as
``webhook-signature: v1,<base64>`` (several, space separated, while it rotates
its secret). The receiver recomputes it under each secret it accepts (two at
once during a rotation), compares in constant time and refuses a timestamp
more than five minutes away from its clock (a replayed old delivery).
"""

import base64
import binascii
import hashlib
import hmac
import secrets as random_secrets
import time

SECRET_PREFIX = "whsec_"  # noqa: S105 (the format's prefix, not a secret)
SIGNATURE_VERSION = "v1"
TOLERANCE_SECONDS = 5 * 60
# A sender sends one signature per secret it holds: more is not a sender.
MAX_SIGNATURES = 10
MAX_ID_LENGTH = 255


class WebhookVerificationError(Exception):
    """The delivery is not proven to come from the sender: refuse it (401).
    ``reason`` says why in words fit for a log line (never a secret)."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class WebhookSecretError(ValueError):
    """A secret that is not ``whsec_<base64>``: fix the configuration."""


def decode_secret(secret):
    """The HMAC key of a ``whsec_<base64>`` secret (the prefix is optional,
    as in the specification's libraries)."""
    text = (secret or "").strip()
    if text.startswith(SECRET_PREFIX):
        text = text[len(SECRET_PREFIX) :]
    try:
        key = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise WebhookSecretError(
            "A webhook secret must be 'whsec_' followed by base64."
        ) from None
    if len(key) < 16:
        raise WebhookSecretError("A webhook secret must hold at least 16 bytes.")
    return key


def generate_secret(size=32):
    """A new random secret to give the sender."""
    return SECRET_PREFIX + base64.b64encode(random_secrets.token_bytes(size)).decode()


def sign(secret, webhook_id, timestamp, body):
    """The ``v1,<base64>`` signature of a delivery (the sender's side)."""
    key = decode_secret(secret)
    return f"{SIGNATURE_VERSION},{_digest(key, webhook_id, int(timestamp), body)}"


def _digest(key, webhook_id, timestamp, body):
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    return base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


class StandardWebhookVerifier:
    """Checks deliveries against one or two secrets (the current and, during
    a rotation, the previous one)."""

    def __init__(self, secrets, tolerance=TOLERANCE_SECONDS):
        self.keys = [decode_secret(secret) for secret in secrets if secret]
        if not self.keys:
            raise WebhookSecretError("No webhook secret is configured.")
        self.tolerance = tolerance

    def verify(self, headers, body, now=None):
        """Returns the delivery's ``(webhook_id, timestamp)``; raises
        WebhookVerificationError when it is not signed by one of the secrets
        or its timestamp is out of the tolerance. ``headers``: any mapping
        whose keys are the header names (case-insensitive)."""
        lowered = {str(name).lower(): value for name, value in headers.items()}
        webhook_id = lowered.get("webhook-id") or ""
        stamp = lowered.get("webhook-timestamp") or ""
        signatures = lowered.get("webhook-signature") or ""
        if not webhook_id or not stamp or not signatures:
            raise WebhookVerificationError("missing webhook headers")
        if len(webhook_id) > MAX_ID_LENGTH or not webhook_id.isprintable():
            raise WebhookVerificationError("invalid webhook-id")
        timestamp = self._timestamp(stamp, now)
        expected = [_digest(key, webhook_id, timestamp, body) for key in self.keys]
        offered = signatures.split()[:MAX_SIGNATURES]
        for entry in offered:
            version, _, signature = entry.partition(",")
            if version != SIGNATURE_VERSION:
                continue
            for digest in expected:
                if hmac.compare_digest(signature.encode(), digest.encode()):
                    return webhook_id, timestamp
        raise WebhookVerificationError("no matching signature")

    def _timestamp(self, stamp, now):
        if not stamp.isdigit() or len(stamp) > 12:
            raise WebhookVerificationError("invalid webhook-timestamp")
        timestamp = int(stamp)
        now = time.time() if now is None else now
        if timestamp < now - self.tolerance:
            raise WebhookVerificationError("timestamp too old")
        if timestamp > now + self.tolerance:
            raise WebhookVerificationError("timestamp in the future")
        return timestamp
