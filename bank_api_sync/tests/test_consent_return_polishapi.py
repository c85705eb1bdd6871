from unittest.mock import patch

from odoo.tests import HttpCase, tagged

from ..core.errors import AuthenticationError
from ..core.providers import PolishApiClient
from .common import BankApiSyncCase

NUMBER = "61109010140000071219812874"


class StandInPolishBank:
    """What a PolishAPI bank answers, in place of ``PolishApiClient._post``
    (a real outside bank: no PolishAPI bank runs in these tests). It hands out
    one authorisation code and remembers what it was asked."""

    def __init__(self):
        self.asked = {}  # operation -> fields

    def post(self, client, service, operation, fields, **options):
        self.asked[operation] = fields
        if operation == "authorize":
            return {"aspspRedirectUri": "https://bank.example/login?session=1"}
        if operation == "token":
            if fields.get("Code") != "the-code":
                return self.refuse()
            details = self.asked["authorize"]["scope_details"]
            return {
                "access_token": "pl-access",
                "refresh_token": "pl-refresh",
                "expires_in": 3600,
                "scope_details": details,
            }
        if operation == "getAccounts":
            return {"accounts": [{"accountNumber": NUMBER}], "pageInfo": {}}
        if operation == "getAccount":
            return {"account": {"accountNumber": NUMBER, "currency": "PLN"}}
        raise AssertionError(f"unexpected operation {operation}")

    @staticmethod
    def refuse():
        raise AuthenticationError("token: HTTP 400 INVALID_GRANT")


@tagged("post_install", "-at_install")
class TestConsentReturnPolishApi(HttpCase, BankApiSyncCase):
    """PolishAPI through the return route: authorize with the state, the bank
    sends the customer back with a code, Odoo trades it for tokens and lists
    the accounts."""

    def setUp(self):
        super().setUp()
        self.env["ir.config_parameter"].sudo().set_param(
            "web.base.url", self.base_url()
        )
        self.connection.write(
            {
                "provider": "polishapi",
                "base_url": "https://api.bank.example",
                "client_id": "tpp-client",
            }
        )
        self.bank = StandInPolishBank()
        bank = self.bank
        patcher = patch.object(
            PolishApiClient,
            "_post",
            lambda client, *args, **kwargs: bank.post(client, *args, **kwargs),
        )
        patcher.start()
        self.addCleanup(patcher.stop)
        self.authenticate("bas_account_manager", "bas_account_manager")

    def start(self):
        action = self.connection.with_user(self.account_manager).action_connect()
        self.assertEqual(action["url"], "https://bank.example/login?session=1")
        authorize = self.bank.asked["authorize"]
        self.assertEqual(
            authorize["redirect_uri"],
            f"{self.base_url()}/bank_api_sync/consent/return",
        )
        return authorize["state"]

    def test_the_code_is_traded_for_tokens_and_the_accounts_listed(self):
        state = self.start()
        answer = self.url_open(
            f"/bank_api_sync/consent/return?code=the-code&state={state}",
            allow_redirects=False,
        )
        self.assertEqual(answer.status_code, 303)
        token = self.bank.asked["token"]
        self.assertEqual(token["grant_type"], "authorization_code")
        self.assertEqual(
            token["redirect_uri"], f"{self.base_url()}/bank_api_sync/consent/return"
        )
        self.connection.invalidate_recordset()
        self.assertEqual(self.connection.state, "connected")
        self.assertEqual(self.connection.account_ids.resource_id, NUMBER)
        self.assertEqual(
            self.connection.consent_id,
            self.bank.asked["authorize"]["scope_details"]["consentId"],
        )
        connection_sudo = self.connection.sudo()
        self.assertTrue(connection_sudo.refresh_token_encrypted)
        self.assertNotIn("pl-refresh", connection_sudo.refresh_token_encrypted)

    def test_a_refusal_at_the_bank_leaves_the_connection_as_it_was(self):
        state = self.start()
        self.url_open(
            f"/bank_api_sync/consent/return?error=access_denied&state={state}",
            allow_redirects=False,
        )
        self.connection.invalidate_recordset()
        self.assertEqual(self.connection.state, "draft")
        self.assertNotIn("token", self.bank.asked)
        message = self.connection.state_message
        self.assertIn("refused or cancelled the consent at the bank", message)
        self.assertNotIn("client ID", message)  # not a credentials problem
        self.assertFalse(self.connection.sudo().refresh_token_encrypted)
        event = self.env["bank.api.security.event"].search(
            [("connection_id", "=", self.connection.id)], limit=1
        )
        self.assertEqual(event.event_type, "consent_refused")
        self.assertFalse(event.refused)  # the customer's choice, not an attack
        self.assertIn("refused or cancelled", event.description)
