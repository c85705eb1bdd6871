from odoo import fields, models


class BankApiConnection(models.Model):
    _inherit = "bank.api.connection"

    webhook_enabled = fields.Boolean(
        string="Receive Webhooks",
        help="The bank pushes new transactions to Odoo; the scheduled sync "
        "still runs as a fallback in case a notification is lost.",
    )
    webhook_event_ids = fields.One2many(
        "bank.api.webhook.event",
        "connection_id",
        string="Webhook Events",
        groups="account.group_account_manager",
    )
