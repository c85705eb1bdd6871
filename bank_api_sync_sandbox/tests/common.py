from datetime import datetime

from freezegun import freeze_time

from odoo import fields

from odoo.addons.bank_api_sync.tests.common import BankApiSyncCase

from ..core.sandbox import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, SandboxBank


class SandboxSyncCase(BankApiSyncCase):
    """A connection to a fresh Sandbox Bank (real HTTP on a free loopback port),
    connected, with a journal per account. Each test gets its own bank, so
    faults, consents and the bank's clock never leak between tests."""

    # Tuesday noon (UTC): every run, the bank's clock and the ledger it serves
    # are the same on any day the tests run.
    frozen_at = datetime(2026, 11, 24, 12, 0)
    sandbox_options = {"seed": 3, "per_day": 2, "page_size": 7}
    history_days = 12
    frequency_per_day = 100

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.connection.provider = "sandbox"
        # The scheduler opens a cursor per connection: in test mode those
        # cursors share the test's transaction, so nothing is really committed.
        # (HttpCase enters the test mode itself.)
        if not getattr(cls, "registry_test_mode", False):
            cls.registry.enter_test_mode(cls.cr)
            cls.addClassCleanup(cls.registry.leave_test_mode)

    def setUp(self):
        if self.frozen_at:
            frozen = freeze_time(self.frozen_at)
            self.clock = frozen.start()  # clock.move_to(...) moves Odoo and the bank
            self.addCleanup(frozen.stop)
        super().setUp()
        self.bank = SandboxBank(port=0, **self.sandbox_options).start()
        self.addCleanup(self.bank.stop)
        self.connection.write(
            {
                "base_url": self.bank.url,
                "client_id": DEFAULT_CLIENT_ID,
                "client_secret": self.sandbox_options.get(
                    "client_secret", DEFAULT_CLIENT_SECRET
                ),
                "initial_history_days": self.history_days,
                "daily_call_limit": 0,
                # PSD2's default of 4 unattended accesses a day would stop a
                # test that syncs more often; the limit has its own tests.
                "frequency_per_day": self.frequency_per_day,
            }
        )
        self.connection.action_connect()
        self.connection.account_ids.action_create_journal()
        self.accounts = self.connection.account_ids.sorted("resource_id")
        self.runner = self.env["bank.api.sync.runner"]

    def mark_synced_before(self):
        """The connection synced before: Sync Now then runs at once, in the
        request (a first sync runs in the background). Its accounts still
        fetch their first window."""
        self.connection.sudo().last_success_at = fields.Datetime.subtract(
            fields.Datetime.now(), days=1
        )

    def sync(self, trigger="cron", **kwargs):
        return self.runner._sync_connection(self.connection, trigger, **kwargs)

    def run_scheduler(self):
        """The scheduled action, as Odoo's cron runs it (its own cursors)."""
        self.env.flush_all()
        try:
            self.runner._cron_sync_due_connections()
        finally:
            self.env.invalidate_all()

    def imported(self, account):
        """{key: amount} of the statement lines in the account's journal."""
        lines = self.env["account.bank.statement.line"].search(
            [("journal_id", "=", account.journal_id.id)]
        )
        return {line.bank_api_unique_key: line.amount for line in lines}

    def bank_truth(self, account, date_from=None):
        """{key: amount} of the bank's booked ledger, as the bank itself says."""
        return {
            f"id:{tx['transactionId']}": float(tx["transactionAmount"]["amount"])
            for tx in self.bank.ledger(account.resource_id, "booked", date_from)
        }

    def assertLedgerComplete(self, account, date_from):
        self.assertEqual(self.imported(account), self.bank_truth(account, date_from))
