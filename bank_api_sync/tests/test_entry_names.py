from datetime import date, timedelta
from decimal import Decimal

from odoo.tests import tagged

from ..core.model import BOOKED, Transaction
from .common import BankApiSyncCase


@tagged("post_install", "-at_install")
class TestEntryNames(BankApiSyncCase):
    """An import names its entries a period at a time: the names must be
    those Odoo gives when it creates the same lines one entry at a time."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.importer = cls.env["bank.api.statement.importer"]
        cls.currency = cls.company.currency_id

    def _journal(self, code):
        return self.env["account.journal"].create(
            {"name": f"Bank {code}", "type": "bank", "code": code}
        )

    def _transactions(self, first_day, last_day, per_day=3):
        transactions = []
        day = first_day
        while day <= last_day:
            for index in range(per_day):
                amount = Decimal(f"{day.toordinal() % 1000}.{index + 10}")
                transactions.append(
                    Transaction(
                        status=BOOKED,
                        amount=amount,
                        currency=self.currency.name,
                        booking_date=day,
                        value_date=day,
                        transaction_id=f"N-{day.isoformat()}-{index}",
                        remittance=f"Payment {amount}",
                    )
                )
            day += timedelta(days=1)
        return transactions

    def _import(self, journal, transactions):
        return self.importer._import_transactions(journal, transactions).lines

    def _create_as_odoo_does(self, journal, transactions):
        return self.env["account.bank.statement.line"].create(
            [
                {
                    "journal_id": journal.id,
                    "date": txn.booking_date,
                    "amount": float(txn.amount),
                    "payment_ref": txn.remittance,
                }
                for txn in transactions
            ]
        )

    def _names(self, journal):
        moves = self.env["account.move"].search(
            [("journal_id", "=", journal.id), ("statement_line_id", "!=", False)]
        )
        return sorted(
            (
                move.date,
                move.amount_total,
                move.name.replace(journal.code, "J"),
                move.sequence_number,
            )
            for move in moves
        )

    def _seed(self, journal, day, name):
        """A posted entry of the journal, renamed by hand as a user may."""
        line = self._create_as_odoo_does(
            journal,
            [
                Transaction(
                    status=BOOKED,
                    amount=Decimal("1.00"),
                    currency=self.currency.name,
                    booking_date=day,
                    value_date=day,
                    transaction_id=f"SEED-{journal.code}",
                    remittance="Opening",
                )
            ],
        )
        line.move_id.button_draft()
        line.move_id.name = name.replace("J", journal.code, 1)
        line.move_id.action_post()

    def test_names_across_a_year_end_are_odoos(self):
        ours, odoo = self._journal("NAM1"), self._journal("NAM2")
        december = self._transactions(date(2025, 12, 29), date(2025, 12, 31))
        january = self._transactions(date(2026, 1, 1), date(2026, 1, 2))
        # Two syncs: the second continues each year's numbering.
        self._import(ours, december[:4])
        self._import(ours, december[4:] + january)
        self._create_as_odoo_does(odoo, december[:4])
        self._create_as_odoo_does(odoo, december[4:] + january)

        names = self._names(ours)
        self.assertEqual(names, self._names(odoo))
        self.assertEqual(
            [names[index][2:] for index in (0, 8, 9, -1)],
            [
                ("J/2025/00001", 1),
                ("J/2025/00009", 9),
                ("J/2026/00001", 1),
                ("J/2026/00006", 6),
            ],
        )

    def test_a_monthly_sequence_restarts_each_month(self):
        ours, odoo = self._journal("NAM3"), self._journal("NAM4")
        for journal in ours | odoo:
            self._seed(journal, date(2026, 10, 29), "J/2026/10/0001")
        transactions = self._transactions(date(2026, 10, 30), date(2026, 11, 2), 2)
        self._import(ours, transactions)
        self._create_as_odoo_does(odoo, transactions)

        names = self._names(ours)
        self.assertEqual(names, self._names(odoo))
        self.assertEqual(
            [name for day, _amount, name, _number in names if day.month == 10][-1],
            "J/2026/10/0005",
        )
        self.assertEqual(
            [name for day, _amount, name, _number in names if day.month == 11],
            ["J/2026/11/0001", "J/2026/11/0002", "J/2026/11/0003", "J/2026/11/0004"],
        )

    def test_a_name_already_taken_is_skipped_as_odoo_does(self):
        # An entry of another year carries a name of this one (renamed by
        # hand): the batch's numbers collide with it, the import still goes
        # through and numbers around it.
        ours, odoo = self._journal("NAM5"), self._journal("NAM6")
        for journal in ours | odoo:
            self._create_as_odoo_does(
                journal, self._transactions(date(2025, 12, 30), date(2025, 12, 30), 1)
            )
            self.env.cr.execute(
                "UPDATE account_move SET name = %s WHERE journal_id = %s",
                (f"{journal.code}/2026/00002", journal.id),
            )
            self.env.invalidate_all()
        transactions = self._transactions(date(2026, 1, 5), date(2026, 1, 6), 2)
        lines = self._import(ours, transactions)
        self._create_as_odoo_does(odoo, transactions)

        self.assertEqual(len(lines), 4)
        names = self._names(ours)
        self.assertEqual(names, self._names(odoo))
        self.assertEqual(
            [name for _day, _amount, name, _number in names],
            [
                "J/2026/00002",  # the seed, dated 2025
                "J/2026/00001",
                "J/2026/00003",
                "J/2026/00004",
                "J/2026/00005",
            ],
        )
