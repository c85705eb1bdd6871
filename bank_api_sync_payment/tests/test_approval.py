from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import PaymentOrderCase


@tagged("post_install", "-at_install")
class TestApproval(PaymentOrderCase):
    def confirmed_order(self):
        bills = self.bill(self.supplier, 1000, "FV/2026/11/0001") | self.bill(
            self.supplier, 2000, "FV/2026/11/0002"
        )
        order = self.order(bills)
        order.draft2open()
        return order, bills

    def test_a_second_person_approves_then_the_file_goes_and_bills_are_paid(self):
        order, bills = self.confirmed_order()
        self.assertEqual(order.state, "open")
        self.assertEqual(order.bank_api_approval_state, "to_approve")
        self.assertEqual(order.bank_api_submitted_by_id, self.preparer)

        order.with_user(self.approver).action_bank_api_approve()
        self.assertEqual(order.bank_api_approval_state, "approved")
        self.assertEqual(order.bank_api_approved_by_id, self.approver)
        self.assertEqual(order.bank_api_approved_hash, order.bank_api_content_hash)

        order.open2generated()
        self.assertEqual(order.state, "generated")
        order.generated2uploaded()
        self.assertEqual(set(bills.mapped("payment_state")), {"in_payment"})
        self.assertEqual(
            self.events(order),
            ["created", "submitted", "approved", "file_generated", "sent"],
        )
        trail = order.bank_api_audit_ids.sorted("id")
        self.assertEqual(
            trail.mapped("user_id"),
            self.preparer
            + self.preparer
            + self.approver
            + self.preparer
            + self.preparer,
        )
        self.assertEqual(trail[2].content_hash, order.bank_api_approved_hash)
        self.assertEqual(order.bank_api_trail_problem, "Intact")

    def test_who_created_or_changed_an_order_cannot_approve_it(self):
        own = self.order(
            self.bill(self.supplier, 100, "FV/2026/11/0005"), user=self.approver
        )
        own.with_user(self.approver).draft2open()
        with self.assertRaisesRegex(UserError, "another approver"):
            own.with_user(self.approver).action_bank_api_approve()
        own.with_user(self.manager).action_bank_api_approve()
        self.assertEqual(own.bank_api_approval_state, "approved")

        order, _bills = self.confirmed_order()
        order.action_cancel()
        order.cancel2draft()
        order.payment_line_ids[:1].with_user(self.manager).communication = "changed"
        self.assertEqual(order.bank_api_last_changed_by_id, self.manager)
        order.with_user(self.preparer).draft2open()
        with self.assertRaisesRegex(UserError, "another approver"):
            order.with_user(self.manager).action_bank_api_approve()
        order.with_user(self.approver).action_bank_api_approve()
        self.assertEqual(order.bank_api_approval_state, "approved")

    def test_approval_limit(self):
        order, _bills = self.confirmed_order()
        limit = self.env["bank.api.payment.approval.limit"].search(
            [("user_id", "=", self.approver.id)]
        )
        limit.amount_limit = 3000  # the order pays 3,690.00 with VAT
        with self.assertRaisesRegex(UserError, "your approval limit"):
            order.with_user(self.approver).action_bank_api_approve()
        limit.unlink()
        with self.assertRaisesRegex(UserError, "your approval limit"):
            order.with_user(self.approver).action_bank_api_approve()
        self.assertEqual(order.bank_api_approval_state, "to_approve")

    def test_an_order_is_not_sent_unapproved_or_changed_after_approval(self):
        order, _bills = self.confirmed_order()
        with self.assertRaisesRegex(UserError, "not approved"):
            order.open2generated()
        order.with_user(self.approver).action_bank_api_approve()
        with self.assertRaisesRegex(UserError, "is confirmed: set it back to draft"):
            order.payment_line_ids[:1].amount_currency = 1
        # Behind the application's back: the approved hash no longer fits.
        self.env.cr.execute(
            "UPDATE account_payment_line SET amount_currency = 1 WHERE id = %s",
            [order.payment_line_ids[:1].id],
        )
        order.invalidate_recordset()
        order.payment_line_ids.invalidate_recordset()
        with self.assertRaisesRegex(UserError, "changed after it was approved"):
            order.open2generated()
        self.assertEqual(order.state, "open")

    def test_refused_order_goes_back_to_draft_with_the_reason(self):
        order, _bills = self.confirmed_order()
        action = order.with_user(self.approver).action_bank_api_refuse()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.approver)
            .with_context(**action["context"])
            .create({"reason": "FV/2026/11/0002 is disputed"})
        )
        wizard.action_refuse()
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.bank_api_approval_state, "draft")
        refusal = order.bank_api_audit_ids.sorted("id")[-1]
        self.assertEqual(refusal.event, "refused")
        self.assertEqual(refusal.user_id, self.approver)
        self.assertEqual(refusal.note, "FV/2026/11/0002 is disputed")
        self.assertIn("FV/2026/11/0002 is disputed", order.message_ids[0].body)
        self.assertIn(self.preparer.partner_id, order.message_ids[0].partner_ids)

    def test_payments_groups_are_apart_from_accounting_groups(self):
        bills = self.bill(self.supplier, 1000, "FV/2026/11/0003")
        order = self.order(bills)
        with self.assertRaisesRegex(UserError, "Prepare Payments"):
            order.with_user(self.accounting_manager).draft2open()
        order.draft2open()
        with self.assertRaisesRegex(UserError, "Approve Payments"):
            order.with_user(self.accounting_manager).action_bank_api_approve()
        with self.assertRaisesRegex(UserError, "Approve Payments"):
            order.with_user(self.preparer).action_bank_api_approve()

    def test_an_order_with_a_trail_is_never_deleted(self):
        order = self.order(self.bill(self.supplier, 100, "FV/2026/11/0004"))
        with self.assertRaisesRegex(UserError, "never deleted"):
            order.unlink()

    def test_nobody_approves_by_writing_the_fields(self):
        """Over RPC any field can be written and any context passed: the
        approval fields and the white list's answers are refused to users."""
        order, _bills = self.confirmed_order()
        forged = {
            "bank_api_approval_state": "approved",
            "bank_api_approved_hash": order.bank_api_content_hash,
        }
        with self.assertRaisesRegex(UserError, "Only the approval steps"):
            order.with_user(self.preparer).write(forged)
        with self.assertRaisesRegex(UserError, "Only the approval steps"):
            order.with_user(self.preparer).with_context(
                bank_api_payment_internal=True
            ).write({"bank_api_last_changed_by_id": self.approver.id})
        with self.assertRaisesRegex(UserError, "Only the approval steps"):
            self.env["account.payment.order"].with_user(self.preparer).create(
                {"payment_mode_id": self.elixir_mode.id, **forged}
            )
        with self.assertRaisesRegex(UserError, "white list's answer"):
            order.payment_line_ids[:1].with_user(self.preparer).write(
                {"bank_api_whitelist_state": "listed"}
            )
        self.assertEqual(order.bank_api_approval_state, "to_approve")

    def test_bills_are_not_marked_paid_without_an_approved_file(self):
        order, bills = self.confirmed_order()
        with self.assertRaisesRegex(UserError, "no generated file to upload"):
            order.generated2uploaded()
        order.write({"state": "generated"})
        with self.assertRaisesRegex(UserError, "not approved"):
            order.generated2uploaded()
        self.assertEqual(set(bills.mapped("payment_state")), {"not_paid"})
        with self.assertRaisesRegex(UserError, "is confirmed"):
            order.draft2open()
