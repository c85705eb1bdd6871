from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import Mt940ImportCase

ACCOUNT = "PL27 1140 2004 0000 3002 0135 5387"


@tagged("post_install", "-at_install")
class TestMt942Import(Mt940ImportCase):
    """MT942 interim reports, and what banks send that the parser tolerates."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.journal = cls.make_journal("M942", ACCOUNT)

    def assertConfirmedStatement(self):
        """The end-of-day statement holds the three interim movements and the
        fourth one, once each, and its balances add up."""
        lines = self.lines(self.journal)
        self.assertEqual(len(lines), 4)
        self.assertEqual(len(set(lines.mapped("bank_api_unique_key"))), 4)
        statement = self.statements(self.journal)
        self.assertEqual(len(statement), 1)
        self.assertEqual(statement.line_ids, lines)
        self.assertEqual(
            (statement.balance_start, statement.balance_end_real),
            (10000.00, 11357.54),
        )
        self.assertAlmostEqual(statement.balance_end, 11357.54)
        self.assertTrue(statement.is_complete)
        return statement

    def test_interim_report_then_end_of_day_statement_is_one_line_each(self):
        interim = self.upload(self.journal, "mt942_interim.sta")
        self.assertEqual(interim.line_count, 3)
        self.assertFalse(interim.warnings)
        lines = self.lines(self.journal)
        self.assertEqual(sorted(lines.mapped("amount")), [-230.45, -12.00, 1500.00])
        self.assertFalse(lines.statement_id)  # no balances yet: no statement

        final = self.upload(self.journal, "mt940_after_mt942.sta")
        self.assertEqual((final.line_count, final.duplicate_count), (1, 3))
        self.assertEqual(final.line_ids.amount, 99.99)
        statement = self.assertConfirmedStatement()
        self.assertEqual(final.statement_ids, statement)
        self.assertIn("3 line(s) imported earlier from interim reports", final.warnings)
        self.assertLessEqual(lines, statement.line_ids)
        # The same files again change nothing.
        again = self.upload(self.journal, "mt942_interim.sta", "mt940_after_mt942.sta")
        self.assertEqual((again.line_count, again.duplicate_count), (0, 7))
        self.assertConfirmedStatement()

    def test_interim_and_final_in_one_upload(self):
        wizard = self.upload(
            self.journal,
            "mt942_envelope.sta",
            "mt942_interim.sta",
            "mt940_after_mt942.sta",
        )
        self.assertEqual((wizard.statement_count, wizard.line_count), (3, 4))
        self.assertConfirmedStatement()

    def test_tolerated_cases_are_imported_and_named(self):
        journal = self.make_journal("TOL", "PL61 1090 1014 0000 0712 1981 2874")
        wizard = self.upload(journal, "padded_codes.sta", "impossible_dates.sta")
        self.assertEqual(wizard.line_count, 5)
        self.assertIn(
            "padded_codes.sta: line 7, field :61:: spaces around the transaction "
            "type code 'NCHG' skipped",
            wizard.warnings,
        )
        self.assertIn(
            "impossible_dates.sta: line 5, field :61:: date '240230' does not "
            "exist: read as 2024-02-29",
            wizard.warnings,
        )
        interest = self.lines(journal).filtered(lambda line: line.amount == 12.34)
        self.assertEqual(str(interest.date), "2024-02-29")
        self.assertTrue(all(self.statements(journal).mapped("is_complete")))

    def test_a_statement_number_no_bank_writes_names_line_and_field(self):
        journal = self.make_journal("SUP", "PL61 1090 1014 0000 0712 1981 2874")
        data = (
            ":20:X\r\n:25:/PL61109010140000071219812874\r\n:28C:12\u00b2\r\n"
            ":60F:C240131PLN1,00\r\n:62F:C240131PLN1,00\r\n-\r\n"
        ).encode()
        with self.assertRaisesRegex(
            UserError, r"bad\.sta: line 3, field :28C:: statement number '12\u00b2'"
        ):
            self.upload(journal, ("bad.sta", data))
        self.assertFalse(self.lines(journal))
