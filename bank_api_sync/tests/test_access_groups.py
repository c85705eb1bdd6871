from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tests.common import new_test_user

from .common import BankApiSyncCase

READ = "bank_api_sync.group_bank_data_read"
SYNC = "bank_api_sync.group_bank_data_sync"
MANAGE = "bank_api_sync.group_bank_connection_manage"


@tagged("post_install", "-at_install")
class TestAccessGroups(BankApiSyncCase):
    """Reading bank data, syncing and managing connections are three groups:
    each user gets what their group allows, and is told which group an
    action needs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reader = new_test_user(
            cls.env, login="bas_reader", groups=f"base.group_user,{READ}"
        )
        cls.syncer = new_test_user(
            cls.env, login="bas_syncer", groups=f"base.group_user,{SYNC}"
        )
        cls.connection_manager = new_test_user(
            cls.env, login="bas_connection_manager", groups=f"base.group_user,{MANAGE}"
        )
        cls.connection.write(
            {"base_url": "https://api.bank.example/psd2", "state": "connected"}
        )
        cls.journal = cls.env["account.journal"].create(
            {"name": "Groups Bank", "type": "bank", "code": "BGR"}
        )

    def _form_buttons(self, user):
        arch = (
            self.env["bank.api.connection"]
            .with_user(user)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        return {
            name
            for name in (
                "action_connect",
                "action_sync_now",
                "action_sync_in_background",
                "action_disconnect",
                'name="credentials"',
            )
            if name in arch
        }

    def test_a_reader_sees_bank_data_but_cannot_sync(self):
        connection = self.connection.with_user(self.reader)
        self.assertEqual(connection.read(["state"])[0]["state"], "connected")
        self.assertEqual(
            connection.action_view_logs()["res_model"], "bank.api.sync.log"
        )
        with self.assertRaisesRegex(AccessError, "Bank Data: Sync"):
            connection.action_sync_now()
        with self.assertRaisesRegex(AccessError, "Bank Data: Sync"):
            connection.action_sync_in_background()
        # An accounting read-only user reads journals and bank data, no more.
        readonly = new_test_user(
            self.env,
            login="bas_readonly_matcher",
            groups="account.group_account_readonly",
        )
        with self.assertRaisesRegex(AccessError, "Bank Data: Sync"):
            self.journal.with_user(readonly).action_bank_api_match_now()
        self.assertFalse(self.connection.log_ids)
        self.assertEqual(self._form_buttons(self.reader), set())

    def test_a_sync_user_syncs_but_cannot_connect_or_change_credentials(self):
        connection = self.connection.with_user(self.syncer)
        result = connection.action_sync_in_background()
        self.assertEqual(result["tag"], "display_notification")
        self.assertTrue(self.connection.next_sync_at)
        with self.assertRaisesRegex(AccessError, "Bank Connections: Manage"):
            connection.action_connect()
        with self.assertRaisesRegex(AccessError, "Bank Connections: Manage"):
            connection.action_disconnect()
        with self.assertRaises(AccessError):
            connection.write({"client_secret": "stolen-or-not"})
        with self.assertRaises(AccessError):
            connection.write({"name": "Renamed"})
        self.assertEqual(self.connection.state, "connected")
        self.assertFalse(self.connection.has_client_secret)
        self.assertEqual(
            self._form_buttons(self.syncer),
            {"action_sync_now", "action_sync_in_background"},
        )

    def test_a_connection_manager_changes_credentials_and_disconnects(self):
        connection = self.connection.with_user(self.connection_manager)
        connection.write({"name": "Main Bank PLN", "client_secret": "s3cret"})
        self.assertTrue(self.connection.has_client_secret)
        connection.action_disconnect()
        self.assertEqual(self.connection.state, "draft")
        self.assertEqual(
            self._form_buttons(self.connection_manager),
            {
                "action_connect",
                "action_sync_now",
                "action_sync_in_background",
                "action_disconnect",
                'name="credentials"',
            },
        )

    def test_accounting_users_keep_their_rights_by_default(self):
        readonly = new_test_user(
            self.env, login="bas_readonly", groups="account.group_account_readonly"
        )
        billing = new_test_user(
            self.env, login="bas_billing", groups="account.group_account_invoice"
        )
        cases = [
            (readonly, {READ}),
            (billing, {READ}),
            (self.accountant, {READ, SYNC}),
            (self.account_manager, {READ, SYNC, MANAGE}),
        ]
        for user, expected in cases:
            granted = {xmlid for xmlid in (READ, SYNC, MANAGE) if user.has_group(xmlid)}
            self.assertEqual(granted, expected, user.login)
