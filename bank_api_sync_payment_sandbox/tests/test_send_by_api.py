from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.bank_api_sync_payment.core.initiation import initiator_for
from odoo.addons.bank_api_sync_payment.tests.common import PaymentOrderCase
from odoo.addons.bank_api_sync_sandbox.tests.common import SandboxSyncCase


@tagged("post_install", "-at_install")
class TestSendByApi(PaymentOrderCase, SandboxSyncCase):
    """Bills paid through the Sandbox Bank: the order approved by a second
    person goes to the bank's payment API over real HTTP."""

    def setUp(self):
        super().setUp()
        pln_account = self.accounts.filtered(lambda a: a.currency_id.name == "PLN")
        self.connection.bank_api_payments_scope = True
        self.api_mode = self.payment_mode(
            "Sandbox Bank transfers",
            "bank_api_sync_payment.account_payment_method_elixir_o",
            pln_account.journal_id,
        )
        self.api_mode.bank_api_send_by_api = True

    def approved_order(self):
        bills = self.bill(self.supplier, 1000, "FV/2026/11/0060") | self.bill(
            self.supplier, 2000, "FV/2026/11/0061", split_payment=True
        )
        order = self.order(bills, mode=self.api_mode)
        order.draft2open()
        order.with_user(self.approver).action_bank_api_approve()
        return order, bills

    def bank_posts(self):
        return [
            entry
            for entry in self.bank.request_log
            if entry.method == "POST"
            and "/bulk-payments/" in entry.path
            and not entry.path.endswith("/authorisations")
        ]

    def test_an_approved_order_is_paid_through_the_bank(self):
        order, bills = self.approved_order()
        order.with_user(self.preparer).action_bank_api_send()
        self.assertEqual(order.state, "uploaded")
        self.assertEqual(order.bank_api_bank_state, "sent")
        self.assertEqual(set(bills.mapped("payment_state")), {"in_payment"})
        payment = self.bank.payments.payments[order.bank_api_bank_payment_id]
        self.assertEqual(
            sorted(str(transfer[0]) for transfer in payment.transfers),
            ["1230.00", "2460.00"],
        )
        self.assertIn(
            "/VAT/460,00/IDC/5260250274/INV/FV/2026/11/0061",
            [transfer[4] for transfer in payment.transfers],
        )
        self.assertEqual(
            self.bank_posts()[0].header("X-Request-ID"),
            order._bank_api_idempotency_key(),
        )
        order.with_user(self.preparer).action_bank_api_check_status()
        self.assertEqual(order.bank_api_bank_status, "ACSC")
        self.assertEqual(order.bank_api_bank_state, "executed")
        self.assertEqual(self.events(order)[-2:], ["sent", "executed"])

    def test_sending_again_is_the_same_request(self):
        """The key depends on the order and the content approved only: a
        person who sends again after a timeout sends the same X-Request-ID,
        and the bank answers the payment it already has."""
        order, _bills = self.approved_order()
        key = order._bank_api_idempotency_key()
        self.assertEqual(key, order._bank_api_idempotency_key())
        order.with_user(self.preparer).action_bank_api_send()
        batch = order._bank_api_batch()
        again = order._bank_api_connection()._build_client()
        submission = initiator_for(again).initiate(batch)
        self.assertEqual(submission.payment_id, order.bank_api_bank_payment_id)
        self.assertEqual(len(self.bank.payments.payments), 1)

    def test_a_connection_made_to_read_statements_cannot_pay(self):
        order, _bills = self.approved_order()
        self.connection.bank_api_payments_scope = False
        with self.assertRaisesRegex(UserError, "does not cover payments"):
            order.with_user(self.preparer).action_bank_api_send()
        self.assertEqual(self.bank.payments.payments, {})
        self.assertEqual(order.state, "open")

    def test_the_bank_refuses_a_revoked_consent_and_odoo_says_why(self):
        order, _bills = self.approved_order()
        self.bank.consents.set_status(self.connection.consent_id, "revokedByPsu")
        with self.assertRaisesRegex(UserError, "no longer accepts the consent"):
            order.with_user(self.preparer).action_bank_api_send()
        self.assertEqual(self.bank.payments.payments, {})

    def test_a_rejected_payment_opens_the_bills_again(self):
        order, bills = self.approved_order()
        order.with_user(self.preparer).action_bank_api_send()
        self.bank.payments.payments[order.bank_api_bank_payment_id].status = "RJCT"
        order.with_user(self.preparer).action_bank_api_check_status()
        self.assertEqual(order.bank_api_bank_state, "rejected")
        self.assertEqual(order.state, "cancel")
        self.assertEqual(set(bills.mapped("payment_state")), {"not_paid"})
        self.assertEqual(self.events(order)[-2:], ["bank_rejected", "cancelled"])

    def booked_lines(self, order):
        return self.env["account.bank.statement.line"].search(
            [
                ("journal_id", "=", order.journal_id.id),
                ("amount", "<", 0),
                ("bank_api_auto_reason", "ilike", order.name),
            ]
        )

    def test_the_next_sync_pays_the_bills(self):
        """Bills, order, a second person's approval, sending, the bank's
        status, then the next sync: each transfer's debit on the statement is
        reconciled with its payment, the bills are paid and the order shows
        executed."""
        order, bills = self.approved_order()
        order.with_user(self.preparer).action_bank_api_send()
        self.assertEqual(set(bills.mapped("payment_state")), {"in_payment"})
        order.with_user(self.preparer).action_bank_api_check_status()
        self.sync()
        self.assertEqual(set(bills.mapped("payment_state")), {"paid"})
        self.assertTrue(order.bank_api_booked)
        self.assertEqual(order.bank_api_bank_state, "executed")
        self.assertEqual(self.events(order)[-3:], ["sent", "executed", "booked"])
        lines = self.booked_lines(order)
        self.assertEqual(sorted(lines.mapped("amount")), [-2460.0, -1230.0])
        self.assertEqual(set(lines.mapped("is_reconciled")), {True})
        self.assertEqual(set(lines.mapped("bank_api_reconciled_how")), {"auto"})
        self.assertIn("end-to-end id", lines[0].bank_api_auto_reason)
        # Written by the sync, read in the reader's language.
        self.env["res.lang"]._activate_lang("pl_PL")
        self.env["ir.module.module"]._load_module_terms(
            ["bank_api_sync_payment"], ["pl_PL"]
        )
        self.assertIn(
            "zgodne identyfikator end-to-end",
            lines[0].with_context(lang="pl_PL").bank_api_auto_reason,
        )
        self.assertEqual(set(order.payment_ids.mapped("is_matched")), {True})
        # Syncing again changes nothing: each payment is booked once.
        self.sync()
        self.assertEqual(len(self.booked_lines(order)), 2)
        self.assertEqual(self.events(order).count("booked"), 1)

    def test_a_batch_debit_is_split_across_the_order(self):
        self.api_mode.bank_api_batch_booking = True
        order, bills = self.approved_order()
        order.with_user(self.preparer).action_bank_api_send()
        self.sync()
        lines = self.booked_lines(order)
        self.assertEqual(lines.mapped("amount"), [-3690.0])
        self.assertTrue(lines.is_reconciled)
        self.assertIn(order.bank_api_bank_payment_id, lines.payment_ref)
        self.assertEqual(set(bills.mapped("payment_state")), {"paid"})
        self.assertEqual(order.bank_api_bank_state, "executed")

    def test_a_debit_of_another_amount_is_left_to_a_person(self):
        """The bank booked the payment for another amount: no evidence is
        enough, the line waits and the bills stay in payment."""
        order, bills = self.approved_order()
        order.with_user(self.preparer).action_bank_api_send()
        payment = self.bank.payments.payments[order.bank_api_bank_payment_id]
        for movement in self.bank.ledger_book.movements(
            self.accounts.filtered(lambda a: a.currency_id.name == "PLN").resource_id,
            payment.execution_date,
        ):
            if movement.kind == "initiated_payment":
                movement.amount -= 1
        self.sync()
        self.assertEqual(set(bills.mapped("payment_state")), {"in_payment"})
        self.assertFalse(order.bank_api_booked)
        self.assertFalse(self.booked_lines(order))

    def test_a_journal_in_pilot_mode_reconciles_no_payment(self):
        order, bills = self.approved_order()
        self.env["account.journal"].browse(
            order.journal_id.id
        ).bank_api_pilot_mode = True
        order.with_user(self.preparer).action_bank_api_send()
        self.sync()
        self.assertEqual(set(bills.mapped("payment_state")), {"in_payment"})
        self.assertFalse(order.bank_api_booked)
