from datetime import datetime, timedelta

from lxml import etree

from odoo import Command
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common_matching import BankApiMatchingCase

KOWALSKI_IBAN = "PL61109010140000071219812874"
OUR_IBAN = "PL27114020040000300201355387"


@tagged("post_install", "-at_install")
class TestHonestCounts(BankApiMatchingCase):
    """Every count a card shows opens exactly the lines it counts, every
    filter of the review list finds its lines, a line without proposal says
    what to do, and the automation figures are computed over the lines."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.kowalski = cls.partner("Kowalski i Syn Sp. z o.o.", iban=KOWALSKI_IBAN)
        cls.env["res.partner.bank"].create(
            {"acc_number": OUR_IBAN, "partner_id": cls.company.partner_id.id}
        )

    def review_lines(self, action, filter_name=None):
        """The lines the review list shows for ``action``, with the search
        filter ``filter_name`` (else the action's default filters) on."""
        view = self.env.ref("bank_api_sync.account_bank_statement_line_view_search")
        arch = etree.fromstring(view.arch)  # noqa: S320 (our own view)
        context = (
            safe_eval(action.get("context") or "{}")
            if isinstance(action.get("context"), str)
            else action.get("context") or {}
        )
        names = (
            [filter_name]
            if filter_name
            else [
                key[len("search_default_") :]
                for key, value in context.items()
                if key.startswith("search_default_") and value
            ]
        )
        domain = list(
            safe_eval(action["domain"])
            if isinstance(action.get("domain"), str)
            else action.get("domain") or []
        )
        for name in names:
            [node] = arch.xpath(f"//filter[@name='{name}']")
            domain += safe_eval(node.get("domain"))
        return self.env["account.bank.statement.line"].search(domain)

    def some_lines(self):
        """A journal as an accountant finds it: one line reconciled
        automatically, one by hand, one corrected, one waiting with
        proposals, four without any."""
        self.invoice(self.kowalski, 310.0, number="FV/2026/11/0501")
        self.invoice(self.kowalski, 500.0, invoice_date="2026-11-03")
        self.invoice(self.kowalski, 500.0, invoice_date="2026-11-05")
        by_hand = self.invoice(self.kowalski, 77.0, number="FV/2026/11/0502")
        self.invoice(self.kowalski, 88.0, number="FV/2026/11/0503")
        lines = {
            "auto": self.bank_line(310.0, "FV/2026/11/0501"),
            "review": self.bank_line(500.0, "Zapłata", account_number=KOWALSKI_IBAN),
            "by_hand": self.bank_line(77.0, "przelew"),
            "corrected": self.bank_line(88.0, "FV/2026/11/0503"),
            "unknown": self.bank_line(45.0, "Darowizna"),
            "transfer": self.bank_line(-1000.0, "Przelew", account_number=OUR_IBAN),
            "fee": self.bank_line(-5.0, "Opłata za przelew natychmiastowy"),
            "no_invoice": self.bank_line(
                1234.56, "Zapłata", account_number=KOWALSKI_IBAN
            ),
        }
        self.match(*lines.values())
        self.env["bank.api.manual.reconcile.wizard"].create(
            {
                "statement_line_id": lines["by_hand"].id,
                "move_line_ids": [
                    Command.set(by_hand.line_ids.filtered("amount_residual").ids)
                ],
            }
        ).action_reconcile()
        lines["corrected"].action_bank_api_undo()
        self.env.invalidate_all()
        return lines

    def test_the_cards_counts_open_exactly_their_lines(self):
        lines = self.some_lines()
        journal = self.journal.with_user(self.accountant)
        to_review = journal.action_bank_api_open_to_review()
        no_proposal = journal.action_bank_api_open_no_proposal()
        shown_to_review = self.review_lines(to_review)
        shown_no_proposal = self.review_lines(no_proposal)
        self.assertEqual(len(shown_to_review), journal.bank_api_to_review_count)
        self.assertEqual(len(shown_no_proposal), journal.bank_api_no_proposal_count)
        self.assertIn(lines["review"], shown_to_review)
        self.assertIn(lines["corrected"], shown_to_review)
        for name in ("unknown", "transfer", "fee", "no_invoice"):
            self.assertIn(lines[name], shown_no_proposal, name)
        self.assertFalse(shown_to_review & shown_no_proposal)
        self.assertFalse(
            (shown_to_review | shown_no_proposal).filtered("is_reconciled")
        )
        # together: every open line of the journal, once
        open_lines = self.env["account.bank.statement.line"].search(
            [("journal_id", "=", self.journal.id), ("is_reconciled", "=", False)]
        )
        self.assertEqual(shown_to_review | shown_no_proposal, open_lines)

    def test_every_filter_of_the_review_list_finds_its_lines(self):
        lines = self.some_lines()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "bank_api_sync.account_bank_statement_line_to_review_action"
        )
        auto = self.review_lines(action, "filter_auto")
        self.assertIn(lines["auto"], auto)
        self.assertEqual(set(auto.mapped("bank_api_reconciled_how")), {"auto"})
        by_hand = self.review_lines(action, "filter_by_hand")
        self.assertIn(lines["by_hand"], by_hand)
        self.assertNotIn(lines["auto"], by_hand)
        corrected = self.review_lines(action, "filter_corrected")
        self.assertEqual(corrected, lines["corrected"])
        without = self.review_lines(action, "filter_no_proposal")
        self.assertIn(lines["unknown"], without)
        self.assertNotIn(lines["review"], without)

    def test_a_line_without_proposal_says_what_to_do(self):
        lines = self.some_lines()
        steps = {name: lines[name].bank_api_next_step for name in lines}
        self.assertIn("Payer unknown", steps["unknown"])
        self.assertIn("transfer between the company's own accounts", steps["transfer"])
        self.assertIn("bank fee", steps["fee"])
        self.assertIn("matches nothing open of Kowalski", steps["no_invoice"])
        # lines with a proposal, or reconciled, need none
        self.assertFalse(steps["review"])
        self.assertFalse(steps["auto"])

    def test_the_review_list_deletes_nothing_and_undo_asks_first(self):
        view = self.env.ref("bank_api_sync.account_bank_statement_line_view_list")
        arch = etree.fromstring(view.arch)  # noqa: S320 (our own view)
        self.assertEqual(arch.get("delete"), "0")
        [undo] = arch.xpath("//header/button[@name='action_bank_api_undo']")
        self.assertTrue(undo.get("confirm"))
        # and the Action menu offers no Undo that would not ask
        bound = self.env["ir.actions.server"].search(
            [
                ("binding_model_id.model", "=", "account.bank.statement.line"),
                ("code", "ilike", "action_bank_api_undo"),
            ]
        )
        self.assertFalse(bound)

    def test_automation_figures_are_computed_over_the_lines(self):
        """October: 1 line, automatic after 10 hours. November: 3 lines, by
        hand after 20, 30 and 100 hours. The true automatic rate is 1 of 4
        (25 %, not the 50 % average of 100 % and 0 %), the true median 25
        hours (not 20, the average of the monthly medians 10 and 30)."""
        october = self.invoice(
            self.kowalski, 11.0, number="FV/2026/10/0001", invoice_date="2026-10-01"
        )
        self.assertTrue(october)
        auto = self.bank_line(11.0, "FV/2026/10/0001", date="2026-10-20")
        november = [
            self.bank_line(20.0 + index, f"nov {index}", date="2026-11-20")
            for index in range(3)
        ]
        self.match(auto)
        self.assertReconciledWith(auto, october)
        for line in november:
            invoice = self.invoice(self.kowalski, line.amount)
            self.env["bank.api.manual.reconcile.wizard"].create(
                {
                    "statement_line_id": line.id,
                    "move_line_ids": [
                        Command.set(invoice.line_ids.filtered("amount_residual").ids)
                    ],
                }
            ).action_reconcile()
        # the hours as they would have passed
        for line, hours in ((auto, 10), *zip(november, (20, 30, 100), strict=True)):
            booked = datetime.combine(line.date, datetime.min.time())
            line.bank_api_reconciled_at = booked + timedelta(hours=hours)
        self.env.flush_all()
        kpi = self.env["bank.api.automation.kpi"]
        domain = [("journal_id", "=", self.journal.id)]
        measures = [
            "lines_imported:sum",
            "lines_auto:sum",
            "lines_by_hand:sum",
            "auto_rate:avg",
            "median_hours:avg",
        ]
        months = {
            row["period:month"]: row
            for row in kpi.read_group(domain, measures, ["period:month"])
        }
        self.assertEqual(len(months), 2)
        by_month = sorted(
            months.values(), key=lambda row: row["__range"]["period:month"]["from"]
        )
        self.assertAlmostEqual(by_month[0]["auto_rate"], 100.0)
        self.assertAlmostEqual(by_month[0]["median_hours"], 10.0)
        self.assertAlmostEqual(by_month[1]["auto_rate"], 0.0)
        self.assertAlmostEqual(by_month[1]["median_hours"], 30.0)
        [total] = kpi.read_group(domain, measures, [])
        self.assertEqual(total["lines_imported"], 4)
        self.assertEqual(total["lines_auto"], 1)
        self.assertEqual(total["lines_by_hand"], 3)
        self.assertAlmostEqual(total["auto_rate"], 25.0)
        self.assertAlmostEqual(total["median_hours"], 25.0)
        [by_journal] = kpi.read_group(domain, measures, ["journal_id"])
        self.assertAlmostEqual(by_journal["auto_rate"], 25.0)
        self.assertAlmostEqual(by_journal["median_hours"], 25.0)

    def test_the_pending_amount_opens_its_pending_transactions(self):
        account = self.env["bank.api.account"].create(
            {
                "connection_id": self.connection.id,
                "name": "Current",
                "resource_id": "acc-pending",
                "journal_id": self.journal.id,
            }
        )
        pending = self.env["bank.api.pending.transaction"].create(
            [
                {"account_id": account.id, "unique_key": key, "amount": amount}
                for key, amount in (("p-1", 120.0), ("p-2", -20.0))
            ]
        )
        form = self.env.ref("bank_api_sync.bank_api_connection_view_form")
        arch = etree.fromstring(form.arch)  # noqa: S320 (our own view)
        [button] = arch.xpath(
            "//field[@name='account_ids']//button[@name='action_open_pending']"
        )
        self.assertIn("pending_amount", button.get("invisible"))
        self.assertAlmostEqual(account.pending_amount, 100.0)
        action = account.with_user(self.accountant).action_open_pending()
        shown = self.env[action["res_model"]].search(action["domain"])
        self.assertEqual(shown, pending)

    def test_the_card_shows_the_last_syncs_time_and_outcome(self):
        self.env["bank.api.account"].create(
            {
                "connection_id": self.connection.id,
                "name": "Current",
                "resource_id": "acc-card",
                "journal_id": self.journal.id,
            }
        )
        journal = self.journal.with_user(self.accountant)
        self.assertFalse(journal.bank_api_last_sync_at)
        logs = self.env["bank.api.sync.log"].create(
            [
                {
                    "connection_id": self.connection.id,
                    "trigger": "cron",
                    "started_at": "2026-12-02 06:00:00",
                    "ended_at": "2026-12-02 06:00:09",
                    "status": "success",
                },
                {
                    "connection_id": self.connection.id,
                    "trigger": "manual",
                    "started_at": "2026-12-03 08:00:00",
                    "ended_at": "2026-12-03 08:00:04",
                    "status": "failed",
                },
            ]
        )
        self.assertTrue(logs)
        journal.invalidate_recordset()
        self.assertEqual(str(journal.bank_api_last_sync_at), "2026-12-03 08:00:04")
        self.assertEqual(journal.bank_api_last_sync_status, "failed")
