from odoo import fields, models


class BankApiConnection(models.Model):
    _inherit = "bank.api.connection"

    bank_api_payments_scope = fields.Boolean(
        string="Payments",
        tracking=True,
        help="The consent given to the bank covers payment initiation: payment "
        "orders may be sent through this connection. A connection made only "
        "to read statements cannot pay.",
    )

    def _bank_api_payment_problem(self):
        """Why this connection cannot send payments now, or None."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        if not self.bank_api_payments_scope:
            return self.env._(
                "The consent of connection %(name)s does not cover payments: an "
                "administrator ticks Payments on it and renews the consent.",
                name=self.name,
            )
        if self.state not in ("connected", "consent_expiring") or (
            self.consent_valid_until and self.consent_valid_until < today
        ):
            return self.env._(
                "Connection %(name)s has no valid consent: renew it first.",
                name=self.name,
            )
        return None
