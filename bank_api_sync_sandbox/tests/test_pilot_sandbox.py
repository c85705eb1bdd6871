from datetime import timedelta
from decimal import Decimal

from odoo import fields
from odoo.tests import HttpCase, tagged

from odoo.addons.bank_api_sync.tests.common_matching import MatchingSetup

from .common import SandboxSyncCase


@tagged("post_install", "-at_install")
class TestSandboxPilot(MatchingSetup, SandboxSyncCase):
    """A connection in pilot: the Sandbox Bank's payments are imported and
    matched, nothing is reconciled; the Pilot Report counts what a go-live
    would have done, and Go Live does exactly that."""

    sandbox_options = {"seed": 5, "per_day": 8, "page_size": 25}
    history_days = 10

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_matching(cls.company)

    def setUp(self):
        super().setUp()
        self.connection.pilot_mode = True
        self.journals = self.accounts.journal_id
        self.env["bank.api.sandbox.invoicer"]._create_invoices(
            self.bank,
            self.accounts.mapped("resource_id"),
            self.frozen_at.date() - timedelta(days=self.history_days - 1),
        )

    def pilot_sync(self):
        log = self.sync()
        self.assertEqual(log.status, "success", log.message)
        self.env.invalidate_all()
        return self.env["account.bank.statement.line"].search(
            [("journal_id", "in", self.journals.ids)]
        )

    def by_hand(self, lines):
        """Each line's outcome, counted here from the lines themselves."""
        outcome = {}
        for line in lines:
            best = line.bank_api_proposal_ids.filtered(
                lambda proposal: proposal.state == "proposed"
            ).sorted("rank")[:1]
            if line.is_reconciled:
                outcome[line] = "reconciled"
            elif not best:
                outcome[line] = "no_proposal"
            elif best.would_auto and (
                best.kind == "fee" or best.reconcile_model_id.auto_reconcile
            ):
                outcome[line] = "automatic"
            else:
                outcome[line] = "review"
        return outcome

    def went_live_message(self, record):
        messages = record.message_ids.filtered(
            lambda message: "Went live" in (message.body or "")
        )
        self.assertEqual(len(messages), 1, record.display_name)
        return messages

    def test_pilot_on_the_connection_imports_and_matches_but_reconciles_nothing(self):
        self.assertEqual(len(self.journals), 2)
        for journal in self.journals:
            self.assertTrue(journal.bank_api_pilot_active, journal.name)
            self.assertFalse(journal.bank_api_pilot_mode, "the connection's pilot")
            self.assertTrue(journal.bank_api_pilot_since)
        lines = self.pilot_sync()
        for account in self.accounts:
            self.assertLedgerComplete(
                account, self.frozen_at.date() - timedelta(days=self.history_days - 1)
            )
        self.assertFalse(lines.filtered("is_reconciled").mapped("payment_ref"))
        self.assertFalse(lines.filtered("bank_api_reconciled_how"))
        self.assertTrue(all(line.bank_api_matched_at for line in lines))
        would = lines.filtered("bank_api_would_auto")
        self.assertGreater(len(would), 10, "the pilot found what it would reconcile")
        self.assertTrue(all(would.bank_api_best_proposal_id.mapped("pilot")))
        fees = lines.filtered(lambda line: line.transaction_type == "PMNT-MDOP-CHRG")
        self.assertTrue(fees, "the sandbox charged commissions")
        self.assertEqual(set(fees.bank_api_best_proposal_id.mapped("kind")), {"fee"})

    def test_the_pilot_report_equals_a_hand_count(self):
        lines = self.pilot_sync()
        # A person reconciles one line meanwhile: it counts apart.
        review = lines.filtered(
            lambda line: line.bank_api_would_auto
            and line.bank_api_best_proposal_id.kind != "fee"
        )[:1]
        review.bank_api_best_proposal_id.with_user(self.account_manager).action_accept()
        # A payment typed in by hand into the pilot journal, which two open
        # invoices of the payer fit alike: it waits for review.
        payer = self.partner("Pilot Payer", iban="PL61109010140000071219812874")
        home = self.journals[0]
        currency = home.currency_id or self.company.currency_id
        self.invoice(payer, 777.0, currency=currency)
        self.invoice(payer, 777.0, currency=currency)
        typed = self.bank_line(
            777.0, "Zapłata", journal=home, account_number=payer.bank_ids.acc_number
        )
        self.match(typed)
        lines |= typed
        self.env.invalidate_all()

        action = self.connection.with_user(self.accountant).action_pilot_report()
        report = (
            self.env["bank.api.pilot.report"]
            .with_user(self.accountant)
            .with_context(**action["context"])
            .create({})
        )
        self.assertEqual(report.journal_ids, self.journals)
        self.assertEqual(report.date_from, self.frozen_at.date())

        outcome = self.by_hand(lines)
        self.assertEqual(outcome[review], "reconciled")
        self.assertEqual(
            set(outcome.values()), {"automatic", "review", "no_proposal", "reconciled"}
        )
        figures = report._pilot_figures()
        rows = {(row.journal_id, row.currency): row for row in figures.rows}
        expected_rows = set()
        for journal in self.journals:
            mine = lines.filtered(
                lambda line, journal=journal: line.journal_id == journal
            )
            currency = journal.currency_id or self.company.currency_id
            key = (journal.id, currency.name)
            expected_rows.add(key)
            expected_rows.add((None, currency.name))
            row = rows[key]
            self.assertEqual(row.lines, len(mine))
            for kind in ("automatic", "review", "no_proposal", "reconciled"):
                counted = mine.filtered(lambda line, kind=kind: outcome[line] == kind)
                self.assertEqual(row.counts[kind], len(counted), kind)
                self.assertEqual(
                    row.amounts[kind],
                    sum(
                        (abs(Decimal(str(line.amount))) for line in counted),
                        Decimal("0"),
                    ),
                    kind,
                )
            fees = mine.filtered(
                lambda line: not line.is_reconciled
                and line.bank_api_best_proposal_id.kind == "fee"
            )
            self.assertEqual(row.fees, len(fees))
            self.assertEqual(
                row.fee_amount,
                sum((abs(Decimal(str(line.amount))) for line in fees), Decimal("0")),
            )
        self.assertEqual(set(rows), expected_rows)
        self.assertTrue(sum(row.fees for row in figures.rows if row.journal_id))
        automatic = [line for line in lines if outcome[line] == "automatic"]
        self.assertEqual(report.line_count, len(lines))
        self.assertEqual(report.automatic_count, len(automatic))
        self.assertAlmostEqual(report.automatic_share, len(automatic) / len(lines))
        for journal in self.journals:
            self.assertIn(journal.display_name, report.report_html)

        # The journal card's Pilot badge opens the same report for its journal.
        journal = self.journals[0]
        action = journal.with_user(self.accountant).action_bank_api_pilot_report()
        card_report = (
            self.env["bank.api.pilot.report"]
            .with_user(self.accountant)
            .with_context(**action["context"])
            .create({})
        )
        self.assertEqual(card_report.journal_ids, journal)
        self.assertEqual(
            card_report.line_count,
            len(lines.filtered(lambda line: line.journal_id == journal)),
        )

    def test_go_live_reconciles_exactly_the_would_be_automatic_lines(self):
        lines = self.pilot_sync()
        outcome = self.by_hand(lines)
        automatic = lines.filtered(lambda line: outcome[line] == "automatic")
        self.assertTrue(automatic)
        waiting = lines - automatic

        action = self.connection.with_user(self.account_manager).action_go_live()
        wizard = (
            self.env["bank.api.go.live"]
            .with_user(self.account_manager)
            .with_context(**action["context"])
            .create({})
        )
        self.assertEqual(wizard.live_journal_ids, self.journals)
        self.assertEqual(wizard.connection_ids, self.connection)
        self.assertEqual(wizard.automatic_count, len(automatic))
        wizard.action_go_live()
        self.env.invalidate_all()

        self.assertFalse(self.connection.pilot_mode)
        for journal in self.journals:
            self.assertFalse(journal.bank_api_pilot_active)
            self.assertFalse(journal.bank_api_pilot_since)
        self.assertEqual(lines.filtered("is_reconciled"), automatic)
        self.assertEqual(set(automatic.mapped("bank_api_reconciled_how")), {"auto"})
        self.assertTrue(all(automatic.mapped("bank_api_auto_reason")))
        self.assertFalse(waiting.filtered("bank_api_reconciled_how"))
        # Who went live and when, in the chatter.
        for record in (self.connection, *self.journals):
            message = self.went_live_message(record)
            self.assertEqual(message.author_id, self.account_manager.partner_id)
            self.assertIn(self.account_manager.name, message.body)
        for journal in self.journals:
            count = len(
                automatic.filtered(lambda line, j=journal: line.journal_id == j)
            )
            self.assertIn(
                f"reconciled as the pilot would have: {count};",
                self.went_live_message(journal).body,
            )
        # Live now: the next sync reconciles what it is sure of.
        self.assertFalse(self.journals.filtered("bank_api_pilot_active"))


@tagged("post_install", "-at_install")
class TestPilotDashboard(HttpCase, MatchingSetup, SandboxSyncCase):
    """The Pilot badge of the journal's card leads to the report and to Go
    Live, in the browser."""

    frozen_at = None  # the browser and its session live in real time
    sandbox_options = {"seed": 5, "per_day": 8, "page_size": 25}
    history_days = 10

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_matching(cls.company)

    def test_the_pilot_badge_opens_the_report_and_go_live_ends_the_pilot(self):
        self.connection.pilot_mode = True
        self.env["bank.api.sandbox.invoicer"]._create_invoices(
            self.bank,
            self.accounts.mapped("resource_id"),
            fields.Date.today() - timedelta(days=self.history_days - 1),
        )
        self.assertEqual(self.sync().status, "success")
        lines = self.env["account.bank.statement.line"].search(
            [("journal_id", "in", self.accounts.journal_id.ids)]
        )
        self.assertFalse(lines.filtered("is_reconciled"))
        would = lines.filtered("bank_api_would_auto")
        self.assertTrue(would)
        self.start_tour(
            "/odoo/action-account.open_account_journal_dashboard_kanban",
            "bank_api_sync_sandbox_pilot_go_live",
            login="bas_account_manager",
        )
        self.env.invalidate_all()
        self.assertFalse(self.connection.pilot_mode)
        self.assertFalse(self.accounts.journal_id.filtered("bank_api_pilot_active"))
        self.assertEqual(lines.filtered("is_reconciled"), would)
