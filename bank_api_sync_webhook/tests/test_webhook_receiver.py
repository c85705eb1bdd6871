import time
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..core.standard_webhooks import generate_secret
from .common import WebhookCase, balance_event

RECEIVER_LOGGER = "odoo.addons.bank_api_sync_webhook.controllers.main"


@tagged("post_install", "-at_install")
class TestWebhookReceiver(WebhookCase):
    def test_a_signed_event_is_stored_then_processed(self):
        response = self.post(balance_event("1234.56"))
        self.assertEqual(response.status_code, 200)
        event = self.events.search([("connection_id", "=", self.connection.id)])
        self.assertRecordValues(
            event,
            [
                {
                    "delivery_id": "msg_1",
                    "event_type": "balance.updated",
                    "state": "received",
                }
            ],
        )
        cron = self.env.ref("bank_api_sync_webhook.ir_cron_bank_api_webhook_process")
        self.assertTrue(
            self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]),
            "processing is woken at once",
        )
        self.process()
        self.assertEqual(event.state, "processed")
        self.assertEqual(event.account_id, self.account)
        self.assertEqual(self.account.bank_balance, 1234.56)
        self.assertEqual(self.connection.webhook_event_count, 1)

    def test_a_replayed_delivery_is_answered_200_and_changes_nothing(self):
        self.assertEqual(self.post(balance_event("10")).status_code, 200)
        self.process()
        # The same delivery again (the sender did not see our answer), even
        # with another body: nothing is stored or processed again.
        self.assertEqual(self.post(balance_event("99")).status_code, 200)
        self.process()
        event = self.events.search([("connection_id", "=", self.connection.id)])
        self.assertEqual(len(event), 1)
        self.assertEqual(self.account.bank_balance, 10)

    @mute_logger(RECEIVER_LOGGER)
    def test_an_unknown_or_disabled_token_is_404_like_any_unknown_address(self):
        unknown = self.url_open(
            "/bank_api_sync/webhook/nope", data=b"{}", headers={"webhook-id": "x"}
        )
        self.assertEqual(unknown.status_code, 404)
        self.assertNotIn("webhook", unknown.text.lower())
        old_url = self.url()
        self.connection.action_regenerate_webhook_token()
        self.assertEqual(self.post({"type": "x"}, url=old_url).status_code, 404)
        self.assertEqual(self.post({"type": "x"}).status_code, 200)
        self.connection.webhook_enabled = False
        self.assertEqual(self.post({"type": "x"}, webhook_id="msg_2").status_code, 404)

    def test_every_refusal_is_logged_with_the_address_and_no_secret(self):
        # Far beyond the 5 minutes (the core tests the boundary): the first
        # request of a test may take seconds to reach the check.
        now = int(time.time())
        cases = [
            ({"secret": generate_secret()}, "no matching signature"),
            ({"timestamp": now - 600}, "timestamp too old"),
            ({"timestamp": now + 600}, "timestamp in the future"),
            ({"webhook-signature": ""}, "missing webhook headers"),
            ({"webhook-signature": "v1,AAAA"}, "no matching signature"),
        ]
        for kwargs, reason in cases:
            with self.subTest(reason=reason):
                with self.assertLogs(RECEIVER_LOGGER, "WARNING") as logs:
                    response = self.post({"type": "x"}, **kwargs)
                self.assertEqual(response.status_code, 401)
                self.assertEqual(response.text, "Refused")
                [line] = logs.output
                self.assertIn(reason, line)
                self.assertIn("127.0.0.1", line)
                self.assertNotIn(self.secret, line)
                self.assertNotIn('"type"', line)
        self.assertFalse(
            self.events.search([("connection_id", "=", self.connection.id)])
        )

    @mute_logger(RECEIVER_LOGGER)
    def test_a_body_over_the_limit_is_413_and_malformed_json_400(self):
        big = b'{"type": "x", "pad": "' + b"a" * 300_000 + b'"}'
        self.assertEqual(self.post(big).status_code, 413)
        response = self.post(b"{not json", webhook_id="msg_2")
        self.assertEqual(response.status_code, 400)
        self.assertIn("not JSON", response.text)
        self.assertFalse(
            self.events.search([("connection_id", "=", self.connection.id)])
        )

    @mute_logger(RECEIVER_LOGGER)
    def test_during_a_rotation_both_secrets_are_accepted_until_it_ends(self):
        new_secret = generate_secret()
        self.connection.webhook_secret = new_secret
        self.assertTrue(self.connection.has_webhook_previous_secret)
        self.assertEqual(self.post({"type": "x"}, "msg_old").status_code, 200)
        self.assertEqual(
            self.post({"type": "x"}, "msg_new", secret=new_secret).status_code, 200
        )
        self.connection.action_drop_previous_webhook_secret()
        self.assertEqual(self.post({"type": "x"}, "msg_late").status_code, 401)
        self.assertEqual(
            self.post({"type": "x"}, "msg_new2", secret=new_secret).status_code, 200
        )

    def test_the_secret_is_write_only_and_stored_encrypted(self):
        connection = self.connection.with_user(self.account_manager)
        self.assertFalse(connection.webhook_secret)
        self.assertTrue(connection.has_webhook_secret)
        self.assertNotIn(self.secret, self.connection.sudo().webhook_secret_encrypted)
        self.assertIn(self.connection.webhook_token, connection.webhook_url)

    def test_a_failing_event_is_retried_with_backoff_then_dead_lettered(self):
        # The connection is not connected: the sync it asks for cannot run.
        self.assertEqual(
            self.post(
                {"type": "transaction.booked", "data": {"account_id": "acc-1"}}
            ).status_code,
            200,
        )
        event = self.events.search([("connection_id", "=", self.connection.id)])
        start = fields.Datetime.now()
        waits = []
        with (
            freeze_time(start) as clock,
            mute_logger("odoo.addons.bank_api_sync.models.bank_api_sync_runner"),
        ):
            for _attempt in range(5):
                self.process()
                if event.state == "dead":
                    break
                self.assertEqual(event.state, "failed")
                waits.append(event.next_attempt_at - fields.Datetime.now())
                self.process()  # not due yet: nothing happens
                self.assertEqual(event.attempts, len(waits))
                clock.move_to(event.next_attempt_at)
        self.assertEqual(
            waits, [timedelta(minutes=minutes) for minutes in (1, 2, 4, 8)]
        )
        self.assertEqual((event.state, event.attempts), ("dead", 5))
        self.assertIn("skipped", event.error)
        activity = self.connection.activity_ids.filtered(
            lambda a: "could not be processed" in (a.summary or "")
        )
        self.assertEqual(activity.user_id, self.connection.user_id)
        # Reprocess puts it back in line.
        event.with_user(self.account_manager).action_reprocess()
        self.assertEqual((event.state, event.attempts), ("received", 0))

    def test_an_event_about_an_unknown_account_is_dead_lettered_at_once(self):
        self.post(balance_event("1", account_id="acc-unknown"))
        self.post(balance_event("2", account_id="acc-unknown"), webhook_id="msg_2")
        self.process()
        events = self.events.search([("connection_id", "=", self.connection.id)])
        self.assertEqual(events.mapped("state"), ["dead", "dead"])
        self.assertEqual(events.mapped("attempts"), [1, 1])
        self.assertIn("acc-unknown", events[0].error)
        # One activity tells the responsible user, however many events die.
        self.assertEqual(
            len(
                self.connection.activity_ids.filtered(
                    lambda a: "could not be processed" in (a.summary or "")
                )
            ),
            1,
        )
