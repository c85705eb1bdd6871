import logging

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException, new_test_user
from odoo.tools import mute_logger

from ..core.sandbox import DEFAULT_CLIENT_ID, SandboxBank
from .common import SandboxSyncCase

SECRET = "Cl1ent-S3cret-7f3a9c"


@tagged("post_install", "-at_install")
class TestSecrets(SandboxSyncCase):
    sandbox_options = {**SandboxSyncCase.sandbox_options, "client_secret": SECRET}

    def access_token(self):
        connection_sudo = self.connection.sudo()
        return self.connection._decrypt(connection_sudo.access_token_encrypted)

    def text_columns(self):
        self.env.cr.execute(
            """
            SELECT table_name, column_name FROM information_schema.columns
             WHERE table_schema = 'public'
               AND data_type IN ('character varying', 'text', 'jsonb', 'json')
            """
        )
        return self.env.cr.fetchall()

    def find_in_database(self, needle):
        self.env.flush_all()
        found = []
        for table, column in self.text_columns():
            self.env.cr.execute(
                f'SELECT 1 FROM "{table}" WHERE "{column}"::text LIKE %s LIMIT 1',  # noqa: S608
                (f"%{needle}%",),
            )
            if self.env.cr.fetchone():
                found.append(f"{table}.{column}")
        return found

    def test_credentials_are_nowhere_in_the_database_in_plain_text(self):
        self.sync()
        token = self.access_token()
        self.assertTrue(token, "the sync obtained and stored a token")
        self.assertTrue(self.connection.has_client_secret)
        self.assertEqual(self.find_in_database(SECRET), [])
        self.assertEqual(self.find_in_database(token), [])
        # ...but they are there, encrypted, and usable by the sync.
        self.assertNotEqual(
            self.find_in_database(self.connection.sudo().client_secret_encrypted[:40]),
            [],
        )

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

    def test_a_bank_echoing_credentials_does_not_put_them_in_logs_or_messages(self):
        self.sync()
        token = self.access_token()
        self.bank.set_fault("leak_secrets", times=20)
        with self.assertLogs(level=logging.DEBUG) as captured:
            logging.getLogger("odoo.addons.bank_api_sync").debug("capture starts")
            with mute_logger("odoo.addons.bank_api_sync.models.bank_api_sync_runner"):
                log = self.sync()
        self.assertNotEqual(log.status, "success")
        visible = "\n".join(
            [
                *captured.output,
                log.message or "",
                self.connection.state_message or "",
                *self.connection.message_ids.mapped("body"),
                *self.connection.activity_ids.mapped("note"),
            ]
        )
        self.assertNotIn(token, visible)
        self.assertNotIn(SECRET, visible)


@tagged("post_install", "-at_install")
class TestSecretsOverRpc(HttpCase):
    def setUp(self):
        super().setUp()
        self.bank = SandboxBank(port=0, client_secret=SECRET).start()
        self.addCleanup(self.bank.stop)
        self.connection = self.env["bank.api.connection"].create(
            {
                "name": "RPC Bank",
                "base_url": self.bank.url,
                "client_id": DEFAULT_CLIENT_ID,
                "client_secret": SECRET,
            }
        )
        self.connection.action_connect()
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
