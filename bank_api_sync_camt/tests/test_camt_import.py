from datetime import date

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import file_open, mute_logger

from odoo.addons.bank_api_sync_mt940.tests.common import Mt940ImportCase
from odoo.addons.bank_api_sync_mt940.tests.test_mt940_import import generated, zip_of

SAMPLES = "bank_api_sync_camt/tests/samples"
ACCOUNT = "PL61 1090 1014 0000 0712 1981 2874"


@tagged("post_install", "-at_install")
class TestCamtImport(Mt940ImportCase):
    """camt.053 files through the statement file import, as MT940 files."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.journal = cls.make_journal("CAMT", ACCOUNT)

    @staticmethod
    def sample(name):
        if not name.endswith(".xml"):
            return Mt940ImportCase.sample(name)
        with file_open(f"{SAMPLES}/{name}", "rb") as file:
            return file.read()

    def test_statements_lines_balances_duplicates_and_file(self):
        wizard = self.upload(self.journal, "camt053_v02_statement1.xml")
        self.assertEqual((wizard.statement_count, wizard.line_count), (1, 5))
        self.assertIn("1 entries not booked yet", wizard.warnings)
        statement = wizard.statement_ids
        self.assertEqual(
            (statement.balance_start, statement.balance_end_real), (1000.0, 865.0)
        )
        self.assertTrue(statement.is_complete)
        self.assertEqual(statement.attachment_ids.name, "camt053_v02_statement1.xml")
        lines = self.lines(self.journal)
        self.assertEqual(lines.mapped("amount"), [250.0, -100.0, -200.0, -5.0, -80.0])
        self.assertEqual(lines[0].partner_name, "Jan Kowalski")
        self.assertIn("RF18539007547034", lines[0].payment_ref)
        self.assertEqual(lines[1].partner_name, "Anna Nowak")

        # The same file again, then the next day's statement (version 08)
        # with it: nothing twice, and the next statement follows on.
        again = self.upload(
            self.journal, "camt053_v02_statement1.xml", "camt053_v08_statement2.xml"
        )
        self.assertEqual((again.line_count, again.duplicate_count), (1, 5))
        self.assertEqual(len(self.lines(self.journal)), 6)
        second = self.statements(self.journal)[-1]
        self.assertEqual(
            (second.balance_start, second.balance_end_real), (865.0, 965.0)
        )

    def test_a_statement_that_does_not_add_up_imports_nothing(self):
        data = self.sample("camt053_v08_statement2.xml").replace(b"965.00", b"966.00")
        with (
            mute_logger("odoo.http"),
            self.assertRaisesRegex(
                UserError,
                r"broken\.xml: line \d+, Document/BkToCstmrStmt/Stmt/Bal: .*"
                "do not add up",
            ),
        ):
            self.upload(self.journal, ("broken.xml", data))
        self.assertFalse(self.lines(self.journal))

    def test_a_statement_that_does_not_follow_on_is_stopped(self):
        self.upload(self.journal, "camt053_v02_statement1.xml")
        gap = (
            self.sample("camt053_v08_statement2.xml")
            .replace(b"865.00", b"866.00")
            .replace(b"965.00", b"966.00")
        )
        with self.assertRaisesRegex(UserError, "do not follow on"):
            self.upload(self.journal, ("gap.xml", gap))
        wizard = self.upload(self.journal, ("gap.xml", gap), import_anyway=True)
        self.assertEqual(wizard.line_count, 1)

    # -- the import speaks of the format it read -----------------------------------

    def import_action(self, *files, lang=None):
        """(wizard, the window's action) for ``files``, imported."""
        env = self.env(user=self.accountant, context={"lang": lang} if lang else {})
        wizard = env["bank.api.mt940.import"].create(
            {
                "journal_id": self.journal.id,
                "attachment_ids": [Command.set(self.attachments(*files).ids)],
            }
        )
        return wizard, wizard.action_import()

    def test_a_camt_import_speaks_of_camt_not_mt940(self):
        wizard, action = self.import_action("camt053_v02_statement1.xml")
        self.assertEqual(wizard.format_summary, "camt.053 / camt.052: 1")
        self.assertEqual(action["name"], "Statement Import")
        self.assertTrue(wizard.warnings)
        self.assertNotIn("MT940", wizard.warnings)
        self.assertIn("camt.053 / camt.052 (.xml)", wizard.formats_read)
        self.assertIn("MT940 (", wizard.formats_read)

    def test_a_bad_camt_file_is_refused_as_camt(self):
        data = self.sample("camt053_v08_statement2.xml").replace(b"965.00", b"966.00")
        with mute_logger("odoo.http"), self.assertRaises(UserError) as caught:
            self.upload(self.journal, ("broken.xml", data))
        message = str(caught.exception)
        self.assertIn("these files are not valid camt.053 / camt.052.", message)
        self.assertNotIn("MT940", message)
        # A bad file of each format: both formats named, each file's problem.
        with self.assertRaises(UserError) as caught:
            self.upload(self.journal, ("broken.xml", data), "truncated.sta")
        message = str(caught.exception)
        self.assertIn("not valid camt.053 / camt.052, MT940.", message)
        self.assertIn("truncated.sta: line 6, field :62F:", message)
        self.assertIn("broken.xml: line", message)

    def test_a_bad_camt_file_is_explained_in_polish(self):
        self.env["res.lang"]._activate_lang("pl_PL")
        data = self.sample("camt053_v08_statement2.xml").replace(b"965.00", b"966.00")
        with self.assertRaises(UserError) as caught:
            self.import_action(("broken.xml", data), lang="pl_PL")
        message = str(caught.exception)
        self.assertIn(
            "Nic nie zaimportowano: te pliki nie są poprawnymi plikami "
            "camt.053 / camt.052.",
            message,
        )
        self.assertNotIn("MT940", message)

    def test_camt_and_mt940_files_in_one_upload_and_camt_in_a_zip(self):
        next_day = generated(2, "865.00", ["40.00"], date(2026, 12, 2))
        archive = zip_of(
            **{"camt__day1.xml": self.sample("camt053_v02_statement1.xml")}
        )
        wizard = self.upload(
            self.journal, ("day1.zip", archive), ("day2.sta", next_day)
        )
        self.assertEqual(wizard.format_summary, "camt.053 / camt.052: 1, MT940: 1")
        self.assertEqual((wizard.statement_count, wizard.line_count), (2, 6))
        first, second = self.statements(self.journal)
        self.assertEqual((first.balance_start, first.balance_end_real), (1000.0, 865.0))
        self.assertEqual(
            (second.balance_start, second.balance_end_real), (865.0, 905.0)
        )
        self.assertTrue(first.is_complete and second.is_complete)
