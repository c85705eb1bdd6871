from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import PaymentOrderCase


@tagged("post_install", "-at_install")
class TestChecks(PaymentOrderCase):
    def assert_refused(self, order, *fragments):
        with self.assertRaises(UserError) as raised:
            order.draft2open()
        message = str(raised.exception)
        for fragment in fragments:
            self.assertIn(fragment, message)
        self.assertEqual(order.state, "draft")
        return message

    def test_every_problem_is_named_at_once(self):
        no_account = self.partner("Bez Konta Sp. z o.o.")
        bad = self.partner("Literówka S.A.", iban="PL21102028920000000000001235")
        order = self.order(
            self.bill(no_account, 100, "A/1") | self.bill(bad, 100, "B/1")
        )
        line = order.payment_line_ids.filtered(
            lambda line: line.partner_id == no_account
        )
        self.assert_refused(
            order,
            f"{line.name} (Bez Konta Sp. z o.o.): no bank account to pay to",
            "Literówka S.A.): account PL21102028920000000000001235 is not a valid IBAN",
        )

    def test_paid_bill_and_bill_in_another_order(self):
        bill = self.bill(self.supplier, 100, "FV/2026/11/0010")
        first = self.order(bill)
        second = self.order(bill)
        self.assert_refused(second, f"already in payment order {first.name}")
        self.assert_refused(first, f"already in payment order {second.name}")
        second.action_cancel()
        first.draft2open()
        first.with_user(self.approver).action_bank_api_approve()
        first.open2generated()
        first.generated2uploaded()
        third = self.order(self.bill(self.supplier, 50, "FV/2026/11/0011"))
        third.payment_line_ids.copy(
            {
                "order_id": third.id,
                "move_line_id": second.payment_line_ids.move_line_id.id,
            }
        )
        self.assert_refused(third, "bill FV/2026/11/0010 is already paid")

    def test_twice_the_same_bill_and_more_than_it_owes(self):
        bill = self.bill(self.supplier, 100, "FV/2026/11/0012")
        order = self.order(bill)
        line = order.payment_line_ids
        line.copy({"order_id": order.id})
        line.amount_currency = 500
        self.assert_refused(
            order,
            "bill FV/2026/11/0012 is already paid by line",
            "pays 500.00 but only 123.00 of bill FV/2026/11/0012 is still open",
        )

    def test_currency_of_the_debit_account(self):
        eur = self.env.ref("base.EUR")
        eur.active = True
        order = self.order(self.bill(self.supplier, 100, "FV/EUR/1", currency=eur))
        self.assert_refused(order, "pays in EUR from an account in PLN")

    def test_positive_amount_and_execution_date(self):
        order = self.order(self.bill(self.supplier, 100, "FV/2026/11/0013"))
        order.payment_line_ids.amount_currency = 0
        self.assert_refused(order, "the amount 0.00 is not positive")
        order.payment_line_ids.amount_currency = 10
        order.draft2open()
        self.clock.move_to("2026-12-03")
        with self.assertRaisesRegex(UserError, "2026-12-01 is in the past"):
            order.with_user(self.approver).action_bank_api_approve()

    def test_split_payment_line_has_its_title_and_goes_alone(self):
        bills = self.bill(
            self.supplier, 10000, "FS 123/2026", split_payment=True
        ) | self.bill(self.supplier, 100, "FV/2026/11/0014")
        order = self.order(bills)
        split = order.payment_line_ids.filtered("bank_api_split_payment")
        self.assertEqual(
            split.communication, "/VAT/2300,00/IDC/5260250274/INV/FS 123/2026"
        )
        self.assertEqual(split.bank_api_split_vat, 2300)
        self.elixir_mode.group_lines = True
        order.draft2open()
        self.assertEqual(len(order.payment_ids), 2, "a split payment is never grouped")

    def test_split_payment_without_the_suppliers_nip_or_number_is_refused(self):
        foreign = self.partner("Lieferant GmbH", iban=self.supplier.bank_ids.acc_number)
        order = self.order(self.bill(foreign, 100, "R-1", split_payment=True))
        self.assert_refused(order, "a split payment needs the supplier's Polish NIP")
        # /INV/ is the supplier's invoice number: our own never stands in.
        order = self.order(self.bill(self.supplier, 100, False, split_payment=True))
        self.assertFalse(order.payment_line_ids.communication.startswith("/VAT/"))
        self.assert_refused(order, "a split payment needs the supplier's Polish NIP")

    def test_problems_are_explained_in_the_users_language(self):
        self.env["res.lang"]._activate_lang("pl_PL")
        no_account = self.partner("Bez Konta Sp. z o.o.")
        order = self.order(self.bill(no_account, 100, "A/2"))
        order.payment_line_ids.amount_currency = 0
        with self.assertRaises(UserError) as raised:
            order.with_context(lang="pl_PL").draft2open()
        message = str(raised.exception)
        self.assertIn("nie może trafić do banku", message)
        self.assertIn("brak rachunku do zapłaty", message)
        self.assertIn("kwota 0.00 nie jest dodatnia", message)
