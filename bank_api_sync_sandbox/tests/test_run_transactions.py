import contextlib
from datetime import timedelta
from unittest.mock import patch

from psycopg2 import errors as pg_errors

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import SandboxSyncCase


class WorkerKilled(BaseException):
    """A worker's time limit or a restart: the run stops where it is."""


@tagged("post_install", "-at_install")
class TestRunTransactions(SandboxSyncCase):
    """A scheduled run's own transactions: its log is written first, in a
    transaction of its own, and a serialization failure is retried once."""

    def window_start(self):
        return self.frozen_at.date() - timedelta(days=self.history_days - 1)

    def runs(self):
        return self.connection.log_ids.filtered(lambda log: log.trigger == "cron")

    def test_a_run_killed_before_its_first_part_leaves_its_log(self):
        runner = type(self.runner)
        # Not assertRaises: it would roll back what the run committed.
        with (
            patch.object(runner, "_sync_accounts", side_effect=WorkerKilled),
            contextlib.suppress(WorkerKilled),
        ):
            self.run_scheduler()
        killed = self.runs()
        self.assertEqual(len(killed), 1, "the killed run left no log")
        self.assertEqual(killed.status, "running")

        self.run_scheduler()
        self.assertEqual(killed.status, "failed")
        self.assertIn("Interrupted", killed.message)
        self.assertEqual((self.runs() - killed).status, "success")
        for account in self.accounts:
            self.assertLedgerComplete(account, self.window_start())

    def test_a_serialization_failure_is_retried_once_from_what_was_kept(self):
        runner = type(self.runner)
        sync_accounts = runner._sync_accounts
        attempts = []

        def concurrent_update_at_the_end(self, *args, **kwargs):
            result = sync_accounts(self, *args, **kwargs)
            attempts.append(result)
            if len(attempts) == 1:
                raise pg_errors.SerializationFailure("could not serialize access")
            return result

        with (
            patch.object(runner, "_sync_accounts", concurrent_update_at_the_end),
            mute_logger("odoo.addons.bank_api_sync.models.bank_api_sync_runner"),
        ):
            self.run_scheduler()
        self.assertEqual(len(attempts), 2)
        log = self.runs()
        self.assertEqual(len(log), 1)
        self.assertEqual(log.status, "success", log.message)
        for account in self.accounts:
            self.assertLedgerComplete(account, self.window_start())
            # Nothing imported twice by the second attempt.
            self.assertEqual(
                len(self.imported(account)),
                len(self.bank_truth(account, self.window_start())),
            )

    def test_a_second_serialization_failure_ends_the_run_with_its_reason(self):
        runner = type(self.runner)
        with (
            patch.object(
                runner,
                "_sync_accounts",
                side_effect=pg_errors.SerializationFailure("could not serialize"),
            ) as sync_accounts,
            mute_logger("odoo.addons.bank_api_sync.models.bank_api_sync_runner"),
        ):
            self.run_scheduler()
        self.assertEqual(sync_accounts.call_count, 2)
        log = self.runs()
        self.assertEqual(log.status, "failed")
        self.assertIn("serialization failure", log.message)
        self.run_scheduler()
        self.assertEqual(self.runs()[:1].status, "success")
