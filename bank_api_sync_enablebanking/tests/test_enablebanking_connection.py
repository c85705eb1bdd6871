from datetime import datetime, timedelta
from decimal import Decimal

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from odoo.addons.bank_api_sync.tests.common import BankApiSyncCase

from ..core.sandbox import EnableBankingSandbox, account_uid

APP_ID = "0b6a2c4e-1111-4000-8000-0000000000eb"
FROZEN_AT = datetime(2026, 11, 24, 12, 0)
IBAN = "PL61109010140000071219812874"


def _key_pair():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, public.decode()


@tagged("post_install", "-at_install")
class TestEnableBankingConnection(HttpCase, BankApiSyncCase):
    """An Enable Banking connection against the Sandbox Bank's Enable Banking
    personality over real HTTP: the bank picked from the aggregator's list,
    the consent round trip through the bank's page, a sync, a renewal due."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.private_key, cls.public_key = _key_pair()

    def setUp(self):
        frozen = freeze_time(FROZEN_AT)
        self.clock = frozen.start()
        self.addCleanup(frozen.stop)
        super().setUp()
        self.bank = EnableBankingSandbox(
            self.public_key, APP_ID, unattended_per_day=100
        ).start()
        self.addCleanup(self.bank.stop)
        today = FROZEN_AT.date()
        self.bank.add_account("eb-acc-1", IBAN)
        self.bank.add_transaction("eb-acc-1", "B1", "250.00", today - timedelta(days=3))
        self.bank.add_transaction("eb-acc-1", "B2", "-30.00", today - timedelta(days=2))
        self.bank.add_transaction("eb-acc-1", "B3", "99.99", today - timedelta(days=1))
        self.bank.add_transaction(
            "eb-acc-1",
            "P1",
            "-42.50",
            today,
            status="PDNG",
            creditor={"name": "Energa"},
            creditor_account={"iban": "PL27114020040000300201355387"},
        )
        self.env["ir.config_parameter"].sudo().set_param(
            "web.base.url", self.base_url()
        )
        self.connection.write(
            {
                "provider": "enablebanking",
                "base_url": self.bank.url,
                "enablebanking_application_id": APP_ID,
                "enablebanking_private_key": self.private_key,
                "enablebanking_country": "PL",
                "initial_history_days": 10,
                "daily_call_limit": 0,
            }
        )
        manager = self.connection.with_user(self.account_manager)
        manager.action_enablebanking_load_banks()
        (bank,) = self.env["bank.api.enablebanking.aspsp"].search(
            [("country", "=", "PL")]
        )
        self.assertEqual(bank.maximum_consent_days, 180)
        self.connection.write({"enablebanking_aspsp_id": bank.id, "consent_days": 90})

    def connect(self):
        """Connect, approve at the bank's page, come back to Odoo."""
        manager = self.connection.with_user(self.account_manager)
        action = manager.action_connect()
        self.assertTrue(action["url"].startswith(f"{self.bank.url}/sandbox/authorize/"))
        at_the_bank = requests.get(
            action["url"],
            params={"decision": "approve"},
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

    def test_the_private_key_is_write_only_and_stored_encrypted(self):
        connection = self.connection.with_user(self.account_manager)
        self.assertFalse(connection.enablebanking_private_key)
        self.assertTrue(connection.enablebanking_has_private_key)
        stored = self.connection.sudo().enablebanking_private_key_encrypted
        self.assertNotIn("PRIVATE KEY", stored)
        with self.assertRaisesRegex(UserError, "not an unencrypted RSA private key"):
            connection.enablebanking_private_key = "not a key"
        # Only Bank Connections managers load the bank list (a call to the bank).
        with self.assertRaisesRegex(AccessError, "Bank Connections: Manage"):
            self.connection.with_user(self.accountant).action_enablebanking_load_banks()

    def test_connect_sync_and_retire_pending_when_booked(self):
        self.connect()
        self.assertEqual(self.connection.state, "connected")
        self.assertEqual(
            self.connection.consent_valid_until, FROZEN_AT.date() + timedelta(days=89)
        )
        account = self.connection.account_ids
        self.assertEqual(account.iban, IBAN)
        account.action_create_journal()

        self.sync()
        lines = self.env["account.bank.statement.line"].search(
            [("journal_id", "=", account.journal_id.id)]
        )
        self.assertEqual(
            sorted((line.bank_api_unique_key, line.amount) for line in lines),
            [("ref:B1", 250.0), ("ref:B2", -30.0), ("ref:B3", 99.99)],
        )
        self.assertAlmostEqual(account.bank_balance, float(Decimal("1319.99")))
        pending = account.pending_transaction_ids
        self.assertEqual(
            (pending.state, pending.amount, pending.unique_key),
            ("pending", -42.5, "ref:P1"),
        )

        self.bank.book("eb-acc-1", "P1", "B4", FROZEN_AT.date())
        self.clock.move_to(FROZEN_AT + timedelta(hours=7))
        log = self.sync()
        self.assertEqual(log.pending_retired, 1)
        self.assertEqual(pending.state, "booked")
        self.assertEqual(pending.booked_line_id.bank_api_unique_key, "ref:B4")
        again = self.env["account.bank.statement.line"].search_count(
            [("journal_id", "=", account.journal_id.id)]
        )
        self.assertEqual(again, 4)  # B4 once; B1 to B3 not again

    def test_an_expired_session_stops_the_sync_and_asks_for_renewal(self):
        self.connect()
        self.connection.account_ids.action_create_journal()
        # The bank ends the session early (its own validity), before Odoo's date.
        for session in self.bank.sessions.values():
            session["valid_until"] = self.bank.now() - timedelta(minutes=1)
        log = self.sync()
        self.assertEqual(log.status, "failed")
        self.assertEqual(self.connection.state, "expired")
        self.assertIn("Renew Consent", self.connection.state_message)
        self.assertIn("EXPIRED_SESSION", self.connection.state_message)
        # Renew Consent: the same round trip, a new session, the sync goes on.
        expired_session = self.connection.consent_id
        self.connect()
        self.assertEqual(self.connection.state, "connected")
        self.assertNotEqual(self.connection.consent_id, expired_session)
        # The bank's new uid for the account moved onto the same account.
        account = self.connection.account_ids
        self.assertEqual(len(account), 1)
        self.assertEqual(account.resource_id, account_uid("eb-acc-1", 2))
        self.assertTrue(account.journal_id)
        self.assertEqual(self.sync().status, "success")

    def test_the_banks_daily_limit_postpones_the_sync_without_ending_it(self):
        self.connect()
        self.connection.account_ids.action_create_journal()
        self.bank.unattended_per_day = 0
        log = self.sync()
        self.assertEqual(log.status, "postponed")
        self.assertEqual(self.connection.state, "connected")
        self.assertEqual(self.bank.request_log[-1][2], 429)
        # The next run waits for the bank's day to start again (midnight UTC).
        self.assertGreaterEqual(
            self.connection.next_sync_at, datetime(2026, 11, 25, 0, 0)
        )

    def test_disconnect_closes_the_session_at_enable_banking(self):
        self.connect()
        session_id = self.connection.consent_id
        self.assertEqual(self.bank.sessions[session_id]["status"], "AUTHORIZED")
        self.connection.with_user(self.account_manager).action_disconnect()
        self.assertEqual(self.bank.sessions[session_id]["status"], "CLOSED")
        self.assertIn(("DELETE", f"/sessions/{session_id}", 200), self.bank.request_log)
        self.assertEqual(self.connection.state, "draft")
        self.assertFalse(self.connection.consent_id)
