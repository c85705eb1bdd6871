import os
from unittest.mock import patch

from cryptography.fernet import Fernet

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException, new_test_user
from odoo.tools import config, mute_logger

from ..cli.rotate_key import rotate_database
from ..core.crypto import SecretBox, SecretUnreadable
from ..models.bank_api_connection import ENCRYPTION_KEY_ENV, ENCRYPTION_KEY_OPTION
from .common import BankApiSyncCase

SECRET = "Cl1ent-S3cret-7f3a9c"
TOKEN = "at-4f0b6d2e9a7c"


def store_token(connection):
    """What a sync keeps of the bank's access token: its ciphertext."""
    connection.sudo().access_token_encrypted = connection._secret_box().encrypt(TOKEN)


@tagged("post_install", "-at_install")
class TestSecrets(BankApiSyncCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.connection.client_secret = SECRET
        store_token(cls.connection)

    def test_the_secret_is_kept_encrypted(self):
        connection_sudo = self.connection.sudo()
        self.assertTrue(self.connection.has_client_secret)
        self.assertNotIn(SECRET, connection_sudo.client_secret_encrypted)
        self.assertEqual(
            self.connection._decrypt(connection_sudo.client_secret_encrypted), SECRET
        )
        self.assertNotIn(TOKEN, connection_sudo.access_token_encrypted)

    def test_the_secret_cannot_be_read_back_even_by_a_manager(self):
        as_manager = self.connection.with_user(self.account_manager)
        self.assertFalse(as_manager.client_secret)
        with self.assertRaises(AccessError):
            as_manager.read(["client_secret_encrypted"])
        as_accountant = self.connection.with_user(self.accountant)
        for field_name in (
            "client_secret",
            "client_secret_encrypted",
            "access_token_encrypted",
        ):
            with self.subTest(field=field_name), self.assertRaises(AccessError):
                as_accountant.read([field_name])


@tagged("post_install", "-at_install")
class TestSecretsOverRpc(HttpCase):
    def setUp(self):
        super().setUp()
        self.connection = self.env["bank.api.connection"].create(
            {
                "name": "RPC Bank",
                "provider": "berlin_group",
                "base_url": "https://api.bank.example/psd2",
                "client_id": "tpp-client",
                "client_secret": SECRET,
            }
        )
        store_token(self.connection)
        new_test_user(
            self.env,
            login="rpc_accountant",
            password="rpc_accountant",
            groups="base.group_user,account.group_account_user",
        )

    def call(self, method, *args, **kwargs):
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {
                "model": "bank.api.connection",
                "method": method,
                "args": list(args),
                "kwargs": kwargs,
            },
        )

    def test_an_accounting_user_cannot_read_secrets_through_rpc(self):
        self.authenticate("rpc_accountant", "rpc_accountant")
        everything = self.call("read", [self.connection.id])[0]
        self.assertEqual(everything["name"], "RPC Bank")
        self.assertNotIn(SECRET, str(everything))
        for secret_field in (
            "client_secret_encrypted",
            "access_token_encrypted",
            "client_secret",
        ):
            with (
                self.subTest(field=secret_field),
                self.assertRaises(JsonRpcException) as raised,
                mute_logger("odoo.http"),
            ):
                self.call("read", [self.connection.id], [secret_field])
            self.assertIn("AccessError", str(raised.exception))
        fields_shown = self.call("fields_get")
        self.assertNotIn("client_secret_encrypted", fields_shown)


QWAC_PEM = "-----BEGIN PRIVATE KEY-----\nnot a real key\n-----END PRIVATE KEY-----\n"


@tagged("post_install", "-at_install")
class TestEncryptionKeyRotation(BankApiSyncCase):
    """Deliverable 5 of issue 16: the old key can be retired."""

    def use_keys(self, keys):
        patcher = patch.dict(config.options, {ENCRYPTION_KEY_OPTION: keys})
        patcher.start()
        self.addCleanup(patcher.stop)

    def test_after_rotation_every_secret_reads_with_the_new_key_only(self):
        old_key, new_key = (Fernet.generate_key().decode() for _ in range(2))
        # Connections of the database made before the test keep the
        # configured key: it stays listed, last, so they read too.
        configured = config.get(ENCRYPTION_KEY_OPTION) or os.environ.get(
            ENCRYPTION_KEY_ENV
        )
        self.use_keys(old_key)
        other = self.env["bank.api.connection"].create(
            {"name": "Archived Bank", "provider": "berlin_group"}
        )
        for connection in self.connection | other:
            connection.client_secret = SECRET
            store_token(connection)
        other.sudo().refresh_token_encrypted = SecretBox(old_key).encrypt(TOKEN)
        # A certificate's key is a secret too, stored by another model file.
        self.connection.sudo().qwac_encrypted = SecretBox(old_key).encrypt(QWAC_PEM)
        other.active = False
        self.use_keys(f"{new_key},{old_key},{configured}")
        lines, readable = rotate_database(self.env)
        self.assertTrue(readable, lines)
        self.assertIn("secret(s) re-encrypted under the newest key", lines[0])
        self.use_keys(new_key)
        new_only, old_only = SecretBox(new_key), SecretBox(old_key)
        for connection_sudo in (self.connection | other).sudo():
            for field_name, plain in (
                ("client_secret_encrypted", SECRET),
                ("access_token_encrypted", TOKEN),
            ):
                ciphertext = connection_sudo[field_name]
                self.assertEqual(new_only.decrypt(ciphertext), plain)
                with self.assertRaises(SecretUnreadable):
                    old_only.decrypt(ciphertext)
        qwac = self.connection.sudo().qwac_encrypted
        self.assertEqual(new_only.decrypt(qwac), QWAC_PEM)
        with self.assertRaises(SecretUnreadable):
            old_only.decrypt(qwac)
        self.assertEqual(
            self.connection._decrypt(self.connection.sudo().client_secret_encrypted),
            SECRET,
        )

    def test_a_secret_no_key_reads_is_named_and_left_alone(self):
        lost_key = Fernet.generate_key().decode()
        self.connection.sudo().refresh_token_encrypted = SecretBox(lost_key).encrypt(
            TOKEN
        )
        before = self.connection.sudo().refresh_token_encrypted
        with mute_logger("odoo.addons.bank_api_sync.models"):
            lines, readable = rotate_database(self.env)
        self.assertFalse(readable)
        report = "\n".join(lines)
        self.assertIn("refresh_token_encrypted", report)
        self.assertNotIn(TOKEN, report)
        self.assertEqual(self.connection.sudo().refresh_token_encrypted, before)

    def test_only_settings_administrators_rotate(self):
        with self.assertRaises(AccessError):
            self.env["bank.api.connection"].with_user(
                self.account_manager
            )._rotate_encryption_key()
