from datetime import date
from decimal import Decimal

from odoo.tests import tagged

from ..core.model import BOOKED, Transaction
from .common import BankApiSyncCase


def booked(amount, currency, day, **kwargs):
    return Transaction(
        status=BOOKED,
        amount=Decimal(amount),
        currency=currency,
        booking_date=day,
        value_date=day,
        **kwargs,
    )


@tagged("post_install", "-at_install")
class TestStatementImporter(BankApiSyncCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.importer = cls.env["bank.api.statement.importer"]
        cls.eur = cls.env.ref("base.EUR")
        cls.eur.active = True
        cls.journal = cls.env["account.journal"].create(
            {
                "name": "EUR account",
                "type": "bank",
                "code": "BEUR9",
                "currency_id": cls.eur.id,
            }
        )

    def test_a_line_in_another_currency_keeps_both_amounts(self):
        usd = self.company.currency_id
        self.env["res.currency.rate"].create(
            {"currency_id": self.eur.id, "name": "2026-11-02", "rate": 0.5}
        )
        line = self.importer._import_transactions(
            self.journal,
            [booked("100.00", usd.name, date(2026, 11, 2), transaction_id="FX1")],
        ).lines
        self.assertEqual(line.foreign_currency_id, usd)
        self.assertEqual(line.amount_currency, 100.0)
        self.assertAlmostEqual(line.amount, 50.0)  # 100 USD at 0.5 EUR per USD

    def test_a_bank_conversion_is_kept_as_the_foreign_amount(self):
        pln = self.env.ref("base.PLN")
        line = self.importer._import_transactions(
            self.journal,
            [
                booked(
                    "-23.40",
                    "EUR",
                    date(2026, 11, 2),
                    transaction_id="FX2",
                    original_amount=Decimal("-100.00"),
                    original_currency="PLN",
                )
            ],
        ).lines
        self.assertEqual(line.amount, -23.40)
        self.assertEqual(line.foreign_currency_id, pln)
        self.assertEqual(line.amount_currency, -100.0)

    def test_journal_items_are_the_ones_odoo_makes(self):
        # The importer hands Odoo each line's items to create them in bulk:
        # they must be exactly what Odoo's own statement line would post.
        self.env["res.currency.rate"].create(
            {"currency_id": self.eur.id, "name": "2026-11-03", "rate": 0.25}
        )
        pln = self.env.ref("base.PLN")
        pln.active = True
        self.env["res.currency.rate"].create(
            {"currency_id": pln.id, "name": "2026-11-03", "rate": 1.07}
        )
        day = date(2026, 11, 3)
        lines = self.importer._import_transactions(
            self.journal,
            [
                booked("-12.34", "EUR", day, transaction_id="IT1"),
                booked(
                    "100.00", self.company.currency_id.name, day, transaction_id="IT2"
                ),
                booked(
                    "-23.40",
                    "EUR",
                    day,
                    transaction_id="IT3",
                    original_amount=Decimal("-100.00"),
                    original_currency="PLN",
                ),
            ],
        ).lines
        self.assertEqual(len(lines), 3)
        fields = ["account_id", "currency_id", "amount_currency", "debit", "credit"]
        for line in lines:
            expected = sorted(
                tuple(
                    vals[name]
                    if name in ("account_id", "currency_id")
                    else round(vals[name], 2)
                    for name in fields
                )
                for vals in line._prepare_move_line_default_vals()
            )
            posted = sorted(
                (
                    item.account_id.id,
                    item.currency_id.id,
                    item.amount_currency,
                    item.debit,
                    item.credit,
                )
                for item in line.move_id.line_ids
            )
            self.assertEqual(posted, expected, line.payment_ref)
            self.assertEqual(line.move_id.state, "posted")
            self.assertEqual(line.move_id.statement_line_id, line)
            self.assertEqual(
                line.move_id.currency_id, line.foreign_currency_id or self.eur
            )
            self.assertEqual(line.move_id.line_ids.partner_id, line.partner_id)

    def test_statement_days_are_cut_in_the_company_time_zone(self):
        self.company.partner_id.tz = "Europe/Warsaw"
        late = booked(
            "10.00",
            "EUR",
            date(2026, 3, 30),
            transaction_id="TZ1",
            raw={"bookingDateTime": "2026-03-30T22:30:00Z"},
        )
        line = self.importer._import_transactions(self.journal, [late]).lines
        self.assertEqual(line.date, date(2026, 3, 31))
        self.assertEqual(line.statement_id.bank_api_day, date(2026, 3, 31))
        self.assertEqual(line.statement_id.name, "BEUR9 2026-03-31")

    def test_the_same_transaction_from_two_feeds_is_imported_once(self):
        transaction = booked("5.00", "EUR", date(2026, 11, 3), transaction_id="T9")
        first = self.importer._import_transactions(self.journal, [transaction])
        again = self.importer._import_transactions(
            self.journal, [transaction, transaction]
        )
        self.assertEqual((first.created, again.created), (1, 0))
        self.assertEqual(again.duplicates, 2)

    def test_counterparty_iban_identifies_a_partner_unless_shared(self):
        partner = self.env["res.partner"].create({"name": "Kowalski"})
        self.env["res.partner.bank"].create(
            {
                "acc_number": "PL61 1090 1014 0000 0712 1981 2874",
                "partner_id": partner.id,
            }
        )
        iban = "PL61109010140000071219812874"
        line = self.importer._import_transactions(
            self.journal,
            [
                booked(
                    "1",
                    "EUR",
                    date(2026, 11, 4),
                    transaction_id="P1",
                    counterparty_iban=iban,
                )
            ],
        ).lines
        self.assertEqual(line.partner_id, partner)
        other = self.env["res.partner"].create({"name": "Kowalska"})
        self.env["res.partner.bank"].create(
            {"acc_number": iban, "partner_id": other.id}
        )
        shared = self.importer._import_transactions(
            self.journal,
            [
                booked(
                    "2",
                    "EUR",
                    date(2026, 11, 4),
                    transaction_id="P2",
                    counterparty_iban=iban,
                )
            ],
        ).lines
        self.assertFalse(shared.partner_id)
