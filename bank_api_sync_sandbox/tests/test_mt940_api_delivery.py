from collections import Counter
from datetime import timedelta

from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from odoo.addons.bank_api_sync_mt940.models.bank_api_sync_runner import is_mt940_key

from ..core.sandbox import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from .common import SandboxSyncCase


@tagged("post_install", "-at_install")
class TestMt940ApiDelivery(SandboxSyncCase):
    """A connection in MT940 delivery against the Sandbox Bank, which serves
    the same ledger as MT940 when asked for text/plain."""

    def setUp(self):
        super().setUp()
        self.connection.statement_format = "mt940"

    def json_twin(self):
        """A second connection to the same bank, in JSON, with its own journals."""
        twin = self.env["bank.api.connection"].create(
            {
                "name": "Same Bank, JSON",
                "provider": "sandbox",
                "environment": "sandbox",
                "base_url": self.bank.url,
                "client_id": DEFAULT_CLIENT_ID,
                "client_secret": DEFAULT_CLIENT_SECRET,
                "initial_history_days": self.history_days,
                "daily_call_limit": 0,
                "frequency_per_day": self.frequency_per_day,
            }
        )
        twin.action_connect()
        # The same bank accounts fed twice, knowingly: one feed per format.
        twin.account_ids.second_feed_reason = "Comparing the JSON and MT940 feeds"
        twin.account_ids.action_create_journal()
        return twin

    def lines(self, account):
        lines = self.env["account.bank.statement.line"].search(
            [("journal_id", "=", account.journal_id.id)]
        )
        return Counter(
            (
                line.date,
                line.amount,
                line.payment_ref,
                line.partner_name or None,
                line.account_number or None,
            )
            for line in lines
        )

    def day_balances(self, account):
        statements = self.env["account.bank.statement"].search(
            [("journal_id", "=", account.journal_id.id)]
        )
        return {
            s.bank_api_day: (s.balance_start, s.balance_end_real) for s in statements
        }

    def test_mt940_delivery_imports_what_the_json_api_delivers(self):
        log = self.sync()
        self.assertEqual(log.status, "success", log.message)
        twin = self.json_twin()
        twin_log = self.runner._sync_connection(twin, "cron")
        self.assertEqual(twin_log.status, "success", twin_log.message)
        self.assertEqual(log.lines_created, twin_log.lines_created)
        self.assertGreater(log.lines_created, 0)
        twin_accounts = twin.account_ids.sorted("resource_id")
        for account, twin_account in zip(self.accounts, twin_accounts, strict=True):
            with self.subTest(account=account.resource_id):
                self.assertEqual(account.resource_id, twin_account.resource_id)
                self.assertTrue(self.lines(account))
                self.assertEqual(self.lines(account), self.lines(twin_account))
                self.assertEqual(
                    self.day_balances(account), self.day_balances(twin_account)
                )
                self.assertEqual(account.bank_balance, twin_account.bank_balance)
                self.assertEqual(
                    account.bank_available_balance,
                    twin_account.bank_available_balance,
                )
                self.assertFalse(account.balance_mismatch)
                keys = self.imported(account)
                self.assertTrue(all(is_mt940_key(key) for key in keys))
                # The bank's ledger, line for line.
                truth = self.bank.ledger(account.resource_id, "booked", log.window_from)
                self.assertEqual(len(keys), len(truth))
        calls = [
            entry.path
            for entry in self.bank.request_log
            if entry.header("Consent-ID") == self.connection.consent_id
            and "/accounts/" in entry.path
        ]
        mt940_calls = [
            entry
            for entry in self.bank.request_log
            if entry.header("Accept") == "text/plain"
        ]
        self.assertEqual(len(mt940_calls), len(self.accounts))
        self.assertFalse(
            [path for path in calls if "/balances" in path],
            "the balances come with the statements",
        )

    def test_a_second_sync_imports_nothing_and_the_next_day_only_the_new(self):
        first = self.sync()
        second = self.sync()
        self.assertEqual(second.status, "success", second.message)
        self.assertEqual(second.lines_created, 0)
        self.assertGreater(second.duplicates_skipped, 0)
        self.clock.tick(timedelta(days=1))
        third = self.sync()
        self.assertEqual(third.status, "success", third.message)
        for account in self.accounts:
            truth = self.bank.ledger(account.resource_id, "booked", first.window_from)
            self.assertEqual(len(self.imported(account)), len(truth))

    def test_switching_format_does_not_import_the_overlap_twice(self):
        self.connection.statement_format = "json"
        json_log = self.sync()
        self.assertGreater(json_log.lines_created, 0)
        self.connection.statement_format = "mt940"
        self.clock.tick(timedelta(days=1))
        mt940_log = self.sync()
        self.assertEqual(mt940_log.status, "success", mt940_log.message)
        for account in self.accounts:
            truth = self.bank.ledger(
                account.resource_id, "booked", json_log.window_from
            )
            keys = self.imported(account)
            self.assertEqual(len(keys), len(truth), account.resource_id)
            today = self.bank.today()
            new_day = self.env["account.bank.statement.line"].search(
                [("journal_id", "=", account.journal_id.id), ("date", "=", today)]
            )
            self.assertTrue(
                all(is_mt940_key(key) for key in new_day.mapped("bank_api_unique_key"))
            )
        # And back: the JSON feed leaves the MT940 days alone too.
        self.connection.statement_format = "json"
        back = self.sync()
        self.assertEqual(back.status, "success", back.message)
        self.assertEqual(back.lines_created, 0)

    def test_a_bank_that_does_not_answer_mt940_fails_the_account_only(self):
        self.bank.set_fault("malformed_json", times=2, path="/transactions")
        with mute_logger("odoo.addons.bank_api_sync.models.bank_api_sync_runner"):
            log = self.sync()
        self.assertEqual(log.status, "partial")
        self.assertIn("instead of MT940", log.message)
        self.assertFalse(self.imported(self.accounts[0]))

    def test_only_providers_that_serve_mt940_offer_it(self):
        with self.assertRaises(ValidationError):
            self.env["bank.api.connection"].create(
                {
                    "name": "PolishAPI bank",
                    "provider": "polishapi",
                    "statement_format": "mt940",
                }
            )
        with Form(self.connection.with_user(self.account_manager)) as form:
            form.statement_format = "json"
        self.assertEqual(self.connection.statement_format, "json")
