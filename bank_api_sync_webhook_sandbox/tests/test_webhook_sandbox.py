"""End to end with the Sandbox Bank (a real HTTP bank): a notification makes
its new transactions appear in the journal, exactly once."""

import json
import time
from datetime import UTC, datetime, timedelta

from standardwebhooks.webhooks import Webhook

from odoo.tests import HttpCase, tagged

from odoo.addons.bank_api_sync_sandbox.tests.common import SandboxSyncCase
from odoo.addons.bank_api_sync_webhook.core.standard_webhooks import generate_secret


@tagged("post_install", "-at_install")
class TestWebhookSandboxSync(HttpCase, SandboxSyncCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.secret = generate_secret()
        cls.connection.write({"webhook_enabled": True, "webhook_secret": cls.secret})

    def notify(self, account, webhook_id):
        body = json.dumps(
            {"type": "transaction.booked", "data": {"account_id": account.resource_id}}
        )
        now = int(time.time())
        signature = Webhook(self.secret).sign(
            webhook_id, datetime.fromtimestamp(now, tz=UTC), body
        )
        return self.url_open(
            f"/bank_api_sync/webhook/{self.connection.webhook_token}",
            data=body.encode(),
            headers={
                "Content-Type": "application/json",
                "webhook-id": webhook_id,
                "webhook-timestamp": str(now),
                "webhook-signature": signature,
            },
        )

    def window_start(self):
        return self.frozen_at.date() - timedelta(days=self.history_days - 1)

    def assertImportedOnce(self, account):
        self.assertLedgerComplete(account, self.window_start())
        lines = self.env["account.bank.statement.line"].search_count(
            [("journal_id", "=", account.journal_id.id)]
        )
        self.assertEqual(lines, len(self.bank_truth(account, self.window_start())))

    def process(self):
        self.env.flush_all()
        self.env["bank.api.webhook.event"]._cron_process_events()
        self.env.invalidate_all()

    def test_a_notified_transaction_lands_in_the_journal_exactly_once(self):
        self.sync()
        account, other = self.accounts[0], self.accounts[1]
        other_before = self.imported(other)
        self.clock.move_to(self.frozen_at + timedelta(days=1))
        self.assertGreater(
            len(self.bank_truth(account)),
            len(self.imported(account)),
            "the bank booked new transactions",
        )
        self.assertEqual(self.notify(account, "msg_1").status_code, 200)
        # The sender did not see our answer and delivers again.
        self.assertEqual(self.notify(account, "msg_1").status_code, 200)
        self.process()
        event = self.env["bank.api.webhook.event"].search(
            [("connection_id", "=", self.connection.id)]
        )
        self.assertEqual(len(event), 1)
        self.assertEqual(event.state, "processed", event.error)
        self.assertEqual(event.sync_log_id.trigger, "webhook")
        self.assertImportedOnce(account)
        # Only the notified account was synced.
        self.assertEqual(self.imported(other), other_before)
        # A second notification about the same booking imports nothing more.
        self.notify(account, "msg_2")
        self.process()
        self.assertImportedOnce(account)
