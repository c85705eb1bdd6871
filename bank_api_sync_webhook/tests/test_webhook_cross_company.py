from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.bank_api_sync.tests.test_cross_company_actions import (
    CrossCompanyCase,
)

OUR_CODE = "odoo.addons.bank_api_sync_webhook."


@tagged("post_install", "-at_install")
class TestWebhookCrossCompanyActions(CrossCompanyCase):
    """A manager of another company can neither move company A's webhook
    address, end its secret rotation, list its events nor reprocess them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.connection.webhook_enabled = True
        cls.event = cls.env["bank.api.webhook.event"].create(
            {
                "connection_id": cls.connection.id,
                "delivery_id": "msg_company_a",
                "state": "dead",
                "attempts": 5,
            }
        )

    def records_of_company_a(self):
        return {
            **super().records_of_company_a(),
            "bank.api.webhook.event": lambda: self.event,
        }

    @mute_logger("odoo.models", "odoo.addons.base.models.ir_rule")
    def test_every_webhook_method_refuses_another_company(self):
        token = self.connection.webhook_token
        methods = self.assertEveryPublicMethodRefuses(OUR_CODE)
        self.assertIn("action_regenerate_webhook_token", methods["bank.api.connection"])
        self.assertIn("action_reprocess", methods["bank.api.webhook.event"])
        self.assertEqual(self.connection.webhook_token, token)
        self.assertEqual(self.event.state, "dead")
