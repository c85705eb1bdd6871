from datetime import date
from decimal import Decimal

from odoo.tests import tagged

from odoo.addons.bank_api_sync.tests.common_matching import MatchingSetup

from ..core.writer import Details86, StatementData, StatementLine, render_bytes
from .common import Mt940ImportCase

OUR_ACCOUNT = "PL61109010140000071219812874"
NOWAK_IBAN = "PL27114020040000300201355387"


@tagged("post_install", "-at_install")
class TestMt940ImportMatching(MatchingSetup, Mt940ImportCase):
    """A statement file's new lines are matched in the same run as a sync's,
    and the import's summary says how many were reconciled and how many
    wait."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_matching(cls.company)
        cls.currency = cls.company.currency_id
        cls.journal = cls.make_journal("MTM", OUR_ACCOUNT, cls.currency.name)
        cls.nowak = cls.partner("Nowak PHU", iban=NOWAK_IBAN)

    def statement_file(self, *movements):
        day = date(2026, 11, 20)
        lines = [
            StatementLine(
                value_date=day,
                entry_date=day,
                amount=Decimal(amount),
                bank_reference=f"M-{index}",
                details=Details86(code="020", title=title, counterparty_account=iban),
            )
            for index, (amount, title, iban) in enumerate(movements, start=1)
        ]
        statement = StatementData(
            account=f"/{OUR_ACCOUNT}",
            currency=self.currency.name,
            opening_balance=Decimal("1000.00"),
            opening_date=day,
            lines=lines,
            statement_number=1,
            closing_date=day,
        )
        return ("matching.sta", render_bytes([statement], encoding="cp1250"))

    def test_an_imported_file_is_matched_and_the_summary_says_how(self):
        quoted = self.invoice(self.nowak, 410.0, number="FV/2026/11/0401")
        first = self.invoice(self.nowak, 500.0, invoice_date="2026-11-03")
        second = self.invoice(self.nowak, 500.0, invoice_date="2026-11-05")
        upload = self.statement_file(
            ("410.00", "Zaplata FV/2026/11/0401", None),
            ("500.00", "Zaplata", NOWAK_IBAN),
            ("12.00", "Darowizna", None),
        )

        wizard = self.upload(self.journal, upload)

        self.assertEqual(wizard.line_count, 3)
        self.assertEqual(
            (wizard.auto_count, wizard.review_count, wizard.no_proposal_count),
            (1, 1, 1),
        )
        lines = self.lines(self.journal)
        paid = lines.filtered(lambda line: line.amount == 410.0)
        self.assertTrue(paid.is_reconciled)
        self.assertEqual(paid.bank_api_reconciled_how, "auto")
        self.assertIn(quoted.payment_state, ("paid", "in_payment"))
        waiting = lines.filtered(lambda line: line.amount == 500.0)
        self.assertFalse(waiting.is_reconciled)
        self.assertEqual(waiting.bank_api_proposal_ids.move_ids, first | second)
        nothing = lines.filtered(lambda line: line.amount == 12.0)
        self.assertTrue(nothing.bank_api_matched_at)
        self.assertFalse(nothing.bank_api_proposal_ids)

    def test_the_same_file_again_matches_nothing_more(self):
        self.invoice(self.nowak, 410.0, number="FV/2026/11/0401")
        upload = self.statement_file(("410.00", "FV/2026/11/0401", None))
        self.upload(self.journal, upload)
        again = self.upload(self.journal, upload)
        self.assertEqual((again.line_count, again.duplicate_count), (0, 1))
        self.assertEqual((again.auto_count, again.review_count), (0, 0))
