from datetime import timedelta

from .test_mt940_api_delivery import TestMt940ApiDelivery


class TestCamtApiDelivery(TestMt940ApiDelivery):
    """A connection in camt.053 delivery against the Sandbox Bank, which
    serves the same ledger as camt.053 when asked for application/xml: the
    same lines and day balances as the JSON API gives."""

    # The MT940 tests that are about MT940 only are not run again here.
    test_switching_format_does_not_import_the_overlap_twice = None
    test_a_bank_that_does_not_answer_mt940_fails_the_account_only = None
    test_only_providers_that_serve_mt940_offer_it = None
    test_mt940_delivery_imports_what_the_json_api_delivers = None

    def setUp(self):
        super().setUp()
        self.connection.statement_format = "camt"

    def test_camt_delivery_imports_what_the_json_api_delivers(self):
        log = self.sync()
        self.assertEqual(log.status, "success", log.message)
        twin = self.json_twin()
        twin_log = self.runner._sync_connection(twin, "cron")
        self.assertEqual(twin_log.status, "success", twin_log.message)
        self.assertGreater(log.lines_created, 0)
        self.assertEqual(log.lines_created, twin_log.lines_created)
        twin_accounts = twin.account_ids.sorted("resource_id")
        for account, twin_account in zip(self.accounts, twin_accounts, strict=True):
            with self.subTest(account=account.resource_id):
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
        xml_calls = [
            entry
            for entry in self.bank.request_log
            if entry.header("Accept") == "application/xml"
        ]
        self.assertEqual(len(xml_calls), len(self.accounts))

    def test_a_second_sync_imports_nothing_and_the_next_day_only_the_new(self):
        first = self.sync()
        second = self.sync()
        self.assertEqual(second.lines_created, 0)
        self.assertGreater(second.duplicates_skipped, 0)
        self.clock.tick(timedelta(days=1))
        third = self.sync()
        self.assertEqual(third.status, "success", third.message)
        for account in self.accounts:
            truth = self.bank.ledger(account.resource_id, "booked", first.window_from)
            self.assertEqual(len(self.imported(account)), len(truth))
