from odoo import fields, models


class BankApiMatchAllocation(models.Model):
    """Part of a statement line a proposal applies to one open journal item."""

    _name = "bank.api.match.allocation"
    _description = "Bank Match Allocation"
    _order = "proposal_id, sequence, id"

    proposal_id = fields.Many2one(
        "bank.api.match.proposal", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="proposal_id.company_id", store=True)
    move_line_id = fields.Many2one(
        "account.move.line",
        string="Journal Item",
        required=True,
        ondelete="cascade",
        index=True,
    )
    move_id = fields.Many2one(related="move_line_id.move_id", string="Document")
    partner_id = fields.Many2one(related="move_line_id.partner_id")
    date_maturity = fields.Date(related="move_line_id.date_maturity")
    currency_id = fields.Many2one(related="proposal_id.currency_id")
    item_currency_id = fields.Many2one("res.currency", string="Item Currency")
    amount = fields.Monetary(
        string="Paid",
        currency_field="currency_id",
        help="The part of the bank line applied to this item, in the line's currency.",
    )
    amount_currency = fields.Monetary(
        string="Paid in Item Currency", currency_field="item_currency_id"
    )
    residual_currency = fields.Monetary(
        string="Open Amount",
        currency_field="item_currency_id",
        help="What was still open on the item when the proposal was made.",
    )
    closes_item = fields.Boolean(
        string="Settles the Item",
        help="The item is fully settled (counting the write-off, if any).",
    )
