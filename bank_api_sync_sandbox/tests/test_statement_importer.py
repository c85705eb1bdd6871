from datetime import timedelta

from odoo.tests import tagged

from .common import SandboxSyncCase


@tagged("post_install", "-at_install")
class TestBankWithoutIds(SandboxSyncCase):
    def test_content_hashes_keep_a_bank_without_ids_idempotent(self):
        self.bank.set_fault("no_transaction_ids", times=1000)
        first = self.sync()
        self.assertEqual(first.status, "success", first.message)
        keys = set().union(*(self.imported(account) for account in self.accounts))
        self.assertTrue(keys)
        self.assertTrue(all(key.startswith("hash:") for key in keys))
        start = self.frozen_at.date() - timedelta(days=self.history_days - 1)
        truth = sum(len(self.bank_truth(account, start)) for account in self.accounts)
        self.assertEqual(len(keys), truth)
        second = self.sync()
        self.assertEqual(second.lines_created, 0)

    def lines_count(self):
        return self.env["account.bank.statement.line"].search_count(
            [("journal_id", "in", self.accounts.journal_id.ids)]
        )

    def assertBalancesAgree(self):
        for account in self.accounts:
            closing = self.bank.balances(account.resource_id)["closingBooked"]
            self.assertAlmostEqual(account.bank_balance, float(closing))
            self.assertFalse(account.balance_mismatch, account.display_name)

    def test_lines_imported_without_ids_are_completed_by_a_period_with_ids(self):
        self.bank.set_fault("no_transaction_ids", times=1000)
        self.sync()
        self.bank.faults.clear()
        count = self.lines_count()
        start = self.frozen_at.date() - timedelta(days=self.history_days - 1)
        wizard = (
            self.env["bank.api.sync.period"]
            .with_user(self.accountant)
            .create({"connection_id": self.connection.id, "date_from": start})
        )
        wizard.action_sync()
        log = self.connection.log_ids[:1]
        self.assertEqual(log.lines_created, 0, log.message)
        self.assertEqual(self.lines_count(), count)
        for account in self.accounts:
            # Every line now carries the bank's own id: the bank's ledger, once.
            self.assertLedgerComplete(account, start)
        self.assertBalancesAgree()

    def test_one_page_without_ids_then_the_same_days_with_ids_add_nothing(self):
        self.bank.set_fault("no_transaction_ids", times=1, path="/transactions")
        self.sync()
        count = self.lines_count()
        self.assertTrue(
            any(
                key.startswith("hash:")
                for account in self.accounts
                for key in self.imported(account)
            )
        )
        self.sync("manual", date_from=self.frozen_at.date() - timedelta(days=11))
        self.assertEqual(self.lines_count(), count)
        start = self.frozen_at.date() - timedelta(days=self.history_days - 1)
        for account in self.accounts:
            self.assertLedgerComplete(account, start)
        self.assertBalancesAgree()

    def test_a_page_without_ids_after_lines_with_ids_adds_nothing(self):
        self.sync()
        count = self.lines_count()
        self.bank.set_fault("no_transaction_ids", times=1000)
        log = self.sync("manual", date_from=self.frozen_at.date() - timedelta(days=11))
        self.assertEqual(log.lines_created, 0, log.message)
        self.assertEqual(self.lines_count(), count)
        self.assertBalancesAgree()
