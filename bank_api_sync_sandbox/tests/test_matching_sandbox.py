from datetime import timedelta
from unittest.mock import patch

from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.bank_api_sync.tests.common_matching import MatchingSetup

from ..models.bank_api_sandbox_invoicer import sandbox_invoice_number
from .common import SandboxSyncCase


@tagged("post_install", "-at_install")
class TestSandboxMatching(MatchingSetup, SandboxSyncCase):
    """End to end: the Sandbox Bank's customers pay invoices that exist in
    Odoo; a sync imports the payments and reconciles them."""

    sandbox_options = {"seed": 5, "per_day": 8, "page_size": 25}
    history_days = 10

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_matching(cls.company)

    def window_start(self):
        return self.frozen_at.date() - timedelta(days=self.history_days - 1)

    def test_sync_reconciles_the_payments_of_known_invoices(self):
        invoices = self.env["bank.api.sandbox.invoicer"]._create_invoices(
            self.bank, self.accounts.mapped("resource_id"), self.window_start()
        )
        self.assertGreater(len(invoices), 10, "the sandbox pays enough invoices")
        log = self.sync()
        self.assertEqual(log.status, "success", log.message)
        self.env.invalidate_all()
        lines = self.env["account.bank.statement.line"].search(
            [("journal_id", "in", self.accounts.journal_id.ids)]
        )
        by_number = {invoice.name: invoice for invoice in invoices}
        paid_lines = lines.filtered(
            lambda line: sandbox_invoice_number(line.payment_ref) in by_number
            and line.amount > 0
        )
        self.assertEqual(len(paid_lines), len(invoices))
        automatic = paid_lines.filtered(
            lambda line: line.bank_api_reconciled_how == "auto"
        )
        # Most payments are reconciled the moment they arrive...
        self.assertGreaterEqual(len(automatic) / len(paid_lines), 0.9)
        # ... each with the invoice it quotes, which is paid.
        for line in automatic:
            invoice = by_number[sandbox_invoice_number(line.payment_ref)]
            self.assertReconciledWith(line, invoice)
        # The rest wait with the right invoice proposed first.
        for line in paid_lines - automatic:
            invoice = by_number[sandbox_invoice_number(line.payment_ref)]
            self.assertEqual(
                line.bank_api_best_proposal_id.move_ids, invoice, line.payment_ref
            )
        # Bank commissions went to the fee account.
        fees = lines.filtered(lambda line: line.transaction_type == "PMNT-MDOP-CHRG")
        self.assertTrue(fees, "the sandbox charged commissions")
        for fee in fees:
            self.assertTrue(fee.is_reconciled, fee.payment_ref)
            self.assertEqual(fee.bank_api_reconcile_model_id, self.fee_model)
        # Nothing else was reconciled automatically: supplier payments, card
        # payments and refunds wait for a person.
        others = lines - paid_lines - fees
        wrongly = others.filtered(
            lambda line: line.bank_api_reconciled_how == "auto"
            and line.bank_api_reconcile_model_id != self.fee_model
        )
        self.assertFalse(wrongly.mapped("payment_ref"))

    def test_an_accountant_clears_the_review_list_on_the_screen(self):
        """The payments the matching leaves for review, accepted one after
        the other on the reconciliation screen, from the journal's card
        (euro lines paying zloty invoices among them)."""
        self.invoice_model.auto_reconcile = False
        invoices = self.env["bank.api.sandbox.invoicer"]._create_invoices(
            self.bank, self.accounts.mapped("resource_id"), self.window_start()
        )
        self.sync()
        self.env.invalidate_all()
        by_number = {invoice.name: invoice for invoice in invoices}
        for journal in self.accounts.journal_id:
            waiting = self.env["account.bank.statement.line"].search(
                [
                    ("journal_id", "=", journal.id),
                    ("is_reconciled", "=", False),
                    ("bank_api_best_proposal_id", "!=", False),
                ]
            )
            if not waiting:
                continue
            action = journal.with_user(
                self.accountant
            ).action_bank_api_reconcile_screen()
            screen = (
                self.env["bank.api.reconcile.screen"]
                .with_user(self.accountant)
                .browse(action["res_id"])
            )
            seen = self.env["account.bank.statement.line"]
            while screen.statement_line_id.bank_api_best_proposal_id:
                line = screen.statement_line_id
                self.assertNotIn(line, seen, "the screen came back to a line")
                seen |= line
                best = screen.row_ids[:1]
                self.assertEqual(best.proposal_id, line.bank_api_best_proposal_id)
                self.assertTrue(best.reason, line.payment_ref)
                result = best.action_accept()
                self.assertTrue(line.is_reconciled, line.payment_ref)
                if result is not True:
                    self.assertEqual(result["res_model"], "account.bank.statement.line")
                    break
            self.assertEqual(seen, waiting)
            self.assertEqual(journal.bank_api_to_review_count, 0)
            for line in seen:
                invoice = by_number.get(sandbox_invoice_number(line.payment_ref))
                if invoice and line.amount > 0:
                    self.assertReconciledWith(line, invoice, how="proposal")

    def test_a_second_sync_leaves_reconciled_lines_alone(self):
        self.env["bank.api.sandbox.invoicer"]._create_invoices(
            self.bank, self.accounts.mapped("resource_id"), self.window_start()
        )
        self.sync()
        reconciled = self.env["account.bank.statement.line"].search(
            [("bank_api_reconciled_how", "=", "auto")]
        )
        self.assertTrue(reconciled)
        second = self.sync()
        self.assertEqual(second.status, "success", second.message)
        self.assertEqual(second.lines_created, 0)
        self.assertEqual(
            self.env["account.bank.statement.line"].search(
                [("bank_api_reconciled_how", "=", "auto")]
            ),
            reconciled,
        )

    def test_a_matching_failure_never_costs_the_import(self):
        matcher = type(self.env["bank.api.matcher"])
        with (
            patch.object(
                matcher, "_match_statement_lines", side_effect=RuntimeError("boom")
            ),
            mute_logger("odoo.addons.bank_api_sync.models.bank_api_matcher"),
        ):
            log = self.sync()
        self.assertEqual(log.status, "success", log.message)
        for account in self.accounts:
            self.assertLedgerComplete(account, self.window_start())
