from datetime import datetime, timedelta
from decimal import Decimal

import requests
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, tagged

from odoo.addons.bank_api_sync.tests.common import BankApiSyncCase

from ..core.sandbox import GoCardlessSandbox, linked_account_id

SECRET_ID = "7f0c2a9e-2222-4000-8000-0000000000gc"
SECRET_KEY = "gc-secret-key-" + "k" * 30
FROZEN_AT = datetime(2026, 11, 24, 12, 0)
IBAN = "PL61109010140000071219812874"


@tagged("post_install", "-at_install")
class TestGoCardlessConnection(HttpCase, BankApiSyncCase):
    """A GoCardless connection against the Sandbox Bank's GoCardless
    personality over real HTTP: the bank picked from GoCardless's list with
    its history and access days, the agreement and requisition approved at
    the bank's page, a sync, pending movements retired when booked, the
    bank's daily limit, an expired agreement renewed."""

    def setUp(self):
        frozen = freeze_time(FROZEN_AT)
        self.clock = frozen.start()
        self.addCleanup(frozen.stop)
        super().setUp()
        self.bank = GoCardlessSandbox(
            SECRET_ID, SECRET_KEY, account_success_per_day=100
        ).start()
        self.addCleanup(self.bank.stop)
        today = FROZEN_AT.date()
        self.bank.add_account("gc-acc-1", IBAN)
        self.bank.add_transaction("gc-acc-1", "B1", "250.00", today - timedelta(days=3))
        self.bank.add_transaction("gc-acc-1", "B2", "-30.00", today - timedelta(days=2))
        self.bank.add_transaction("gc-acc-1", "B3", "99.99", today - timedelta(days=1))
        self.bank.add_transaction(
            "gc-acc-1",
            "P1",
            "-42.50",
            today,
            status="pending",
            creditorName="Energa",
            creditorAccount={"iban": "PL27114020040000300201355387"},
        )
        self.env["ir.config_parameter"].sudo().set_param(
            "web.base.url", self.base_url()
        )
        self.connection.write(
            {
                "provider": "gocardless",
                "base_url": self.bank.url,
                "gocardless_secret_id": SECRET_ID,
                "gocardless_secret_key": SECRET_KEY,
                "gocardless_country": "PL",
                "initial_history_days": 10,
                "daily_call_limit": 0,
            }
        )
        manager = self.connection.with_user(self.account_manager)
        manager.action_gocardless_load_banks()
        (bank,) = self.env["bank.api.gocardless.institution"].search(
            [("country", "=", "PL")]
        )
        self.assertEqual(
            (bank.transaction_total_days, bank.max_access_valid_for_days), (540, 180)
        )
        self.connection.write(
            {
                "gocardless_institution_id": bank.id,
                "gocardless_history_days": 120,
                "gocardless_access_days": 60,
            }
        )

    def connect(self, decision="approve"):
        """Connect, approve at the bank's page, come back to Odoo."""
        manager = self.connection.with_user(self.account_manager)
        action = manager.action_connect()
        self.assertTrue(action["url"].startswith(f"{self.bank.url}/sandbox/link/"))
        at_the_bank = requests.get(
            action["url"],
            params={"decision": decision},
            allow_redirects=False,
            timeout=10,
        )
        location = at_the_bank.headers["Location"]
        self.assertTrue(location.startswith(f"{self.base_url()}/bank_api_sync/"))
        self.authenticate("bas_account_manager", "bas_account_manager")
        self.assertEqual(
            self.url_open(location, allow_redirects=False).status_code, 303
        )
        self.connection.invalidate_recordset()

    def sync(self):
        return self.env["bank.api.sync.runner"]._sync_connection(
            self.connection, "cron"
        )

    def test_the_secret_key_is_write_only_and_stored_encrypted(self):
        connection = self.connection.with_user(self.account_manager)
        self.assertFalse(connection.gocardless_secret_key)
        self.assertTrue(connection.gocardless_has_secret_key)
        stored = self.connection.sudo().gocardless_secret_key_encrypted
        self.assertNotIn(SECRET_KEY, stored)
        self.assertEqual(self.connection._client_settings().client_secret, SECRET_KEY)
        with self.assertRaisesRegex(UserError, "one word"):
            connection.gocardless_secret_key = "two words"
        # New secrets: the tokens bought with the old ones are forgotten.
        self.connection.action_gocardless_load_banks()
        self.assertTrue(self.connection.sudo().access_token_encrypted)
        connection.gocardless_secret_key = "another-key"
        self.assertFalse(self.connection.sudo().access_token_encrypted)
        with self.assertRaisesRegex(UserError, "secret id and secret key"):
            self.connection.action_gocardless_load_banks()
        connection.gocardless_secret_key = SECRET_KEY
        self.connection.action_gocardless_load_banks()
        self.assertTrue(self.connection.sudo().refresh_token_encrypted)
        self.connection.gocardless_secret_id = "another-id"
        self.assertFalse(self.connection.sudo().refresh_token_encrypted)
        # Only Bank Connections: Manage loads the bank list (a call to the bank).
        with self.assertRaisesRegex(UserError, "This needs the group"):
            self.connection.with_user(self.accountant).action_gocardless_load_banks()

    def test_the_bank_picker_takes_the_banks_history_and_access_days(self):
        self.connection.gocardless_country = "DE"
        self.connection.action_gocardless_load_banks()
        german = self.env["bank.api.gocardless.institution"].search(
            [("country", "=", "DE")]
        )
        self.assertEqual(german.mapped("name"), ["Sandbox Bank DE"])
        with Form(self.connection) as form:
            form.gocardless_institution_id = german
            self.assertEqual(form.gocardless_transaction_total_days, 90)
            self.assertEqual(form.gocardless_history_days, 90)
            self.assertEqual(form.gocardless_access_days, 90)
            # The connection's own history and consent follow the agreement.
            self.assertEqual(form.max_history_days, 90)
            self.assertEqual(form.consent_days, 90)
        self.assertEqual(
            self.connection._provider_options()["institution_id"],
            ("SANDBOXBANK_SNDBDEFF"),
        )

    def test_the_agreement_stays_within_what_the_bank_allows(self):
        with self.assertRaisesRegex(ValidationError, "at most 180 days"):
            self.connection.gocardless_access_days = 181
        with self.assertRaisesRegex(ValidationError, "at most 540 days"):
            self.connection.gocardless_history_days = 600

    def test_connect_sync_and_retire_pending_when_booked(self):
        self.connect()
        self.assertEqual(self.connection.state, "connected")
        self.assertEqual(
            self.connection.consent_valid_until, FROZEN_AT.date() + timedelta(days=59)
        )
        (agreement,) = self.bank.agreements.values()
        self.assertEqual(
            (agreement["max_historical_days"], agreement["access_valid_for_days"]),
            (120, 60),
        )
        self.assertEqual(self.connection.gocardless_agreement_id, agreement["id"])
        account = self.connection.account_ids
        self.assertEqual(account.iban, IBAN)
        account.action_create_journal()

        self.sync()
        lines = self.env["account.bank.statement.line"].search(
            [("journal_id", "=", account.journal_id.id)]
        )
        self.assertEqual(
            sorted((line.bank_api_unique_key, line.amount) for line in lines),
            [("id:B1", 250.0), ("id:B2", -30.0), ("id:B3", 99.99)],
        )
        self.assertAlmostEqual(account.bank_balance, float(Decimal("1319.99")))
        pending = account.pending_transaction_ids
        self.assertEqual(
            (pending.state, pending.amount, pending.unique_key),
            ("pending", -42.5, "ref:int-P1"),
        )
        # The account's daily allowance, read from GoCardless's headers.
        self.assertEqual(self.connection.gocardless_account_limit, 100)
        self.assertEqual(self.connection.frequency_per_day, 100)
        self.assertEqual(
            self.connection.gocardless_account_reset_at, datetime(2026, 11, 25)
        )

        self.bank.book("gc-acc-1", "P1", "B4", FROZEN_AT.date())
        self.clock.move_to(FROZEN_AT + timedelta(hours=7))
        log = self.sync()
        self.assertEqual(log.pending_retired, 1)
        self.assertEqual(pending.state, "booked")
        self.assertEqual(pending.booked_line_id.bank_api_unique_key, "id:B4")
        again = self.env["account.bank.statement.line"].search_count(
            [("journal_id", "=", account.journal_id.id)]
        )
        self.assertEqual(again, 4)  # B4 once; B1 to B3 not again

    def test_a_refusal_at_the_bank_leaves_the_connection_unconnected(self):
        self.connect(decision="deny")
        self.assertEqual(self.connection.state, "draft")
        self.assertIn("refused or cancelled the consent", self.connection.state_message)

    def test_an_expired_agreement_stops_the_sync_and_asks_for_renewal(self):
        self.connect()
        self.connection.account_ids.action_create_journal()
        self.bank.expire_agreements()
        log = self.sync()
        self.assertEqual(log.status, "failed")
        self.assertEqual(self.connection.state, "expired")
        self.assertIn("Renew Consent", self.connection.state_message)
        self.assertIn("has expired", self.connection.state_message)
        # Renew Consent: a new agreement and requisition through the same
        # round trip, the account keeps its journal under its new id.
        expired_requisition = self.connection.consent_id
        self.connect()
        self.assertEqual(self.connection.state, "connected")
        self.assertNotEqual(self.connection.consent_id, expired_requisition)
        account = self.connection.account_ids
        self.assertEqual(len(account), 1)
        self.assertEqual(account.resource_id, linked_account_id("gc-acc-1", 2))
        self.assertTrue(account.journal_id)
        self.assertEqual(self.sync().status, "success")

    def test_the_banks_daily_limit_postpones_the_sync_to_its_reset(self):
        self.connect()
        self.connection.account_ids.action_create_journal()
        self.bank.account_success_per_day = 0
        log = self.sync()
        self.assertEqual(log.status, "postponed")
        self.assertEqual(self.connection.state, "connected")
        self.assertEqual(self.bank.request_log[-1][2], 429)
        # The next run waits for the account's reset GoCardless announced.
        self.assertEqual(self.connection.next_sync_at, datetime(2026, 11, 25, 0, 0))

    def test_another_companys_connection_is_refused(self):
        other_company = self.env["res.company"].create({"name": "Other GC Company"})
        other = self.connection.copy(
            {"name": "Other GoCardless", "company_id": other_company.id}
        )
        calls = len(self.bank.request_log)
        for action in ("action_gocardless_load_banks", "action_connect"):
            with self.assertRaises(AccessError):
                getattr(other.with_user(self.account_manager), action)()
        self.assertEqual(len(self.bank.request_log), calls)  # the bank never asked

    def test_disconnect_deletes_the_requisition_at_gocardless(self):
        self.connect()
        requisition_id = self.connection.consent_id
        self.assertIn(requisition_id, self.bank.requisitions)
        self.connection.with_user(self.account_manager).action_disconnect()
        self.assertNotIn(requisition_id, self.bank.requisitions)
        self.assertIn(
            ("DELETE", f"/api/v2/requisitions/{requisition_id}/", 200),
            self.bank.request_log,
        )
        self.assertEqual(self.connection.state, "draft")
        self.assertFalse(self.connection.consent_id)

    def test_disconnect_goes_on_when_gocardless_cannot_delete(self):
        self.connect()
        # GoCardless no longer knows the requisition (deleted in its portal).
        self.bank.requisitions.clear()
        self.connection.with_user(self.account_manager).action_disconnect()
        self.assertEqual(self.connection.state, "draft")
        self.assertIn("did not end the consent", self.connection.message_ids[0].body)
