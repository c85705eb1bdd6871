import json
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

from odoo.tests import HttpCase, tagged

from odoo.addons.bank_api_sync.tests.common import BankApiSyncCase

from ..core.sandbox import SandboxBank

RETURN_LOGGER = "odoo.addons.bank_api_sync.controllers.consent_return"


@tagged("post_install", "-at_install")
class TestConsentRedirectPolishApi(HttpCase, BankApiSyncCase):
    """A PolishAPI connection to the Sandbox Bank's PolishAPI side, over real
    HTTP, as a person makes it: Connect asks the bank to ``authorize`` and
    opens its login page, the customer approves (or denies) there, the bank
    sends the browser back to Odoo's return route with a code, Odoo trades it
    for tokens and lists the accounts; Sync Now then imports the bank's done
    transactions (``getTransactionsDone``)."""

    def setUp(self):
        super().setUp()
        self.bank = SandboxBank(seed=3, per_day=1).start()
        self.addCleanup(self.bank.stop)
        self.env["ir.config_parameter"].sudo().set_param(
            "web.base.url", self.base_url()
        )
        self.connection.write(
            {
                "provider": "polishapi",
                "base_url": self.bank.url,
                "client_id": "tpp-client",
                "polishapi_tpp_id": "PSDPL-KNF-0000001",
                "initial_history_days": 20,
            }
        )
        self.return_url = f"{self.base_url()}/bank_api_sync/consent/return"
        self.authenticate("bas_account_manager", "bas_account_manager")

    def asked(self, operation):
        """The bodies of the PolishAPI requests of ``operation`` the bank
        received (its request log: what came over HTTP)."""
        return [
            json.loads(entry.body)
            for entry in self.bank.request_log
            if entry.method == "POST"
            and entry.path.startswith("/v2_1_1.1/")
            and entry.path.endswith(f"/{operation}")
        ]

    def connect(self):
        """Click Connect: the action opening the bank's login page."""
        action = self.connection.with_user(self.account_manager).action_connect()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertTrue(action["url"].startswith(f"{self.bank.url}/polishapi/login?"))
        (authorize,) = self.asked("authorize")
        self.assertEqual(authorize["redirect_uri"], self.return_url)
        self.assertEqual(authorize["scope"], "ais")
        return action["url"]

    def decide_at_the_bank(self, page_url, decision):
        """The customer at the bank's login page: its Approve / Deny form
        posted; where the bank sends the browser back."""
        page = self.opener.get(page_url, timeout=10)
        self.assertEqual(page.status_code, 200)
        self.assertIn("asks to read your accounts", page.text)
        state = parse_qs(urlsplit(page_url).query)["state"][0]
        self.assertIn(f"name='state' value='{state}'", page.text)
        answer = self.opener.post(
            page_url,
            data={"state": state, "decision": decision},
            allow_redirects=False,
            timeout=10,
        )
        self.assertEqual(answer.status_code, 302)
        location = answer.headers["Location"]
        self.assertTrue(location.startswith(f"{self.return_url}?"))
        return location

    def come_back(self, location):
        """The browser follows the bank's redirect into Odoo."""
        return self.url_open(location, allow_redirects=False)

    def test_approved_connects_lists_the_accounts_and_sync_imports_the_ledger(self):
        location = self.decide_at_the_bank(self.connect(), "approve")
        self.assertIn("code=", location)
        self.assertEqual(self.connection.state, "draft")  # not before the return
        answer = self.come_back(location)
        self.assertEqual(answer.status_code, 303)
        self.assertTrue(
            answer.headers["Location"].endswith(
                f"/odoo/bank-connections/{self.connection.id}"
            )
        )
        # The code was traded for tokens, with the same redirect URI.
        (token,) = self.asked("token")
        self.assertEqual(token["grant_type"], "authorization_code")
        self.assertEqual(token["redirect_uri"], self.return_url)
        self.connection.invalidate_recordset()
        self.assertEqual(self.connection.state, "connected")
        (authorize,) = self.asked("authorize")
        self.assertEqual(
            self.connection.consent_id, authorize["scope_details"]["consentId"]
        )
        self.assertEqual(
            sorted(self.connection.account_ids.mapped("resource_id")),
            sorted(self.bank.polishapi.accounts),
        )
        connection_sudo = self.connection.sudo()
        self.assertTrue(connection_sudo.refresh_token_encrypted)
        # Stored encrypted, never as the bank gave them.
        (access,) = self.bank.polishapi.access
        (refresh,) = self.bank.polishapi.refresh
        self.assertNotIn(access, connection_sudo.access_token_encrypted or "")
        self.assertNotIn(refresh, connection_sudo.refresh_token_encrypted)
        granted = self.env["bank.api.security.event"].search(
            [
                ("connection_id", "=", self.connection.id),
                ("event_type", "like", "consent_"),
            ]
        )
        self.assertEqual(granted.mapped("event_type"), ["consent_granted"])

        # The same link again (a reload, or someone who copied it): refused.
        state = parse_qs(urlsplit(location).query)["state"][0]
        with self.assertLogs(RETURN_LOGGER, "WARNING") as logs:
            again = self.come_back(location)
        self.assertEqual(again.status_code, 400)
        self.assertIn("already completed", again.text)
        self.assertIn("replayed", logs.output[0])
        self.assertNotIn(state, logs.output[0])
        self.assertEqual(len(self.asked("token")), 1)

        # Sync Now: the first sync fetches the history in the background.
        self.connection.account_ids.action_create_journal()
        action = self.connection.with_user(self.account_manager).action_sync_now()
        self.assertEqual(action["type"], "ir.actions.client")
        self.env.flush_all()
        self.env["bank.api.sync.runner"]._cron_sync_due_connections()
        self.env.invalidate_all()
        log = self.connection.log_ids
        self.assertEqual(len(log), 1)
        self.assertEqual(log.status, "success", log.message)
        self.assertEqual(log.started_by_id, self.account_manager)

        asked = self.asked("getTransactionsDone")
        self.assertTrue(asked)
        window_start = min(date.fromisoformat(b["bookingDateFrom"]) for b in asked)
        # The connection's whole history: 20 days, today's included.
        self.assertEqual(window_start, self.bank.today() - timedelta(days=19))
        created = 0
        for account in self.connection.account_ids:
            ledger_id = self.bank.polishapi.accounts[account.resource_id].resource_id
            truth = {
                f"id:{tx['transactionId']}": float(tx["transactionAmount"]["amount"])
                for tx in self.bank.ledger(ledger_id, "booked", window_start)
            }
            self.assertTrue(truth, "the sandbox has data")
            lines = self.env["account.bank.statement.line"].search(
                [("journal_id", "=", account.journal_id.id)]
            )
            self.assertEqual(
                {line.bank_api_unique_key: line.amount for line in lines}, truth
            )
            created += len(lines)
        self.assertEqual(log.lines_created, created)

    def test_denied_at_the_bank_leaves_the_connection_unconnected(self):
        page_url = self.connect()
        location = self.decide_at_the_bank(page_url, "deny")
        self.assertIn("error=access_denied", location)
        answer = self.come_back(location)
        self.assertEqual(answer.status_code, 303)  # to the form, which tells why
        self.assertEqual(self.asked("token"), [])
        self.connection.invalidate_recordset()
        self.assertEqual(self.connection.state, "draft")
        self.assertFalse(self.connection.account_ids)
        self.assertFalse(self.connection.consent_id)
        self.assertFalse(self.connection.sudo().refresh_token_encrypted)
        message = self.connection.state_message
        self.assertIn("The customer refused or cancelled the consent at the", message)
        self.assertNotIn("client ID", message)  # not a credentials problem
        refused = self.env["bank.api.security.event"].search(
            [
                ("connection_id", "=", self.connection.id),
                ("event_type", "like", "consent_"),
            ]
        )
        self.assertEqual(refused.mapped("event_type"), ["consent_refused"])
        self.assertFalse(refused.refused)  # the customer's choice, not an attack
        # The bank's page was answered: it is not offered again.
        page = self.opener.get(page_url, timeout=10)
        self.assertEqual(page.status_code, 404)
