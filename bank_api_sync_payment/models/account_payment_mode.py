from odoo import fields, models


class AccountPaymentMode(models.Model):
    _inherit = "account.payment.mode"

    bank_api_send_by_api = fields.Boolean(
        string="Send through the Bank Connection",
        help="Approved orders are sent to the bank through the connection "
        "that feeds the order's bank journal (payment initiation), instead "
        "of a file to upload.",
    )
    bank_api_batch_booking = fields.Boolean(
        string="Batch Booking",
        help="Ask the bank to book an order of several payments as one debit "
        "of its total. The next sync splits that debit across the order's "
        "payments.",
    )
