from datetime import timedelta

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tests.common import new_test_user
from odoo.tools import mute_logger

from .common import SandboxSyncCase

RUNNER_LOGGER = "odoo.addons.bank_api_sync.models.bank_api_sync_runner"


@tagged("post_install", "-at_install")
class TestKeptAside(SandboxSyncCase):
    """A transaction the product cannot read is kept as a record with its
    reason and raw data, visible from the connection and the run's log, and
    can be reprocessed (imported exactly once) or ignored."""

    def sync_with_poison(self, replace):
        """A run over the whole history (the same first page each time)
        whose first transaction of the first account is ``replace``d."""
        self.bank.set_fault(
            "poisoned_transaction",
            path=f"/accounts/{self.accounts[0].resource_id}/transactions",
            replace=replace,
        )
        today = self.frozen_at.date()
        with mute_logger(RUNNER_LOGGER):
            return self.sync(
                date_from=today - timedelta(days=self.history_days - 1),
                date_to=today,
            )

    def lines_with_key(self, key):
        return self.env["account.bank.statement.line"].search(
            [("bank_api_unique_key", "=", key)]
        )

    def test_an_unknown_currency_is_kept_and_imported_once_when_known(self):
        log = self.sync_with_poison(
            {"transactionAmount": {"amount": "10.00", "currency": "QQQ"}}
        )
        item = self.connection.rejected_transaction_ids
        self.assertEqual(len(item), 1)
        self.assertEqual(log.rejected_transaction_ids, item)
        self.assertEqual(
            (item.account_id, item.state, item.times_seen),
            (self.accounts[0], "new", 1),
        )
        self.assertIn("the currency QQQ is unknown to Odoo", item.reason)
        self.assertIn('"QQQ"', item.raw_data)
        self.assertEqual(self.connection.rejected_transaction_count, 1)
        key = "id:" + item.where.split("id:", 1)[1]
        self.assertFalse(self.lines_with_key(key))

        # Still unknown: reprocessing says so and keeps it.
        item.with_user(self.accountant).action_reprocess()
        self.assertEqual(item.state, "new")
        self.assertFalse(self.lines_with_key(key))

        # Once Odoo knows the currency, it imports, exactly once.
        self.env["res.currency"].create({"name": "QQQ", "symbol": "Q"})
        item.with_user(self.accountant).action_reprocess()
        self.assertEqual(item.state, "reprocessed")
        line = self.lines_with_key(key)
        self.assertEqual(len(line), 1)
        self.assertEqual(item.statement_line_id, line)
        item.with_user(self.accountant).action_reprocess()
        self.assertEqual(len(self.lines_with_key(key)), 1)
        self.assertEqual(self.connection.rejected_transaction_count, 0)
        # The bank serves it again, healthy, in the next run: still once.
        self.bank.faults.clear()
        self.sync()
        self.assertEqual(len(self.lines_with_key(key)), 1)

    def test_an_unreadable_transaction_stays_aside_seen_again_or_ignored(self):
        self.sync_with_poison({"remittanceInformationUnstructured": "a\x00b"})
        item = self.connection.rejected_transaction_ids
        self.assertIn("NUL character", item.reason)
        self.assertNotIn("\x00", item.raw_data)  # JSON-escaped, storable
        lines = self.env["account.bank.statement.line"].search_count([])

        item.with_user(self.accountant).action_reprocess()
        self.assertEqual(item.state, "new")
        self.assertIn("NUL character", item.reason)
        self.assertEqual(
            self.env["account.bank.statement.line"].search_count([]), lines
        )

        # The next run meets it again: the same record, seen twice.
        self.sync_with_poison({"remittanceInformationUnstructured": "a\x00b"})
        self.assertEqual(self.connection.rejected_transaction_ids, item)
        self.assertEqual(item.times_seen, 2)

        reader = new_test_user(
            self.env,
            login="sandbox_bank_reader",
            groups="base.group_user,bank_api_sync.group_bank_data_read",
        )
        self.assertEqual(item.with_user(reader).read(["state"])[0]["state"], "new")
        with self.assertRaises(AccessError):
            item.with_user(reader).action_ignore()
        item.with_user(self.accountant).action_ignore()
        self.assertEqual(item.state, "ignored")
        self.assertEqual(self.connection.rejected_transaction_count, 0)
        # Seen again, an ignored one stays ignored.
        self.sync_with_poison({"remittanceInformationUnstructured": "a\x00b"})
        self.assertEqual(item.state, "ignored")
