from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common_matching import BankApiMatchingCase


@tagged("post_install", "-at_install")
class TestMatchingReview(BankApiMatchingCase):
    """What must wait for a person, what a person does with it, fees, the
    pilot mode and the figures."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.kowalski = cls.partner(
            "Kowalski i Syn Sp. z o.o.", iban="PL61109010140000071219812874"
        )
        cls.nowak = cls.partner("Nowak PHU", iban="PL27114020040000300201355387")

    def run_list_action(self, name, lines):
        """What the accountant's Action menu runs on ``lines`` selected in the
        list: the server action ``account_bank_statement_line_<name>``."""
        action = self.env.ref(f"bank_api_sync.account_bank_statement_line_{name}")
        return (
            action.with_user(self.accountant)
            .with_context(
                active_model="account.bank.statement.line",
                active_ids=lines.ids,
                active_id=lines[0].id,
            )
            .run()
        )

    # --- ambiguity -----------------------------------------------------------

    def test_two_invoices_with_the_same_amount_are_not_reconciled(self):
        first = self.invoice(self.kowalski, 500.0, invoice_date="2026-11-03")
        second = self.invoice(self.kowalski, 500.0, invoice_date="2026-11-05")
        line = self.bank_line(
            500.0, "Zapłata", account_number="PL61109010140000071219812874"
        )
        stats = self.match(line)
        self.assertEqual(stats["auto"], 0)
        self.assertNotReconciled(line, first, second)
        proposed = line.bank_api_proposal_ids.allocation_ids.move_id
        self.assertEqual(proposed, first | second)
        self.assertIn("500", line.bank_api_match_notes)

    def test_an_invoice_and_two_others_adding_up_to_it_wait_in_review(self):
        # Any threshold: equal evidence is never automatic.
        self.invoice_model.bank_api_auto_threshold = 0.5
        alone = self.invoice(self.kowalski, 540.0, number="FV/2026/11/0071")
        first = self.invoice(self.kowalski, 340.0, number="FV/2026/11/0072")
        second = self.invoice(self.kowalski, 200.0, number="FV/2026/11/0073")
        line = self.bank_line(
            540.0, "Zapłata", account_number="PL61109010140000071219812874"
        )
        stats = self.match(line)
        self.assertEqual(stats["auto"], 0)
        self.assertNotReconciled(line, alone, first, second)
        best = line.bank_api_best_proposal_id
        self.assertEqual(best.allocation_ids.move_id, alone)
        self.assertFalse(best.would_auto)
        self.assertIn("would fit the payment as well", best.ambiguity)
        self.assertIn("FV/2026/11/0072", best.ambiguity)
        self.assertIn("FV/2026/11/0073", best.ambiguity)
        self.assertIn("would fit the payment as well", line.bank_api_match_notes)
        proposed = line.bank_api_proposal_ids.allocation_ids.move_id
        self.assertEqual(proposed, alone | first | second)

    def test_what_waits_is_explained_in_the_readers_language(self):
        self.env["res.lang"]._activate_lang("pl_PL")
        self.invoice(self.kowalski, 610.0, invoice_date="2026-11-03")
        self.invoice(self.kowalski, 610.0, invoice_date="2026-11-05")
        line = self.bank_line(
            610.0, "Zapłata", account_number="PL61109010140000071219812874"
        )

        # Matched by an English user (the scheduled run), read by a Polish one.
        self.match(line)
        polish = line.with_context(lang="pl_PL")

        self.assertFalse(line.is_reconciled)
        reason = polish.bank_api_best_reason
        self.assertIn(
            "rachunek płatnika PL61109010140000071219812874 należy do: Kowalski",
            reason,
        )
        self.assertIn("kwota zgodna", reason)
        self.assertTrue(polish.bank_api_match_notes.startswith("otwartych pozycji"))
        self.assertIn("nie automatycznie: ", polish.bank_api_match_notes)
        self.assertIn("amount equal", line.bank_api_best_reason)

    def test_amounts_in_a_reason_follow_the_readers_number_format(self):
        # The Polish format of the Polish demo: a space between thousands.
        self.env["res.lang"]._activate_lang("pl_PL").write(
            {"grouping": "[3,0]", "thousands_sep": " "}
        )
        invoice = self.invoice(self.kowalski, 1500.0, number="FV/2026/11/0093")
        line = self.bank_line(1332.49, "FV/2026/11/0093")
        self.match(line)
        self.assertNotReconciled(line, invoice)

        polish = line.with_context(lang="pl_PL").bank_api_best_reason
        english = line.with_context(lang="en_US").bank_api_best_reason
        self.assertIn("płatność częściowa: 1 332,49 z 1 500,00 ", polish)
        self.assertIn("partial payment: 1,332.49 of 1,500.00 ", english)
        found = self.env["bank.api.match.proposal"].search(
            [("reason", "ilike", "FV/2026/11/0093")]
        )
        self.assertEqual(found, line.bank_api_proposal_ids)

    def test_a_reference_matching_two_partners_is_not_reconciled(self):
        mine = self.invoice(self.kowalski, 210.0, payment_reference="ZAM/15")
        theirs = self.invoice(self.nowak, 340.0, payment_reference="ZAM/15")
        line = self.bank_line(210.0, "ZAM/15")
        self.match(line)
        self.assertNotReconciled(line, mine, theirs)
        self.assertTrue(line.bank_api_best_proposal_id.ambiguity)
        self.assertIn("2 partners", line.bank_api_match_notes)

    def test_an_invoice_is_never_reconciled_twice_in_one_run(self):
        invoice = self.invoice(self.kowalski, 90.0, number="FV/2026/11/0081")
        first = self.bank_line(90.0, "FV/2026/11/0081")
        again = self.bank_line(90.0, "FV/2026/11/0081 (again)")
        self.match(first, again)
        self.assertReconciledWith(first, invoice)
        self.assertFalse(again.is_reconciled)

    def test_a_model_without_auto_validate_only_proposes(self):
        self.invoice_model.auto_reconcile = False
        invoice = self.invoice(self.kowalski, 70.0, number="FV/2026/11/0082")
        line = self.bank_line(70.0, "FV/2026/11/0082")
        self.match(line)
        self.assertNotReconciled(line, invoice)
        self.assertTrue(line.bank_api_best_proposal_id.would_auto)

    def test_a_line_odoo_refuses_does_not_hold_back_the_others(self):
        locked = self.invoice(self.kowalski, 55.0, number="FV/2026/11/0083")
        fine = self.invoice(self.kowalski, 66.0, number="FV/2026/11/0084")
        old_line = self.bank_line(55.0, "FV/2026/11/0083", date="2026-11-05")
        new_line = self.bank_line(66.0, "FV/2026/11/0084", date="2026-11-20")
        # Odoo refuses to touch the entries of a locked period (the lock set
        # in SQL: Odoo's settings refuse it while lines are unreconciled).
        self.env.cr.execute(
            "UPDATE res_company SET fiscalyear_lock_date = %s WHERE id = %s",
            ["2026-11-10", self.env.company.id],
        )
        self.env.invalidate_all()
        stats = self.match(old_line, new_line)
        self.assertEqual(stats["auto"], 1)
        self.assertEqual(stats["failed"], 1)
        self.assertReconciledWith(new_line, fine)
        self.assertNotReconciled(old_line, locked)
        self.assertIn("prior to and inclusive of", old_line.bank_api_match_notes)
        self.assertEqual(old_line.bank_api_best_proposal_id.move_ids, locked)

    # --- a person decides ------------------------------------------------------

    def test_accepting_another_proposal(self):
        first = self.invoice(self.kowalski, 500.0, invoice_date="2026-11-03")
        second = self.invoice(self.kowalski, 500.0, invoice_date="2026-11-05")
        line = self.bank_line(
            500.0, "Zapłata", account_number="PL61109010140000071219812874"
        )
        self.match(line)
        other = line.bank_api_proposal_ids.filtered(
            lambda proposal: proposal.move_ids == second
        )
        other.with_user(self.accountant).action_accept()
        self.assertReconciledWith(line, second, how="proposal")
        self.assertEqual(first.payment_state, "not_paid")
        self.assertEqual(line.bank_api_proposal_ids, other)
        self.assertEqual(other.state, "accepted")

    def test_accepting_the_best_proposals_of_many_lines_at_once(self):
        """From the list's Action menu. Two lines whose proposals pay the same
        invoice are left for the accountant: a batch does not pick one."""
        self.invoice_model.auto_reconcile = False
        first = self.invoice(self.kowalski, 410.0, number="FV/2026/11/0141")
        second = self.invoice(self.nowak, 420.0, number="FV/2026/11/0142")
        twice = self.invoice(self.kowalski, 430.0, number="FV/2026/11/0143")
        pays_first = self.bank_line(410.0, "FV/2026/11/0141")
        pays_second = self.bank_line(420.0, "FV/2026/11/0142")
        once = self.bank_line(430.0, "FV/2026/11/0143")
        again = self.bank_line(430.0, "Zapłata FV/2026/11/0143")
        nothing = self.bank_line(12.0, "Darowizna")
        selected = pays_first | pays_second | once | again | nothing
        self.match(selected)
        self.assertEqual(once.bank_api_best_proposal_id.move_ids, twice)
        self.assertEqual(again.bank_api_best_proposal_id.move_ids, twice)

        result = self.run_list_action("action_accept_best", selected)

        self.env.invalidate_all()
        message = result["params"]["message"]
        self.assertIn("Proposals accepted: 2.", message)
        for line, invoice in ((pays_first, first), (pays_second, second)):
            self.assertReconciledWith(line, invoice, how="proposal")
            self.assertEqual(line.bank_api_proposal_ids.state, "accepted")
        for line in (once, again):
            self.assertNotReconciled(line, twice)
            self.assertIn(line.display_name, message)
        self.assertIn("pays the same document", message)
        self.assertEqual(result["params"]["type"], "warning")
        self.assertFalse(nothing.is_reconciled)

    def test_a_proposal_outdated_by_another_payment_is_gone(self):
        invoice = self.invoice(self.nowak, 640.0)
        line = self.bank_line(
            640.0, "przelew", account_number="PL27114020040000300201355387"
        )
        self.match(line)
        proposal = line.bank_api_best_proposal_id
        other = self.bank_line(200.0, "x", partner_id=self.nowak.id)
        self.env["bank.api.manual.reconcile.wizard"].create(
            {
                "statement_line_id": other.id,
                "move_line_ids": [
                    Command.set(invoice.line_ids.filtered("amount_residual").ids)
                ],
            }
        ).action_reconcile()
        # Dropped when the invoice was paid (test_fresh_proposals): nothing
        # is left to accept that would pay it twice.
        self.assertFalse(proposal.exists())
        self.assertEqual(invoice.payment_state, "partial")

    def test_reconcile_by_hand_with_a_difference_account(self):
        first = self.invoice(self.nowak, 100.0)
        second = self.invoice(self.nowak, 50.0)
        line = self.bank_line(148.0, "zaplata", partner_id=self.nowak.id)
        items = (first | second).line_ids.filtered("amount_residual")
        wizard = self.env["bank.api.manual.reconcile.wizard"].create(
            {
                "statement_line_id": line.id,
                "move_line_ids": [Command.set(items.ids)],
                "write_off_account_id": self.write_off_account.id,
                "write_off_label": "Rounding",
            }
        )
        self.assertEqual(wizard.partner_id, self.nowak)
        self.assertAlmostEqual(wizard.difference, -2.0)
        wizard.action_reconcile()
        self.env.invalidate_all()
        self.assertReconciledWith(line, first, second, how="manual")
        write_off = line.move_id.line_ids.filtered(
            lambda item: item.account_id == self.write_off_account
        )
        self.assertAlmostEqual(write_off.debit, 2.0)

    def test_undo_an_automatic_reconciliation(self):
        invoice = self.invoice(self.kowalski, 310.0, number="FV/2026/11/0091")
        line = self.bank_line(310.0, "FV/2026/11/0091")
        self.match(line)
        self.assertReconciledWith(line, invoice)
        why = line.bank_api_auto_reason
        self.assertIn("invoice FV/2026/11/0091 quoted in the title", why)
        self.assertRegex(why, r"\(\d+%\)$")
        line.with_user(self.accountant).action_bank_api_undo()
        self.env.invalidate_all()
        self.assertNotReconciled(line, invoice)
        self.assertTrue(line.bank_api_corrected)
        self.assertTrue(line.bank_api_corrected_at)
        # What the automation went by stays, beside the correction.
        self.assertEqual(line.bank_api_auto_reason, why)
        # The proposal waits for the accountant and is never automatic again.
        self.assertEqual(line.bank_api_best_proposal_id.move_ids, invoice)
        self.assertFalse(line.bank_api_best_proposal_id.would_auto)
        self.match(line)
        self.assertNotReconciled(line, invoice)
        line.bank_api_best_proposal_id.action_accept()
        self.assertReconciledWith(line, invoice, how="proposal")
        self.assertTrue(line.bank_api_corrected)

    def test_how_a_line_was_reconciled_is_not_edited_on_its_form(self):
        """The automation figures count it: only reconciling sets it."""
        invoice = self.invoice(self.kowalski, 315.0, number="FV/2026/11/0092")
        line = self.bank_line(315.0, "FV/2026/11/0092")
        self.match(line)
        self.assertReconciledWith(line, invoice)
        form = Form(
            line.with_user(self.accountant),
            view="bank_api_sync.account_bank_statement_line_view_form",
        )
        for field_name in ("bank_api_reconciled_how", "bank_api_reconciled_at"):
            with self.assertRaisesRegex(AssertionError, "readonly"):
                setattr(form, field_name, False)

    def test_undo_many_reconciliations_picked_in_the_list(self):
        """Say a model was set too loosely: the accountant picks what it
        reconciled and undoes it all at once, with the list's button (which
        asks first, test_honest_counts)."""
        first = self.invoice(self.kowalski, 320.0, number="FV/2026/11/0121")
        second = self.invoice(self.nowak, 330.0, number="FV/2026/11/0122")
        paid_first = self.bank_line(320.0, "FV/2026/11/0121")
        paid_second = self.bank_line(330.0, "FV/2026/11/0122")
        open_line = self.bank_line(55.0, "Darowizna")
        self.match(paid_first, paid_second, open_line)
        self.assertReconciledWith(paid_first, first)
        self.assertReconciledWith(paid_second, second)
        selected = paid_first | paid_second | open_line

        result = selected.with_user(self.accountant).action_bank_api_undo()

        self.assertIn("Reconciliations undone: 2.", result["params"]["message"])
        self.env.invalidate_all()
        for line, invoice in ((paid_first, first), (paid_second, second)):
            self.assertNotReconciled(line, invoice)
            self.assertTrue(line.bank_api_corrected)
            self.assertEqual(line.bank_api_best_proposal_id.move_ids, invoice)
        self.assertFalse(open_line.bank_api_corrected)
        with self.assertRaisesRegex(UserError, "None of the selected bank lines"):
            selected.with_user(self.accountant).action_bank_api_undo()

    # --- fees ----------------------------------------------------------------------

    def test_bank_fee_by_transaction_code_goes_to_the_fee_account(self):
        line = self.bank_line(
            -12.3, "Opłata za przelew SORBNET", transaction_type="NCHG"
        )
        stats = self.match(line)
        self.assertEqual(stats["fees"], 1)
        self.assertTrue(line.is_reconciled)
        self.assertEqual(line.bank_api_reconcile_model_id, self.fee_model)
        self.assertIn("NCHG", line.bank_api_auto_reason)
        fee = line.move_id.line_ids.filtered(
            lambda item: item.account_id == self.fee_account
        )
        self.assertAlmostEqual(fee.debit, 12.3)

    def test_bank_fee_by_keyword_with_taxes(self):
        tax = self.env["account.tax"].create(
            {
                "name": "VAT 15% fees",
                "amount": 15,
                "type_tax_use": "purchase",
                "company_id": self.company.id,
            }
        )
        self.fee_model.line_ids.tax_ids = tax
        line = self.bank_line(-11.5, "Prowizja za przelew natychmiastowy")
        self.match(line)
        self.assertTrue(line.is_reconciled)
        base = line.move_id.line_ids.filtered(lambda item: item.tax_ids)
        tax_line = line.move_id.line_ids.filtered("tax_repartition_line_id")
        self.assertEqual(base.account_id, self.fee_account)
        self.assertAlmostEqual(base.debit, 10.0)
        self.assertAlmostEqual(tax_line.debit, 1.5)
        self.assertEqual(tax_line.tax_line_id, tax)

    def test_a_customer_payment_is_never_a_fee(self):
        invoice = self.invoice(self.kowalski, 45.0, number="FV/2026/11/0092")
        line = self.bank_line(45.0, "prowizja FV/2026/11/0092")
        self.match(line)
        self.assertReconciledWith(line, invoice)

    # --- pilot mode ----------------------------------------------------------------

    def test_pilot_mode_posts_nothing(self):
        self.journal.bank_api_pilot_mode = True
        invoice = self.invoice(self.kowalski, 880.0, number="FV/2026/11/0093")
        line = self.bank_line(880.0, "FV/2026/11/0093")
        fee = self.bank_line(-3.0, "Prowizja", transaction_type="NCHG")
        items_before = (line | fee).move_id.line_ids
        stats = self.match(line, fee)
        self.assertEqual(stats["auto"], 0)
        self.assertEqual(stats["would_auto"], 2)
        self.assertNotReconciled(line, invoice)
        self.assertNotReconciled(fee)
        self.assertEqual((line | fee).move_id.line_ids, items_before)
        proposal = line.bank_api_best_proposal_id
        self.assertTrue(proposal.would_auto)
        self.assertTrue(proposal.pilot)
        self.assertIn("FV/2026/11/0093", proposal.preview_html)
        self.assertIn(self.fee_account.code, fee.bank_api_best_proposal_id.preview_html)
        # Out of pilot mode, the same lines are reconciled.
        self.journal.bank_api_pilot_mode = False
        self.match(line, fee)
        self.assertReconciledWith(line, invoice)
        self.assertTrue(fee.is_reconciled)

    # --- figures -------------------------------------------------------------------

    def test_automation_figures(self):
        auto = self.invoice(self.kowalski, 11.0, number="FV/2026/11/0094")
        by_hand = self.invoice(self.kowalski, 500.0)
        self.invoice(self.kowalski, 500.0)
        corrected = self.invoice(self.kowalski, 13.0, number="FV/2026/11/0095")
        lines = [
            self.bank_line(11.0, "FV/2026/11/0094", date="2026-11-20"),
            self.bank_line(
                500.0, "Zapłata", date="2026-11-20", partner_id=self.kowalski.id
            ),
            self.bank_line(13.0, "FV/2026/11/0095", date="2026-11-21"),
            self.bank_line(1.0, "nothing", date="2026-11-21"),
        ]
        self.match(*lines)
        self.assertReconciledWith(lines[0], auto)
        lines[1].bank_api_proposal_ids.filtered(
            lambda proposal: proposal.move_ids == by_hand
        ).action_accept()
        lines[2].action_bank_api_undo()
        lines[2].bank_api_best_proposal_id.action_accept()
        self.assertEqual(corrected.payment_state, "paid")
        self.env.flush_all()
        [kpi] = self.env["bank.api.automation.kpi"].read_group(
            [("company_id", "=", self.company.id), ("period", "=", "2026-11-01")],
            [
                "lines_imported:sum",
                "lines_auto:sum",
                "lines_by_hand:sum",
                "lines_corrected:sum",
                "lines_open:sum",
                "auto_rate:avg",
                "median_hours:avg",
            ],
            ["period:month"],
        )
        self.assertEqual(kpi["lines_imported"], 4)
        self.assertEqual(kpi["lines_auto"], 1)
        self.assertEqual(kpi["lines_by_hand"], 2)
        self.assertEqual(kpi["lines_corrected"], 1)
        self.assertEqual(kpi["lines_open"], 1)
        self.assertAlmostEqual(kpi["auto_rate"], 25.0)
        self.assertGreater(kpi["median_hours"], 0)
        self.assertGreater(lines[0].bank_api_delay_hours, 0)

    def test_overdue_receivables(self):
        today = fields.Date.today()
        late = self.invoice(
            self.nowak,
            70.0,
            invoice_date=today - timedelta(days=50),
            invoice_date_due=today - timedelta(days=40),
        )
        self.invoice(self.nowak, 80.0, invoice_date=today, invoice_date_due=today)
        self.env.flush_all()
        overdue = self.env["bank.api.overdue.receivable"].search(
            [("partner_id", "=", self.nowak.id)]
        )
        self.assertEqual(overdue.move_id, late)
        self.assertEqual(overdue.days_overdue, 40)
        self.assertEqual(overdue.aging, "31_60")
        self.assertAlmostEqual(overdue.amount_residual, 70.0)

    def test_auditors_read_but_do_not_reconcile(self):
        auditor = new_test_user(
            self.env,
            login="bas_auditor",
            groups="base.group_user,account.group_account_readonly",
        )
        invoice = self.invoice(self.nowak, 640.0)
        line = self.bank_line(
            640.0, "przelew", account_number="PL27114020040000300201355387"
        )
        self.match(line)
        proposal = line.bank_api_best_proposal_id.with_user(auditor)
        self.assertEqual(proposal.move_ids, invoice)
        self.assertTrue(
            self.env["bank.api.automation.kpi"].with_user(auditor).search([])
        )
        with self.assertRaises(AccessError):
            proposal.action_accept()
        self.assertNotReconciled(line, invoice)

    def test_only_who_may_write_bank_lines_is_offered_to_reconcile(self):
        """An invoicing administrator without Show Full Accounting Features
        cannot write bank lines (Odoo's rule): no button leads to that error."""
        administrator = new_test_user(
            self.env,
            login="bas_invoicing_admin",
            groups="base.group_user,account.group_account_manager",
        )
        buttons = (
            "action_bank_api_accept_best",
            "action_bank_api_reconcile_by_hand",
            "action_bank_api_match_now",
            "action_bank_api_undo",
        )
        form = self.env.ref("bank_api_sync.account_bank_statement_line_view_form")
        for user, offered in ((administrator, False), (self.accountant, True)):
            lines = self.env["account.bank.statement.line"].with_user(user)
            arch = lines.get_views([(form.id, "form")])["views"]["form"]["arch"]
            for button in buttons:
                self.assertEqual(
                    f'name="{button}"' in arch, offered, (user.login, button)
                )
            bindings = (
                self.env["ir.actions.actions"]
                .with_user(user)
                .get_bindings("account.bank.statement.line")
            )
            actions = bindings.get("action", [])
            names = {action["name"] for action in actions}
            self.assertEqual("Accept Best Proposals" in names, offered, user.login)
            # Undo many: the review list's header button (it asks first)
            list_view = self.env.ref(
                "bank_api_sync.account_bank_statement_line_view_list"
            )
            list_arch = lines.get_views([(list_view.id, "list")])["views"]["list"][
                "arch"
            ]
            self.assertEqual(
                'name="action_bank_api_undo"' in list_arch, offered, user.login
            )
