from datetime import timedelta

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import SandboxSyncCase


@tagged("post_install", "-at_install")
class TestPoisonedTransactions(SandboxSyncCase):
    """One transaction the product cannot read never costs the others: it is
    kept aside, named with its reason in the run's log."""

    def window_start(self):
        return self.frozen_at.date() - timedelta(days=self.history_days - 1)

    def sync_with_poison(self, replace):
        self.bank.set_fault(
            "poisoned_transaction",
            path=f"/accounts/{self.accounts[0].resource_id}/transactions",
            replace=replace,
        )
        with mute_logger("odoo.addons.bank_api_sync.models.bank_api_sync_runner"):
            return self.sync()

    def assertKeptAside(self, log, reason):
        self.assertEqual(log.status, "partial", log.message)
        self.assertEqual(log.transactions_rejected, 1)
        self.assertIn("kept aside", log.message)
        self.assertIn(reason, log.message)
        poisoned, healthy = self.accounts[0], self.accounts[1:]
        truth = self.bank_truth(poisoned, self.window_start())
        imported = self.imported(poisoned)
        self.assertEqual(len(imported), len(truth) - 1)
        self.assertLessEqual(imported.items(), truth.items())
        for account in healthy:
            self.assertLedgerComplete(account, self.window_start())

    def test_a_nul_character_is_kept_aside(self):
        log = self.sync_with_poison({"remittanceInformationUnstructured": "a\x00b"})
        self.assertKeptAside(log, "NUL character")

    def test_an_amount_of_1e400_is_kept_aside(self):
        log = self.sync_with_poison(
            {"transactionAmount": {"amount": "1e400", "currency": "PLN"}}
        )
        self.assertKeptAside(log, "beyond what an account holds")

    def test_an_unknown_currency_is_kept_aside(self):
        log = self.sync_with_poison(
            {"transactionAmount": {"amount": "10.00", "currency": "QQQ"}}
        )
        self.assertKeptAside(log, "the currency QQQ is unknown to Odoo")
