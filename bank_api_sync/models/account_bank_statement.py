from odoo import fields, models


class AccountBankStatement(models.Model):
    _inherit = "account.bank.statement"

    bank_api_day = fields.Date(
        string="Statement Day",
        readonly=True,
        copy=False,
        help="The day (in the company's time zone) this statement gathers, "
        "for statements built by the bank sync.",
    )
