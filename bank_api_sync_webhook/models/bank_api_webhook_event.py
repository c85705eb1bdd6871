from odoo import fields, models


class BankApiWebhookEvent(models.Model):
    """A notification received from a bank, stored before it is processed."""

    _name = "bank.api.webhook.event"
    _description = "Bank Webhook Event"
    _order = "received_at desc, id desc"

    connection_id = fields.Many2one(
        "bank.api.connection", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="connection_id.company_id", store=True)
    delivery_id = fields.Char(
        required=True,
        readonly=True,
        help="The sender's webhook-id: a redelivery carries the same id.",
    )
    event_type = fields.Char(readonly=True)
    received_at = fields.Datetime(
        required=True, readonly=True, default=fields.Datetime.now
    )
    payload = fields.Text(readonly=True)
    state = fields.Selection(
        selection=[
            ("received", "Received"),
            ("processed", "Processed"),
            ("failed", "Failed"),
        ],
        required=True,
        default="received",
        readonly=True,
    )
    error = fields.Text(readonly=True)

    _sql_constraints = [
        (
            "delivery_connection_uniq",
            "unique(connection_id, delivery_id)",
            "This webhook delivery was already received.",
        ),
    ]
