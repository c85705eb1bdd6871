import base64
import os
from contextlib import contextmanager
from pathlib import Path
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tests.common import ChromeBrowser

from .common_matching import BankApiMatchingCase

# The README's pictures, at the repository's root.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "img"


@tagged("post_install", "-at_install")
class TestReconcileScreen(BankApiMatchingCase):
    """The reconciliation screen as an accountant uses it: our proposals
    first, any partner's open items, partial amounts, several items, a
    write-off with taxes, foreign currencies and the next line."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Proposals wait for the accountant instead of being reconciled.
        cls.invoice_model.auto_reconcile = False
        cls.kowalski = cls.partner(
            "Kowalski i Syn Sp. z o.o.", iban="PL61109010140000071219812874"
        )
        cls.nowak = cls.partner("Nowak PHU", iban="PL27114020040000300201355387")

    def open_screen(self, line):
        action = line.with_user(self.accountant).action_bank_api_reconcile_by_hand()
        self.assertEqual(action["res_model"], "bank.api.reconcile.screen")
        self.assertEqual(action["target"], "current")
        return (
            self.env["bank.api.reconcile.screen"]
            .with_user(self.accountant)
            .browse(action["res_id"])
        )

    def item_row(self, screen, invoice):
        rows = screen.row_ids.filtered(
            lambda row: row.row_type == "item" and row.move_line_id.move_id == invoice
        )
        self.assertEqual(len(rows), 1, f"{invoice.name} is not a candidate")
        return rows

    def pick(self, screen, picks, **values):
        """Tick rows (and type their amounts) in the form, as in the browser:
        ``picks`` is [(invoice, amount typed or None)]."""
        with Form(screen) as form:
            for name, value in values.items():
                setattr(form, name, value)
            for invoice, amount in picks:
                index = screen.row_ids.ids.index(self.item_row(screen, invoice).id)
                with form.row_ids.edit(index) as row:
                    row.selected = True
                if amount is not None:
                    with form.row_ids.edit(index) as row:
                        row.amount_to_apply = amount
        return screen

    def test_our_proposals_come_first_and_accepting_one_shows_the_next_line(self):
        invoice = self.invoice(self.kowalski, 1230.0, number="FV/2026/11/0501")
        self.invoice(self.nowak, 90.0)
        first = self.bank_line(
            1230.0,
            "Zapłata FV/2026/11/0501",
            account_number="PL61109010140000071219812874",
            date="2026-11-18",
        )
        second = self.bank_line(75.0, "Wpłata bez tytułu", date="2026-11-19")
        self.match(first, second)
        self.assertFalse(first.is_reconciled)
        screen = self.open_screen(first)
        self.assertEqual(screen.line_amount, 1230.0)
        self.assertEqual(screen.line_account_number, "PL61109010140000071219812874")
        proposal_row, item_row = screen.row_ids[:2]
        self.assertEqual(proposal_row.row_type, "proposal")
        self.assertIn("FV/2026/11/0501", proposal_row.name)
        self.assertIn("FV/2026/11/0501", proposal_row.reason)
        self.assertGreater(proposal_row.confidence, 0)
        self.assertEqual(item_row.move_line_id.move_id, invoice)
        self.assertEqual(item_row.proposal_id, proposal_row.proposal_id)
        self.assertEqual(item_row.open_amount, 1230.0)
        self.assertEqual(item_row.partner_id, self.kowalski)
        # Nothing ticked yet: the whole line is the difference.
        self.assertEqual(screen.difference, 1230.0)

        self.assertIs(proposal_row.action_accept(), True)

        self.assertTrue(first.is_reconciled)
        self.assertEqual(first.bank_api_reconciled_how, "proposal")
        self.assertEqual(invoice.payment_state, "paid")
        # The same screen now shows the next line of the journal.
        self.assertEqual(screen.statement_line_id, second)
        self.assertEqual(screen.line_payment_ref, "Wpłata bez tytułu")
        self.assertEqual(screen.difference, 75.0)
        self.assertEqual(screen.remaining_count, 0)

    def test_several_items_the_last_paid_in_part(self):
        older = self.invoice(self.nowak, 300.0, invoice_date="2026-11-02")
        newer = self.invoice(self.nowak, 500.0, invoice_date="2026-11-05")
        line = self.bank_line(700.0, "zaplata za towar", partner_id=self.nowak.id)
        screen = self.open_screen(line)
        self.pick(screen, [(older, None), (newer, None)])
        # The second item ticked takes what the line has left.
        self.assertEqual(self.item_row(screen, older).amount_to_apply, 300.0)
        self.assertEqual(self.item_row(screen, newer).amount_to_apply, 400.0)
        self.assertEqual(screen.selected_total, 700.0)
        self.assertEqual(screen.difference, 0.0)

        screen.action_reconcile_next()

        self.env.invalidate_all()
        self.assertTrue(line.is_reconciled)
        self.assertEqual(line.bank_api_reconciled_how, "manual")
        self.assertEqual(older.payment_state, "paid")
        self.assertEqual(newer.payment_state, "partial")
        self.assertEqual(newer.amount_residual, 100.0)

    def test_a_partial_amount_with_a_fee_written_off_with_its_tax(self):
        tax = self.env["account.tax"].create(
            {
                "name": "VAT 23% bank fees",
                "amount": 23,
                "type_tax_use": "purchase",
                "company_id": self.company.id,
            }
        )
        invoice = self.invoice(self.kowalski, 2000.0, number="FV/2026/11/0502")
        # The customer paid 1 500.00 of it; the bank kept a fee of 12.30.
        line = self.bank_line(1487.7, "Wpłata częściowa FV/2026/11/0502")
        screen = self.open_screen(line)
        self.pick(
            screen,
            [(invoice, 1500.0)],
            write_off_account_id=self.fee_account,
            write_off_label="Bank fee",
        )
        screen.write_off_tax_ids = tax
        self.assertAlmostEqual(screen.write_off_amount, -12.3)
        self.assertEqual(screen.difference, 0.0)

        screen.action_reconcile_next()

        self.env.invalidate_all()
        self.assertTrue(line.is_reconciled)
        self.assertEqual(invoice.payment_state, "partial")
        self.assertAlmostEqual(invoice.amount_residual, 500.0)
        items = line.move_id.line_ids
        fee = items.filtered("tax_ids")
        self.assertEqual(fee.account_id, self.fee_account)
        self.assertEqual(fee.name, "Bank fee")
        self.assertAlmostEqual(fee.debit, 10.0)
        self.assertEqual(fee.tax_ids, tax)
        tax_item = items.filtered("tax_repartition_line_id")
        self.assertEqual(tax_item.tax_line_id, tax)
        self.assertAlmostEqual(tax_item.debit, 2.3)

    def test_another_partners_item_found_by_search(self):
        # The payer found is Kowalski; the money pays Nowak's invoice.
        kowalski_invoice = self.invoice(self.kowalski, 410.0)
        nowak_invoice = self.invoice(self.nowak, 655.0, number="FV/2026/11/0777")
        line = self.bank_line(
            655.0, "za Nowaka", account_number="PL61109010140000071219812874"
        )
        self.match(line)
        screen = self.open_screen(line)
        self.assertEqual(screen.search_partner_id, self.kowalski)
        self.assertEqual(
            screen.row_ids.move_line_id.move_id, kowalski_invoice, "Kowalski's items"
        )
        screen.write({"search_text": "0777", "search_partner_id": False})
        screen.action_search()
        self.assertIn(nowak_invoice, screen.row_ids.move_line_id.move_id)
        self.assertNotIn(kowalski_invoice, screen.row_ids.move_line_id.move_id)
        # By amount, in either notation.
        screen.search_text = "655,00"
        screen.action_search()
        self.assertEqual(screen.row_ids.move_line_id.move_id, nowak_invoice)
        self.pick(screen, [(nowak_invoice, None)])

        screen.action_reconcile_next()

        self.assertTrue(line.is_reconciled)
        self.assertEqual(nowak_invoice.payment_state, "paid")
        self.assertEqual(kowalski_invoice.payment_state, "not_paid")
        self.assertEqual(line.partner_id, self.nowak)

    def test_a_euro_line_shows_the_line_and_company_currency(self):
        eur = self.env.ref("base.EUR")
        eur.active = True
        company_currency = self.company.currency_id
        self.assertNotEqual(company_currency, eur)
        self.env["res.currency.rate"].create(
            {"name": "2026-11-01", "rate": 0.25, "currency_id": eur.id}
        )
        euro_bank = self.env["account.journal"].create(
            {"name": "Euro Bank", "type": "bank", "code": "BEUR", "currency_id": eur.id}
        )
        invoice = self.invoice(self.kowalski, 300.0, currency=eur)
        in_company_currency = self.invoice(self.kowalski, 400.0)
        line = self.bank_line(250.0, "Payment EUR", journal=euro_bank)
        screen = self.open_screen(line)
        self.assertEqual(screen.currency_id, eur)
        self.assertAlmostEqual(screen.line_amount_company, 1000.0)
        # An item in the company's currency, in euros at the line's rate.
        other = self.item_row(screen, in_company_currency)
        self.assertAlmostEqual(other.open_amount, 100.0)
        self.assertAlmostEqual(other.open_amount_company, 400.0)
        row = self.item_row(screen, invoice)
        self.assertEqual(row.currency_id, eur)
        self.assertAlmostEqual(row.open_amount, 300.0)
        self.assertAlmostEqual(row.open_amount_company, 1200.0)
        self.pick(screen, [(invoice, None)])
        # 250 of the 300 euros: a partial payment.
        self.assertAlmostEqual(row.amount_to_apply, 250.0)

        screen.action_reconcile_next()

        self.assertTrue(line.is_reconciled)
        self.assertEqual(invoice.payment_state, "partial")
        self.assertAlmostEqual(invoice.amount_residual, 50.0)

    def test_accepting_a_proposal_with_an_exchange_difference(self):
        """A euro account credited with a zloty payment for a zloty invoice
        (the company's currency a third): Odoo reconciles its exchange
        difference entry with the invoice apart from the bank line, and the
        proposal being accepted stays (it was dropped as out of date, and the
        accept failed)."""
        eur, pln = self.env.ref("base.EUR"), self.env.ref("base.PLN")
        (eur | pln).active = True
        self.assertNotIn(self.company.currency_id, eur | pln)
        self.env["res.currency.rate"].create(
            [
                {"name": "2026-11-01", "rate": 0.25, "currency_id": eur.id},
                {"name": "2026-11-01", "rate": 1.0, "currency_id": pln.id},
                {"name": "2026-11-19", "rate": 1.1, "currency_id": pln.id},
            ]
        )
        euro_bank = self.env["account.journal"].create(
            {"name": "Euro Bank", "type": "bank", "code": "BEUX", "currency_id": eur.id}
        )
        invoice = self.invoice(
            self.kowalski, 440.0, number="FV/2026/11/0601", currency=pln
        )
        line = self.bank_line(
            100.0,
            "Payment FV/2026/11/0601 (PLN 440.00)",
            journal=euro_bank,
            date="2026-11-20",
            foreign_currency_id=pln.id,
            amount_currency=440.0,
        )
        self.match(line)
        screen = self.open_screen(line)
        proposal_row = screen.row_ids[:1]
        self.assertEqual(proposal_row.proposal_id.move_ids, invoice)

        proposal_row.action_accept()

        self.assertEqual(line.bank_api_reconciled_how, "proposal")
        self.assertEqual(line.bank_api_proposal_ids.state, "accepted")
        self.assertEqual(invoice.payment_state, "paid")

    def test_skip_goes_on_and_the_last_line_returns_to_the_list(self):
        first = self.bank_line(10.0, "pierwsza", date="2026-11-18")
        second = self.bank_line(20.0, "druga", date="2026-11-19")
        screen = self.open_screen(first)
        self.assertEqual(screen.remaining_count, 1)
        self.assertIs(screen.action_skip(), True)
        self.assertEqual(screen.statement_line_id, second)
        action = screen.action_skip()
        self.assertEqual(action["res_model"], "account.bank.statement.line")
        self.assertEqual(
            action["domain"],
            [("journal_id", "=", self.journal.id), ("is_reconciled", "=", False)],
        )
        self.assertFalse(first.is_reconciled or second.is_reconciled)

    def test_what_the_screen_refuses(self):
        invoice = self.invoice(self.nowak, 100.0)
        line = self.bank_line(150.0, "za dużo", partner_id=self.nowak.id)
        screen = self.open_screen(line)
        with self.assertRaisesRegex(UserError, "Tick the open items"):
            screen.action_reconcile_next()
        self.pick(screen, [(invoice, None)])
        self.item_row(screen, invoice).amount_to_apply = 120.0
        with self.assertRaisesRegex(UserError, "between zero and what is open"):
            screen.action_reconcile_next()
        self.assertFalse(line.is_reconciled)
        # Without an account the difference stays open on the line.
        self.item_row(screen, invoice).amount_to_apply = 100.0
        self.assertEqual(screen.difference, 50.0)
        screen.action_reconcile_next()
        self.assertEqual(invoice.payment_state, "paid")
        self.assertFalse(line.is_reconciled)
        suspense = line._seek_for_lines()[1]
        self.assertEqual(suspense.account_id, self.journal.suspense_account_id)
        self.assertAlmostEqual(suspense.balance, -50.0)

    def test_only_accountants_open_the_screen(self):
        employee = new_test_user(
            self.env, login="bas_employee", groups="base.group_user"
        )
        line = self.bank_line(10.0, "x")
        with self.assertRaises(AccessError):
            line.with_user(employee).action_bank_api_reconcile_by_hand()
        action = self.journal.with_user(
            self.accountant
        ).action_bank_api_reconcile_screen()
        screen = self.env["bank.api.reconcile.screen"].browse(action["res_id"])
        self.assertEqual(screen.statement_line_id, line)


@tagged("post_install", "-at_install")
class TestReconcileScreenUi(HttpCase, BankApiMatchingCase):
    """An accountant clears the review list on the reconciliation screen."""

    browser_size = "1400x1050"

    def test_an_accountant_clears_the_review_list_on_the_screen(self):
        self.invoice_model.auto_reconcile = False
        self.env["account.account"].create(
            {"code": "627100", "name": "Bank charges", "account_type": "expense"}
        )
        kowalski = self.partner(
            "Kowalski i Syn Sp. z o.o.", iban="PL61109010140000071219812874"
        )
        wisniewski = self.partner("Wiśniewski Transport")
        first_invoice = self.invoice(kowalski, 1230.0, number="FV/2026/11/0501")
        second_invoice = self.invoice(wisniewski, 2000.0, number="FV/2026/11/0502")
        first = self.bank_line(
            1230.0,
            "Zapłata FV/2026/11/0501",
            account_number="PL61109010140000071219812874",
            partner_name="KOWALSKI I SYN SP Z O O",
            date="2026-11-18",
        )
        second = self.bank_line(
            1487.7,
            "Wpłata częściowa FV/2026/11/0502",
            partner_name="WISNIEWSKI TRANSPORT",
            date="2026-11-19",
        )
        self.match(first, second)
        self.assertFalse(first.is_reconciled or second.is_reconciled)
        self.assertTrue(first.bank_api_best_proposal_id)
        with self.screenshot_on("reconciliation_screen"):
            self.start_tour(
                "/odoo/action-bank_api_sync.account_bank_statement_line_to_review_action",
                "bank_api_sync_reconcile_screen",
                login="bas_accountant",
            )
        self.assertEqual(first.bank_api_reconciled_how, "proposal")
        self.assertEqual(first_invoice.payment_state, "paid")
        self.assertTrue(second.is_reconciled)
        self.assertEqual(second.bank_api_reconciled_how, "manual")
        self.assertEqual(second_invoice.payment_state, "partial")
        self.assertAlmostEqual(second_invoice.amount_residual, 500.0)
        fee = second.move_id.line_ids.filtered(lambda item: item.name == "Bank fee")
        self.assertEqual(fee.account_id.code, "627100")
        self.assertAlmostEqual(fee.debit, 12.3)

    def test_from_the_journal_card_with_the_keyboard(self):
        self.invoice_model.auto_reconcile = False
        kowalski = self.partner(
            "Kowalski i Syn Sp. z o.o.", iban="PL61109010140000071219812874"
        )
        nowak = self.partner("Nowak PHU")
        self.invoice(kowalski, 1230.0, number="FV/2026/11/0501")
        invoice = self.invoice(nowak, 75.0)
        first = self.bank_line(
            1230.0,
            "Zapłata FV/2026/11/0501",
            account_number="PL61109010140000071219812874",
            date="2026-11-18",
        )
        second = self.bank_line(60.0, "Wpłata bez tytułu", date="2026-11-19")
        self.match(first, second)
        self.assertFalse(second.bank_api_best_proposal_id)
        self.start_tour(
            "/odoo/action-account.open_account_journal_dashboard_kanban",
            "bank_api_sync_reconcile_screen_keys",
            login="bas_accountant",
        )
        self.assertFalse(first.is_reconciled)
        self.assertEqual(second.bank_api_reconciled_how, "manual")
        self.assertEqual(second.partner_id, nowak)
        self.assertEqual(invoice.payment_state, "partial")
        self.assertAlmostEqual(invoice.amount_residual, 15.0)

    @contextmanager
    def screenshot_on(self, name):
        """With BANK_API_SYNC_SCREENSHOTS=1, the browser's page is saved to
        docs/img/<name>.png when the tour logs 'bank_api_sync: screenshot
        <name>' (the README's picture); otherwise nothing is written."""
        if os.environ.get("BANK_API_SYNC_SCREENSHOTS") != "1":
            yield
            return
        target = SCREENSHOTS / f"{name}.png"
        original = ChromeBrowser._handle_console
        taken = []

        def handle_console(browser, *positional, **kw):
            # Chrome's message is passed as keywords (type, args, ...).
            args = kw.get("args")
            if args and browser._from_remoteobject(args[0]) == (
                f"bank_api_sync: screenshot {name}"
            ):
                future = browser._websocket_send(
                    "Page.captureScreenshot", with_future=True
                )
                future.add_done_callback(
                    lambda done: target.write_bytes(
                        base64.b64decode(done.result()["data"])
                    )
                )
                taken.append(future)
            return original(browser, *positional, **kw)

        with patch.object(ChromeBrowser, "_handle_console", handle_console):
            yield
        self.assertTrue(taken, "the tour asked for no screenshot")
        taken[0].result(timeout=10)
