import logging

from odoo.tests import tagged
from odoo.tools import mute_logger

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
