from datetime import datetime, timedelta

from odoo.tests import tagged

from .common import SandboxSyncCase


@tagged("post_install", "-at_install")
class TestMt942Intraday(SandboxSyncCase):
    """The Sandbox Bank's MT942 intraday report and, the next day, its MT940
    statement of the same day, fetched over HTTP and imported as files into
    the account's journal: the intraday movements become lines at once, and
    the end-of-day statement confirms them instead of adding them again."""

    def import_file(self, journal, name, data):
        attachment = self.env["ir.attachment"].create(
            {"name": name, "raw": data, "res_model": "bank.api.mt940.import"}
        )
        return self.env["bank.api.mt940.importer"]._import_files(journal, attachment)

    def journal_lines(self, journal):
        return self.env["account.bank.statement.line"].search(
            [("journal_id", "=", journal.id)]
        )

    def test_intraday_lines_are_confirmed_by_the_end_of_day_statement(self):
        account = self.accounts.filtered(lambda a: a.currency_id.name == "PLN")[:1]
        journal = account.journal_id
        today = self.bank.today()
        client = self.connection._build_client()
        report = client.get_mt942_report(account._core_account(), today)

        intraday = self.import_file(journal, "intraday.sta", report)
        self.assertTrue(intraday.lines)
        self.assertFalse(intraday.lines.statement_id)
        self.assertEqual(intraday.formats, {"MT940": 1})
        self.assertEqual(intraday.duplicates, 0)

        # The same report again, later in the morning: nothing twice.
        again = self.import_file(journal, "intraday-again.sta", report)
        self.assertFalse(again.lines)
        self.assertEqual(again.duplicates, len(intraday.lines))

        # In the afternoon a customer pays; the next morning the bank's
        # statement of the whole day comes.
        self.clock.tick(timedelta(hours=5))
        self.bank.book_customer_payment(
            account.resource_id,
            "123.45",
            "Hurtownia Świt",
            "PL10105000997603123456789123",
            "FV 7/2026",
        )
        self.clock.move_to(datetime(2026, 11, 25, 8, 0))
        client = self.connection._build_client()
        statement_data = client.get_mt940_statements(
            account._core_account(), today, today
        )
        final = self.import_file(journal, "statement.sta", statement_data)

        self.assertEqual(len(final.lines), 1)
        self.assertEqual(final.lines.amount, 123.45)
        statement = final.statements
        self.assertEqual(len(statement), 1)
        lines = self.journal_lines(journal)
        self.assertEqual(len(lines), len(intraday.lines) + 1)
        self.assertEqual(lines.statement_id, statement)
        self.assertEqual(
            sorted(lines.mapped("bank_api_unique_key")),
            sorted((intraday.lines | final.lines).mapped("bank_api_unique_key")),
        )
        self.assertTrue(statement.is_complete)
        self.assertIn(
            f"{len(intraday.lines)} line(s) imported earlier from interim reports "
            "are confirmed",
            "\n".join(final.warnings),
        )
