"""The demo's promise: a customer payment booked at the Sandbox Bank comes to
Odoo by the bank's own signed webhook and lands in the journal, matched to
its invoice, exactly once."""

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged
from odoo.tests.common import new_test_user

from odoo.addons.bank_api_sync.tests.common_matching import MatchingSetup
from odoo.addons.bank_api_sync_sandbox.tests.common import SandboxSyncCase

CUSTOMER_IBAN = "PL27114020040000300201355387"


@tagged("post_install", "-at_install")
class TestBookCustomerPaymentNow(HttpCase, MatchingSetup, SandboxSyncCase):
    # The bank's sender and Odoo's receiver both read the real clock: the
    # signature's timestamp must be now for Odoo to accept it.
    frozen_at = None
    sandbox_options = {"seed": 3, "per_day": 1, "page_size": 50}
    history_days = 2

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_matching(cls.company)
        cls.pln = cls.env.ref("base.PLN")
        cls.pln.active = True
        cls.customer = cls.partner("Kowalski Meble Sp. z o.o.", iban=CUSTOMER_IBAN)

    def setUp(self):
        super().setUp()
        self.account_pln = self.accounts.filtered(lambda a: a.resource_id == "acc-pln")
        self.open_invoice = self.invoice(
            self.customer,
            1234.5,
            number="FV/2026/12/0042",
            invoice_date=None,
            currency=self.pln,
        )

    def deliveries(self):
        self.assertTrue(self.bank.webhooks.wait_idle(30), "the bank's webhooks end")
        return self.bank.webhooks.deliveries

    def process(self):
        self.env.flush_all()
        self.env["bank.api.webhook.event"]._cron_process_events()
        self.env.invalidate_all()

    def test_the_payment_arrives_by_webhook_matched_exactly_once(self):
        action = self.connection.action_sandbox_book_customer_payment()
        self.assertEqual(action["params"]["type"], "success")
        deliveries = self.deliveries()
        self.assertEqual(len(deliveries), 2, "a transaction and a balance event")
        self.assertTrue(all(d.delivered for d in deliveries))
        # The sender did not see an answer and delivers again: Odoo already
        # stored it, the retry changes nothing.
        self.assertTrue(self.bank.webhooks.attempt(deliveries[0]))
        self.process()
        events = self.env["bank.api.webhook.event"].search(
            [("connection_id", "=", self.connection.id)]
        )
        self.assertEqual(len(events), 2)
        errors = events.mapped("error")
        self.assertEqual(set(events.mapped("state")), {"processed"}, errors)
        paid = self.env["account.bank.statement.line"].search(
            [
                ("journal_id", "=", self.account_pln.journal_id.id),
                ("payment_ref", "=", self.open_invoice.name),
            ]
        )
        self.assertEqual(len(paid), 1, "the payment is in the journal once")
        self.assertEqual(paid.amount, 1234.5)
        self.assertReconciledWith(paid, self.open_invoice)
        self.assertEqual(
            self.account_pln.bank_balance,
            float(self.bank.balances("acc-pln")["closingBooked"]),
        )
        # The cash position says the figures came by webhook.
        position = self.env["bank.api.cash.position"].search(
            [("account_id", "=", self.account_pln.id)]
        )
        self.assertEqual(position.refreshed_by, "webhook")
        self.assertEqual(position.bank_balance, self.account_pln.bank_balance)
        snapshot = self.env["bank.api.balance.snapshot"].search(
            [("journal_id", "=", self.account_pln.journal_id.id)]
        )
        self.assertEqual(snapshot.source, "webhook")

    def test_only_a_manager_of_the_company_may_book(self):
        accountant = new_test_user(
            self.env,
            login="bas_wh_sandbox_accountant",
            groups="base.group_user,account.group_account_user",
        )
        with self.assertRaises(UserError):
            self.connection.with_user(accountant).action_sandbox_book_customer_payment()
        other = self.env["res.company"].create({"name": "Company B"})
        intruder = new_test_user(
            self.env,
            login="bas_wh_sandbox_intruder",
            groups="base.group_user,account.group_account_manager",
            company_id=other.id,
            company_ids=[other.id],
        )
        with self.assertRaises(AccessError):
            self.connection.with_user(intruder).action_sandbox_book_customer_payment()
        self.assertIsNone(self.bank.webhooks, "nothing was asked of the bank")
