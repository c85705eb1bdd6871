from datetime import timedelta
from unittest.mock import patch

import psycopg2
import requests

from odoo import fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.bank_api_sync.models import bank_api_sync_runner

from ..core.sandbox import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from .common import SandboxSyncCase


class WorkerKilled(BaseException):
    """What a worker's time limit or a restart does to a run: it stops where
    it is (no handler of the run sees it) and its transaction rolls back."""


@tagged("post_install", "-at_install")
class TestInterruptedRuns(SandboxSyncCase):
    """A scheduled run killed half-way. The Sandbox Bank rotates refresh
    tokens, as banks do: each works once."""

    def window_start(self):
        return self.frozen_at.date() - timedelta(days=self.history_days - 1)

    def stored_refresh_token_works(self):
        refresh = self.connection._decrypt(
            self.connection.sudo().refresh_token_encrypted
        )
        answer = requests.post(
            f"{self.bank.url}/oauth2/token",
            data={"grant_type": "refresh_token", "refresh_token": refresh},
            auth=(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET),
            timeout=10,
        )
        return answer.status_code == 200

    def run_scheduler_killed(self):
        """The scheduled action, killed by what the caller patched. (Odoo's
        assertRaises would roll back what the run committed.)"""
        try:
            self.run_scheduler()
        except WorkerKilled:
            return
        self.fail("the run was not killed")

    def lines_of(self, account):
        return self.env["account.bank.statement.line"].search(
            [("journal_id", "=", account.journal_id.id)]
        )

    def test_a_run_killed_after_renewing_the_token_keeps_the_new_one(self):
        # By the next scheduled run the access token of connecting expired.
        self.clock.tick(timedelta(hours=2))
        importer = type(self.env["bank.api.statement.importer"])
        with patch.object(importer, "_import_transactions", side_effect=WorkerKilled):
            self.run_scheduler_killed()

        # The run's statements were rolled back with it...
        self.assertFalse(self.imported(self.accounts[0]))
        # ...but not the token renewed before it: the bank still accepts it.
        self.assertTrue(self.stored_refresh_token_works())
        self.run_scheduler()
        self.assertEqual(self.connection.log_ids[:1].status, "success")
        self.assertLedgerComplete(self.accounts[0], self.window_start())

    def test_a_token_valid_for_the_whole_run_is_not_renewed_before_it(self):
        connection = self.connection.sudo()
        connection.token_expires_at = fields.Datetime.now() + timedelta(hours=1)
        refresh_before = connection.refresh_token_encrypted
        with patch.object(
            type(self.connection), "_build_client", side_effect=AssertionError
        ) as build_client:
            self.runner._renew_token_before_run(self.connection)
        build_client.assert_not_called()
        self.assertEqual(connection.refresh_token_encrypted, refresh_before)

    def test_a_long_first_sync_killed_half_way_keeps_the_days_it_committed(self):
        importer = type(self.env["bank.api.statement.importer"])
        import_transactions = importer._import_transactions
        parts, journals = [], []

        def killed_in_the_third_part(self, journal, transactions, **kwargs):
            parts.append(transactions)
            journals.append(journal)
            if len(parts) == 3:
                raise WorkerKilled
            return import_transactions(self, journal, transactions, **kwargs)

        with (
            patch.object(bank_api_sync_runner, "IMPORT_PART", 5),
            patch.object(importer, "_import_transactions", killed_in_the_third_part),
        ):
            self.run_scheduler_killed()

        # The first account synced was killed in its third part.
        self.assertEqual(journals[0], journals[2])
        account = self.accounts.filtered(lambda a: a.journal_id == journals[0])
        kept = self.lines_of(account)
        committed = parts[0] + parts[1]
        self.assertEqual(len(kept), len(committed))
        self.assertEqual(
            set(kept.mapped("bank_api_unique_key")),
            {transaction.unique_key for transaction in committed},
        )
        self.assertEqual(account.resume_from, committed[-1].booking_date)
        self.assertEqual(self.connection.log_ids[:1].status, "running")

        with patch.object(bank_api_sync_runner, "IMPORT_PART", 5):
            self.run_scheduler()

        finished, interrupted = self.connection.log_ids[:2]
        self.assertEqual(finished.status, "success", finished.message)
        self.assertEqual(interrupted.status, "failed")
        self.assertIn("Interrupted", interrupted.message)
        for account in self.accounts:
            self.assertLedgerComplete(account, self.window_start())
            # Nothing imported twice: as many lines as the bank has movements.
            self.assertEqual(
                len(self.lines_of(account)),
                len(self.bank_truth(account, self.window_start())),
            )
            self.assertEqual(account.resume_from, self.bank.today())
            self.assertFalse(account.balance_mismatch)

    def test_a_sync_now_killed_half_way_leaves_its_log_and_keeps_its_parts(self):
        importer = type(self.env["bank.api.statement.importer"])
        import_transactions = importer._import_transactions
        request_cursor = self.env.cr
        self.mark_synced_before()  # its Sync Now runs in the request
        parts, cursors = [], []

        def killed_in_the_third_part(self, journal, transactions, **kwargs):
            parts.append(transactions)
            cursors.append(self.env.cr)
            if len(parts) == 3:
                raise WorkerKilled
            return import_transactions(self, journal, transactions, **kwargs)

        with (
            patch.object(bank_api_sync_runner, "IMPORT_PART", 5),
            patch.object(importer, "_import_transactions", killed_in_the_third_part),
        ):
            killed = False
            try:
                self.connection.with_user(self.accountant).action_sync_now()
            except WorkerKilled:
                killed = True
            self.assertTrue(killed, "the run was not killed")

        # The run did not live in the person's request (whose transaction a
        # killed worker rolls back): its log and first parts were committed.
        self.assertNotIn(request_cursor, cursors)
        self.env.invalidate_all()
        log = self.connection.log_ids[:1]
        self.assertEqual(
            (log.trigger, log.status, log.started_by_id),
            ("manual", "running", self.accountant),
        )
        self.assertEqual(
            sum(len(self.lines_of(account)) for account in self.accounts),
            len(parts[0]) + len(parts[1]),
        )
        # The next run closes it as interrupted and completes the ledger.
        with patch.object(bank_api_sync_runner, "IMPORT_PART", 5):
            self.run_scheduler()
        self.assertEqual(log.status, "failed")
        self.assertIn("Interrupted", log.message)
        for account in self.accounts:
            self.assertLedgerComplete(account, self.window_start())

    def test_a_run_whose_transaction_fails_leaves_no_lock_behind(self):
        # The lock of a scheduled run lives in the database session, which
        # Odoo's connection pool keeps for the next cursor. (A token to renew
        # would take a transaction's lock, which a test never commits.)
        self.connection.sudo().token_expires_at = fields.Datetime.now() + timedelta(
            hours=1
        )
        runner = type(self.runner)

        def broken(self, *args, **kwargs):
            self.env.cr.execute("SELECT 1 / 0")

        with (
            patch.object(runner, "_succeed", broken),
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.Error),
        ):
            self.run_scheduler()

        self.env.cr.execute(
            """
            SELECT count(*) FROM pg_locks
             WHERE locktype = 'advisory' AND pid = pg_backend_pid()
               AND classid = %s AND objid = %s
            """,
            (bank_api_sync_runner.LOCK_NAMESPACE, self.connection.id),
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0)
        self.run_scheduler()
        self.assertEqual(self.connection.log_ids[:1].status, "success")
