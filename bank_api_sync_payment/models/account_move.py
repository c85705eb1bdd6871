from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    bank_api_split_payment = fields.Boolean(
        string="Split Payment (MPP)",
        copy=False,
        tracking=True,
        help="The bill says 'mechanizm podzielonej płatności': it is paid as a "
        "Polish split payment, its VAT to the supplier's VAT account. Payment "
        "orders then carry the /VAT/.../IDC/.../INV/... title and never group "
        "it with other bills.",
    )
