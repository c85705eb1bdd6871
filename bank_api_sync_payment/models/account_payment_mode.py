from odoo import fields, models


class AccountPaymentMode(models.Model):
    _inherit = "account.payment.mode"

    bank_api_send_by_api = fields.Boolean(
        string="Send through the Bank Connection",
        help="Approved orders are sent to the bank through the connection "
        "that feeds the order's bank journal (payment initiation), instead "
        "of a file to upload.",
    )
