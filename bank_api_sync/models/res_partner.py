from odoo import api, fields, models

from ..core.matching import account_key


class ResPartner(models.Model):
    _inherit = "res.partner"

    bank_api_virtual_account = fields.Char(
        string="Virtual Account Number",
        index="btree_not_null",
        help="The account number your bank gave this customer to pay you on "
        "(a virtual or identifying account, 'rachunek wirtualny'). Money "
        "received on it is this customer's: the bank matching looks at their "
        "open invoices only.",
    )

    _sql_constraints = [
        (
            "bank_api_virtual_account_uniq",
            "unique(bank_api_virtual_account)",
            "This virtual account number is already given to another partner.",
        ),
    ]

    @api.model
    def _bank_api_virtual_accounts(self, companies):
        """{account number: commercial partner id} of the partners of
        ``companies`` (or shared) that have a virtual account."""
        partners = (
            self.with_context(active_test=False)
            .sudo()
            .search_read(
                [
                    ("bank_api_virtual_account", "!=", False),
                    ("company_id", "in", [False, *companies.ids]),
                ],
                ["bank_api_virtual_account", "commercial_partner_id"],
            )
        )
        return {
            partner["bank_api_virtual_account"]: partner["commercial_partner_id"][0]
            for partner in partners
            if account_key(partner["bank_api_virtual_account"])
        }
