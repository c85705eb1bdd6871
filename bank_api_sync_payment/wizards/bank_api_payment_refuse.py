from odoo import fields, models


class BankApiPaymentRefuse(models.TransientModel):
    """Why an approver sends a payment order back (kept in its audit trail)."""

    _name = "bank.api.payment.refuse"
    _description = "Refuse a Payment Order"

    order_id = fields.Many2one("account.payment.order", required=True)
    reason = fields.Text(required=True)

    def action_refuse(self):
        self.ensure_one()
        return self.order_id._bank_api_refuse(self.reason)
