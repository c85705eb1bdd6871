from odoo import api, models


class AccountPaymentMethod(models.Model):
    _inherit = "account.payment.method"

    @api.model
    def _get_payment_method_information(self):
        information = super()._get_payment_method_information()
        information["elixir_o"] = {"mode": "multi", "domain": [("type", "=", "bank")]}
        return information
