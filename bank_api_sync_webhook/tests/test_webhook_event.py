from psycopg2 import IntegrityError

from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestWebhookEvent(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.connection = cls.env["bank.api.connection"].create(
            {"name": "Push Bank", "provider": "berlin_group", "webhook_enabled": True}
        )

    def test_a_delivery_is_stored_once_per_connection(self):
        events = self.env["bank.api.webhook.event"]
        first = events.create(
            {"connection_id": self.connection.id, "delivery_id": "msg_1"}
        )
        self.assertEqual(first.state, "received")
        self.assertEqual(self.connection.webhook_event_ids, first)
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.cr.savepoint(),
        ):
            events.create({"connection_id": self.connection.id, "delivery_id": "msg_1"})

    def test_managers_see_the_webhook_events_menu(self):
        manager = new_test_user(
            self.env,
            login="bas_webhook_manager",
            groups="base.group_user,account.group_account_manager",
        )
        menu = self.env.ref("bank_api_sync_webhook.bank_api_webhook_event_menu")
        visible = self.env["ir.ui.menu"].with_user(manager)._visible_menu_ids()
        self.assertIn(menu.id, visible)
        accountant = new_test_user(
            self.env,
            login="bas_webhook_user",
            groups="base.group_user,account.group_account_invoice",
        )
        self.assertNotIn(
            menu.id, self.env["ir.ui.menu"].with_user(accountant)._visible_menu_ids()
        )
