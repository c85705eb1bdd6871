from odoo.tests import tagged

from odoo.addons.bank_api_sync.core.errors import ConsentError

from .common import SandboxSyncCase


@tagged("post_install", "-at_install")
class TestConsentScopes(SandboxSyncCase):
    """A connection asks the bank only for what is ticked (balances,
    transactions) and its sync reads no more than its consent covers: the
    Sandbox Bank refuses, as a bank would, what the consent does not cover."""

    def lines(self):
        return self.env["account.bank.statement.line"].search_count(
            [("journal_id", "in", self.accounts.journal_id.ids)]
        )

    def consent_access(self):
        return self.bank.consents.get(self.connection.consent_id).access

    def test_a_balances_only_connection_syncs_balances_and_imports_no_line(self):
        self.connection.scope_transactions = False
        self.connection.action_renew_consent()
        self.assertEqual(
            self.consent_access(), {"availableAccountsWithBalance": "allAccounts"}
        )
        self.assertFalse(self.connection.scope_renewal_needed)
        log = self.sync()
        self.assertEqual(log.status, "success", log.message)
        self.assertIn("Transactions are not in the consent's scope", log.message)
        self.assertEqual(self.lines(), 0)
        self.assertEqual(log.lines_created, 0)
        for account in self.accounts:
            closing = self.bank.balances(account.resource_id)["closingBooked"]
            self.assertAlmostEqual(account.bank_balance, float(closing))
            self.assertTrue(account.last_sync_at)

    def test_transactions_ticked_again_are_read_after_the_consent_is_renewed(self):
        self.connection.scope_transactions = False
        self.connection.action_renew_consent()
        self.connection.scope_transactions = True
        self.assertTrue(self.connection.scope_renewal_needed)
        # The consent still covers balances only: the sync keeps to it.
        log = self.sync()
        self.assertEqual(log.status, "success", log.message)
        self.assertIn("Renew Consent", log.message)
        self.assertEqual(self.lines(), 0)
        self.connection.action_renew_consent()
        self.assertEqual(self.consent_access(), {"allPsd2": "allAccounts"})
        log = self.sync()
        self.assertEqual(log.status, "success", log.message)
        self.assertGreater(log.lines_created, 0)
        self.assertEqual(self.lines(), log.lines_created)

    def test_without_balances_the_sync_imports_lines_and_checks_no_balance(self):
        self.connection.scope_balances = False
        self.connection.action_renew_consent()
        log = self.sync()
        self.assertEqual(log.status, "success", log.message)
        self.assertIn("Balances are not in the consent's scope", log.message)
        self.assertGreater(log.lines_created, 0)
        for account in self.accounts:
            self.assertFalse(account.bank_balance_date)
            self.assertFalse(account.balance_mismatch)

    def test_the_bank_refuses_transactions_a_consent_does_not_cover(self):
        self.connection.scope_transactions = False
        self.connection.action_renew_consent()
        client = self.connection._build_client()
        account = self.accounts[0]._core_account()
        with self.assertRaises(ConsentError):
            list(
                client.iter_transactions(account, self.bank.today(), self.bank.today())
            )
