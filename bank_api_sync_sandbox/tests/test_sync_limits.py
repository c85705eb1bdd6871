from datetime import datetime, timedelta

from freezegun import freeze_time

import odoo
from odoo import fields
from odoo.tests import tagged

from odoo.addons.bank_api_sync.models.bank_api_sync_runner import LOCK_NAMESPACE

from .common import SandboxSyncCase

NOON = SandboxSyncCase.frozen_at


@tagged("post_install", "-at_install")
class TestSyncLimits(SandboxSyncCase):
    def logs(self):
        return self.env["bank.api.sync.log"].search(
            [("connection_id", "=", self.connection.id)]
        )

    def test_daily_quota_postpones_to_midnight_and_the_cron_waits(self):
        self.connection.write({"daily_call_limit": 3})
        log = self.sync()
        self.assertEqual(log.status, "postponed")
        self.assertEqual(self.connection.quota_used_today, 3)
        midnight = datetime(2026, 11, 25, 0, 0)
        self.assertEqual(self.connection.next_sync_at, midnight)
        self.assertEqual(self.connection.state, "connected", "quota is not an error")

        # Before midnight the scheduler leaves it alone: no call, no log.
        self.bank.request_log.clear()
        with freeze_time(NOON + timedelta(hours=6)):
            self.run_scheduler()
        self.assertEqual(len(self.logs()), 1)
        self.assertFalse(self.bank.request_log)

        # After midnight the budget is new and the run catches up.
        with freeze_time(midnight + timedelta(minutes=5)):
            self.connection.daily_call_limit = 50
            self.run_scheduler()
        newest = self.logs()[0]
        self.assertEqual(newest.status, "success", newest.message)
        self.assertEqual(self.connection.quota_day, midnight.date())
        self.assertEqual(self.connection.quota_used_today, newest.api_calls)

    def test_sync_interval_is_the_minimum_time_between_scheduled_runs(self):
        self.connection.write({"sync_interval_hours": 6})
        self.run_scheduler()
        self.assertEqual(len(self.logs()), 1)
        self.assertEqual(self.connection.next_sync_at, NOON + timedelta(hours=6))
        with freeze_time(NOON + timedelta(hours=5, minutes=59)):
            self.run_scheduler()
        self.assertEqual(len(self.logs()), 1)
        with freeze_time(NOON + timedelta(hours=6)):
            self.run_scheduler()
        self.assertEqual(len(self.logs()), 2)

    def test_maintenance_window_is_not_called_and_the_run_follows_it(self):
        # Tuesday 24 November 2026, 12:00 UTC: inside 11:00-13:00.
        self.connection.maintenance_windows = "tue 11:00-13:00"
        self.bank.request_log.clear()
        log = self.sync()
        self.assertEqual(log.status, "postponed")
        self.assertFalse(self.bank.request_log, "no call during maintenance")
        self.assertEqual(self.connection.next_sync_at, datetime(2026, 11, 24, 13, 0))

    def test_an_expired_consent_stops_syncing_with_a_clear_state(self):
        self.bank.set_fault("revoked_consent")
        log = self.sync()
        self.assertEqual(log.status, "failed")
        self.assertEqual(self.connection.state, "expired")
        self.assertIn("Renew Consent", self.connection.state_message)
        self.assertEqual(
            self.connection.activity_ids.activity_type_id,
            self.env.ref("bank_api_sync.mail_activity_type_consent_renewal"),
        )
        # The scheduler no longer calls the bank for it.
        self.connection.next_sync_at = False
        self.bank.request_log.clear()
        self.run_scheduler()
        self.assertFalse(self.bank.request_log)
        # Renewing brings it back.
        self.connection.action_renew_consent()
        self.assertEqual(self.connection.state, "connected")
        self.assertEqual(self.sync().status, "success")

    def test_consent_expiry_is_announced_ahead_and_then_stops_syncs(self):
        self.connection.write({"consent_reminder_days": 7})
        valid_until = self.connection.consent_valid_until
        with freeze_time(valid_until - timedelta(days=8)):
            self.connection._cron_check_consents()
        self.assertEqual(self.connection.state, "connected")
        with freeze_time(valid_until - timedelta(days=6)):
            self.connection._cron_check_consents()
            self.connection._cron_check_consents()
        self.assertEqual(self.connection.state, "consent_expiring")
        reminder = self.connection.activity_ids
        self.assertEqual(len(reminder), 1, "one reminder, not one a day")
        self.assertEqual(reminder.user_id, self.connection.user_id)
        self.assertEqual(reminder.date_deadline, valid_until)
        with freeze_time(valid_until + timedelta(days=1)):
            self.connection._cron_check_consents()
        self.assertEqual(self.connection.state, "expired")

    def test_two_workers_never_sync_the_same_connection_at_once(self):
        # Another worker (its own database connection) holds the connection.
        other = odoo.sql_db.db_connect(self.env.cr.dbname).cursor()
        self.addCleanup(other.close)
        other.execute(
            "SELECT pg_try_advisory_xact_lock(%s, %s)",
            (LOCK_NAMESPACE, self.connection.id),
        )
        self.assertTrue(other.fetchone()[0])
        self.bank.request_log.clear()
        log = self.sync()
        self.assertEqual(log.status, "skipped")
        self.assertFalse(self.bank.request_log)
        other.rollback()  # the other worker is done
        self.assertEqual(self.sync().status, "success")

    def test_scheduled_sync_of_one_broken_bank_does_not_stop_the_others(self):
        # A second bank that does not answer at all (nothing listens there).
        broken = self.connection.copy(
            {"name": "Broken Bank", "base_url": "http://127.0.0.1:9/none"}
        )
        broken.write({"state": "connected", "consent_id": "gone"})
        self.env["bank.api.account"].create(
            {
                "connection_id": broken.id,
                "resource_id": "acc-pln",
                "name": "Broken PLN",
                "currency_id": self.accounts[0].currency_id.id,
            }
        ).action_create_journal()
        self.run_scheduler()
        good_log = self.logs()[0]
        self.assertEqual(good_log.status, "success", good_log.message)
        broken_log = self.env["bank.api.sync.log"].search(
            [("connection_id", "=", broken.id)]
        )
        self.assertIn(broken_log.status, ("postponed", "failed"))
        self.assertTrue(fields.Datetime.now() < broken.next_sync_at)

    def test_the_scheduler_syncs_each_company_into_its_own_journals(self):
        other_company = self.env["res.company"].create(
            {"name": "Sandbox Trading GmbH", "currency_id": self.env.ref("base.EUR").id}
        )
        self.env["account.chart.template"].try_loading(
            "generic_coa", other_company, install_demo=False
        )
        self.connection.active = False
        theirs = self.env["bank.api.connection"].create(
            {
                "name": "Their Bank",
                "provider": "sandbox",
                "company_id": other_company.id,
                "base_url": self.bank.url,
                "client_id": self.connection.client_id,
                "client_secret": "sandbox-secret",
                "initial_history_days": 5,
                "frequency_per_day": 100,
            }
        )
        theirs.with_company(other_company).action_connect()
        theirs.account_ids.with_company(other_company).action_create_journal()
        self.run_scheduler()
        log = theirs.log_ids[:1]
        self.assertEqual(log.status, "success", log.message)
        journals = theirs.account_ids.journal_id
        self.assertEqual(journals.company_id, other_company)
        lines = self.env["account.bank.statement.line"].search(
            [("journal_id", "in", journals.ids)]
        )
        self.assertTrue(lines)
        self.assertEqual(lines.company_id, other_company)
        self.assertEqual(log.company_id, other_company)
