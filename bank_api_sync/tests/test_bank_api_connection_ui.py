from odoo.tests import HttpCase, tagged

from .common import BankApiSyncCase
from .common_matching import BankApiMatchingCase


@tagged("post_install", "-at_install")
class TestBankApiConnectionUi(HttpCase, BankApiSyncCase):
    def test_manager_opens_connections_from_the_configuration_menu(self):
        self.start_tour(
            "/odoo", "bank_api_sync_connection_menu", login="bas_account_manager"
        )

    def test_accountant_opens_the_connections_action_read_only(self):
        self.start_tour(
            "/odoo/bank-connections",
            "bank_api_sync_connection_readonly",
            login="bas_accountant",
        )


@tagged("post_install", "-at_install")
class TestBankLinesToReviewUi(HttpCase, BankApiMatchingCase):
    def test_an_accountant_accepts_a_proposal_from_the_review_list(self):
        partner = self.partner("Lis i Wspólnicy", iban="PL10105000997603123456789123")
        invoice = self.invoice(partner, 812.5, number="FV/2026/11/0301")
        line = self.bank_line(
            800.0,
            "Zaliczka za zamówienie FV/2026/11/0301",
            account_number="PL10105000997603123456789123",
        )
        self.match(line)
        self.assertFalse(line.is_reconciled)
        self.assertEqual(line.bank_api_best_proposal_id.move_ids, invoice)
        self.start_tour(
            "/odoo", "bank_api_sync_accept_a_proposal", login="bas_accountant"
        )
        self.assertTrue(line.is_reconciled)
        self.assertEqual(line.bank_api_reconciled_how, "proposal")
        self.assertEqual(invoice.payment_state, "partial")

    def test_an_accountant_accepts_many_proposals_from_the_action_menu(self):
        self.invoice_model.auto_reconcile = False
        partner = self.partner("Lis i Wspólnicy", iban="PL10105000997603123456789123")
        invoices = [
            self.invoice(partner, 700.0 + index, number=f"FV/2026/11/070{index}")
            for index in (1, 2)
        ]
        lines = [
            self.bank_line(
                700.0 + index, f"Zamówienie 700{index}, FV/2026/11/070{index}"
            )
            for index in (1, 2)
        ]
        self.match(*lines)
        self.start_tour(
            "/odoo", "bank_api_sync_accept_many_proposals", login="bas_accountant"
        )
        for line, invoice in zip(lines, invoices, strict=True):
            self.assertEqual(line.bank_api_reconciled_how, "proposal")
            self.assertEqual(invoice.payment_state, "paid")
