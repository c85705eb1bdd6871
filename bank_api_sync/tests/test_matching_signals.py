from odoo import Command
from odoo.tests import tagged

from ..core.matching import rf_check_digits
from .common_matching import BankApiMatchingCase


@tagged("post_install", "-at_install")
class TestMatchingSignals(BankApiMatchingCase):
    """Each signal of the engine, end to end: invoices in Odoo, a bank line,
    Match Now, the invoice paid (or the proposal waiting)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.kowalski = cls.partner(
            "Kowalski i Syn Sp. z o.o.",
            iban="PL61109010140000071219812874",
            vat="PL5260250274",
        )
        cls.nowak = cls.partner("Nowak PHU", iban="PL27114020040000300201355387")

    def test_invoice_number_in_the_title_however_written(self):
        titles = [
            "FV/2026/11/0012",
            "fv 2026-11-13",
            "Faktura nr FV2026110014",
            "zapłata FV 2026/11/15 dziękujemy",
            "Przelew za fakturę FV-2026-11-0016",
        ]
        for position, title in enumerate(titles):
            invoice = self.invoice(
                self.kowalski, 100 + position, number=f"FV/2026/11/{12 + position:04d}"
            )
            line = self.bank_line(100 + position, title)
            stats = self.match(line)
            self.assertEqual(stats["auto"], 1, title)
            self.assertReconciledWith(line, invoice)
            self.assertEqual(invoice.payment_state, "paid")
            self.assertEqual(line.partner_id, self.kowalski)

    def test_a_signal_switched_off_on_the_model_is_not_used(self):
        # Nowak has a second open invoice of the same amount: without the
        # invoice number, nothing tells the two apart.
        invoice = self.invoice(self.nowak, 230.0, number="FV/2026/11/0201")
        self.invoice(self.nowak, 230.0, number="FV/2026/11/0202")
        self.invoice_model.bank_api_use_invoice_number = False
        line = self.bank_line(230.0, "Zapłata FV/2026/11/0201")
        stats = self.match(line)
        self.assertEqual(stats["auto"], 0)
        self.assertNotReconciled(line, invoice)
        for proposal in line.bank_api_proposal_ids:
            self.assertNotIn("invoice_number", proposal.signals or "")
        self.invoice_model.bank_api_use_invoice_number = True
        self.match(line)
        self.assertReconciledWith(line, invoice)

    def test_invoice_number_cut_by_the_banks_line_wrapping(self):
        invoice = self.invoice(self.nowak, 410.0, number="FV/2026/11/0101")
        line = self.bank_line(410.0, "Zapłata za fakturę FV/2026/1\n1/0101")
        self.match(line)
        self.assertReconciledWith(line, invoice)

    def test_payment_reference(self):
        invoice = self.invoice(self.nowak, 777.0, payment_reference="ZAM-2026-4471")
        line = self.bank_line(777.0, "Zamówienie ZAM-2026-4471, dziękujemy")
        self.match(line)
        self.assertReconciledWith(line, invoice)

    def test_vendor_bill_number_pays_the_bill(self):
        bill = self.invoice(
            self.nowak,
            2150.0,
            move_type="in_invoice",
            ref="FA/118/11/2026",
        )
        line = self.bank_line(-2150.0, "Faktura FA/118/11/2026")
        self.match(line)
        self.assertReconciledWith(line, bill)

    def test_split_payment_title_records_the_vat_part(self):
        invoice = self.invoice(self.kowalski, 1230.0, number="FV/2026/11/0031")
        line = self.bank_line(
            1230.0, "/VAT/230,00/IDC/7010203056/INV/FV/2026/11/0031/TXT/Zapłata"
        )
        self.match(line)
        self.assertReconciledWith(line, invoice)
        self.assertEqual(line.bank_api_split_vat_amount, 230.0)
        self.assertEqual(line.bank_api_split_nip, "7010203056")
        self.assertEqual(line.bank_api_split_invoice, "FV/2026/11/0031")

    def test_split_payment_vat_is_shown_on_the_proposal(self):
        self.invoice(self.kowalski, 2460.0, number="FV/2026/11/0032")
        line = self.bank_line(
            2000.0, "/VAT/460,00/IDC/7010203056/INV/FV/2026/11/0032/TXT/część"
        )
        self.match(line)
        self.assertFalse(line.is_reconciled, "a partial payment waits for a person")
        proposal = line.bank_api_best_proposal_id
        self.assertEqual(proposal.kind, "partial")
        self.assertEqual(proposal.split_vat_amount, 460.0)
        self.assertEqual(line.bank_api_split_vat_amount, 460.0)

    def test_rf_creditor_reference(self):
        body = "539007547034"
        reference = f"RF{rf_check_digits(body)}{body}"
        printed = " ".join(reference[i : i + 4] for i in range(0, len(reference), 4))
        invoice = self.invoice(self.nowak, 99.99, payment_reference=printed)
        line = self.bank_line(99.99, f"Płatność {printed}")
        self.match(line)
        self.assertReconciledWith(line, invoice)

    def test_virtual_account_restricts_the_match_to_its_customer(self):
        customer = self.partner(
            "Wiśniewska Handel", virtual_account="PL83 1090 1014 0000 0712 1234 5678"
        )
        invoice = self.invoice(customer, 640.0)
        self.invoice(self.nowak, 640.0)  # same amount, another customer
        line = self.bank_line(
            640.0,
            "Zapłata",
            transaction_details={
                "creditorAccount": {"iban": "PL83109010140000071212345678"}
            },
        )
        self.assertEqual(
            line.bank_api_receiving_account, "PL83109010140000071212345678"
        )
        self.match(line)
        self.assertReconciledWith(line, invoice)
        self.assertEqual(line.partner_id, customer)

    def test_payers_iban_and_amount_waits_below_the_threshold(self):
        invoice = self.invoice(self.nowak, 512.5)
        line = self.bank_line(
            512.5, "przelew środków", account_number="PL27114020040000300201355387"
        )
        self.match(line)
        self.assertNotReconciled(line, invoice)
        proposal = line.bank_api_best_proposal_id
        self.assertEqual(proposal.allocation_ids.move_id, invoice)
        self.assertIn("counterparty_iban", proposal.signals)
        self.assertLess(proposal.confidence, self.invoice_model.bank_api_auto_threshold)
        # The accountant trusts the payer's account more: a lower threshold.
        self.invoice_model.bank_api_auto_threshold = 0.85
        self.match(line)
        self.assertReconciledWith(line, invoice)

    def test_amount_and_partner_within_the_date_window(self):
        self.invoice_model.bank_api_date_window_days = 15
        old = self.invoice(
            self.kowalski,
            300.0,
            invoice_date="2026-08-03",
            invoice_date_due="2026-08-03",
        )
        recent = self.invoice(self.kowalski, 450.0, invoice_date="2026-11-10")
        too_old = self.bank_line(300.0, "Zapłata", partner_id=self.kowalski.id)
        within = self.bank_line(450.0, "Zapłata", partner_id=self.kowalski.id)
        self.match(too_old, within)
        self.assertFalse(too_old.bank_api_proposal_ids, "outside the window")
        self.assertEqual(
            within.bank_api_best_proposal_id.allocation_ids.move_id, recent
        )
        self.assertEqual(old.payment_state, "not_paid")

    def test_several_invoices_quoted_in_one_payment(self):
        first = self.invoice(self.kowalski, 120.0, number="FV/2026/11/0041")
        second = self.invoice(self.kowalski, 80.5, number="FV/2026/11/0042")
        line = self.bank_line(200.5, "Faktury FV/2026/11/0041 i FV/2026/11/0042")
        self.match(line)
        self.assertReconciledWith(line, first, second)

    def test_several_unquoted_invoices_of_the_payer_are_proposed(self):
        first = self.invoice(self.nowak, 100.0, invoice_date="2026-11-01")
        second = self.invoice(self.nowak, 250.0, invoice_date="2026-11-03")
        self.invoice(self.nowak, 999.0, invoice_date="2026-11-04")
        line = self.bank_line(
            350.0, "Zapłata za faktury", account_number="PL27114020040000300201355387"
        )
        self.match(line)
        self.assertNotReconciled(line, first, second)
        proposal = line.bank_api_best_proposal_id
        self.assertEqual(proposal.kind, "invoices")
        self.assertEqual(proposal.move_ids, first | second)
        proposal.action_accept()
        self.assertReconciledWith(line, first, second, how="proposal")

    def test_partial_payment(self):
        invoice = self.invoice(self.kowalski, 1000.0, number="FV/2026/11/0051")
        line = self.bank_line(400.0, "FV/2026/11/0051 rata 1")
        self.match(line)
        self.assertNotReconciled(line, invoice)
        self.assertEqual(line.bank_api_best_proposal_id.kind, "partial")
        # Partial payments may be automatic when the model says so (they are
        # less sure than a full payment: a lower threshold too).
        self.invoice_model.bank_api_auto_partial = True
        self.invoice_model.bank_api_auto_threshold = 0.7
        self.match(line)
        self.assertTrue(line.is_reconciled)
        self.assertEqual(line.bank_api_reconciled_how, "auto")
        self.assertEqual(invoice.payment_state, "partial")
        self.assertAlmostEqual(invoice.amount_residual, 600.0)

    def test_small_difference_is_written_off_within_tolerance(self):
        invoice = self.invoice(self.kowalski, 1000.0, number="FV/2026/11/0061")
        line = self.bank_line(999.5, "FV/2026/11/0061")
        self.match(line)
        self.assertReconciledWith(line, invoice)
        write_off = line.move_id.line_ids.filtered(
            lambda item: item.account_id == self.write_off_account
        )
        self.assertAlmostEqual(write_off.debit, 0.5)
        self.assertEqual(invoice.payment_state, "paid")

    def test_payment_in_another_currency(self):
        eur = self.env.ref("base.EUR")
        eur.active = True
        self.env["res.currency.rate"].create(
            {"name": "2026-11-01", "rate": 0.9, "currency_id": eur.id}
        )
        invoice = self.invoice(
            self.kowalski, 200.0, number="FV/2026/11/0071", currency=eur
        )
        line = self.bank_line(
            225.0,
            "Payment FV/2026/11/0071 (EUR 200.00)",
            foreign_currency_id=eur.id,
            amount_currency=200.0,
        )
        self.match(line)
        self.assertReconciledWith(line, invoice)
        self.assertEqual(invoice.payment_state, "paid")
        self.assertFalse(
            invoice.line_ids.filtered("reconciled").amount_residual_currency
        )

    def test_an_invoice_in_installments_paid_whole_or_one_at_a_time(self):
        term = self.env["account.payment.term"].create(
            {
                "name": "30% now, 70% in 30 days",
                "line_ids": [
                    Command.create(
                        {"value": "percent", "value_amount": 30.0, "nb_days": 0}
                    ),
                    Command.create(
                        {"value": "percent", "value_amount": 70.0, "nb_days": 30}
                    ),
                ],
            }
        )
        whole = self.invoice(
            self.kowalski,
            1000.0,
            number="FV/2026/11/0081",
            invoice_payment_term_id=term.id,
        )
        in_parts = self.invoice(
            self.nowak,
            2000.0,
            number="FV/2026/11/0082",
            invoice_payment_term_id=term.id,
        )
        self.assertEqual(len(in_parts.line_ids.filtered("date_maturity")), 2)
        paid_whole = self.bank_line(1000.0, "Faktura FV/2026/11/0081")
        first_part = self.bank_line(600.0, "Zaliczka FV/2026/11/0082")

        stats = self.match(paid_whole, first_part)

        self.assertEqual(stats["auto"], 2)
        self.assertReconciledWith(paid_whole, whole)
        self.assertEqual(whole.payment_state, "paid")
        self.assertTrue(first_part.is_reconciled)
        self.assertEqual(in_parts.payment_state, "partial")
        self.assertAlmostEqual(in_parts.amount_residual, 1400.0)
        due_first = in_parts.line_ids.filtered("date_maturity").sorted("date_maturity")
        self.assertTrue(due_first[0].reconciled)
        self.assertFalse(due_first[1].reconciled)

    def early_discount_invoice(self, partner, number, invoice_date, currency=None):
        """100.00 + 23% VAT, 2% off within 10 days ('included': the discount
        takes its VAT back)."""
        tax = self.env["account.tax"].search([("name", "=", "VAT 23% (EPD)")])
        tax = tax or self.env["account.tax"].create(
            {"name": "VAT 23% (EPD)", "amount": 23.0, "type_tax_use": "sale"}
        )
        term = self.env["account.payment.term"].search(
            [("name", "=", "2% within 10 days, net 30")]
        ) or self.env["account.payment.term"].create(
            {
                "name": "2% within 10 days, net 30",
                "early_discount": True,
                "discount_percentage": 2.0,
                "discount_days": 10,
                "early_pay_discount_computation": "included",
                "line_ids": [
                    Command.create(
                        {"value": "percent", "value_amount": 100.0, "nb_days": 30}
                    )
                ],
            }
        )
        invoice = self.invoice(
            partner,
            100.0,
            number=number,
            invoice_date=invoice_date,
            invoice_payment_term_id=term.id,
            currency=currency,
        )
        invoice.button_draft()
        invoice.invoice_line_ids.tax_ids = tax
        invoice.action_post()
        return invoice

    def assertEarlyDiscountPosted(self, line):
        discount = line.move_id.line_ids.filtered(
            lambda item: item.display_type == "epd"
        )
        self.assertAlmostEqual(sum(discount.mapped("balance")), 2.46)
        tax_back = discount.filtered("tax_line_id")
        self.assertEqual(tax_back.tax_line_id.name, "VAT 23% (EPD)")
        self.assertAlmostEqual(tax_back.balance, 0.46)
        self.assertEqual(discount.filtered("tax_ids").tax_ids, tax_back.tax_line_id)

    def test_paid_in_time_for_the_early_payment_discount(self):
        invoice = self.early_discount_invoice(
            self.kowalski, "FV/2026/11/0091", "2026-11-16"
        )
        self.assertEqual(invoice.amount_total, 123.0)
        late = self.early_discount_invoice(self.nowak, "FV/2026/11/0092", "2026-11-01")
        in_time = self.bank_line(120.54, "Zapłata FV/2026/11/0091", date="2026-11-20")
        too_late = self.bank_line(120.54, "Zapłata FV/2026/11/0092", date="2026-11-20")

        self.match(in_time, too_late)

        self.assertReconciledWith(in_time, invoice)
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEarlyDiscountPosted(in_time)
        # Ten days after the invoice date the discount is gone: a partial payment.
        self.assertNotReconciled(too_late, late)
        self.assertEqual(
            too_late.bank_api_proposal_ids.sorted("rank")[:1].kind, "partial"
        )

    def test_a_euro_invoice_paid_in_time_in_euro_takes_its_discount(self):
        """From a euro account, or from a zloty account the bank credits with
        the euro amount: the payer paid in the invoice's currency."""
        eur = self.env.ref("base.EUR")
        eur.active = True
        # 4.00 PLN a euro when invoiced, 4.20 when paid.
        self.env["res.currency.rate"].create(
            [
                {"name": "2026-11-01", "rate": 0.25, "currency_id": eur.id},
                {"name": "2026-11-19", "rate": 1 / 4.2, "currency_id": eur.id},
            ]
        )
        euro_bank = self.env["account.journal"].create(
            {"name": "Euro Bank", "type": "bank", "code": "BEUR", "currency_id": eur.id}
        )
        from_euro_account = self.early_discount_invoice(
            self.kowalski, "FV/2026/11/0094", "2026-11-16", currency=eur
        )
        credited_in_euro = self.early_discount_invoice(
            self.nowak, "FV/2026/11/0095", "2026-11-16", currency=eur
        )
        euro_line = self.bank_line(
            120.54, "Zapłata FV/2026/11/0094", journal=euro_bank, date="2026-11-20"
        )
        zloty_line = self.bank_line(
            506.27,
            "Zapłata FV/2026/11/0095",
            date="2026-11-20",
            foreign_currency_id=eur.id,
            amount_currency=120.54,
        )

        stats = self.match(euro_line, zloty_line)

        self.assertEqual(stats["auto"], 2)
        for line, invoice in (
            (euro_line, from_euro_account),
            (zloty_line, credited_in_euro),
        ):
            self.assertReconciledWith(line, invoice)
            self.assertEqual(invoice.payment_state, "paid", invoice.name)
            receivable = invoice.line_ids.filtered("date_maturity")
            self.assertTrue(receivable.reconciled, invoice.name)
            self.assertFalse(receivable.amount_residual, invoice.name)
            discount = line.move_id.line_ids.filtered(
                lambda item: item.display_type == "epd"
            )
            self.assertEqual(discount.currency_id, eur)
            self.assertAlmostEqual(sum(discount.mapped("amount_currency")), 2.46)
            # In zloty at the payment's rate, like the rest of the entry.
            self.assertAlmostEqual(sum(discount.mapped("balance")), 10.33)
            tax_back = discount.filtered("tax_line_id")
            self.assertAlmostEqual(tax_back.amount_currency, 0.46)
            # The euro's rise since the invoice is booked as Odoo books it.
            exchange = receivable.matched_credit_ids.exchange_move_id
            self.assertTrue(exchange, invoice.name)

    def test_an_early_discount_accepted_by_hand_is_posted_the_same_way(self):
        self.invoice_model.auto_reconcile = False
        invoice = self.early_discount_invoice(
            self.kowalski, "FV/2026/11/0093", "2026-11-16"
        )
        line = self.bank_line(120.54, "Zapłata FV/2026/11/0093", date="2026-11-20")

        self.match(line)

        self.assertNotReconciled(line, invoice)
        proposal = line.bank_api_best_proposal_id
        self.assertAlmostEqual(proposal.early_discount_amount, 2.46)
        self.assertIn("early payment discount", proposal.reason)
        proposal.with_user(self.accountant).action_accept()
        self.assertReconciledWith(line, invoice, how="proposal")
        self.assertEarlyDiscountPosted(line)
