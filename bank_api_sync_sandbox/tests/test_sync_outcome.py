import json
from datetime import timedelta

from odoo import fields, sql_db
from odoo.tests import tagged

from odoo.addons.bank_api_sync.models.bank_api_sync_runner import LOCK_NAMESPACE
from odoo.addons.bank_api_sync.tests.common_matching import MatchingSetup

from .common import SandboxSyncCase


@tagged("post_install", "-at_install")
class TestSyncOutcome(MatchingSetup, SandboxSyncCase):
    """Sync in Background tells the person who asked how far it is and how it
    ended; a second click queues nothing; the sync log shows what the
    matching made of its lines and opens them."""

    sandbox_options = {"seed": 5, "per_day": 8, "page_size": 25}
    history_days = 10

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_matching(cls.company)
        cls.cron = cls.env.ref("bank_api_sync.ir_cron_bank_api_sync")

    def setUp(self):
        super().setUp()
        self.env["bank.api.sandbox.invoicer"]._create_invoices(
            self.bank,
            self.accounts.mapped("resource_id"),
            self.frozen_at.date() - timedelta(days=self.history_days - 1),
        )
        self.env["bus.bus"].sudo().search([]).unlink()

    def notifications(self, user):
        """The simple notifications the bus carries to ``user``, in order."""
        self.env.flush_all()
        found = []
        for record in self.env["bus.bus"].sudo().search([], order="id"):
            channel = json.loads(record.channel)
            message = json.loads(record.message)
            if (
                channel[1:] == ["res.partner", user.partner_id.id]
                and message["type"] == "simple_notification"
            ):
                found.append(message["payload"])
        return found

    def triggers(self):
        return self.env["ir.cron.trigger"].search_count(
            [("cron_id", "=", self.cron.id)]
        )

    def test_background_sync_tells_whom_asked_its_progress_and_summary(self):
        self.connection.sudo().next_sync_at = fields.Datetime.now() + timedelta(days=1)
        triggers = self.triggers()
        action = self.connection.with_user(self.accountant).action_sync_in_background()
        # The button returns at once: nothing imported, the scheduler woken.
        self.assertEqual(action["params"]["type"], "info")
        self.assertIn("Sync started", action["params"]["title"])
        self.assertEqual(self.triggers(), triggers + 1)
        self.assertFalse(self.imported(self.accounts[0]))
        self.assertEqual(self.connection.sync_requested_by_id, self.accountant)

        self.run_scheduler()

        log = self.connection.log_ids[:1]
        self.assertEqual(log.status, "success", log.message)
        self.assertEqual((log.trigger, log.started_by_id), ("cron", self.accountant))
        self.assertFalse(self.connection.sync_requested_by_id)
        self.assertGreater(log.lines_created, 0)
        sent = self.notifications(self.accountant)
        total = len(self.accounts)
        self.assertEqual(len(sent), total + 1, sent)
        for done, payload in enumerate(sent[:-1], 1):
            self.assertIn(f"{done} of {total} account(s) synced", payload["message"])
            self.assertEqual(payload["type"], "info")
        summary = sent[-1]
        self.assertEqual(summary["type"], "success")
        self.assertIn(self.connection.name, summary["title"])
        self.assertGreater(log.lines_auto, 0)
        self.assertEqual(
            summary["message"],
            f"{log.lines_created} new line(s): {log.lines_auto} reconciled "
            f"automatically, {log.lines_proposed} to review, "
            f"{log.lines_unmatched} without proposal; 0 error(s).",
        )
        # Nobody else is told.
        self.assertFalse(self.notifications(self.account_manager))
        self.assertFalse(self.notifications(self.env.user))

    def test_the_notifications_speak_the_language_of_whom_asked(self):
        self.env["res.lang"]._activate_lang("pl_PL")
        self.accountant.lang = "pl_PL"
        # The request speaks the person's language; the scheduler, which has
        # none, speaks theirs too.
        action = (
            self.connection.with_user(self.accountant)
            .with_context(lang="pl_PL")
            .action_sync_in_background()
        )
        self.assertIn("Synchronizacja rozpoczęta", action["params"]["title"])
        self.run_scheduler()
        log = self.connection.log_ids[:1]
        *progress, summary = self.notifications(self.accountant)
        self.assertIn(
            f"Zsynchronizowane rachunki: 1 z {len(self.accounts)}",
            progress[0]["message"],
        )
        self.assertTrue(
            summary["message"].startswith(f"Nowe pozycje: {log.lines_created};"),
            summary["message"],
        )

    def test_a_scheduled_run_nobody_asked_for_notifies_nobody(self):
        self.run_scheduler()
        log = self.connection.log_ids[:1]
        self.assertEqual(log.status, "success", log.message)
        self.assertFalse(log.started_by_id)
        self.assertFalse(self.notifications(self.accountant))
        self.assertFalse(self.notifications(self.env.user))

    def test_a_second_click_queues_nothing(self):
        accountant_connection = self.connection.with_user(self.accountant)
        triggers = self.triggers()
        # While a run holds the connection (another worker or server), a
        # click says so and queues nothing. (Before this test's own runs:
        # in test mode their transaction, and its locks, never end.)
        other = sql_db.db_connect(self.env.cr.dbname).cursor()
        try:
            other.execute(
                "SELECT pg_try_advisory_lock(%s, %s)",
                (LOCK_NAMESPACE, self.connection.id),
            )
            self.assertTrue(other.fetchone()[0])
            busy = accountant_connection.action_sync_in_background()
            self.assertEqual(busy["params"]["type"], "warning")
            self.assertIn("already under way", busy["params"]["message"])
            self.assertEqual(self.triggers(), triggers)
            self.assertFalse(self.connection.sync_requested_by_id)
        finally:
            other.execute(
                "SELECT pg_advisory_unlock(%s, %s)",
                (LOCK_NAMESPACE, self.connection.id),
            )
            other.close()

        # Once it ended, a click starts a run; a second one before the run
        # starts queues nothing more.
        started = accountant_connection.action_sync_in_background()
        self.assertEqual(started["params"]["type"], "info")
        self.assertEqual(self.triggers(), triggers + 1)
        again = accountant_connection.action_sync_in_background()
        self.assertEqual(again["params"]["type"], "warning")
        self.assertIn("already under way", again["params"]["message"])
        self.assertEqual(self.triggers(), triggers + 1)
        self.run_scheduler()
        self.assertEqual(len(self.connection.log_ids), 1)
        self.assertFalse(self.connection.sync_requested_by_id)

    def test_a_lock_in_another_database_does_not_block_the_sync(self):
        # One PostgreSQL server serves several Odoo databases, whose
        # connections share ids: another database's sync of its connection
        # with this id holds a lock with the same key, which is not ours.
        other = sql_db.db_connect("postgres").cursor()
        try:
            other.execute(
                "SELECT pg_try_advisory_lock(%s, %s)",
                (LOCK_NAMESPACE, self.connection.id),
            )
            self.assertTrue(other.fetchone()[0])
            started = self.connection.with_user(
                self.accountant
            ).action_sync_in_background()
            self.assertEqual(started["params"]["type"], "info", started["params"])
            self.assertEqual(self.connection.sync_requested_by_id, self.accountant)
        finally:
            other.execute(
                "SELECT pg_advisory_unlock(%s, %s)",
                (LOCK_NAMESPACE, self.connection.id),
            )
            other.close()

    def test_the_log_shows_the_matching_of_its_lines_and_opens_them(self):
        first = self.sync()
        self.clock.tick(timedelta(days=1))
        second = self.sync()
        self.env.invalidate_all()
        Line = self.env["account.bank.statement.line"]
        journals = self.accounts.journal_id
        self.assertEqual(
            Line.search_count([("journal_id", "in", journals.ids)]),
            first.lines_created + second.lines_created,
        )
        for log in first | second:
            action = log.with_user(self.account_manager).action_view_lines()
            self.assertEqual(action["res_model"], "account.bank.statement.line", action)
            lines = Line.search(action["domain"])
            self.assertEqual(len(lines), log.lines_created)
            self.assertEqual(
                log.lines_auto,
                len(
                    lines.filtered(lambda line: line.bank_api_reconciled_how == "auto")
                ),
            )
            waiting = lines.filtered(lambda line: not line.is_reconciled)
            self.assertEqual(
                log.lines_proposed, len(waiting.filtered("bank_api_best_proposal_id"))
            )
            self.assertEqual(
                log.lines_unmatched,
                len(waiting.filtered(lambda line: not line.bank_api_best_proposal_id)),
            )
            self.assertEqual(
                log.lines_auto + log.lines_proposed + log.lines_unmatched,
                log.lines_created,
            )
        self.assertGreater(first.lines_auto, 0)
        self.assertGreater(first.lines_proposed + first.lines_unmatched, 0)

    def test_sync_now_of_a_never_synced_connection_runs_in_the_background(self):
        self.assertFalse(self.connection.last_success_at)
        self.connection.sudo().next_sync_at = fields.Datetime.now() + timedelta(days=1)
        triggers = self.triggers()
        journal = self.accounts[0].journal_id
        # The dashboard card's Sync Now, as the form's: the first sync fetches
        # the whole history, so the click returns at once.
        action = journal.with_user(self.accountant).action_bank_api_sync_now()
        self.assertEqual(action["params"]["type"], "info", action["params"])
        self.assertIn("Sync started", action["params"]["title"])
        self.assertIn("first sync", action["params"]["message"])
        self.assertIn(
            f"{self.history_days} days of history", action["params"]["message"]
        )
        self.assertEqual(self.triggers(), triggers + 1)
        self.assertFalse(self.connection.log_ids)
        self.assertFalse(self.imported(self.accounts[0]))
        self.assertEqual(self.connection.sync_requested_by_id, self.accountant)
        # A second click while it waits queues nothing more.
        again = self.connection.with_user(self.accountant).action_sync_now()
        self.assertEqual(again["params"]["type"], "warning")
        self.assertEqual(self.triggers(), triggers + 1)

        self.run_scheduler()

        log = self.connection.log_ids
        self.assertEqual(len(log), 1)
        self.assertEqual(log.status, "success", log.message)
        self.assertEqual((log.trigger, log.started_by_id), ("cron", self.accountant))
        history_start = self.frozen_at.date() - timedelta(days=self.history_days - 1)
        for account in self.accounts:
            self.assertLedgerComplete(account, history_start)
        *progress, summary = self.notifications(self.accountant)
        self.assertEqual(len(progress), len(self.accounts))
        self.assertEqual(summary["type"], "success")
        self.assertIn(f"{log.lines_created} new line(s)", summary["message"])
        self.assertTrue(self.connection.last_success_at)

        # Synced once, the next Sync Now runs at once, in the request.
        self.clock.tick(timedelta(days=1))
        now = self.connection.with_user(self.accountant).action_sync_now()
        self.assertEqual(now["params"]["type"], "success", now["params"])
        latest = self.connection.log_ids[:1]
        self.assertEqual((latest.trigger, latest.user_present), ("manual", True))
        self.assertEqual(latest.status, "success", latest.message)
        self.assertEqual(self.triggers(), triggers + 1)

    def test_a_chosen_period_of_a_never_synced_connection_runs_at_once(self):
        # The scheduled action syncs the usual window only: Sync a Period
        # (the dates a person chose) stays in the request.
        wizard = (
            self.env["bank.api.sync.period"]
            .with_user(self.accountant)
            .create(
                {
                    "connection_id": self.connection.id,
                    "date_from": self.frozen_at.date() - timedelta(days=3),
                    "date_to": self.frozen_at.date(),
                }
            )
        )
        triggers = self.triggers()
        action = wizard.action_sync()
        self.assertEqual(action["params"]["type"], "success", action["params"])
        self.assertEqual(self.triggers(), triggers)
        self.assertEqual(self.connection.log_ids[:1].trigger, "manual")

    def test_a_period_longer_than_a_month_runs_in_the_background(self):
        self.sync()
        date_from = self.frozen_at.date() - timedelta(days=45)
        date_to = self.frozen_at.date() - timedelta(days=2)
        wizard = (
            self.env["bank.api.sync.period"]
            .with_user(self.accountant)
            .create(
                {
                    "connection_id": self.connection.id,
                    "date_from": date_from,
                    "date_to": date_to,
                }
            )
        )
        triggers = self.triggers()
        logs = self.connection.log_ids
        action = wizard.action_sync()
        self.assertEqual(action["params"]["type"], "info", action["params"])
        self.assertIn("longer than 31 days", action["params"]["message"])
        self.assertEqual(self.triggers(), triggers + 1)
        self.assertEqual(self.connection.log_ids, logs)
        self.assertEqual(
            (self.connection.sync_requested_from, self.connection.sync_requested_to),
            (date_from, date_to),
        )

        self.run_scheduler()

        log = self.connection.log_ids[:1]
        self.assertEqual(log.status, "success", log.message)
        self.assertEqual((log.trigger, log.started_by_id), ("cron", self.accountant))
        self.assertEqual((log.window_from, log.window_to), (date_from, date_to))
        self.assertFalse(self.connection.sync_requested_from)
        summary = self.notifications(self.accountant)[-1]
        self.assertEqual(summary["type"], "success")
        self.assertIn(f"{log.lines_created} new line(s)", summary["message"])
