from datetime import UTC, datetime

import pytest
from standardwebhooks.webhooks import Webhook

from bank_api_sync_webhook.core.standard_webhooks import (
    StandardWebhookVerifier,
    WebhookSecretError,
    WebhookVerificationError,
    generate_secret,
    sign,
)

# The specification's published test vector.
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SPEC_TIMESTAMP = 1614265330
SPEC_BODY = b'{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

NOW = 1_790_000_000


def headers(webhook_id, timestamp, signature):
    return {
        "Webhook-Id": webhook_id,
        "Webhook-Timestamp": str(timestamp),
        "Webhook-Signature": signature,
    }


def signed_by_reference(secret, webhook_id, timestamp, body):
    """Headers as the independent `standardwebhooks` package signs them."""
    signature = Webhook(secret).sign(
        webhook_id, datetime.fromtimestamp(timestamp, tz=UTC), body.decode()
    )
    return headers(webhook_id, timestamp, signature)


def test_the_specification_test_vector_verifies():
    verifier = StandardWebhookVerifier([SPEC_SECRET])
    assert sign(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY) == SPEC_SIGNATURE
    assert verifier.verify(
        headers(SPEC_ID, SPEC_TIMESTAMP, SPEC_SIGNATURE), SPEC_BODY, now=SPEC_TIMESTAMP
    ) == (SPEC_ID, SPEC_TIMESTAMP)


def test_a_delivery_signed_by_the_reference_package_verifies():
    secret = generate_secret()
    body = b'{"type": "transaction.booked", "data": {"account_id": "acc-1"}}'
    sent = signed_by_reference(secret, "msg_1", NOW, body)
    assert StandardWebhookVerifier([secret]).verify(sent, body, now=NOW + 10) == (
        "msg_1",
        NOW,
    )


def test_our_signature_verifies_with_the_reference_package():
    secret = generate_secret()
    body = b'{"type": "balance.updated"}'
    Webhook(secret).verify(
        body.decode(),
        headers(
            "msg_2",
            int(datetime.now(UTC).timestamp()),
            sign(secret, "msg_2", int(datetime.now(UTC).timestamp()), body),
        ),
    )


@pytest.mark.parametrize(
    "tamper",
    [
        lambda h, b: ({**h, "Webhook-Id": "msg_other"}, b),
        lambda h, b: ({**h, "Webhook-Timestamp": str(NOW + 1)}, b),
        lambda h, b: (h, b + b" "),
        lambda h, b: ({**h, "Webhook-Signature": "v1,AAAA"}, b),
        lambda h, b: ({**h, "Webhook-Signature": h["Webhook-Signature"][3:]}, b),
        lambda h, b: (
            {**h, "Webhook-Signature": "v2," + h["Webhook-Signature"][3:]},
            b,
        ),
    ],
    ids=["id", "timestamp", "body", "bad-signature", "no-version", "other-version"],
)
def test_anything_changed_after_signing_is_refused(tamper):
    secret = generate_secret()
    body = b'{"type": "x"}'
    sent, received = tamper(signed_by_reference(secret, "msg_1", NOW, body), body)
    with pytest.raises(WebhookVerificationError, match="no matching signature"):
        StandardWebhookVerifier([secret]).verify(sent, received, now=NOW)


@pytest.mark.parametrize(
    "missing", ["Webhook-Id", "Webhook-Timestamp", "Webhook-Signature"]
)
def test_missing_headers_are_refused(missing):
    secret = generate_secret()
    sent = signed_by_reference(secret, "msg_1", NOW, b"{}")
    del sent[missing]
    with pytest.raises(WebhookVerificationError, match="missing webhook headers"):
        StandardWebhookVerifier([secret]).verify(sent, b"{}", now=NOW)


@pytest.mark.parametrize(
    ("offset", "reason"),
    [(-301, "timestamp too old"), (301, "timestamp in the future")],
)
def test_a_timestamp_beyond_five_minutes_is_refused(offset, reason):
    secret = generate_secret()
    sent = signed_by_reference(secret, "msg_1", NOW + offset, b"{}")
    with pytest.raises(WebhookVerificationError, match=reason):
        StandardWebhookVerifier([secret]).verify(sent, b"{}", now=NOW)
    # Within the tolerance the same delivery is accepted.
    StandardWebhookVerifier([secret]).verify(
        sent, b"{}", now=NOW + offset - 299 * (offset // abs(offset))
    )


def test_a_timestamp_that_is_not_a_number_is_refused():
    secret = generate_secret()
    sent = {
        **signed_by_reference(secret, "msg_1", NOW, b"{}"),
        "Webhook-Timestamp": "1e9",
    }
    with pytest.raises(WebhookVerificationError, match="invalid webhook-timestamp"):
        StandardWebhookVerifier([secret]).verify(sent, b"{}", now=NOW)


def test_during_a_rotation_both_secrets_verify_and_a_third_does_not():
    old, new, stranger = generate_secret(), generate_secret(), generate_secret()
    verifier = StandardWebhookVerifier([new, old])
    for secret in (old, new):
        verifier.verify(
            signed_by_reference(secret, "msg_1", NOW, b"{}"), b"{}", now=NOW
        )
    with pytest.raises(WebhookVerificationError):
        verifier.verify(
            signed_by_reference(stranger, "msg_1", NOW, b"{}"), b"{}", now=NOW
        )


def test_one_of_several_signatures_is_enough():
    old, new = generate_secret(), generate_secret()
    both = " ".join(sign(secret, "msg_1", NOW, b"{}") for secret in (old, new))
    StandardWebhookVerifier([new]).verify(headers("msg_1", NOW, both), b"{}", now=NOW)


@pytest.mark.parametrize("secret", ["", "whsec_not base64!", "whsec_c2hvcnQ="])
def test_a_secret_that_is_not_whsec_base64_is_a_configuration_error(secret):
    with pytest.raises(WebhookSecretError):
        StandardWebhookVerifier([secret])


def test_generated_secrets_are_random_and_usable():
    first, second = generate_secret(), generate_secret()
    assert first.startswith("whsec_") and first != second
    StandardWebhookVerifier([first])
