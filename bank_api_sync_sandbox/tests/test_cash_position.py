import base64
from datetime import timedelta

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import file_open

from .common import SandboxSyncCase

MT940_SAMPLE = "bank_api_sync_mt940/tests/samples/mbank_cp1250.sta"
MT940_ACCOUNT = "PL36 1140 2004 4601 6907 6581 8949"


@tagged("post_install", "-at_install")
class TestCashPosition(SandboxSyncCase):
    """The cash position against the Sandbox Bank (two accounts, PLN and
    EUR) and a bank journal fed by MT940 files."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        currencies = cls.env["res.currency"].with_context(active_test=False)
        cls.pln = currencies.search([("name", "=", "PLN")])
        cls.eur = currencies.search([("name", "=", "EUR")])
        (cls.pln | cls.eur).active = True
        partner_bank = cls.env["res.partner.bank"].create(
            {"acc_number": MT940_ACCOUNT, "partner_id": cls.company.partner_id.id}
        )
        cls.file_journal = cls.env["account.journal"].create(
            {
                "name": "mBank MT940",
                "code": "MBK9",
                "type": "bank",
                "company_id": cls.company.id,
                "currency_id": cls.pln != cls.company.currency_id and cls.pln.id,
                "bank_account_id": partner_bank.id,
                "bank_statements_source": "mt940_import",
            }
        )
        cls.readonly_user = new_test_user(
            cls.env,
            login="cash_readonly",
            groups="base.group_user,account.group_account_readonly",
        )

    def import_mt940(self):
        with file_open(MT940_SAMPLE, "rb") as file:
            data = file.read()
        attachment = self.env["ir.attachment"].create(
            {
                "name": "mbank.sta",
                "datas": base64.b64encode(data),
                "res_model": "bank.api.mt940.import",
            }
        )
        self.env["bank.api.mt940.importer"]._import_files(self.file_journal, attachment)

    def positions(self, user=None):
        journals = self.accounts.journal_id | self.file_journal
        env = self.env(user=user or self.accountant)
        return env["bank.api.cash.position"].search(
            [("journal_id", "in", journals.ids)]
        )

    def position_of(self, journal, user=None):
        positions = self.positions(user).filtered(lambda p: p.journal_id == journal)
        self.assertEqual(len(positions), 1, journal.name)
        return positions

    def journal_total(self, journal):
        lines = self.env["account.bank.statement.line"].search(
            [("journal_id", "=", journal.id)]
        )
        return sum(lines.mapped("amount"))

    def test_every_account_and_file_journal_shows_its_balances_and_freshness(self):
        log = self.sync()
        self.assertEqual(log.status, "success", log.message)
        self.import_mt940()
        positions = self.positions(self.readonly_user)
        self.assertEqual(
            positions.journal_id, self.accounts.journal_id | self.file_journal
        )
        for account in self.accounts:
            position = self.position_of(account.journal_id, self.readonly_user)
            bank = self.bank.balances(account.resource_id)
            self.assertEqual(position.feed, "connection")
            self.assertEqual(position.feed_name, self.connection.name)
            self.assertEqual(position.account_number, account.iban)
            self.assertEqual(position.currency_id.name, account.currency_id.name)
            self.assertAlmostEqual(position.bank_balance, float(bank["closingBooked"]))
            self.assertAlmostEqual(
                position.bank_available_balance, float(bank["interimAvailable"])
            )
            self.assertAlmostEqual(
                position.odoo_balance,
                account.opening_balance + self.journal_total(account.journal_id),
            )
            self.assertAlmostEqual(position.difference, 0.0)
            self.assertEqual(position.refreshed_by, "sync")
            self.assertEqual(position.refreshed_at, account.last_sync_at)
            self.assertFalse(position.stale)

        file_position = self.position_of(self.file_journal, self.readonly_user)
        statements = self.env["account.bank.statement"].search(
            [("journal_id", "=", self.file_journal.id)], order="first_line_index"
        )
        self.assertEqual(file_position.feed, "file")
        self.assertEqual(file_position.currency_id, self.pln)
        self.assertAlmostEqual(
            file_position.bank_balance, statements[-1].balance_end_real
        )
        self.assertAlmostEqual(
            file_position.odoo_balance,
            statements[0].balance_start + self.journal_total(self.file_journal),
        )
        self.assertAlmostEqual(file_position.difference, 0.0)
        self.assertEqual(file_position.refreshed_by, "file")
        self.assertFalse(file_position.stale, "a file feed has no schedule")

    def test_a_line_the_bank_does_not_have_is_the_difference(self):
        self.sync()
        account = self.accounts[0]
        self.env["account.bank.statement.line"].create(
            {
                "journal_id": account.journal_id.id,
                "date": account.bank_balance_date - timedelta(days=1),
                "payment_ref": "Typed by hand",
                "amount": 123.45,
            }
        )
        position = self.position_of(account.journal_id)
        self.assertAlmostEqual(
            position.odoo_balance,
            account.opening_balance + self.journal_total(account.journal_id),
        )
        self.assertAlmostEqual(position.difference, -123.45)
        self.assertEqual(
            self.env["bank.api.cash.position"].search(
                [
                    ("journal_id", "in", self.accounts.journal_id.ids),
                    ("difference", "!=", 0),
                ]
            ),
            position,
        )

    def test_a_missed_scheduled_run_marks_the_accounts_stale(self):
        self.sync()
        position = self.position_of(self.accounts[0].journal_id)
        self.assertFalse(position.stale)
        hours = self.connection.sync_interval_hours
        self.clock.move_to(self.frozen_at + timedelta(hours=hours * 2 + 0.1))
        position.invalidate_recordset()
        self.assertTrue(position.stale)
        stale = self.env["bank.api.cash.position"].search(
            [("stale", "=", True), ("journal_id", "in", self.accounts.journal_id.ids)]
        )
        self.assertEqual(stale.journal_id, self.accounts.journal_id)

    def test_totals_per_currency_and_in_the_company_currency(self):
        company_currency = self.company.currency_id
        foreign = self.eur if company_currency != self.eur else self.pln
        # A rate of the company's own, today, the one the screen must use.
        self.env.cr.execute("SELECT CURRENT_DATE")
        db_today = self.env.cr.fetchone()[0]
        self.env["res.currency.rate"].create(
            {
                "currency_id": foreign.id,
                "company_id": self.company.id,
                "name": db_today,
                "rate": 3.7531,
            }
        )
        self.sync()
        self.import_mt940()
        Position = self.env(user=self.accountant)["bank.api.cash.position"]
        journals = self.accounts.journal_id | self.file_journal
        groups = Position.read_group(
            [("journal_id", "in", journals.ids)],
            ["bank_balance:sum", "bank_balance_company:sum"],
            ["currency_id"],
        )
        by_currency = {group["currency_id"][0]: group for group in groups}
        expected = {}
        for account in self.accounts:
            bank = float(self.bank.balances(account.resource_id)["closingBooked"])
            expected.setdefault(account.currency_id.id, 0.0)
            expected[account.currency_id.id] += bank
        statements = self.env["account.bank.statement"].search(
            [("journal_id", "=", self.file_journal.id)], order="first_line_index"
        )
        expected[self.pln.id] += statements[-1].balance_end_real
        self.assertEqual(set(by_currency), set(expected))
        currencies = self.env["res.currency"].browse(list(expected))
        rates = (currencies | company_currency)._get_rates(self.company, db_today)
        for currency_id, total in expected.items():
            self.assertAlmostEqual(by_currency[currency_id]["bank_balance"], total)
            currency = self.env["res.currency"].browse(currency_id)
            in_company = company_currency.round(
                total * rates.get(company_currency.id, 1.0) / rates[currency_id]
                if currency != company_currency
                else total
            )
            self.assertAlmostEqual(
                by_currency[currency_id]["bank_balance_company"],
                in_company,
                delta=0.02,
            )
        self.assertAlmostEqual(
            by_currency[foreign.id]["bank_balance_company"],
            company_currency.round(by_currency[foreign.id]["bank_balance"] / 3.7531),
            delta=0.02,
        )

    def test_another_companys_accounts_are_invisible(self):
        other = self.env["res.company"].create({"name": "Other Cash Co"})
        self.env["account.chart.template"].try_loading(
            "generic_coa", company=other, install_demo=False
        )
        journal = self.env["account.journal"].create(
            {
                "name": "Other Bank",
                "code": "OTB1",
                "type": "bank",
                "company_id": other.id,
            }
        )
        self.env["account.bank.statement"].create(
            {
                "name": "Other 1",
                "journal_id": journal.id,
                "balance_start": 0.0,
                "balance_end_real": 50.0,
                "line_ids": [
                    (
                        0,
                        0,
                        {
                            "journal_id": journal.id,
                            "date": "2026-11-20",
                            "payment_ref": "Other company's line",
                            "amount": 50.0,
                        },
                    )
                ],
            }
        )
        self.sync()
        Position = self.env["bank.api.cash.position"]
        row = Position.sudo().search([("journal_id", "=", journal.id)])
        self.assertEqual(row.company_id, other)
        self.assertEqual(row.feed, "file")
        self.assertEqual(row.refreshed_by, "file", "the statement's arrival")
        self.assertAlmostEqual(row.bank_balance, 50.0)
        as_accountant = Position.with_user(self.accountant)
        self.assertFalse(as_accountant.search([("journal_id", "=", journal.id)]))
        self.assertEqual(
            as_accountant.search([]).company_id, self.accountant.company_id
        )
        Snapshot = self.env["bank.api.balance.snapshot"].with_user(self.accountant)
        self.assertEqual(Snapshot.search([]).company_id, self.accountant.company_id)

    def test_one_snapshot_per_account_and_day_whatever_the_syncs(self):
        Snapshot = self.env["bank.api.balance.snapshot"]
        journals = self.accounts.journal_id
        self.sync()
        first = Snapshot.search([("journal_id", "in", journals.ids)])
        self.assertEqual(first.journal_id, journals)
        self.assertEqual(len(first), len(journals))
        self.assertEqual(set(first.mapped("source")), {"sync"})
        self.sync()
        self.assertEqual(Snapshot.search([("journal_id", "in", journals.ids)]), first)

        self.clock.move_to(self.frozen_at + timedelta(days=1))
        self.sync()
        snapshots = Snapshot.search([("journal_id", "in", journals.ids)])
        self.assertEqual(len(snapshots), 2 * len(journals))
        for account in self.accounts:
            latest = snapshots.filtered(
                lambda s, a=account: s.journal_id == a.journal_id
            ).sorted("date")[-1]
            self.assertEqual(latest.date, account.bank_balance_date)
            self.assertAlmostEqual(
                latest.bank_balance,
                float(self.bank.balances(account.resource_id)["closingBooked"]),
            )
            self.assertAlmostEqual(latest.difference, 0.0)

        self.import_mt940()
        self.import_mt940()
        file_snapshots = Snapshot.search([("journal_id", "=", self.file_journal.id)])
        self.assertEqual(len(file_snapshots), 1)
        self.assertEqual(file_snapshots.source, "file")

    def test_the_journal_card_opens_the_companys_cash_position(self):
        self.sync()
        journal = self.accounts[0].journal_id.with_user(self.accountant)
        action = journal.action_bank_api_cash_position()
        self.assertEqual(action["res_model"], "bank.api.cash.position")
        shown = self.env["bank.api.cash.position"].search(action["domain"])
        self.assertIn(journal, shown.journal_id)
        self.assertEqual(shown.company_id, journal.company_id)
        history = self.position_of(journal).action_open_history()
        snapshots = self.env["bank.api.balance.snapshot"].search(history["domain"])
        self.assertEqual(snapshots.journal_id, journal)
        other = self.env["res.company"].create({"name": "Cash Intruder Co"})
        intruder = new_test_user(
            self.env,
            login="cash_intruder",
            groups="base.group_user,account.group_account_manager",
            company_id=other.id,
            company_ids=[other.id],
        )
        with self.assertRaises(AccessError):
            journal.with_user(intruder).action_bank_api_cash_position()
