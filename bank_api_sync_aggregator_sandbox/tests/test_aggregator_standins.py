import requests

from odoo.tests import HttpCase, tagged

from odoo.addons.bank_api_sync.tests.common import BankApiSyncCase
from odoo.addons.bank_api_sync.tests.common_matching import MatchingSetup

from ..core.standins import (
    ENABLEBANKING_IBAN,
    GOCARDLESS_IBAN,
    GOCARDLESS_SECRET_ID,
    GOCARDLESS_SECRET_KEY,
)


class StandinCase(MatchingSetup):
    """An aggregator connection against the stand-in this Odoo serves, over
    real HTTP, as the demo sets it up (the tests of each aggregator's class
    below)."""

    # The tests are this mixin's, run by each aggregator's class.
    allow_inherited_tests_method = True
    provider = None
    iban = None
    page_path = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_matching(cls.company)
        cls.Demo = cls.env["bank.api.aggregator.demo"]

    def setUp(self):
        super().setUp()
        self.env["ir.config_parameter"].sudo().set_param(
            "web.base.url", self.base_url()
        )
        self.connection.write(self.connection_values())
        if self.provider == "enablebanking":
            self.Demo._demo_enablebanking_key(self.connection)
        self.Demo._pick_bank(self.connection)

    def connection_values(self):
        raise NotImplementedError

    def connect_in_the_browser(self):
        """Connect, approve at the stand-in's bank page, come back to Odoo
        over HTTP as the person's browser does."""
        manager = self.connection.with_user(self.account_manager)
        action = manager.action_connect()
        bank_url = self.connection._resolved_base_url()
        self.assertTrue(action["url"].startswith(f"{bank_url}{self.page_path}"))
        at_the_bank = requests.get(
            action["url"],
            params={"decision": "approve"},
            allow_redirects=False,
            timeout=10,
        )
        location = at_the_bank.headers["Location"]
        self.assertTrue(
            location.startswith(f"{self.base_url()}/bank_api_sync/consent/return")
        )
        self.authenticate("bas_account_manager", "bas_account_manager")
        answer = self.url_open(location, allow_redirects=False)
        self.assertEqual(answer.status_code, 303)
        self.connection.invalidate_recordset()

    def assert_synced_and_reconciled(self, invoices):
        account = self.connection.account_ids
        self.assertEqual(account.iban, self.iban)
        lines = self.env["account.bank.statement.line"].search(
            [("journal_id", "=", account.journal_id.id)]
        )
        self.assertTrue(lines, "the sync imported the stand-in's movements")
        self.assertTrue(invoices)
        automatic = lines.filtered(lambda line: line.bank_api_reconciled_how == "auto")
        self.assertTrue(automatic, "some payments reconcile automatically")
        paid = invoices.filtered(lambda invoice: invoice.payment_state == "paid")
        self.assertTrue(paid, "the invoices they pay are paid")
        for invoice in paid:
            line = lines.filtered(lambda line, i=invoice: i.name in line.payment_ref)
            self.assertEqual(len(line), 1, invoice.name)
            self.assertEqual(line.amount, invoice.amount_total)
            self.assertEqual(line.bank_api_reconciled_how, "auto")

    def test_connect_through_the_bank_page_sync_and_reconcile(self):
        self.connect_in_the_browser()
        self.assertEqual(self.connection.state, "connected")
        self.connection.account_ids.action_create_journal()
        invoices = self.Demo._create_invoices(self.connection)
        log = self.env["bank.api.sync.runner"]._sync_connection(self.connection, "cron")
        self.assertEqual(log.status, "success", log.message)
        self.assert_synced_and_reconciled(invoices)

    def test_the_demo_connects_syncs_and_reconciles(self):
        log = self.Demo._demo_connect_sync_reconcile(self.connection.id)
        self.assertEqual(log.status, "success", log.message)
        self.assertEqual(self.connection.state, "connected")
        invoices = self.env["account.move"].search(
            [
                ("move_type", "=", "out_invoice"),
                ("name", "in", self.invoice_numbers()),
            ]
        )
        self.assertEqual(len(invoices), len(self.invoice_numbers()))
        self.assert_synced_and_reconciled(invoices)

    def invoice_numbers(self):
        return [
            payment.invoice
            for payment in self.Demo._standin_payments(self.connection)
            if payment.invoice
        ]


@tagged("post_install", "-at_install")
class TestEnableBankingStandin(StandinCase, HttpCase, BankApiSyncCase):
    provider = "enablebanking"
    iban = ENABLEBANKING_IBAN
    page_path = "/sandbox/authorize/"

    def connection_values(self):
        return {
            "provider": "enablebanking",
            "aggregator_standin": True,
            "enablebanking_country": "PL",
            "initial_history_days": 30,
            "consent_days": 90,
        }


@tagged("post_install", "-at_install")
class TestGoCardlessStandin(StandinCase, HttpCase, BankApiSyncCase):
    provider = "gocardless"
    iban = GOCARDLESS_IBAN
    page_path = "/sandbox/link/"

    def connection_values(self):
        return {
            "provider": "gocardless",
            "aggregator_standin": True,
            "gocardless_secret_id": GOCARDLESS_SECRET_ID,
            "gocardless_secret_key": GOCARDLESS_SECRET_KEY,
            "gocardless_country": "PL",
            "initial_history_days": 30,
            "consent_days": 90,
        }
