from freezegun import freeze_time

from odoo import fields
from odoo.tests import new_test_user, tagged
from odoo.tools.misc import format_datetime

from .common_matching import BankApiMatchingCase

KOWALSKI_IBAN = "PL61109010140000071219812874"


@tagged("post_install", "-at_install")
class TestOverdueReceivables(BankApiMatchingCase):
    """The overdue receivables as the accountant sees them against the bank
    feed, and the daily activities about customers newly late."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.kowalski = cls.partner("Kowalski i Syn Sp. z o.o.", iban=KOWALSKI_IBAN)
        cls.nowak = cls.partner("Nowak PHU", iban="PL27114020040000300201355387")
        cls.bank_account = cls.env["bank.api.account"].create(
            {
                "connection_id": cls.connection.id,
                "name": "Current",
                "resource_id": "acc-overdue-1",
                "journal_id": cls.journal.id,
            }
        )
        cls.connection.user_id = cls.account_manager

    def late(self, invoice):
        # Read afresh: the query depends on the date and the time zones.
        self.env.invalidate_all()
        return self.env["bank.api.overdue.receivable"].search(
            [("move_id", "=", invoice.id)]
        )

    def late_invoice(self, partner, amount, number, due="2026-11-16", **values):
        return self.invoice(
            partner,
            amount,
            number=number,
            invoice_date="2026-11-02",
            invoice_date_due=due,
            **values,
        )

    def pending(self, amount, **values):
        return self.env["bank.api.pending.transaction"].create(
            {
                "account_id": self.bank_account.id,
                "unique_key": f"pending-{amount}-{values.get('payment_ref')}",
                "date": "2026-11-19",
                "amount": amount,
                **values,
            }
        )

    # --- as of which sync ----------------------------------------------------

    @freeze_time("2026-11-20 10:00:00")
    def test_the_report_says_as_of_which_sync_of_each_journal(self):
        self.late_invoice(self.kowalski, 400.0, "FV/2026/11/0301")
        self.bank_account.last_sync_at = "2026-11-20 07:15:00"
        file_journal = self.env["account.journal"].create(
            {"name": "File Bank", "type": "bank", "code": "BFL"}
        )
        idle_journal = self.env["account.journal"].create(
            {"name": "Idle Bank", "type": "bank", "code": "BID"}
        )
        # Its time is the database's (the transaction's start), not frozen.
        imported = self.bank_line(12.0, "Imported from a file", journal=file_journal)
        accountant = self.env(user=self.accountant, context={"tz": "UTC"})
        action = accountant.ref(
            "bank_api_sync.bank_api_overdue_receivable_action_open"
        ).run()
        self.assertEqual(action["res_model"], "bank.api.overdue.receivable")
        self.assertIn("Matching Bank: Nov 20, 2026, 7:15:00 AM", action["name"])
        self.assertIn(
            "File Bank: " + format_datetime(accountant, imported.create_date),
            action["name"],
        )
        self.assertIn("Idle Bank: never", action["name"])
        item = accountant["bank.api.overdue.receivable"].search([])
        self.assertEqual(len(item), 1)
        self.assertIn("Matching Bank: Nov 20, 2026, 7:15:00 AM", item.bank_feed_as_of)
        # A newer sync moves it.
        self.bank_account.last_sync_at = "2026-11-20 09:45:00"
        item.invalidate_recordset()
        self.assertIn("Matching Bank: Nov 20, 2026, 9:45:00 AM", item.bank_feed_as_of)
        self.assertTrue(idle_journal)

    # --- payment already at the bank -----------------------------------------

    @freeze_time("2026-11-20 10:00:00")
    def test_an_invoice_whose_short_payment_is_in_review_is_at_the_bank(self):
        invoice = self.late_invoice(self.kowalski, 1000.0, "FV/2026/11/0311")
        other = self.late_invoice(self.kowalski, 700.0, "FV/2026/11/0312")
        line = self.bank_line(
            900.0, "Zapłata za FV/2026/11/0311", account_number=KOWALSKI_IBAN
        )
        self.match(line)
        self.assertNotReconciled(line, invoice)
        self.assertIn(invoice, line.bank_api_proposal_ids.allocation_ids.move_id)
        self.assertEqual(self.late(invoice).at_bank, "review")
        self.assertFalse(self.late(other).at_bank)
        not_at_bank = self.env["bank.api.overdue.receivable"].search(
            [("at_bank", "=", False)]
        )
        self.assertIn(other, not_at_bank.move_id)
        self.assertNotIn(invoice, not_at_bank.move_id)
        # Once the line is reconciled by hand elsewhere, the proposal no longer
        # counts: the line's proposals are gone or accepted.
        line.bank_api_proposal_ids.unlink()
        self.assertFalse(self.late(invoice).at_bank)

    @freeze_time("2026-11-20 10:00:00")
    def test_a_pending_transaction_from_the_customer_or_quoting_it_is_at_the_bank(self):
        by_account = self.late_invoice(self.kowalski, 300.0, "FV/2026/11/0321")
        by_number = self.late_invoice(self.nowak, 200.0, "FV/2026/11/0322")
        nothing = self.late_invoice(self.nowak, 150.0, "FV/2026/11/0323")
        for invoice in (by_account, by_number, nothing):
            self.assertFalse(self.late(invoice).at_bank)
        # The customer's IBAN written as a domestic number with spaces.
        self.pending(300.0, account_number="61 1090 1014 0000 0712 1981 2874")
        self.pending(200.0, payment_ref="przelew fv/2026/11/0322 dziękuję")
        # Outgoing, and vanished: neither counts.
        self.pending(-150.0, payment_ref="FV/2026/11/0323")
        self.pending(150.0, payment_ref="FV/2026/11/0323 again", state="vanished")
        self.assertEqual(self.late(by_account).at_bank, "pending")
        self.assertEqual(self.late(by_number).at_bank, "pending")
        self.assertFalse(self.late(nothing).at_bank)

    # --- the company's day ---------------------------------------------------

    def test_the_companys_time_zone_decides_the_day_near_midnight(self):
        invoice = self.late_invoice(self.kowalski, 250.0, "FV/2026/11/0331")
        # 23:30 UTC on the due date: already the next day in Warsaw.
        with freeze_time("2026-11-16 23:30:00"):
            self.company.partner_id.tz = "UTC"
            self.assertFalse(self.late(invoice))
            self.company.partner_id.tz = "Europe/Warsaw"
            self.assertEqual(self.late(invoice).days_overdue, 1)
            self.assertEqual(self.late(invoice).aging, "1_30")
        # 23:30 in New York is 04:30 UTC the next day: still the due date there.
        with freeze_time("2026-11-17 04:30:00"):
            self.company.partner_id.tz = "America/New_York"
            self.assertFalse(self.late(invoice))
            # Without a company time zone, the user's.
            self.company.partner_id.tz = False
            self.env.user.tz = "America/New_York"
            self.assertFalse(self.late(invoice))
            self.env.user.tz = "Europe/Warsaw"
            self.assertEqual(self.late(invoice).days_overdue, 1)

    # --- daily activities ----------------------------------------------------

    def activities(self, partner):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", partner.id),
                (
                    "activity_type_id",
                    "=",
                    self.env.ref("bank_api_sync.mail_activity_type_overdue").id,
                ),
            ]
        )

    def test_one_activity_per_customer_newly_late_never_repeated(self):
        first = self.late_invoice(
            self.kowalski, 1230.0, "FV/2026/11/0341", invoice_user_id=self.accountant.id
        )
        second = self.late_invoice(
            self.kowalski,
            450.0,
            "FV/2026/11/0342",
            due="2026-11-18",
            invoice_user_id=self.accountant.id,
        )
        nowaks = self.late_invoice(self.nowak, 80.0, "FV/2026/11/0343")
        later = self.late_invoice(
            self.kowalski,
            99.0,
            "FV/2026/11/0344",
            due="2026-11-25",
            invoice_user_id=self.accountant.id,
        )
        self.bank_line(510.0, "Zapłata", date="2026-11-10", partner_id=self.kowalski.id)
        self.bank_line(
            77.0, "Older payment", date="2026-11-03", partner_id=self.kowalski.id
        )
        cron = self.env["bank.api.overdue.receivable"]
        with freeze_time("2026-11-20 10:00:00"):
            cron._cron_announce_late()
        kowalski = self.activities(self.kowalski)
        self.assertEqual(len(kowalski), 1)
        self.assertEqual(kowalski.user_id, self.accountant)
        self.assertEqual(kowalski.date_deadline, fields.Date.to_date("2026-11-20"))
        note = str(kowalski.note)
        for text in (
            first.name,
            second.name,
            "1,230.00",
            "450.00",
            "1,680.00",
            "11/10/2026",
            "510.00",
            self.journal.name,
        ):
            self.assertIn(text, note)
        self.assertNotIn(later.name, note)
        self.assertNotIn("77.00", note)
        # No salesperson: the responsible of the company's bank connection.
        nowak = self.activities(self.nowak)
        self.assertEqual(len(nowak), 1)
        self.assertEqual(nowak.user_id, self.account_manager)
        self.assertIn(nowaks.name, str(nowak.note))
        self.assertIn("No bank payment", str(nowak.note))
        # Next day: nothing new, nothing repeated, even with the first
        # activity done.
        kowalski.action_done()
        with freeze_time("2026-11-21 10:00:00"):
            cron._cron_announce_late()
        self.assertFalse(self.activities(self.kowalski))
        self.assertEqual(self.activities(self.nowak), nowak)
        # When the last one becomes late, it alone is announced.
        with freeze_time("2026-11-26 10:00:00"):
            cron._cron_announce_late()
        again = self.activities(self.kowalski)
        self.assertEqual(len(again), 1)
        self.assertIn(later.name, str(again.note))
        self.assertNotIn(first.name, str(again.note))

    def test_a_payment_waiting_at_the_bank_is_not_announced(self):
        invoice = self.late_invoice(self.kowalski, 300.0, "FV/2026/11/0351")
        self.pending(300.0, payment_ref="FV/2026/11/0351")
        with freeze_time("2026-11-20 10:00:00"):
            self.env["bank.api.overdue.receivable"]._cron_announce_late()
        self.assertFalse(self.activities(self.kowalski))
        self.assertFalse(self.late(invoice).late_announced)

    def test_another_companys_invoices_go_to_its_own_users_only(self):
        own = self.late_invoice(self.kowalski, 300.0, "FV/2026/11/0361")
        other_company = self.env["res.company"].create(
            {"name": "Company B", "currency_id": self.company.currency_id.id}
        )
        self.env["account.chart.template"].try_loading(
            "generic_coa", company=other_company, install_demo=False
        )
        other_user = new_test_user(
            self.env,
            login="bas_overdue_b",
            groups="base.group_user,account.group_account_manager,"
            "account.group_account_user",
            company_id=other_company.id,
            company_ids=[other_company.id],
        )
        theirs = (
            self.env["account.move"]
            .with_company(other_company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.kowalski.id,
                    "invoice_date": "2026-11-02",
                    "invoice_date_due": "2026-11-16",
                    "invoice_user_id": self.accountant.id,
                    "invoice_line_ids": [
                        fields.Command.create(
                            {"name": "B's goods", "price_unit": 555.0, "tax_ids": []}
                        )
                    ],
                }
            )
        )
        theirs.action_post()
        with freeze_time("2026-11-20 10:00:00"):
            self.env["bank.api.overdue.receivable"]._cron_announce_late()
        activities = self.activities(self.kowalski)
        self.assertEqual(len(activities), 2)
        ours = activities.filtered(lambda activity: own.name in str(activity.note))
        self.assertEqual(ours.user_id, self.account_manager)
        self.assertNotIn(theirs.name, str(ours.note))
        self.assertNotIn("555.00", str(ours.note))
        # The salesperson does not work for company B: B's own accountant.
        b_activity = activities - ours
        self.assertEqual(b_activity.user_id, other_user)
        self.assertIn(theirs.name, str(b_activity.note))
        self.assertNotIn(own.name, str(b_activity.note))
        # Company A's users do not see company B's items in the report.
        seen = self.env(user=self.accountant)["bank.api.overdue.receivable"].search([])
        self.assertNotIn(theirs, seen.move_id)

    def test_a_run_is_bounded_and_the_rest_follows_the_next_day(self):
        oldest = self.late_invoice(
            self.kowalski, 100.0, "FV/2026/11/0371", due="2026-11-10"
        )
        newer = self.late_invoice(
            self.nowak, 200.0, "FV/2026/11/0372", due="2026-11-12"
        )
        cron = self.env["bank.api.overdue.receivable"]
        with freeze_time("2026-11-20 10:00:00"):
            cron._cron_announce_late(limit=1)
        self.assertIn(oldest.name, str(self.activities(self.kowalski).note))
        self.assertFalse(self.activities(self.nowak))
        with freeze_time("2026-11-21 10:00:00"):
            cron._cron_announce_late(limit=1)
        self.assertEqual(len(self.activities(self.kowalski)), 1)
        self.assertIn(newer.name, str(self.activities(self.nowak).note))

    def test_the_activity_is_written_in_the_salespersons_language(self):
        self.env["res.lang"]._activate_lang("pl_PL")
        self.env["ir.module.module"]._load_module_terms(["bank_api_sync"], ["pl_PL"])
        self.accountant.lang = "pl_PL"
        other = new_test_user(
            self.env,
            login="bas_overdue_sales",
            groups="base.group_user,account.group_account_invoice",
        )
        # Two of the three late invoices are the accountant's: he is told.
        for number, user in (("0381", other), ("0382", self.accountant)):
            self.late_invoice(
                self.kowalski, 100.0, f"FV/2026/11/{number}", invoice_user_id=user.id
            )
        self.late_invoice(
            self.kowalski, 100.0, "FV/2026/11/0383", invoice_user_id=self.accountant.id
        )
        with freeze_time("2026-11-20 10:00:00"):
            self.env["bank.api.overdue.receivable"]._cron_announce_late()
        activity = self.activities(self.kowalski)
        self.assertEqual(activity.user_id, self.accountant)
        self.assertIn("przekroczyły termin płatności", str(activity.note))
        self.assertIn("W banku nie widać", str(activity.note))
