from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from ..core.providers import BerlinGroupClient, PolishApiClient
from .common import BankApiSyncCase


@tagged("post_install", "-at_install")
class TestProviders(BankApiSyncCase):
    """Providers plug into the connection: each value of its provider field
    has a registered client, and a provider's own settings reach it."""

    def provider_values(self):
        field = self.env["bank.api.connection"]._fields["provider"]
        return [code for code, _label in field._description_selection(self.env)]

    def test_every_provider_offered_has_a_client(self):
        codes = self.provider_values()
        self.assertTrue({"berlin_group", "polishapi"} <= set(codes))
        for code in codes:
            with self.subTest(provider=code):
                self.connection.write(
                    {"provider": code, "base_url": "https://api.bank.example"}
                )
                client = self.connection._build_client()
                self.assertIs(type(client), self.connection._client_class())
                self.assertEqual(client.settings.provider, code)

    def test_berlin_group_settings_reach_its_client(self):
        self.connection.write(
            {
                "base_url": "https://api.bank.example/psd2",
                "berlin_group_client_credentials": False,
                "berlin_group_tpp_ip_address": "203.0.113.7",
            }
        )
        client = self.connection._build_client()
        self.assertIsInstance(client, BerlinGroupClient)
        self.assertIs(client.option("client_credentials"), False)
        self.assertEqual(client.option("tpp_ip_address"), "203.0.113.7")

    def test_polishapi_settings_reach_its_client(self):
        # The API URL is a Settings administrator's (see test_endpoint_guard).
        self.connection.base_url = "https://api.bank.example"
        with Form(self.connection.with_user(self.account_manager)) as form:
            form.provider = "polishapi"
            form.polishapi_tpp_id = "PSDPL-KNF-0000001"
        client = self.connection._build_client()
        self.assertIsInstance(client, PolishApiClient)
        self.assertEqual(self.connection.polishapi_version, "v2_1_1.1")
        self.assertEqual(
            client.path("accounts", "getAccounts"),
            "/v2_1_1.1/accounts/v2_1_1.1/getAccounts",
        )
        self.assertEqual(client.option("tpp_id"), "PSDPL-KNF-0000001")
        self.connection.polishapi_version = "v2_1_2.1"
        client = self.connection._build_client()
        self.assertEqual(client.path("auth", "token"), "/v2_1_2.1/auth/v2_1_2.1/token")
        self.connection.write(
            {"polishapi_version": "other", "polishapi_version_other": "v3_0"}
        )
        client = self.connection._build_client()
        self.assertEqual(client.path("auth", "token"), "/v3_0/auth/v3_0/token")
        with self.assertRaisesRegex(ValidationError, "is not one"):
            self.connection.polishapi_version_other = "../admin"

    def test_the_bank_sends_the_customer_back_to_the_return_route(self):
        self.connection.base_url = "https://api.bank.example/psd2"
        self.env["ir.config_parameter"].sudo().set_param(
            "web.base.url", "https://odoo.example/"
        )
        settings = self.connection._build_client().settings
        self.assertEqual(
            settings.tpp_redirect_uri,
            "https://odoo.example/bank_api_sync/consent/return",
        )

    def test_a_connection_without_an_api_url_says_so(self):
        with self.assertRaisesRegex(UserError, "Set the API URL of connection"):
            self.connection.with_user(self.account_manager).action_connect()
