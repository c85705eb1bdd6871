from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tests.common import new_test_user
from odoo.tools import mute_logger

from .common import BankApiSyncCase

SECRET = "Cl1ent-S3cret-endpoint"
TOKEN = "at-endpoint-0b6d2e"


@tagged("post_install", "-at_install")
class TestEndpointGuard(BankApiSyncCase):
    """Where the credentials go (API URL, client id) is a Settings
    administrator's decision, tracked, and a new URL needs a new secret."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))
        cls.connection = cls.connection.with_env(cls.env)
        cls.connection.write(
            {
                "base_url": "https://api.bank.example/psd2",
                "client_id": "tpp-client",
                "client_secret": SECRET,
            }
        )
        box = cls.connection._secret_box()
        cls.connection.sudo().write(
            {
                "access_token_encrypted": box.encrypt(TOKEN),
                "refresh_token_encrypted": box.encrypt(TOKEN + "-refresh"),
                "consent_id": "consent-1",
                "consent_status": "valid",
                "state": "connected",
            }
        )
        cls.settings_admin = new_test_user(
            cls.env,
            login="bas_settings_admin",
            groups="base.group_system,account.group_account_manager",
        )

    @mute_logger("odoo.addons.bank_api_sync.models.bank_api_connection_endpoint")
    def test_an_invoicing_administrator_cannot_redirect_the_credentials(self):
        as_manager = self.connection.with_user(self.account_manager)
        self.assertFalse(as_manager.can_edit_endpoint)
        for values in (
            {"base_url": "https://attacker.example"},
            {"client_id": "someone-else"},
        ):
            with self.subTest(values=values), self.assertRaises(AccessError):
                as_manager.write(values)
        with self.assertRaises(AccessError):
            self.env["bank.api.connection"].with_user(self.account_manager).create(
                {
                    "name": "Attacker Bank",
                    "provider": "berlin_group",
                    "base_url": "https://attacker.example",
                }
            )
        self.assertEqual(self.connection.base_url, "https://api.bank.example/psd2")
        self.assertTrue(self.connection.has_client_secret)
        # Other settings stay the Invoicing Administrator's.
        as_manager.write({"consent_days": 60})
        self.assertEqual(self.connection.consent_days, 60)

    def test_a_new_api_url_is_tracked_and_needs_the_secret_again(self):
        as_admin = self.connection.with_user(self.settings_admin)
        self.assertTrue(as_admin.can_edit_endpoint)
        as_admin.write({"base_url": "https://api.newbank.example/psd2"})
        self.env.flush_all()
        self.env.cr.precommit.run()  # where Odoo writes the tracking values
        connection_sudo = self.connection.sudo()
        self.assertFalse(self.connection.has_client_secret)
        self.assertFalse(connection_sudo.access_token_encrypted)
        self.assertFalse(connection_sudo.refresh_token_encrypted)
        self.assertFalse(self.connection.consent_id)
        self.assertEqual(self.connection.state, "draft")
        tracked = self.connection.message_ids.tracking_value_ids.filtered(
            lambda value: value.field_id.name == "base_url"
        )
        self.assertEqual(
            tracked.old_value_char, "https://api.bank.example/psd2", tracked
        )
        self.assertEqual(tracked.new_value_char, "https://api.newbank.example/psd2")
        self.assertIn(
            "Enter the secret again",
            "\n".join(self.connection.message_ids.mapped("body")),
        )
        # A secret entered with the new URL is the one kept.
        as_admin.write(
            {"base_url": "https://api.bank.example/psd2", "client_secret": SECRET}
        )
        self.connection.invalidate_recordset(["has_client_secret"])
        self.assertTrue(self.connection.has_client_secret)

    def test_saving_the_same_url_keeps_everything(self):
        self.connection.with_user(self.account_manager).write(
            {"base_url": "https://api.bank.example/psd2", "name": "Main Bank"}
        )
        self.assertTrue(self.connection.has_client_secret)
        self.assertEqual(self.connection.state, "connected")
