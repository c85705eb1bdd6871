from decimal import Decimal

from odoo import Command
from odoo.tests import tagged

from ..models.bank_api_reconciler import PlannedAllocation, ReconcilePlan
from .common_matching import BankApiMatchingCase


@tagged("post_install", "-at_install")
class TestReconciledEntries(BankApiMatchingCase):
    """The bank entry after automatic reconciliation is the one Odoo's own
    editing makes, however the reconciler writes it in bulk."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        germany = cls.env.ref("base.de")
        cls.german_position = cls.env["account.fiscal.position"].create(
            {"name": "Intra-EU (DE)", "auto_apply": True, "country_id": germany.id}
        )
        cls.mueller = cls.partner("Müller GmbH", iban="DE89370400440532013000")
        cls.mueller.country_id = germany
        cls.nowak = cls.partner("Nowak PHU", iban="PL27114020040000300201355387")

    def test_the_partner_found_is_set_as_odoo_sets_it(self):
        german = self.invoice(self.mueller, 310.0, number="FV/2026/11/0310")
        polish = self.invoice(self.nowak, 320.0, number="FV/2026/11/0320")
        german_line = self.bank_line(310.0, "Rechnung FV/2026/11/0310")
        polish_line = self.bank_line(320.0, "Zapłata FV/2026/11/0320")
        # The same partner set on a line by hand, the way Odoo does it.
        by_hand = self.bank_line(310.0, "Rechnung")
        by_hand.partner_id = self.mueller
        self.env.invalidate_all()

        stats = self.match(german_line, polish_line)

        self.assertEqual(stats["auto"], 2)
        self.assertReconciledWith(german_line, german)
        self.assertReconciledWith(polish_line, polish)
        self.assertEqual(polish_line.move_id.partner_id, self.nowak)
        # Looked up once per partner in a batch, never the other's answer.
        self.assertFalse(polish_line.move_id.fiscal_position_id)
        entry = german_line.move_id
        self.assertEqual(german_line.partner_id, self.mueller)
        self.assertEqual(entry.fiscal_position_id, self.german_position)
        for field in (
            "partner_id",
            "commercial_partner_id",
            "fiscal_position_id",
            "partner_bank_id",
        ):
            self.assertEqual(entry[field], by_hand.move_id[field], field)
        liquidity = german_line._seek_for_lines()[0]
        self.assertEqual(liquidity.partner_id, self.mueller)
        self.assertEqual(entry.line_ids.partner_id, self.mueller)

    def test_a_payment_of_one_invoice_becomes_its_counterpart(self):
        """The suspense item of a line paying one invoice in full is rewritten
        in place, automatically or when a person accepts a part payment: the
        entry ends with the bank item and one counterpart on the invoice's
        account, for its partner, balanced, without taxes."""
        invoice = self.invoice(self.nowak, 370.0, number="FV/2026/11/0370")
        partly = self.invoice(self.mueller, 500.0, number="FV/2026/11/0500")
        line = self.bank_line(370.0, "Zapłata FV/2026/11/0370")
        part = self.bank_line(200.0, "Rechnung FV/2026/11/0500 Teilzahlung")
        suspense_account = self.journal.suspense_account_id

        self.match(line, part)
        # A part payment waits for a person, who accepts it.
        self.assertNotReconciled(part)
        part.action_bank_api_accept_best()
        self.env.invalidate_all()

        self.assertReconciledWith(line, invoice)
        self.assertTrue(part.is_reconciled)
        self.assertEqual(part.bank_api_reconciled_how, "proposal")
        receivable = invoice.line_ids.filtered(
            lambda item: item.display_type == "payment_term"
        )
        for bank_line, partner, amount in (
            (line, self.nowak, 370.0),
            (part, self.mueller, 200.0),
        ):
            liquidity, suspense, others = bank_line._seek_for_lines()
            self.assertFalse(suspense)
            self.assertNotIn(suspense_account, bank_line.move_id.line_ids.account_id)
            self.assertEqual(len(others), 1)
            self.assertEqual(others.account_id, receivable.account_id)
            self.assertEqual(others.partner_id, partner)
            self.assertEqual(others.name, bank_line.payment_ref)
            self.assertFalse(others.tax_ids)
            self.assertAlmostEqual(others.balance, -amount)
            self.assertAlmostEqual(liquidity.balance, amount)
        self.assertEqual(partly.payment_state, "partial")
        self.assertAlmostEqual(partly.amount_residual, 300.0)

    def test_a_fee_titled_like_its_models_label_is_posted_to_the_fee_account(self):
        # The bank's title is the label the fee item takes: the entry still
        # gets the model's fee item, not a rewritten suspense item.
        fee = self.bank_line(-9.0, "Bank fee prowizja")
        self.fee_model.line_ids.label = "Bank fee prowizja"
        invoice = self.invoice(self.nowak, 380.0, number="FV/2026/11/0380")
        paid = self.bank_line(380.0, "Zapłata FV/2026/11/0380")

        stats = self.match(fee, paid)

        self.assertEqual(stats["fees"], 1)
        self.assertTrue(fee.is_reconciled)
        fee_item = fee._seek_for_lines()[2]
        self.assertEqual(fee_item.account_id, self.fee_account)
        self.assertEqual(fee_item.name, "Bank fee prowizja")
        self.assertAlmostEqual(fee_item.debit, 9.0)
        self.assertReconciledWith(paid, invoice)

    def test_with_an_audit_trail_the_entry_logs_its_new_partner(self):
        self.company.check_account_audit_trail = True
        invoice = self.invoice(self.nowak, 330.0, number="FV/2026/11/0330")
        line = self.bank_line(330.0, "Zapłata FV/2026/11/0330")

        self.env["bank.api.matcher"].with_context(
            tracking_disable=False
        )._match_statement_lines(line)
        self.env.invalidate_all()

        self.assertReconciledWith(line, invoice)
        self.assertEqual(line.move_id.partner_id, self.nowak)
        logged = line.move_id.message_ids.tracking_value_ids.filtered(
            lambda value: value.field_id.name == "partner_id"
        )
        self.assertEqual(logged.new_value_char, self.nowak.display_name)

    def test_analytic_distribution_models_apply_to_each_partner(self):
        plan = self.env["account.analytic.plan"].create({"name": "Regions"})
        germany = self.env["account.analytic.account"].create(
            {"name": "DACH", "plan_id": plan.id}
        )
        self.env["account.analytic.distribution.model"].create(
            {
                "partner_id": self.mueller.id,
                "analytic_distribution": {str(germany.id): 100},
            }
        )
        first = self.invoice(self.mueller, 340.0, number="FV/2026/11/0340")
        second = self.invoice(self.mueller, 350.0, number="FV/2026/11/0350")
        polish = self.invoice(self.nowak, 360.0, number="FV/2026/11/0360")
        lines = [
            self.bank_line(340.0, "FV/2026/11/0340"),
            self.bank_line(350.0, "FV/2026/11/0350"),
            self.bank_line(360.0, "FV/2026/11/0360"),
        ]

        self.match(*lines)

        for line, invoice in zip(lines, (first, second, polish), strict=True):
            self.assertReconciledWith(line, invoice)
        receivable = first.line_ids.account_id.filtered(
            lambda account: account.account_type == "asset_receivable"
        )
        for line in lines[:2]:
            counterpart = line.move_id.line_ids.filtered(
                lambda item: item.account_id == receivable
            )
            self.assertEqual(counterpart.analytic_distribution, {str(germany.id): 100})
        polish_counterpart = lines[2].move_id.line_ids.filtered(
            lambda item: item.account_id == receivable
        )
        self.assertFalse(polish_counterpart.analytic_distribution)

    def test_the_invoice_keeps_its_own_lines(self):
        """Odoo's invoice sync is skipped while reconciling (it would only
        recompute every invoice to find nothing changed): an invoice with
        taxes, an early payment discount and its lines computed by Odoo
        comes out paid, its lines as they were."""
        term = self.env["account.payment.term"].create(
            {
                "name": "30 days, 2% within 10",
                "early_discount": True,
                "discount_percentage": 2.0,
                "discount_days": 10,
                "early_pay_discount_computation": "mixed",
                "line_ids": [
                    Command.create(
                        {"value": "percent", "value_amount": 100.0, "nb_days": 30}
                    )
                ],
            }
        )
        tax = self.env["account.tax"].create(
            {"name": "VAT 23%", "amount": 23.0, "type_tax_use": "sale"}
        )
        invoice = self.invoice(
            self.nowak,
            100.0,
            number="FV/2026/11/0350",
            invoice_payment_term_id=term.id,
        )
        invoice.button_draft()
        invoice.invoice_line_ids.tax_ids = tax
        invoice.action_post()
        fields = [
            "display_type",
            "account_id",
            "balance",
            "amount_currency",
            "date_maturity",
            "discount_date",
            "discount_balance",
            "tax_line_id",
        ]
        before = invoice.line_ids.read(fields)
        self.assertIn("epd", invoice.line_ids.mapped("display_type"))
        # 'Mixed': the tax is on the discounted base, 23% of 98.00.
        self.assertEqual(invoice.amount_total, 122.54)
        line = self.bank_line(122.54, "Zapłata FV/2026/11/0350")

        self.match(line)

        self.assertReconciledWith(line, invoice)
        self.assertEqual(invoice.line_ids.read(fields), before)
        self.assertEqual(invoice.amount_residual, 0.0)
        self.assertFalse(line.move_id.line_ids.filtered("tax_line_id"))

    def test_write_offs_and_fees_take_the_models_taxes_not_the_accounts(self):
        """Odoo gives a journal item the default taxes of its account; a
        reconciliation model's counterpart says which taxes apply (none here),
        as in Odoo's own reconciliation. Without it, a write-off to an account
        with a default tax would carry a tax base without its tax."""
        default_tax = self.env["account.tax"].create(
            {"name": "Default VAT 23%", "amount": 23.0, "type_tax_use": "purchase"}
        )
        (self.write_off_account | self.fee_account).tax_ids = default_tax
        invoice = self.invoice(self.nowak, 360.0, number="FV/2026/11/0360")
        paid_short = self.bank_line(359.5, "Zapłata FV/2026/11/0360")
        fee = self.bank_line(-12.0, "Prowizja za przelew")

        self.match(paid_short, fee)

        self.assertReconciledWith(paid_short, invoice)
        self.assertTrue(fee.is_reconciled)
        for line in (paid_short, fee):
            items = line.move_id.line_ids
            self.assertFalse(items.tax_ids, line.payment_ref)
            self.assertFalse(items.filtered("tax_line_id"), line.payment_ref)
        write_off = paid_short.move_id.line_ids.filtered(
            lambda item: item.account_id == self.write_off_account
        )
        self.assertAlmostEqual(write_off.debit, 0.5)

    def test_a_partly_reconciled_line_is_left_to_whoever_began_it(self):
        """A line with a counterpart already (one invoice settled by hand,
        the rest still on the suspense account) is not matched again, nor its
        other invoice paid: only lines with nothing but their bank and
        suspense items are."""
        first = self.invoice(self.nowak, 300.0, number="FV/2026/11/0301")
        second = self.invoice(self.nowak, 200.0, number="FV/2026/11/0302")
        line = self.bank_line(500.0, "Zapłata FV/2026/11/0301 FV/2026/11/0302")
        untouched = self.bank_line(200.0, "Zapłata FV/2026/11/0302")
        receivable = first.line_ids.filtered("date_maturity")
        plan = ReconcilePlan(
            partner_id=self.nowak.id,
            allocations=[
                PlannedAllocation(
                    move_line=receivable,
                    amount=Decimal("300.00"),
                    amount_currency=Decimal("300.00"),
                    closes=True,
                )
            ],
            keep_open=True,
        )
        self.env["bank.api.reconciler"]._reconcile(line, plan, "manual")
        self.env.invalidate_all()
        self.assertFalse(line.is_reconciled)
        self.assertTrue(line._seek_for_lines()[2])

        stats = self.match(line, untouched)

        self.assertEqual(stats["lines"], 1)
        self.assertReconciledWith(untouched, second)
        self.assertIn(first.payment_state, ("paid", "in_payment"))
        # The part settled by hand stays as it was, the rest open.
        self.assertFalse(line.is_reconciled)
        self.assertEqual(len(line._seek_for_lines()[2]), 1)
