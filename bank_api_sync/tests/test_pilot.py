from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.mail.tools.discuss import Store

from .common_matching import BankApiMatchingCase


@tagged("post_install", "-at_install")
class TestPilot(BankApiMatchingCase):
    """The matching pilot set on a connection for its journals, the Pilot
    Report's period, and what a user of another company sees of it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.kowalski = cls.partner(
            "Kowalski i Syn Sp. z o.o.", iban="PL61109010140000071219812874"
        )
        cls.env["bank.api.account"].create(
            {
                "connection_id": cls.connection.id,
                "name": "Current",
                "resource_id": "acc-pilot-1",
                "journal_id": cls.journal.id,
            }
        )
        cls.other_journal = cls.env["account.journal"].create(
            {"name": "Cash Desk Bank", "type": "bank", "code": "BPO"}
        )

    def report(self, user, **context):
        return (
            self.env["bank.api.pilot.report"]
            .with_user(user)
            .with_context(**context)
            .create({})
        )

    def test_a_connections_pilot_covers_its_journals_only(self):
        self.connection.pilot_mode = True
        self.assertTrue(self.journal.bank_api_pilot_active)
        self.assertFalse(self.journal.bank_api_pilot_mode)
        self.assertTrue(self.journal.bank_api_pilot_since)
        self.assertFalse(self.other_journal.bank_api_pilot_active)
        invoice = self.invoice(self.kowalski, 310.0, number="FV/2026/11/0301")
        other_invoice = self.invoice(self.kowalski, 320.0, number="FV/2026/11/0302")
        line = self.bank_line(310.0, "FV/2026/11/0301")
        other_line = self.bank_line(
            320.0, "FV/2026/11/0302", journal=self.other_journal
        )
        stats = self.match(line, other_line)
        self.assertNotReconciled(line, invoice)
        self.assertTrue(line.bank_api_pilot)
        self.assertTrue(line.bank_api_best_proposal_id.would_auto)
        self.assertEqual(stats["would_auto"], 1)
        self.assertReconciledWith(other_line, other_invoice)
        # The connection's pilot ends: so does its journals', and their date.
        self.connection.pilot_mode = False
        self.assertFalse(self.journal.bank_api_pilot_active)
        self.assertFalse(self.journal.bank_api_pilot_since)

    def test_the_report_counts_the_lines_imported_in_its_period(self):
        self.journal.bank_api_pilot_mode = True
        self.invoice(self.kowalski, 410.0, number="FV/2026/11/0401")
        self.invoice(self.kowalski, 420.0, number="FV/2026/11/0402")
        before = self.bank_line(410.0, "FV/2026/11/0401")
        during = self.bank_line(420.0, "FV/2026/11/0402")
        nothing = self.bank_line(-55.0, "Rent")
        self.match(before, during, nothing)
        # Imported a week before the pilot started: out of its period.
        week_ago = self.journal.bank_api_pilot_since - timedelta(days=7)
        self.env.cr.execute(
            "UPDATE account_bank_statement_line SET create_date = %s WHERE id = %s",
            [week_ago, before.id],
        )
        self.env.invalidate_all()

        report = self.report(
            self.accountant, default_journal_ids=[fields.Command.set(self.journal.ids)]
        )
        self.assertEqual(
            report.date_from,
            fields.Datetime.context_timestamp(
                report, self.journal.bank_api_pilot_since
            ).date(),
        )
        self.assertEqual(report.line_count, 2)
        self.assertEqual(report.automatic_count, 1)
        self.assertAlmostEqual(report.automatic_share, 0.5)
        (row, _total) = report._pilot_figures().rows
        self.assertEqual(row.counts["no_proposal"], 1)
        self.assertEqual(float(row.amounts["no_proposal"]), 55.0)
        self.assertEqual(float(row.amounts["automatic"]), 420.0)
        # A period picked by hand takes the older line in.
        report.date_from = week_ago.date()
        self.assertEqual(report.line_count, 3)
        self.assertEqual(report.automatic_count, 2)
        lines = self.env["account.bank.statement.line"].search(
            report.action_open_lines()["domain"]
        )
        self.assertEqual(lines, before | during | nothing)

    @mute_logger("odoo.models", "odoo.addons.base.models.ir_rule")
    def test_a_user_of_another_company_sees_nothing(self):
        self.connection.pilot_mode = True
        self.invoice(self.kowalski, 510.0, number="FV/2026/11/0501")
        self.match(self.bank_line(510.0, "FV/2026/11/0501"))
        other_company = self.env["res.company"].create({"name": "Company B"})
        intruder = new_test_user(
            self.env,
            login="bas_pilot_company_b",
            groups="base.group_user,account.group_account_manager,"
            "account.group_account_user",
            company_id=other_company.id,
            company_ids=[other_company.id],
        )
        # His own report lists no journal of this company, and no line.
        report = self.report(intruder)
        self.assertFalse(report.journal_ids)
        self.assertEqual(report.line_count, 0)
        self.assertNotIn(self.journal.name, report.report_html)
        # Naming this company's journal or connection is refused.
        for action in (
            lambda: self.journal.with_user(intruder).action_bank_api_pilot_report(),
            lambda: self.journal.with_user(intruder).action_bank_api_go_live(),
            lambda: self.connection.with_user(intruder).action_pilot_report(),
            lambda: self.connection.with_user(intruder).action_go_live(),
            lambda: self.report(
                intruder, default_journal_ids=[fields.Command.set(self.journal.ids)]
            ).line_count,
            lambda: self.env["bank.api.go.live"]
            .with_user(intruder)
            .create({"journal_ids": [fields.Command.set(self.journal.ids)]})
            .action_go_live(),
        ):
            with self.subTest(action=action), self.assertRaises(AccessError):
                action()
        self.assertTrue(self.connection.pilot_mode)
        self.assertTrue(self.journal.bank_api_pilot_active)

    def test_an_accountant_reads_the_report_but_may_not_go_live(self):
        self.journal.bank_api_pilot_mode = True
        self.assertEqual(
            self.journal.with_user(self.accountant).action_bank_api_pilot_report()[
                "res_model"
            ],
            "bank.api.pilot.report",
        )
        with self.assertRaises(AccessError):
            self.env["bank.api.go.live"].with_user(self.accountant).create(
                {"journal_ids": [fields.Command.set(self.journal.ids)]}
            ).action_go_live()
        self.assertTrue(self.journal.bank_api_pilot_active)

    def test_go_live_matches_an_out_of_date_proposal_again_instead(self):
        self.journal.bank_api_pilot_mode = True
        fresh_invoice = self.invoice(self.kowalski, 610.0, number="FV/2026/11/0601")
        stale_invoice = self.invoice(self.kowalski, 620.0, number="FV/2026/11/0602")
        fresh = self.bank_line(610.0, "FV/2026/11/0601")
        stale = self.bank_line(620.0, "FV/2026/11/0602")
        self.match(fresh, stale)
        self.assertTrue(fresh.bank_api_would_auto and stale.bank_api_would_auto)
        # The invoice changed after the proposal was made, past the hooks
        # that would have dropped it (as a change in another tool could).
        allocation = stale.bank_api_best_proposal_id.allocation_ids
        self.env.cr.execute(
            "UPDATE bank_api_match_allocation SET residual_currency = %s WHERE id = %s",
            [allocation.residual_currency + 100.0, allocation.id],
        )
        self.env.invalidate_all()

        wizard = (
            self.env["bank.api.go.live"]
            .with_user(self.account_manager)
            .create({"journal_ids": [fields.Command.set(self.journal.ids)]})
        )
        self.assertEqual(wizard.automatic_count, 2)
        wizard.action_go_live()
        self.env.invalidate_all()

        self.assertFalse(self.journal.bank_api_pilot_active)
        self.assertReconciledWith(fresh, fresh_invoice)
        self.assertNotReconciled(stale, stale_invoice)
        # Matched again, for a person: a fresh proposal, never automatic.
        best = stale.bank_api_best_proposal_id
        self.assertEqual(best.move_ids, stale_invoice)
        self.assertFalse(best.would_auto)
        self.assertFalse(best.pilot)
        message = self.journal.message_ids.filtered(
            lambda message: "Went live" in (message.body or "")
        )
        self.assertIn("would have: 1;", message.body)
        self.assertIn("(out of date or refused): 1.", message.body)
        # Whoever went live, a Polish reader of the journal reads it in Polish
        # (what the web client gets for the chatter).
        self.env["res.lang"]._activate_lang("pl_PL")
        polish = Store(
            message.with_user(self.account_manager).with_context(lang="pl_PL"),
            for_current_user=True,
        ).get_result()["mail.message"][0]["body"]
        self.assertIn("Uruchomione produkcyjnie", polish)
        self.assertIn("uzgodniłby je pilotaż: 1; pozostawione", polish)
        self.assertIn("Went live", message.body)
        # Its dates in the reader's format too.
        self.assertRegex(polish, r"przez .* dnia \d\d\.\d\d\.\d{4} \d\d:\d\d")
        self.assertRegex(message.body, r" on \d\d/\d\d/\d{4} \d\d:\d\d")
