from datetime import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common_matching import BankApiMatchingCase


@tagged("post_install", "-at_install")
class TestMonthClose(BankApiMatchingCase):
    """Month Close: for a bank journal and a month, the days from the month's
    end until its last bank line was reconciled; open while a line of the
    month waits."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.tz = "Europe/Warsaw"
        cls.kowalski = cls.partner("Kowalski i Syn Sp. z o.o.")
        cls.second_journal = cls.env["account.journal"].create(
            {"name": "Second Bank", "type": "bank", "code": "BMT2"}
        )

    def reconcile_by_hand(self, line, at):
        invoice = self.invoice(self.kowalski, line.amount)
        with freeze_time(at):
            self.env["bank.api.manual.reconcile.wizard"].create(
                {
                    "statement_line_id": line.id,
                    "move_line_ids": [
                        Command.set(invoice.line_ids.filtered("amount_residual").ids)
                    ],
                }
            ).action_reconcile()
        self.assertTrue(line.is_reconciled)

    def month_close(self, journal=None):
        # A report over the lines: what the lines wrote, read afresh.
        self.env.flush_all()
        self.env.invalidate_all()
        return {
            row.period.isoformat(): row
            for row in self.env["bank.api.month.close"].search(
                [("journal_id", "=", (journal or self.journal).id)]
            )
        }

    def test_a_month_closes_when_its_last_line_is_reconciled(self):
        early = self.bank_line(100.0, "oct 1", date="2026-10-05")
        late = self.bank_line(200.0, "oct 2", date="2026-10-30")
        november = self.bank_line(300.0, "nov 1", date="2026-11-20")
        waiting = self.bank_line(400.0, "nov 2", date="2026-11-21")
        self.assertTrue(waiting)
        self.reconcile_by_hand(early, datetime(2026, 10, 6, 9, 0))
        rows = self.month_close()
        self.assertEqual(set(rows), {"2026-10-01", "2026-11-01"})
        october = rows["2026-10-01"]
        self.assertEqual((october.state, october.lines_open), ("open", 1))
        self.assertFalse(october.close_days)
        self.assertFalse(october.closed_on)

        # 23:30 UTC on 4 November is already the 5th in Warsaw: five days
        # after the 31st of October.
        self.reconcile_by_hand(late, datetime(2026, 11, 4, 23, 30))
        self.reconcile_by_hand(november, datetime(2026, 11, 21, 10, 0))
        rows = self.month_close()
        october = rows["2026-10-01"]
        self.assertEqual((october.state, october.lines_open), ("closed", 0))
        self.assertEqual(october.lines_count, 2)
        self.assertEqual(october.closed_on.isoformat(), "2026-11-05")
        self.assertEqual(october.close_days, 5)
        # November: one line of two still waits.
        november_row = rows["2026-11-01"]
        self.assertEqual((november_row.state, november_row.lines_open), ("open", 1))
        self.assertFalse(november_row.close_days)

    def test_a_month_reconciled_before_its_end_closes_at_its_end(self):
        line = self.bank_line(100.0, "oct", date="2026-10-05")
        self.reconcile_by_hand(line, datetime(2026, 10, 7, 9, 0))
        october = self.month_close()["2026-10-01"]
        self.assertEqual((october.state, october.close_days), ("closed", 0))

    def test_a_group_shows_its_slowest_month_and_its_open_lines(self):
        ours = self.bank_line(100.0, "oct", date="2026-10-05")
        theirs = self.bank_line(
            100.0, "oct", date="2026-10-06", journal=self.second_journal
        )
        self.bank_line(50.0, "nov", date="2026-11-06", journal=self.second_journal)
        self.reconcile_by_hand(ours, datetime(2026, 11, 3, 9, 0))
        self.reconcile_by_hand(theirs, datetime(2026, 11, 10, 9, 0))
        self.env.flush_all()
        self.env.invalidate_all()
        domain = [("journal_id", "in", (self.journal | self.second_journal).ids)]
        [october, november] = self.env["bank.api.month.close"].read_group(
            domain,
            ["close_days:max", "lines_open:sum"],
            ["period:month"],
            orderby="period",
        )
        self.assertEqual((october["close_days"], october["lines_open"]), (10, 0))
        self.assertEqual(november["lines_open"], 1)

    def test_the_journal_card_shows_last_months_close(self):
        line = self.bank_line(100.0, "oct", date="2026-10-05")
        other = self.bank_line(
            100.0, "oct", date="2026-10-06", journal=self.second_journal
        )
        self.assertTrue(other)
        self.reconcile_by_hand(line, datetime(2026, 11, 3, 9, 0))
        self.env.flush_all()
        self.env.invalidate_all()
        with freeze_time("2026-11-15"):
            journals = (self.journal | self.second_journal).with_user(self.accountant)
            ours, theirs = journals
            self.assertEqual(
                (ours.bank_api_close_state, ours.bank_api_close_days), ("closed", 3)
            )
            self.assertEqual(
                (theirs.bank_api_close_state, theirs.bank_api_close_open), ("open", 1)
            )
        action = self.journal.with_user(
            self.account_manager
        ).action_bank_api_month_close()
        self.assertEqual(action["res_model"], "bank.api.month.close")
        rows = self.env["bank.api.month.close"].search(action["domain"])
        self.assertEqual(rows.journal_id, self.journal)
        self.assertEqual(rows.mapped("close_days"), [3])
