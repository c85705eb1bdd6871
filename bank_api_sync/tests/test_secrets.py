from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException, new_test_user
from odoo.tools import mute_logger

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
