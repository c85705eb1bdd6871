from odoo import fields, models


class BankApiPaymentApprovalLimit(models.Model):
    """Up to how much a user may approve payment orders in a company."""

    _name = "bank.api.payment.approval.limit"
    _description = "Payment Approval Limit"
    _inherit = ["mail.thread"]
    _order = "company_id, user_id"

    user_id = fields.Many2one(
        "res.users",
        required=True,
        ondelete="cascade",
        tracking=True,
        domain=lambda self: [
            (
                "groups_id",
                "in",
                self.env.ref("bank_api_sync_payment.group_payment_approver").ids,
            )
        ],
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount_limit = fields.Monetary(
        string="Approval Limit",
        required=True,
        tracking=True,
        help="The largest order total (in the company's currency) this user "
        "may approve.",
    )

    _sql_constraints = [
        (
            "user_company_uniq",
            "unique(user_id, company_id)",
            "A user has one approval limit per company.",
        ),
        (
            "amount_positive",
            "check(amount_limit > 0)",
            "An approval limit is positive.",
        ),
    ]
