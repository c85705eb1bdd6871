from datetime import timedelta

from odoo import api, fields, models

# Rejected deliveries on one connection within the window that make a burst:
# a bank misconfigured after a secret change, or someone probing the address.
BURST_COUNT = 5
BURST_WINDOW = timedelta(minutes=10)
# Rejections are kept this long (a flood must not fill the database).
KEPT_FOR = timedelta(days=30)


class BankApiWebhookRejection(models.Model):
    """A delivery refused on a connection's webhook address: who sent it and
    why, never its headers, its secret or its body."""

    _name = "bank.api.webhook.rejection"
    _description = "Refused Bank Webhook Delivery"
    _order = "rejected_at desc, id desc"
    _log_access = False

    connection_id = fields.Many2one(
        "bank.api.connection", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="connection_id.company_id", store=True)
    rejected_at = fields.Datetime(required=True, readonly=True, index=True)
    status = fields.Integer(string="Answer", readonly=True)
    reason = fields.Char(readonly=True)
    source_address = fields.Char(readonly=True)

    @api.model
    def _record(self, connection, status, reason, source_address):
        """Remember a refusal; a burst alerts the connection's responsible
        user (one open activity, however long the burst)."""
        now = fields.Datetime.now()
        self.sudo().create(
            {
                "connection_id": connection.id,
                "rejected_at": now,
                "status": status,
                "reason": (reason or "")[:200],
                "source_address": (source_address or "")[:64],
            }
        )
        recent = self.sudo().search(
            [
                ("connection_id", "=", connection.id),
                ("rejected_at", ">", now - BURST_WINDOW),
            ]
        )
        if len(recent) >= BURST_COUNT:
            connection.sudo()._webhook_alert_rejections(recent)

    @api.autovacuum
    def _gc_old_rejections(self):
        self.sudo().search(
            [("rejected_at", "<", fields.Datetime.now() - KEPT_FOR)]
        ).unlink()
