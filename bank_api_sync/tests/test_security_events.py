from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tests.common import new_test_user
from odoo.tools import mute_logger

from .common import BankApiSyncCase

SECRET = "Cl1ent-S3cret-5e1c7b"
NOW = datetime(2026, 11, 24, 12, 0)


@tagged("post_install", "-at_install")
class TestSecurityEvents(BankApiSyncCase):
    """Deliverable 3 of issue 16: a log of what matters to security, and a
    connection blocked past five refused attempts in ten minutes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.env["res.company"].create({"name": "Company B"})
        cls.intruder = new_test_user(
            cls.env,
            login="bas_security_intruder",
            groups="base.group_user,account.group_account_manager,"
            "account.group_account_user",
            company_id=cls.other_company.id,
            company_ids=[cls.other_company.id],
        )
        cls.admin = cls.env.ref("base.user_admin")
        cls.connection.write(
            {
                "base_url": "https://api.bank.example/psd2",
                "state": "connected",
                "user_id": cls.account_manager.id,
            }
        )
        cls.events = cls.env["bank.api.security.event"]
        cls.events.search([]).unlink()  # the set-up's own URL change

    def events_of(self, event_type):
        return self.events.search(
            [
                ("connection_id", "=", self.connection.id),
                ("event_type", "=", event_type),
            ]
        )

    def assertRefused(self, exception, attempt):
        """Like assertRaises, without its savepoint: in production the event
        is written in a transaction of its own that the refusal does not roll
        back; in a test it lives in the test's transaction (no test mode)."""
        try:
            attempt()
        except exception:
            return
        self.fail(f"{attempt} was not refused")

    def intrude(self, times):
        for _ in range(times):
            self.assertRefused(
                AccessError, self.connection.with_user(self.intruder).action_sync_now
            )

    @freeze_time(NOW)
    def test_five_refused_attempts_block_the_connection_until_an_admin_unblocks(self):
        self.intrude(4)
        attempts = self.events_of("cross_company")
        self.assertEqual(len(attempts), 4)
        self.assertEqual(attempts.user_id, self.intruder)
        self.assertEqual(attempts.company_id, self.company)
        self.assertTrue(all(attempts.mapped("refused")))
        self.assertFalse(self.connection.security_blocked)

        self.intrude(1)
        self.assertTrue(self.connection.security_blocked)
        self.assertEqual(len(self.events_of("connection_blocked")), 1)
        activity = self.connection.activity_ids.filtered(
            lambda activity: activity.user_id == self.account_manager
        )
        self.assertEqual(len(activity), 1)
        self.assertIn("blocked", activity.summary)
        # Blocked: the company's own people cannot sync, the scheduler skips it.
        with self.assertRaisesRegex(UserError, "blocked"):
            self.connection.with_user(self.account_manager).action_sync_now()
        self.assertNotIn(
            self.connection,
            self.env["bank.api.connection"].search([("security_blocked", "=", False)]),
        )
        # Unblocking is a Settings administrator's, and recorded.
        with self.assertRaises(AccessError):
            self.connection.with_user(self.account_manager).action_security_unblock()
        self.assertTrue(self.connection.security_blocked)
        self.connection.with_user(self.admin).action_security_unblock()
        self.assertFalse(self.connection.security_blocked)
        self.assertEqual(self.events_of("connection_unblocked").user_id, self.admin)

    @freeze_time(NOW)
    def test_a_block_alerts_the_responsible_user_and_the_administrators(self):
        second_admin = new_test_user(
            self.env, login="bas_settings_admin", groups="base.group_system"
        )
        foreign_admin = new_test_user(
            self.env,
            login="bas_foreign_settings_admin",
            groups="base.group_system",
            company_id=self.other_company.id,
            company_ids=[self.other_company.id],
        )
        self.intrude(5)
        self.assertTrue(self.connection.security_blocked)
        told = self.connection.activity_ids.user_id
        self.assertLessEqual(self.account_manager | self.admin | second_admin, told)
        self.assertNotIn(foreign_admin, told)
        self.assertNotIn(self.intruder, told)
        message = self.connection.message_ids.filtered(
            lambda message: "Blocked" in (message.body or "")
        )
        self.assertEqual(len(message), 1)
        self.assertLessEqual(
            (self.account_manager | self.admin | second_admin).partner_id,
            message.partner_ids,
        )
        self.assertNotIn(foreign_admin.partner_id, message.partner_ids)

    def test_refused_attempts_older_than_ten_minutes_do_not_count(self):
        with freeze_time(NOW) as clock:
            self.intrude(4)
            clock.move_to(NOW + timedelta(minutes=11))
            self.intrude(1)
            self.assertFalse(self.connection.security_blocked)
            self.intrude(3)
            self.assertFalse(self.connection.security_blocked)
            self.intrude(1)
            self.assertTrue(self.connection.security_blocked)

    def test_credential_and_url_changes_are_recorded_without_secrets(self):
        as_admin = self.connection.with_user(self.admin)
        as_admin.client_secret = SECRET
        as_admin.base_url = "https://api.other-bank.example/psd2"
        self.assertEqual(self.events_of("credential_changed").user_id, self.admin)
        changed = self.events_of("endpoint_changed")
        self.assertEqual(changed.user_id, self.admin)
        self.assertIn("API URL", changed.description)
        as_manager = self.connection.with_user(self.account_manager)
        with mute_logger("odoo.addons.bank_api_sync.models"):
            self.assertRefused(
                AccessError,
                lambda: as_manager.write({"base_url": "https://attacker.example"}),
            )
        refused = self.events_of("credential_change_refused")
        self.assertEqual(refused.user_id, self.account_manager)
        self.assertTrue(refused.refused)
        descriptions = "".join(self.events.search([]).mapped("description") or [""])
        self.assertNotIn(SECRET, descriptions)
        self.assertNotIn("attacker.example", descriptions)

    def test_other_addons_record_events_that_count_towards_blocking(self):
        record = self.events._record_security_event
        for _ in range(5):
            record("webhook_refused", self.connection, "Signature does not match.")
        self.assertEqual(len(self.events_of("webhook_refused")), 5)
        self.assertTrue(self.connection.security_blocked)
        record("consent_granted", self.connection, "Consent valid until 2027-02-22.")
        self.assertFalse(self.events_of("consent_granted").refused)

    def test_only_administrators_of_the_company_read_the_events(self):
        self.events._record_security_event("consent_revoked", self.connection)
        with self.assertRaises(AccessError):
            self.events.with_user(self.accountant).search([])
        self.assertTrue(self.events.with_user(self.account_manager).search([]))
        self.assertFalse(self.events.with_user(self.intruder).search([]))
