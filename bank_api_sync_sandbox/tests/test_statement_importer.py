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
