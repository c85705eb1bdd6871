from urllib.parse import parse_qs, parse_qsl, urlsplit

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.bank_api_sync.tests.common import BankApiSyncCase

from ..core.sandbox import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, SandboxBank

RETURN_LOGGER = "odoo.addons.bank_api_sync.controllers.consent_return"


@tagged("post_install", "-at_install")
class TestConsentRedirect(HttpCase, BankApiSyncCase):
    """The consent round trip over real HTTP, as a person makes it: Connect
    opens the Sandbox Bank's page, the customer approves (or denies) there,
    the bank sends the browser back to Odoo, which completes the connection.
    The bank asks for approval (no auto-approved consents)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_manager = new_test_user(
            cls.env,
            login="bas_other_manager",
            password="bas_other_manager",
            groups="base.group_user,account.group_account_manager",
        )

    def setUp(self):
        super().setUp()
        self.bank = SandboxBank(seed=3, per_day=1, auto_approve_consents=False)
        self.bank.start()
        self.addCleanup(self.bank.stop)
        self.env["ir.config_parameter"].sudo().set_param(
            "web.base.url", self.base_url()
        )
        self.connection.write(
            {
                "provider": "sandbox",
                "base_url": self.bank.url,
                "client_id": DEFAULT_CLIENT_ID,
                "client_secret": DEFAULT_CLIENT_SECRET,
            }
        )

    def connect(self, login="bas_account_manager"):
        """Click Connect as ``login``: the action opening the bank's page."""
        user = self.env["res.users"].search([("login", "=", login)])
        action = self.connection.with_user(user).action_connect()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertTrue(action["url"].startswith(self.bank.url))
        return action["url"]

    def decide_at_the_bank(self, page_url, decision):
        """The customer's answer at the bank; returns where it sends them."""
        page = self.opener.get(page_url, timeout=10)
        self.assertIn("Approve", page.text)
        # What the page's form sends (its hidden fields: what the URL asked).
        form = {**dict(parse_qsl(urlsplit(page_url).query)), "decision": decision}
        answer = self.opener.post(
            page_url, data=form, allow_redirects=False, timeout=10
        )
        self.assertEqual(answer.status_code, 302)
        return answer.headers["Location"]

    def come_back(self, location):
        """The browser follows the bank's redirect into Odoo."""
        self.assertTrue(location.startswith(f"{self.base_url()}/bank_api_sync/"))
        return self.url_open(location, allow_redirects=False)

    def test_approved_at_the_bank_connects_and_the_link_works_once(self):
        page_url = self.connect()
        self.assertEqual(self.connection.state, "draft")
        self.authenticate("bas_account_manager", "bas_account_manager")
        location = self.decide_at_the_bank(page_url, "approve")
        answer = self.come_back(location)
        self.assertEqual(answer.status_code, 303)
        self.assertTrue(
            answer.headers["Location"].endswith(
                f"/odoo/bank-connections/{self.connection.id}"
            )
        )
        self.connection.invalidate_recordset()
        self.assertEqual(self.connection.state, "connected")
        self.assertEqual(self.connection.consent_status, "valid")
        granted = self.env["bank.api.security.event"].search(
            [
                ("connection_id", "=", self.connection.id),
                ("event_type", "like", "consent_"),
            ],
            order="id",
        )
        self.assertEqual(granted.mapped("event_type"), ["consent_granted"])
        self.assertNotIn(self.connection.consent_id, granted.description)
        self.assertEqual(
            sorted(self.connection.account_ids.mapped("resource_id")),
            sorted(self.bank.accounts),
        )
        (created,) = [
            r
            for r in self.bank.request_log
            if r.method == "POST" and r.path == "/v1/consents"
        ]
        state = parse_qs(urlsplit(location).query)["state"][0]
        self.assertEqual(
            created.header("TPP-Nok-Redirect-URI"),
            f"{self.base_url()}/bank_api_sync/consent/return?state={state}&result=nok",
        )
        # The state is stored hashed only.
        authorization = self.env["bank.api.consent.authorization"].search(
            [("connection_id", "=", self.connection.id)]
        )
        self.assertNotIn(state, authorization.state_hash)
        # The same link again (a reload, or someone who copied it): refused.
        with self.assertLogs(RETURN_LOGGER, "WARNING") as logs:
            again = self.come_back(location)
        self.assertEqual(again.status_code, 400)
        self.assertIn("already completed", again.text)
        self.assertIn("replayed", logs.output[0])
        self.assertNotIn(state, logs.output[0])

    def test_denied_at_the_bank_leaves_the_connection_unconnected(self):
        page_url = self.connect()
        self.authenticate("bas_account_manager", "bas_account_manager")
        location = self.decide_at_the_bank(page_url, "deny")
        self.assertIn("result=nok", location)
        answer = self.come_back(location)
        self.assertEqual(answer.status_code, 303)  # to the form, which tells why
        self.connection.invalidate_recordset()
        self.assertEqual(self.connection.state, "draft")
        self.assertFalse(self.connection.account_ids)
        self.assertFalse(self.connection.consent_id)
        self.assertIn("rejected", self.connection.state_message)
        self.assertIn("refused or cancelled", self.connection.state_message)
        refused = self.env["bank.api.security.event"].search(
            [
                ("connection_id", "=", self.connection.id),
                ("event_type", "like", "consent_"),
            ]
        )
        self.assertEqual(refused.mapped("event_type"), ["consent_refused"])

    def test_forged_stale_and_other_users_states_are_refused(self):
        self.authenticate("bas_account_manager", "bas_account_manager")
        with self.assertLogs(RETURN_LOGGER, "WARNING") as logs:
            forged = self.url_open(
                "/bank_api_sync/consent/return?state=made-up", allow_redirects=False
            )
        self.assertEqual(forged.status_code, 400)
        self.assertIn("does not come from a consent started", forged.text)
        self.assertIn("unknown", logs.output[0])
        event = self.env["bank.api.security.event"].search(
            [("event_type", "=", "redirect_refused")], order="id desc", limit=1
        )
        self.assertTrue(event.refused)
        self.assertEqual(event.user_id.login, "bas_account_manager")
        self.assertIn("unknown", event.description)
        self.assertNotIn("made-up", event.description)

        # Started by the manager, brought back by another user: refused, and
        # the manager can still complete it.
        location = self.decide_at_the_bank(self.connect(), "approve")
        self.authenticate("bas_other_manager", "bas_other_manager")
        with self.assertLogs(RETURN_LOGGER, "WARNING") as logs:
            other = self.come_back(location)
        self.assertEqual(other.status_code, 400)
        self.assertIn("Another user started this consent", other.text)
        self.assertIn("other_user", logs.output[0])
        self.connection.invalidate_recordset()
        self.assertEqual(self.connection.state, "draft")

        # Back after the state's 15 minutes: refused, nothing connected.
        self.env["bank.api.consent.authorization"].search([]).write(
            {"expires_at": fields.Datetime.subtract(fields.Datetime.now(), minutes=1)}
        )
        self.authenticate("bas_account_manager", "bas_account_manager")
        with self.assertLogs(RETURN_LOGGER, "WARNING") as logs:
            stale = self.come_back(location)
        self.assertEqual(stale.status_code, 400)
        self.assertIn("expired", stale.text)
        self.assertIn("stale", logs.output[0])
        self.connection.invalidate_recordset()
        self.assertEqual(self.connection.state, "draft")
        self.assertFalse(self.connection.account_ids)

    def test_renewal_keeps_the_current_consent_until_the_new_one_is_approved(self):
        self.authenticate("bas_account_manager", "bas_account_manager")
        self.come_back(self.decide_at_the_bank(self.connect(), "approve"))
        self.connection.invalidate_recordset()
        first_consent = self.connection.consent_id
        self.connection.state = "consent_expiring"
        manager = self.connection.with_user(self.account_manager)

        action = manager.action_renew_consent()
        self.come_back(self.decide_at_the_bank(action["url"], "deny"))
        self.connection.invalidate_recordset()
        self.assertEqual(self.connection.consent_id, first_consent)
        self.assertEqual(self.connection.state, "consent_expiring")
        self.assertIn("rejected", self.connection.state_message)

        action = manager.action_renew_consent()
        self.come_back(self.decide_at_the_bank(action["url"], "approve"))
        self.connection.invalidate_recordset()
        self.assertEqual(self.connection.state, "connected")
        self.assertNotEqual(self.connection.consent_id, first_consent)
        self.assertEqual(self.connection.consent_status, "valid")
        self.assertFalse(self.connection.state_message)
        events = self.env["bank.api.security.event"].search(
            [
                ("connection_id", "=", self.connection.id),
                ("event_type", "like", "consent_"),
            ],
            order="id",
        )
        # The renewal refused at the bank in between is on record too.
        self.assertEqual(
            events.mapped("event_type"),
            ["consent_granted", "consent_refused", "consent_renewed"],
        )

    def test_a_bank_using_oauth_sca_is_connected_with_the_code(self):
        bank = SandboxBank(seed=3, per_day=1, auto_approve_consents=False)
        bank.sca_oauth = True
        bank.start()
        self.addCleanup(bank.stop)
        self.connection.base_url = bank.url
        self.bank = bank
        page_url = self.connect()
        self.assertIn("/sandbox/oauth/authorize?", page_url)
        self.authenticate("bas_account_manager", "bas_account_manager")
        location = self.decide_at_the_bank(page_url, "approve")
        self.assertIn("code=", location)
        self.assertEqual(self.come_back(location).status_code, 303)
        self.connection.invalidate_recordset()
        self.assertEqual(self.connection.state, "connected")
        self.assertTrue(self.connection.account_ids)
        grants = [r.body for r in bank.request_log if r.path == "/oauth2/token"]
        self.assertIn(b"grant_type=authorization_code", b"".join(grants))

    def test_the_consent_return_starts_the_first_sync_in_the_background(self):
        # A new connection: no account has a journal yet, nothing to sync.
        self.authenticate("bas_account_manager", "bas_account_manager")
        self.come_back(self.decide_at_the_bank(self.connect(), "approve"))
        self.connection.invalidate_recordset()
        self.assertEqual(self.connection.state, "connected")
        self.assertFalse(self.connection.sync_requested_at)
        # Its accounts mapped, the consent given again (a connection set up
        # again, its history not fetched yet).
        self.connection.account_ids.action_create_journal()
        self.connection.state = "consent_expiring"
        cron = self.env.ref("bank_api_sync.ir_cron_bank_api_sync")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        action = self.connection.with_user(self.account_manager).action_renew_consent()
        answer = self.come_back(self.decide_at_the_bank(action["url"], "approve"))

        # The form opens at once: no statement was fetched in its request,
        # the scheduled action is woken for the first sync.
        self.assertEqual(answer.status_code, 303)
        self.assertFalse(
            [r for r in self.bank.request_log if "/transactions" in r.path]
        )
        self.connection.invalidate_recordset()
        self.assertEqual(self.connection.state, "connected")
        self.assertEqual(self.connection.sync_requested_by_id, self.account_manager)
        self.assertEqual(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]),
            triggers + 1,
        )
        self.assertFalse(self.connection.log_ids)
        # ...and the form says so.
        arch = (
            self.env["bank.api.connection"]
            .with_user(self.account_manager)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertIn("First sync started", arch)
        self.assertFalse(self.connection.last_success_at)

        self.env.flush_all()
        self.env["bank.api.sync.runner"]._cron_sync_due_connections()
        self.env.invalidate_all()
        log = self.connection.log_ids
        self.assertEqual(len(log), 1)
        self.assertEqual(log.status, "success", log.message)
        self.assertEqual(
            (log.trigger, log.started_by_id), ("cron", self.account_manager)
        )
        self.assertGreater(log.lines_created, 0)
        self.assertFalse(self.connection.sync_requested_by_id)
        summary = (
            self.env["bus.bus"]
            .sudo()
            .search([("message", "like", f"{log.lines_created} new line(s)")])
        )
        self.assertTrue(summary)
