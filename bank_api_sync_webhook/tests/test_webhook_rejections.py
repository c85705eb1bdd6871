from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..core.standard_webhooks import generate_secret
from ..models.bank_api_webhook_rejection import BURST_COUNT
from .common import WebhookCase, balance_event

RECEIVER_LOGGER = "odoo.addons.bank_api_sync_webhook.controllers.main"


@tagged("post_install", "-at_install")
class TestWebhookRejectionBurst(WebhookCase):
    """Deliveries refused again and again on one address tell the
    responsible user once; an unknown token only leaves a log line."""

    def alerts(self):
        return self.connection.activity_ids.filtered(
            lambda a: a.summary == "Webhook deliveries are being refused"
        )

    def refused(self, count, start=0):
        forged = generate_secret()
        for number in range(start, start + count):
            response = self.post(balance_event("1"), f"msg_{number}", secret=forged)
            self.assertEqual(response.status_code, 401)

    @mute_logger(RECEIVER_LOGGER)
    def test_a_burst_of_refusals_opens_one_activity(self):
        self.refused(BURST_COUNT - 1)
        self.assertFalse(self.alerts(), "a few refusals are no burst")
        self.refused(1, start=BURST_COUNT)
        alert = self.alerts()
        self.assertEqual(len(alert), 1)
        self.assertEqual(alert.user_id, self.connection.user_id)
        self.assertIn("127.0.0.1", alert.note)
        self.assertIn("no matching signature", str(alert.note))
        self.assertNotIn(self.secret, str(alert.note))
        # The burst goes on: still one activity to act on.
        self.refused(3, start=100)
        self.assertEqual(len(self.alerts()), 1)
        rejections = self.env["bank.api.webhook.rejection"].search(
            [("connection_id", "=", self.connection.id)]
        )
        self.assertEqual(len(rejections), BURST_COUNT + 3)
        self.assertEqual(set(rejections.mapped("status")), {401})
        # Signed deliveries are still accepted during the burst.
        self.assertEqual(self.post(balance_event("5"), "msg_ok").status_code, 200)

    @mute_logger(RECEIVER_LOGGER)
    def test_refusals_spread_over_time_are_no_burst(self):
        start = fields.Datetime.now()
        for step in range(BURST_COUNT + 1):
            with freeze_time(start + timedelta(minutes=11 * step)):
                self.refused(1, start=step)
        self.assertFalse(self.alerts())

    @mute_logger(RECEIVER_LOGGER)
    def test_unknown_tokens_are_only_logged(self):
        with self.assertLogs(RECEIVER_LOGGER, "WARNING") as logged:
            for _attempt in range(BURST_COUNT + 1):
                response = self.url_open(
                    "/bank_api_sync/webhook/not-a-token", data=b"{}"
                )
                self.assertEqual(response.status_code, 404)
        self.assertIn("127.0.0.1", logged.output[0])
        self.assertFalse(self.env["bank.api.webhook.rejection"].search([]))
        self.assertFalse(self.alerts())
