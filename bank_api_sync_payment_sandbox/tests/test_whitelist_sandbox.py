from odoo.tests import tagged

from odoo.addons.bank_api_sync_payment.tests.common import PaymentOrderCase
from odoo.addons.bank_api_sync_sandbox.core.sandbox.embedded import embedded_sandbox
from odoo.addons.bank_api_sync_sandbox.core.sandbox.whitelist import (
    SANDBOX_TAXPAYERS,
)


@tagged("post_install", "-at_install")
class TestSandboxWhiteList(PaymentOrderCase):
    """The demo's VAT white list is the stand-in the Sandbox Bank serves: an
    order paying a supplier of the sandbox's world is checked against it over
    real HTTP, and the register's answer stays on the line as proof."""

    def test_the_demo_white_list_is_served_by_the_sandbox_bank(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "bank_api_sync_payment.whitelist_url", "sandbox"
        )
        bank = embedded_sandbox()
        self.assertEqual(
            self.env["account.payment.order"]._bank_api_whitelist_url(), bank.url
        )
        nip, listed, name = SANDBOX_TAXPAYERS[0]
        _nip, elsewhere, _name = SANDBOX_TAXPAYERS[1]
        listed_supplier = self.partner(name, nip, listed)
        other_account = self.partner(name + " (2)", nip, elsewhere)
        order = self.order(
            self.bill(listed_supplier, 1000, "FV/2026/12/0001")
            | self.bill(other_account, 20000, "FV/2026/12/0002")
        )
        asked = len(bank.whitelist.requests)
        order.draft2open()
        self.assertEqual(len(bank.whitelist.requests), asked + 2)
        by_account = {
            line.partner_bank_id.sanitized_acc_number: line
            for line in order.payment_line_ids
        }
        self.assertEqual(by_account[listed].bank_api_whitelist_state, "listed")
        self.assertTrue(by_account[listed].bank_api_whitelist_request_id)
        # Not on the list for a bill above 15,000 PLN: the order stays a draft.
        self.assertEqual(by_account[elsewhere].bank_api_whitelist_state, "not_listed")
        self.assertEqual(order.state, "draft")
