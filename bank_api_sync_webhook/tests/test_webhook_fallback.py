from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from odoo.addons.bank_api_sync.tests.common import BankApiSyncCase

NOON = datetime(2026, 11, 24, 12, 0)


@tagged("post_install", "-at_install")
class TestWebhookFallback(BankApiSyncCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.connection.write(
            {
                "webhook_enabled": True,
                "sync_interval_hours": 6,
                "webhook_poll_interval_hours": 24,
                "webhook_silence_hours": 12,
                "state": "connected",
            }
        )
        cls.runner = cls.env["bank.api.sync.runner"]

    def succeed(self):
        log = self.env["bank.api.sync.log"].create(
            {
                "connection_id": self.connection.id,
                "trigger": "cron",
                "started_at": fields.Datetime.now(),
            }
        )
        self.runner._succeed(self.connection, log, 0)

    def alerts(self):
        return self.connection.activity_ids.filtered(
            lambda a: a.summary == "The bank's webhooks stopped"
        )

    def test_silent_webhooks_bring_back_the_normal_interval_and_an_alert(self):
        self.connection.webhook_enabled_at = NOON
        with freeze_time(NOON + timedelta(hours=1)):
            self.succeed()
            # Webhooks expected: the scheduled sync is only a daily safety net.
            self.assertEqual(self.connection.next_sync_at, NOON + timedelta(hours=25))
            self.connection._cron_check_webhook_silence()
            self.assertFalse(self.connection.webhook_silent)
        with freeze_time(NOON + timedelta(hours=13)):
            self.connection._cron_check_webhook_silence()
            self.assertTrue(self.connection.webhook_silent)
            self.assertEqual(self.connection.next_sync_at, NOON + timedelta(hours=7))
            self.assertEqual(len(self.alerts()), 1)
            self.connection._cron_check_webhook_silence()
            self.assertEqual(len(self.alerts()), 1, "told once")
            self.succeed()
            self.assertEqual(self.connection.next_sync_at, NOON + timedelta(hours=19))
            # A webhook arrives: the safety-net interval applies again.
            self.env["bank.api.webhook.event"]._store_delivery(
                self.connection, "msg_1", "balance.updated", "{}"
            )
            self.connection.invalidate_recordset()
            self.connection._cron_check_webhook_silence()
            self.assertFalse(self.connection.webhook_silent)
            self.succeed()
            self.assertEqual(self.connection.next_sync_at, NOON + timedelta(hours=37))
