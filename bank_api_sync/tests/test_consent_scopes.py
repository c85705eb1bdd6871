from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tests.common import new_test_user

from .common import BankApiSyncCase

SYNC = "bank_api_sync.group_bank_data_sync"
MANAGE = "bank_api_sync.group_bank_connection_manage"


@tagged("post_install", "-at_install")
class TestConsentScopes(BankApiSyncCase):
    """What a connection's consent asks for (balances, transactions) is
    changed by Bank Connections: Manage only; a change while a consent is
    given is tracked and says a new consent is needed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.syncer = new_test_user(
            cls.env, login="bas_scope_syncer", groups=f"base.group_user,{SYNC}"
        )
        cls.connection_manager = new_test_user(
            cls.env, login="bas_scope_manager", groups=f"base.group_user,{MANAGE}"
        )
        cls.connection.write(
            {
                "base_url": "https://api.bank.example/psd2",
                "state": "connected",
                "consent_id": "cns-scopes",
            }
        )

    def test_a_new_connection_asks_for_balances_and_transactions(self):
        connection = self.env["bank.api.connection"].create(
            {
                "name": "Other Bank",
                "provider": "berlin_group",
                "base_url": "https://api.other-bank.example/psd2",
            }
        )
        self.assertTrue(connection.scope_balances)
        self.assertTrue(connection.scope_transactions)
        self.assertEqual(
            connection._client_settings().scopes, {"balances", "transactions"}
        )
        connection.scope_transactions = False
        self.assertEqual(connection._client_settings().scopes, {"balances"})

    def test_a_user_without_manage_cannot_change_the_scopes(self):
        with self.assertRaises(AccessError):
            self.connection.with_user(self.syncer).write({"scope_transactions": False})
        self.assertTrue(self.connection.scope_transactions)
        arch = (
            self.env["bank.api.connection"]
            .with_user(self.syncer)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertNotIn('name="scope_transactions"', arch)

    def test_a_change_while_connected_is_tracked_and_asks_for_renewal(self):
        connection = self.connection.with_user(self.connection_manager).with_context(
            tracking_disable=False
        )
        self.assertFalse(connection.scope_renewal_needed)
        warning = connection.new(
            {"scope_transactions": False}, origin=connection
        )._onchange_scopes_renewal()
        self.assertIn("Renew Consent", warning["warning"]["message"])
        connection.write({"scope_transactions": False})
        self.env.flush_all()
        self.env.cr.precommit.run()  # the tracking is written at commit
        self.assertTrue(connection.scope_renewal_needed)
        messages = self.connection.message_ids
        self.assertIn(
            "scope_transactions",
            messages.tracking_value_ids.field_id.mapped("name"),
        )
        self.assertTrue(
            any("Renew Consent" in str(message.body) for message in messages)
        )
        # Without a consent nothing needs renewing.
        self.connection.write({"consent_id": False, "state": "draft"})
        self.assertFalse(
            connection.new(
                {"scope_transactions": True}, origin=self.connection
            )._onchange_scopes_renewal()
        )
