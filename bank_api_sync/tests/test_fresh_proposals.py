from odoo import Command
from odoo.tests import tagged

from .common_matching import BankApiMatchingCase

KOWALSKI_IBAN = "PL61109010140000071219812874"


@tagged("post_install", "-at_install")
class TestFreshProposals(BankApiMatchingCase):
    """A proposal never points at an item that stopped being open: whatever
    closed it, the proposals are dropped at once and the line is matched
    again before the transaction ends."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.kowalski = cls.partner("Kowalski i Syn Sp. z o.o.", iban=KOWALSKI_IBAN)

    def two_invoices_one_line(self, amount=500.0):
        """A payment the matching cannot tell between two invoices of the
        payer: both are proposed, neither is reconciled."""
        first = self.invoice(self.kowalski, amount, invoice_date="2026-11-03")
        second = self.invoice(self.kowalski, amount, invoice_date="2026-11-05")
        line = self.bank_line(amount, "Zapłata", account_number=KOWALSKI_IBAN)
        self.match(line)
        self.assertEqual(line.bank_api_proposal_ids.move_ids, first | second)
        return first, second, line

    def pay_by_another_line(self, invoice, amount):
        other = self.bank_line(amount, "x", partner_id=invoice.partner_id.id)
        self.env["bank.api.manual.reconcile.wizard"].create(
            {
                "statement_line_id": other.id,
                "move_line_ids": [
                    Command.set(invoice.line_ids.filtered("amount_residual").ids)
                ],
            }
        ).action_reconcile()
        return other

    def end_of_request(self):
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.env.invalidate_all()

    def proposed_documents(self, line):
        return line.bank_api_proposal_ids.filtered(
            lambda proposal: proposal.state == "proposed"
        ).move_ids

    def test_an_invoice_paid_elsewhere_leaves_the_proposals_at_once(self):
        first, second, line = self.two_invoices_one_line()
        matched_before = line.bank_api_matched_at
        self.pay_by_another_line(first, 500.0)
        self.env.invalidate_all()
        # At once, in the same request: no proposal points at the paid invoice.
        self.assertNotIn(first, self.proposed_documents(line))
        self.end_of_request()
        # Matched again: the other invoice alone fits; a person still decides
        # (a refresh never reconciles on its own).
        self.assertEqual(self.proposed_documents(line), second)
        self.assertNotReconciled(line, second)
        self.assertGreaterEqual(line.bank_api_matched_at, matched_before)

    def test_a_partly_paid_invoice_is_proposed_with_what_is_open_now(self):
        invoice = self.invoice(self.kowalski, 800.0, number="FV/2026/11/0301")
        line = self.bank_line(800.0, "FV/2026/11/0301", partner_id=self.kowalski.id)
        self.invoice_model.auto_reconcile = False
        self.match(line)
        allocation = line.bank_api_best_proposal_id.allocation_ids
        self.assertAlmostEqual(allocation.residual_currency, 800.0)
        self.pay_by_another_line(invoice, 300.0)
        self.end_of_request()
        allocation = line.bank_api_best_proposal_id.allocation_ids
        self.assertEqual(allocation.move_line_id.move_id, invoice)
        self.assertAlmostEqual(allocation.residual_currency, 500.0)
        # and accepting it works (nothing says "run Match Now again"): the
        # invoice is settled, the 300 paid twice stay open on the line.
        line.bank_api_best_proposal_id.with_user(self.accountant).action_accept()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertAlmostEqual(abs(line.amount_residual), 300.0)

    def test_an_invoice_reset_to_draft_or_cancelled_is_no_longer_proposed(self):
        first, second, line = self.two_invoices_one_line()
        first.button_draft()
        self.assertNotIn(first, self.proposed_documents(line))
        first.button_cancel()
        self.end_of_request()
        self.assertEqual(self.proposed_documents(line), second)

    def test_a_reversed_invoice_is_no_longer_proposed(self):
        first, second, line = self.two_invoices_one_line()
        first._reverse_moves(cancel=True)
        self.assertEqual(first.payment_state, "reversed")
        self.end_of_request()
        self.assertEqual(self.proposed_documents(line), second)

    def test_an_accepted_proposal_stays_accepted(self):
        first, _second, line = self.two_invoices_one_line()
        proposal = line.bank_api_proposal_ids.filtered(
            lambda proposal: proposal.move_ids == first
        )
        proposal.with_user(self.accountant).action_accept()
        self.end_of_request()
        self.assertEqual(line.bank_api_proposal_ids, proposal)
        self.assertEqual(proposal.state, "accepted")
        self.assertReconciledWith(line, first, how="proposal")

    def test_bulk_accept_after_a_payment_elsewhere_takes_fresh_proposals(self):
        """The issue's walk-through: an invoice paid by another line, then
        Accept Best Proposals. The affected line's proposals were refreshed;
        nothing comes back with 'run Match Now again'."""
        self.invoice_model.auto_reconcile = False
        taken = self.invoice(self.kowalski, 410.0, number="FV/2026/11/0311")
        later = self.invoice(self.kowalski, 410.0, number="FV/2026/11/0312")
        quoted = self.invoice(self.kowalski, 220.0, number="FV/2026/11/0313")
        affected = self.bank_line(410.0, "FV/2026/11/0311", partner_id=self.kowalski.id)
        fine = self.bank_line(220.0, "FV/2026/11/0313")
        self.match(affected, fine)
        self.assertEqual(affected.bank_api_best_proposal_id.move_ids, taken)
        self.pay_by_another_line(taken, 410.0)
        self.end_of_request()
        self.assertEqual(self.proposed_documents(affected), later)

        result = (
            (affected | fine).with_user(self.accountant).action_bank_api_accept_best()
        )

        self.env.invalidate_all()
        message = result["params"]["message"]
        self.assertIn("Proposals accepted: 2.", message)
        self.assertNotIn("Match Now", message)
        self.assertReconciledWith(affected, later, how="proposal")
        self.assertReconciledWith(fine, quoted, how="proposal")

    def test_bulk_accept_matches_an_out_of_date_proposal_again(self):
        """A proposal out of date all the same (made before proposals were
        kept fresh): the line is matched again before it is given back."""
        self.invoice_model.auto_reconcile = False
        invoice = self.invoice(self.kowalski, 640.0, number="FV/2026/11/0321")
        line = self.bank_line(640.0, "FV/2026/11/0321")
        other = self.bank_line(90.0, "nothing to see")
        self.match(line, other)
        # What was open when the proposal was made differs from today's.
        line.bank_api_best_proposal_id.allocation_ids.residual_currency = 700.0
        self.invoice_model.auto_reconcile = True

        result = (line | other).with_user(self.accountant).action_bank_api_accept_best()

        self.env.invalidate_all()
        message = result["params"]["message"]
        self.assertIn("matched again: reconciled automatically", message)
        self.assertNotIn("Match Now", message)
        self.assertReconciledWith(line, invoice, how="auto")
