from odoo import fields, models


class BankApiPendingTransaction(models.Model):
    """A movement the bank shows but has not booked yet.

    Kept apart from statement lines (it may still change or vanish), counted in
    the cash position, and retired when its booked counterpart is imported.
    """

    _name = "bank.api.pending.transaction"
    _description = "Pending Bank Transaction"
    _order = "date desc, id desc"
    _rec_name = "payment_ref"

    account_id = fields.Many2one(
        "bank.api.account", required=True, ondelete="cascade", index=True
    )
    journal_id = fields.Many2one(related="account_id.journal_id", store=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    unique_key = fields.Char(required=True, readonly=True)
    transaction_id = fields.Char(string="Bank's ID", readonly=True)
    date = fields.Date(readonly=True)
    amount = fields.Monetary(readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    partner_name = fields.Char(string="Counterparty", readonly=True)
    account_number = fields.Char(string="Counterparty Account", readonly=True)
    payment_ref = fields.Char(string="Label", readonly=True)
    state = fields.Selection(
        selection=[
            ("pending", "Pending"),
            ("booked", "Booked"),
            ("vanished", "Cancelled by the bank"),
        ],
        default="pending",
        required=True,
        readonly=True,
        index=True,
    )
    booked_line_id = fields.Many2one(
        "account.bank.statement.line",
        string="Booked As",
        readonly=True,
        ondelete="set null",
    )
    retired_at = fields.Datetime(readonly=True)
    transaction_details = fields.Json(readonly=True)

    _sql_constraints = [
        (
            "account_key_uniq",
            "unique(account_id, unique_key)",
            "This pending transaction is already staged.",
        ),
    ]
