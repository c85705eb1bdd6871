from odoo.tests import tagged

from odoo.addons.bank_api_sync.tests.common import BankApiSyncCase

from ..core.client import SandboxClient


@tagged("post_install", "-at_install")
class TestProviderPlugin(BankApiSyncCase):
    """The Sandbox Bank is a provider plugged in from its own add-on: the
    base names it nowhere (tests/core/test_base_names_no_provider.py), yet
    it is offered, built, and asked what it can do like any other."""

    def test_the_sandbox_is_offered_and_built_like_any_provider(self):
        field = self.env["bank.api.connection"]._fields["provider"]
        self.assertIn(
            ("sandbox", "Sandbox Bank"), field._description_selection(self.env)
        )
        self.connection.provider = "sandbox"
        self.assertIs(self.connection._client_class(), SandboxClient)
        # Without an API URL: the bank this Odoo process runs itself.
        client = self.connection._build_client()
        self.assertIsInstance(client, SandboxClient)
        self.assertRegex(client.settings.base_url, r"^http://127\.0\.0\.1:\d+$")
        self.connection.base_url = "http://127.0.0.1:8070"
        self.assertEqual(
            self.connection._build_client().settings.base_url, "http://127.0.0.1:8070"
        )

    def test_the_mt940_add_on_asks_the_client_not_the_provider_name(self):
        self.connection.provider = "sandbox"
        self.assertTrue(self.connection.mt940_delivery_available)
        self.connection.provider = "polishapi"
        self.assertFalse(self.connection.mt940_delivery_available)
