from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import SandboxSyncCase


@tagged("post_install", "-at_install")
class TestSync(SandboxSyncCase):
    def window_start(self):
        return self.frozen_at.date() - timedelta(days=self.history_days - 1)

    def test_first_sync_imports_exactly_the_banks_transactions(self):
        log = self.sync()
        self.assertEqual(log.status, "success", log.message)
        start = self.window_start()
        created = 0
        for account in self.accounts:
            self.assertTrue(self.bank_truth(account, start), "the sandbox has data")
            self.assertLedgerComplete(account, start)
            created += len(self.imported(account))
            self.assertEqual(account.resume_from, self.bank.today())
        self.assertEqual(log.lines_created, created)
        self.assertEqual(log.duplicates_skipped, 0)
        self.assertGreater(log.api_calls, 0)
        self.assertEqual(self.connection.state, "connected")
        self.assertTrue(self.connection.next_sync_at > fields.Datetime.now())

    def test_statements_are_daily_and_their_balances_agree_with_the_bank(self):
        self.sync()
        for account in self.accounts:
            statements = self.env["account.bank.statement"].search(
                [("journal_id", "=", account.journal_id.id)], order="bank_api_day"
            )
            self.assertTrue(statements)
            for statement in statements:
                self.assertEqual(
                    set(statement.line_ids.mapped("date")), {statement.date}
                )
                self.assertTrue(statement.is_valid, statement.name)
            closing = self.bank.balances(account.resource_id)["closingBooked"]
            self.assertAlmostEqual(statements[-1].balance_end_real, float(closing))
            self.assertAlmostEqual(account.bank_balance, float(closing))
            self.assertFalse(account.balance_mismatch)

    def test_a_second_sync_imports_nothing(self):
        first = self.sync()
        second = self.sync()
        self.assertEqual(second.status, "success", second.message)
        self.assertEqual(second.lines_created, 0)
        self.assertGreater(second.duplicates_skipped, 0)
        self.assertEqual(
            self.env["account.bank.statement.line"].search_count(
                [("journal_id", "in", self.accounts.journal_id.ids)]
            ),
            first.lines_created,
        )
        for account in self.accounts:
            self.assertLedgerComplete(account, self.window_start())

    def test_overlapping_windows_and_a_repeated_page_create_no_duplicate(self):
        self.sync()
        self.bank.set_fault("repeated_transaction", times=5)
        wider = self.sync(
            trigger="manual",
            date_from=self.window_start() - timedelta(days=5),
            psu={"ip": "10.1.2.3", "user_agent": "test"},
        )
        self.assertEqual(wider.status, "success", wider.message)
        for account in self.accounts:
            self.assertLedgerComplete(account, self.window_start() - timedelta(days=5))

    def test_each_fault_leaves_the_ledger_complete_after_the_next_good_run(self):
        faults = {
            "timeout": {"times": 10, "delay": 2},
            "http_500": {"times": 10},
            "http_503": {"times": 10},
            "malformed_json": {"times": 10, "path": "/transactions"},
            "connection_reset": {"times": 10},
            "expired_token": {"times": 1},
        }
        self.connection.write({"initial_history_days": 4})
        start = self.bank.today() - timedelta(days=3)
        for fault, options in faults.items():
            with self.subTest(fault=fault):
                self.bank.set_fault(fault, **options)
                with mute_logger(
                    "odoo.addons.bank_api_sync.models.bank_api_sync_runner"
                ):
                    self.sync()
                self.bank.clear_faults()
                self.connection.next_sync_at = False
                good = self.sync()
                self.assertEqual(good.status, "success", f"{fault}: {good.message}")
                for account in self.accounts:
                    self.assertLedgerComplete(account, start)

    def test_a_failure_tells_the_responsible_user_and_the_next_run_resumes(self):
        self.bank.set_fault("http_500", times=50)
        failed = self.sync()
        self.assertIn(failed.status, ("failed", "postponed"))
        self.assertTrue(failed.message)
        self.assertFalse(any(self.imported(account) for account in self.accounts))
        self.assertFalse(any(self.accounts.mapped("resume_from")))
        self.bank.clear_faults()
        good = self.sync()
        self.assertEqual(good.status, "success")
        for account in self.accounts:
            self.assertLedgerComplete(account, self.window_start())

    def test_an_odoo_failure_is_logged_with_an_activity_and_loses_nothing(self):
        # Someone removed the journal's suspense account: Odoo refuses lines.
        broken, healthy = self.accounts
        suspense = broken.journal_id.suspense_account_id
        broken.journal_id.suspense_account_id = False
        with mute_logger("odoo.addons.bank_api_sync.models.bank_api_sync_runner"):
            log = self.sync()
        self.assertEqual(log.status, "partial")
        self.assertIn("suspense account", log.message)
        self.assertIn(broken.name, log.message)
        activity = self.connection.activity_ids
        self.assertEqual(
            activity.activity_type_id,
            self.env.ref("bank_api_sync.mail_activity_type_sync_failure"),
        )
        self.assertEqual(activity.user_id, self.connection.user_id)
        self.assertIn("Bank sync failed", self.connection.message_ids[0].body)
        self.assertFalse(broken.resume_from)
        self.assertFalse(self.imported(broken))
        self.assertLedgerComplete(healthy, self.window_start())

        broken.journal_id.suspense_account_id = suspense
        good = self.sync()
        self.assertEqual(good.status, "success", good.message)
        self.assertEqual(self.connection.state, "connected")
        self.assertFalse(self.connection.activity_ids)
        for account in self.accounts:
            self.assertLedgerComplete(account, self.window_start())

    def test_pending_transactions_are_kept_apart_then_retired_when_booked(self):
        self.sync()
        account = max(
            self.accounts,
            key=lambda a: len(self.bank.ledger(a.resource_id, "pending")),
        )
        pending_truth = self.bank.ledger(account.resource_id, "pending")
        self.assertTrue(pending_truth, "the sandbox shows pending movements")
        staged = account.pending_transaction_ids.filtered(
            lambda p: p.state == "pending"
        )
        self.assertEqual(
            sorted(staged.mapped("transaction_id")),
            sorted(tx["transactionId"] for tx in pending_truth),
        )
        self.assertAlmostEqual(
            account.pending_amount,
            sum(float(tx["transactionAmount"]["amount"]) for tx in pending_truth),
        )
        # None of them is a statement line.
        keys = set(self.imported(account))
        self.assertFalse({f"id:{p.transaction_id}" for p in staged} & keys)

        everywhere = self.accounts.pending_transaction_ids
        self.clock.move_to(self.frozen_at + timedelta(days=4))
        later = self.sync()
        # Every pending movement has been booked by now (linked or not).
        self.assertEqual(later.pending_retired, len(everywhere))
        self.assertEqual(set(staged.mapped("state")), {"booked"})
        self.assertTrue(all(staged.mapped("booked_line_id")))
        for pending in staged:
            self.assertAlmostEqual(pending.booked_line_id.amount, pending.amount)
        self.assertLedgerComplete(account, self.window_start())

    def test_manual_sync_is_user_present_and_does_not_use_the_daily_quota(self):
        self.connection.write({"daily_call_limit": 100})
        self.bank.request_log.clear()
        log = self.sync(
            trigger="manual", psu={"ip": "10.9.8.7", "user_agent": "Firefox"}
        )
        self.assertTrue(log.user_present)
        account_calls = [r for r in self.bank.request_log if r.path.startswith("/v1/")]
        self.assertTrue(account_calls)
        self.assertEqual(
            {r.header("PSU-IP-Address") for r in account_calls}, {"10.9.8.7"}
        )
        self.assertEqual(self.connection.quota_used_today, 0)

        self.bank.request_log.clear()
        scheduled = self.sync()
        self.assertFalse(scheduled.user_present)
        unattended = [r for r in self.bank.request_log if r.path.startswith("/v1/")]
        self.assertFalse(any(r.header("PSU-IP-Address") for r in unattended))
        self.assertEqual(self.connection.quota_used_today, scheduled.api_calls)
        request_ids = [r.header("X-Request-ID") for r in unattended]
        self.assertEqual(len(set(request_ids)), len(request_ids))

    def test_usage_ledger_counts_calls_and_prices_them(self):
        self.connection.write({"price_per_call": 0.10, "price_per_transaction": 0.01})
        self.env["bank.api.usage"].search([]).unlink()
        log = self.sync()
        usage = self.env["bank.api.usage"].search(
            [("connection_id", "=", self.connection.id)]
        )
        self.assertEqual(sum(usage.mapped("calls")), log.api_calls)
        self.assertEqual(sum(usage.mapped("transactions")), log.transactions_fetched)
        self.assertAlmostEqual(
            sum(usage.mapped("cost")),
            log.api_calls * 0.10 + log.transactions_fetched * 0.01,
        )
        self.assertIn("transactions", usage.mapped("endpoint"))

    def test_a_line_the_bank_does_not_know_shows_as_a_balance_difference(self):
        self.sync()
        account = self.accounts[0]
        self.env["account.bank.statement.line"].create(
            {
                "journal_id": account.journal_id.id,
                "date": self.bank.today() - timedelta(days=1),
                "amount": 25.0,
                "payment_ref": "typed by hand",
            }
        )
        self.sync()
        self.assertTrue(account.balance_mismatch)
        self.assertAlmostEqual(account.balance_difference, -25.0)
        self.assertEqual(account.mismatch_since, self.bank.today())
        self.assertTrue(account.journal_id.bank_api_balance_mismatch)
        self.assertTrue(self.connection.balance_mismatch)
        self.assertEqual(
            self.env["bank.api.connection"].search([("balance_mismatch", "=", True)]),
            self.connection,
        )
        self.assertFalse(self.accounts[1].balance_mismatch)

    def test_an_accounting_user_can_start_a_sync_and_is_named_in_the_log(self):
        self.mark_synced_before()
        action = self.connection.with_user(self.accountant).action_sync_now()
        self.assertEqual(action["params"]["type"], "success", action["params"])
        log = self.connection.log_ids[:1]
        self.assertEqual(log.started_by_id, self.accountant)
        self.assertTrue(log.user_present)
        self.assertGreater(log.lines_created, 0)
        self.assertIn(str(log.lines_created), action["params"]["message"])

    def test_a_chosen_period_fills_a_gap_without_duplicates(self):
        self.sync()
        older_from = self.window_start() - timedelta(days=20)
        older_to = self.window_start() + timedelta(days=2)
        wizard = (
            self.env["bank.api.sync.period"]
            .with_user(self.accountant)
            .create(
                {
                    "connection_id": self.connection.id,
                    "date_from": older_from,
                    "date_to": older_to,
                }
            )
        )
        wizard.action_sync()
        log = self.connection.log_ids[:1]
        self.assertEqual((log.window_from, log.window_to), (older_from, older_to))
        self.assertGreater(log.lines_created, 0)
        self.assertGreater(log.duplicates_skipped, 0)  # the overlap with the first run
        for account in self.accounts:
            self.assertLedgerComplete(account, older_from)

    def test_a_period_beyond_the_banks_history_is_refused_before_calling(self):
        wizard = self.env["bank.api.sync.period"].create(
            {
                "connection_id": self.connection.id,
                "date_from": self.frozen_at.date() - timedelta(days=200),
            }
        )
        self.bank.request_log.clear()
        with self.assertRaises(UserError):
            wizard.action_sync()
        self.assertFalse(self.bank.request_log)
