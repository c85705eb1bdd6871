from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import LISTED_IBAN, UNLISTED_IBAN, PaymentOrderCase


@tagged("post_install", "-at_install")
class TestWhiteList(PaymentOrderCase):
    def test_listed_account_keeps_the_request_id_as_proof(self):
        order = self.order(self.bill(self.supplier, 20000, "FV/2026/11/0020"))
        order.draft2open()
        line = order.payment_line_ids
        self.assertEqual(line.bank_api_whitelist_state, "listed")
        check = line.bank_api_whitelist_check_id
        self.assertTrue(check.assigned)
        self.assertEqual(line.bank_api_whitelist_request_id, check.request_id)
        self.assertEqual(check.account, LISTED_IBAN[2:])
        self.assertEqual(str(line.bank_api_whitelist_date), "2026-12-01")
        self.assertEqual(self.register.requests[-1][1], {"date": "2026-12-01"})

    def test_unlisted_account_above_15000_pln_blocks_the_order(self):
        order = self.order(self.bill(self.unlisted, 13000, "FV/2026/11/0021"))
        action = order.draft2open()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn("not on the VAT white list", action["params"]["message"])
        self.assertEqual(order.state, "draft")
        line = order.payment_line_ids
        self.assertTrue(line.bank_api_whitelist_blocked)
        self.assertTrue(line.bank_api_whitelist_request_id, "the NIE is proved too")
        self.assertEqual(order.bank_api_blocked_count, 1)

    def test_unlisted_account_below_the_threshold_is_paid(self):
        order = self.order(self.bill(self.unlisted, 1000, "FV/2026/11/0022"))
        order.draft2open()
        self.assertEqual(order.state, "open")
        line = order.payment_line_ids
        self.assertEqual(line.bank_api_whitelist_state, "not_listed")
        self.assertFalse(line.bank_api_whitelist_blocked)

    def test_a_bill_paid_in_parts_counts_whole(self):
        """The threshold is the transaction's value: a 20,000 bill paid 1,000
        at a time is above it."""
        order = self.order(self.bill(self.unlisted, 16260.17, "FV/2026/11/0023"))
        order.payment_line_ids.amount_currency = 1000
        order.draft2open()
        self.assertTrue(order.payment_line_ids.bank_api_whitelist_blocked)

    def test_only_a_payment_administrator_overrides_and_it_is_recorded(self):
        order = self.order(self.bill(self.unlisted, 13000, "FV/2026/11/0024"))
        order.draft2open()
        line = order.payment_line_ids
        with self.assertRaisesRegex(UserError, "Only payment administrators"):
            line.with_user(self.preparer).bank_api_whitelist_override = "trust me"
        line.with_user(self.manager).bank_api_whitelist_override = "ZAW-NR filed"
        self.assertFalse(line.bank_api_whitelist_blocked)
        self.assertEqual(self.events(order)[-1], "whitelist_override")
        self.assertIn("ZAW-NR filed", order.bank_api_audit_ids.sorted("id")[-1].note)
        order.draft2open()
        self.assertEqual(order.state, "open")

    def test_the_register_is_asked_once_per_account_and_day(self):
        bills = [
            self.bill(self.supplier, 100 + n, f"FV/2026/11/01{n}") for n in range(3)
        ]
        first = self.order(bills[0] | bills[1])
        first.write({"date_prefered": "fixed", "date_scheduled": "2026-12-04"})
        first.draft2open()
        self.order(bills[2]).draft2open()
        self.assertEqual(len(self.register.requests), 1)
        first.with_user(self.approver).action_bank_api_approve()
        # Sent the next day: the list is asked again, for that day.
        self.clock.move_to("2026-12-02 09:00")
        first.open2generated()
        self.assertEqual(len(self.register.requests), 2)
        self.assertEqual(self.register.requests[-1][1], {"date": "2026-12-02"})
        self.assertEqual(
            set(first.payment_line_ids.mapped("bank_api_whitelist_date")),
            {first.payment_line_ids[0].date.replace(day=2)},
        )

    def test_a_register_that_cannot_answer_stops_the_order(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "bank_api_sync_payment.whitelist_url", "http://127.0.0.1:9"
        )
        order = self.order(self.bill(self.unlisted, 100, "FV/2026/11/0025"))
        action = order.draft2open()
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn("white list cannot be reached", action["params"]["message"])
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.payment_line_ids.bank_api_whitelist_state, "not_checked")

    def test_answers_before_the_register_stopped_are_kept(self):
        """The register's daily limit runs out half-way: the answers it gave
        are proofs (and used the limit), so they stay; the order waits."""
        self.register.daily_limit = 1
        order = self.order(
            self.bill(self.supplier, 100, "FV/2026/11/0026")
            | self.bill(self.unlisted, 100, "FV/2026/11/0027")
        )
        action = order.draft2open()
        self.assertIn("WL-191", action["params"]["message"])
        self.assertEqual(order.state, "draft")
        states = order.payment_line_ids.sorted("id").mapped("bank_api_whitelist_state")
        self.assertEqual(states, ["listed", "not_checked"])
        checks = self.env["bank.api.whitelist.check"].search([])
        self.assertEqual(len(checks), 1)
        self.register.daily_limit = 5000
        order.draft2open()
        self.assertEqual(order.state, "open")
        self.assertEqual(len(self.register.requests), 3, "the first answer is reused")

    def test_payee_without_polish_nip_is_not_applicable(self):
        foreign = self.partner("Lieferant GmbH", iban=UNLISTED_IBAN, country="base.de")
        order = self.order(self.bill(foreign, 20000, "R-2"))
        order.draft2open()
        self.assertEqual(
            order.payment_line_ids.bank_api_whitelist_state, "not_applicable"
        )
