from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import SandboxSyncCase


@tagged("post_install", "-at_install")
class TestHostileAnswerEvents(SandboxSyncCase):
    """A bank answer refused as hostile is a security event of the
    connection's company; refused attempts go through a cursor of their own
    (Odoo's test mode here, as in a real server) and block the connection."""

    def test_a_malformed_answer_is_recorded_as_a_security_event(self):
        self.bank.set_fault("malformed_json", times=1000, path="/transactions")
        with mute_logger("odoo.addons.bank_api_sync.models.bank_api_sync_runner"):
            log = self.sync()
        self.assertNotEqual(log.status, "success")
        events = self.env["bank.api.security.event"].search(
            [
                ("connection_id", "=", self.connection.id),
                ("event_type", "=", "hostile_answer"),
            ]
        )
        self.assertTrue(events)
        self.assertEqual(events.company_id, self.connection.company_id)
        self.assertFalse(events.filtered("refused"))

    def test_refused_attempts_written_in_their_own_cursor_block_the_connection(self):
        record = self.env["bank.api.security.event"]._record_security_event
        for _ in range(5):
            record("redirect_refused", self.connection, "State does not match.")
        self.connection.invalidate_recordset()
        self.assertTrue(self.connection.security_blocked)
        self.assertEqual(
            self.env["bank.api.security.event"].search_count(
                [
                    ("connection_id", "=", self.connection.id),
                    ("event_type", "=", "redirect_refused"),
                ]
            ),
            5,
        )
