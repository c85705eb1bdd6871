"""Encryption of bank credentials at rest.

The key never lives in the database: the Odoo glue reads it from the server's
configuration file (``bank_api_sync_encryption_key``) or the environment
(``BANK_API_SYNC_ENCRYPTION_KEY``). Several comma-separated keys allow rotation:
the first encrypts, all decrypt, ``rotate`` re-encrypts with the first.
"""

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from .errors import BankApiError


class EncryptionKeyMissing(BankApiError):
    """No key is configured: secrets can be neither stored nor read."""


class EncryptionKeyInvalid(BankApiError):
    """A configured key is not a valid Fernet key."""


class SecretUnreadable(BankApiError):
    """A stored secret cannot be decrypted with the configured keys
    (the key was changed without keeping the old one for rotation)."""


class SecretBox:
    def __init__(self, keys: str | None):
        key_list = [key.strip() for key in (keys or "").split(",") if key.strip()]
        if not key_list:
            raise EncryptionKeyMissing(
                "No encryption key for bank credentials is configured: set "
                "bank_api_sync_encryption_key in the Odoo configuration file "
                "(or BANK_API_SYNC_ENCRYPTION_KEY in the environment); generate one "
                "with: python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'"
            )
        try:
            fernets = [Fernet(key.encode()) for key in key_list]
            self._fernet = MultiFernet(fernets)
        except (ValueError, TypeError) as error:
            raise EncryptionKeyInvalid(
                "bank_api_sync_encryption_key holds a value that is not a Fernet "
                "key (32 url-safe base64-encoded bytes)"
            ) from error
        self._newest = fernets[0]

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            raise SecretUnreadable(
                "A stored bank credential cannot be decrypted with the configured "
                "encryption key(s); if the key was changed, list the old key after "
                "the new one (comma-separated) and rotate"
            ) from None

    def rotate(self, token: str) -> str:
        """The same secret, encrypted with the first (newest) key, and checked
        to decrypt with that key alone (so the others can be retired)."""
        try:
            rotated = self._fernet.rotate(token.encode())
            self._newest.decrypt(rotated)
        except InvalidToken:
            raise SecretUnreadable(
                "A stored bank credential cannot be decrypted for rotation"
            ) from None
        return rotated.decode()

    def readable_with_newest_key(self, token: str) -> bool:
        """Whether the first (newest) key alone decrypts ``token``."""
        try:
            self._newest.decrypt(token.encode())
        except InvalidToken:
            return False
        return True
