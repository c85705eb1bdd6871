import pytest
from cryptography.fernet import Fernet

from bank_api_sync.core.crypto import (
    EncryptionKeyInvalid,
    EncryptionKeyMissing,
    SecretBox,
    SecretUnreadable,
)

SECRET = "client-secret-Zx81!"


def test_a_secret_survives_the_round_trip_but_is_not_stored_in_clear():
    box = SecretBox(Fernet.generate_key().decode())
    token = box.encrypt(SECRET)
    assert SECRET not in token
    assert box.decrypt(token) == SECRET
    assert box.encrypt(SECRET) != token  # a fresh IV each time


def test_missing_key_says_where_to_configure_it():
    with pytest.raises(EncryptionKeyMissing, match="bank_api_sync_encryption_key"):
        SecretBox("")


def test_invalid_key_is_refused_without_echoing_it():
    with pytest.raises(EncryptionKeyInvalid) as raised:
        SecretBox("not-a-key-at-all")
    assert "not-a-key-at-all" not in str(raised.value)


def test_wrong_key_cannot_read_and_does_not_leak():
    token = SecretBox(Fernet.generate_key().decode()).encrypt(SECRET)
    other = SecretBox(Fernet.generate_key().decode())
    with pytest.raises(SecretUnreadable) as raised:
        other.decrypt(token)
    assert SECRET not in str(raised.value)
    assert raised.value.__cause__ is None


def test_rotation_keeps_old_secrets_readable_and_moves_them_to_the_new_key():
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    token = SecretBox(old_key).encrypt(SECRET)
    both = SecretBox(f"{new_key},{old_key}")
    assert both.decrypt(token) == SECRET
    rotated = both.rotate(token)
    assert SecretBox(new_key).decrypt(rotated) == SECRET
    with pytest.raises(SecretUnreadable):
        SecretBox(old_key).decrypt(rotated)


def test_the_newest_key_alone_is_what_a_rotated_secret_needs():
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    token = SecretBox(old_key).encrypt(SECRET)
    both = SecretBox(f"{new_key},{old_key}")
    assert not both.readable_with_newest_key(token)
    assert both.readable_with_newest_key(both.rotate(token))


def test_a_secret_no_configured_key_reads_is_refused_for_rotation():
    token = SecretBox(Fernet.generate_key().decode()).encrypt(SECRET)
    with pytest.raises(SecretUnreadable) as raised:
        SecretBox(Fernet.generate_key().decode()).rotate(token)
    assert SECRET not in str(raised.value)
