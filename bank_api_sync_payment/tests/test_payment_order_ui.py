from odoo.tests import HttpCase, tagged

from .common import PaymentOrderCase

ORDERS = "/odoo/action-account_payment_order.account_payment_order_outbound_action"


@tagged("post_install", "-at_install")
class TestPaymentOrderUi(HttpCase, PaymentOrderCase):
    frozen_at = None  # the browser and its session live in real time

    def setUp(self):
        super().setUp()
        self.order_ = self.order(
            self.bill(self.supplier, 1000, "FV/2026/11/0050")
            | self.bill(self.supplier, 2000, "FV/2026/11/0051")
        )
        self.order_.draft2open()

    def test_the_preparer_waits_for_a_second_person(self):
        self.start_tour(
            ORDERS, "bank_api_sync_payment_preparer_waits", login="bas_pay_preparer"
        )
        self.assertEqual(self.order_.bank_api_approval_state, "to_approve")

    def test_the_approver_approves_from_the_form(self):
        self.start_tour(
            ORDERS, "bank_api_sync_payment_approver_approves", login="bas_pay_approver"
        )
        self.assertEqual(self.order_.bank_api_approval_state, "approved")
        self.assertEqual(self.order_.bank_api_approved_by_id, self.approver)
