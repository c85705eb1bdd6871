import json
import time
from datetime import UTC, datetime

from standardwebhooks.webhooks import Webhook

from odoo.tests import HttpCase

from odoo.addons.bank_api_sync.tests.common import BankApiSyncCase

from ..core.standard_webhooks import generate_secret


class WebhookCase(HttpCase, BankApiSyncCase):
    """A connection receiving webhooks with a secret, one account with its
    journal, and a sender that signs with the independent `standardwebhooks`
    package."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.secret = generate_secret()
        cls.connection.write({"webhook_enabled": True, "webhook_secret": cls.secret})
        cls.account = cls.env["bank.api.account"].create(
            {
                "connection_id": cls.connection.id,
                "name": "Current",
                "resource_id": "acc-1",
                "iban": "PL61109010140000071219812874",
                "currency_id": cls.company.currency_id.id,
            }
        )
        cls.account.action_create_journal()
        cls.events = cls.env["bank.api.webhook.event"]

    def url(self, connection=None):
        return f"/bank_api_sync/webhook/{(connection or self.connection).webhook_token}"

    def post(
        self, body, webhook_id="msg_1", secret=None, timestamp=None, url=None, **headers
    ):
        """POST a body signed as a Standard Webhooks sender does."""
        if not isinstance(body, bytes):
            body = json.dumps(body).encode()
        timestamp = int(time.time()) if timestamp is None else timestamp
        signature = Webhook(secret or self.secret).sign(
            webhook_id, datetime.fromtimestamp(timestamp, tz=UTC), body.decode()
        )
        sent = {
            "Content-Type": "application/json",
            "webhook-id": webhook_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": signature,
            **headers,
        }
        return self.url_open(url or self.url(), data=body, headers=sent)

    def process(self):
        """The processing cron, as Odoo runs it."""
        self.env.flush_all()
        self.events._cron_process_events()
        self.env.invalidate_all()


def balance_event(amount, account_id="acc-1"):
    return {
        "type": "balance.updated",
        "data": {
            "account_id": account_id,
            "balances": [
                {
                    "balanceType": "closingBooked",
                    "amount": amount,
                    "currency": "EUR",
                    "referenceDate": "2026-11-24",
                }
            ],
        },
    }
