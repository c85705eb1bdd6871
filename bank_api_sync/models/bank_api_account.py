from odoo import api, fields, models
from odoo.exceptions import UserError

from ..core.model import Account


class BankApiAccount(models.Model):
    """A bank account a connection's consent covers, mapped to a bank journal."""

    _name = "bank.api.account"
    _description = "Bank API Account"
    _order = "connection_id, name"
    _check_company_auto = True

    connection_id = fields.Many2one(
        "bank.api.connection", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="connection_id.company_id", store=True, index=True
    )
    name = fields.Char(required=True)
    resource_id = fields.Char(
        string="Bank's Account ID", required=True, readonly=True, copy=False
    )
    iban = fields.Char(string="IBAN", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    journal_id = fields.Many2one(
        "account.journal",
        domain="[('type', '=', 'bank'), ('company_id', '=', company_id)]",
        check_company=True,
        help="The bank journal whose statements this account feeds.",
    )
    active = fields.Boolean(
        default=True, help="Untick to stop syncing this account, keeping its history."
    )

    # Where the next run resumes: the end of the last good window.
    resume_from = fields.Date(readonly=True, copy=False)
    last_sync_at = fields.Datetime(readonly=True, copy=False)

    # Balance proof: the bank's figure against the sum of Odoo's lines.
    opening_balance = fields.Monetary(
        readonly=True,
        copy=False,
        help="The balance before the first imported day, derived from the bank's "
        "closing balance at the first sync.",
    )
    opening_date = fields.Date(readonly=True, copy=False)
    bank_balance = fields.Monetary(
        string="Bank Closing Balance", readonly=True, copy=False
    )
    bank_available_balance = fields.Monetary(readonly=True, copy=False)
    bank_balance_date = fields.Date(readonly=True, copy=False)
    odoo_balance = fields.Monetary(
        readonly=True,
        copy=False,
        help="Opening balance plus every statement line of the journal up to "
        "the bank's balance date, at the last check.",
    )
    balance_difference = fields.Monetary(readonly=True, copy=False)
    balance_mismatch = fields.Boolean(readonly=True, copy=False, index=True)
    mismatch_since = fields.Date(readonly=True, copy=False)
    pending_transaction_ids = fields.One2many(
        "bank.api.pending.transaction", "account_id", string="Pending Transactions"
    )
    pending_amount = fields.Monetary(
        compute="_compute_pending_amount",
        help="Movements the bank shows but has not booked yet (cash position).",
    )

    _sql_constraints = [
        (
            "resource_connection_uniq",
            "unique(connection_id, resource_id)",
            "This bank account is already listed on the connection.",
        ),
        (
            "journal_uniq",
            "unique(journal_id)",
            "A bank journal can be fed by one bank account only.",
        ),
    ]

    @api.depends("pending_transaction_ids.amount", "pending_transaction_ids.state")
    def _compute_pending_amount(self):
        for account in self:
            account.pending_amount = sum(
                account.pending_transaction_ids.filtered(
                    lambda pending: pending.state == "pending"
                ).mapped("amount")
            )

    def action_create_journal(self):
        """Create a bank journal for this account, fed by this connection."""
        self.check_access("write")
        for account in self:
            if account.journal_id:
                continue
            company = account.company_id
            currency = account.currency_id
            partner_bank = self.env["res.partner.bank"].search(
                [
                    (
                        "sanitized_acc_number",
                        "=",
                        (account.iban or "").replace(" ", ""),
                    ),
                    ("partner_id", "=", company.partner_id.id),
                ],
                limit=1,
            )
            if not partner_bank and account.iban:
                partner_bank = self.env["res.partner.bank"].create(
                    {"acc_number": account.iban, "partner_id": company.partner_id.id}
                )
            journal = self.env["account.journal"].create(
                {
                    "name": f"{account.connection_id.name} {account.name}"[:64],
                    "type": "bank",
                    "code": self._free_journal_code(company, currency),
                    "company_id": company.id,
                    "currency_id": currency != company.currency_id and currency.id,
                    "bank_account_id": partner_bank.id,
                    "bank_statements_source": "bank_api_sync",
                }
            )
            account.journal_id = journal
        return True

    def _free_journal_code(self, company, currency):
        prefix = ("B" + (currency.name or "NK"))[:4]
        used = set(
            self.env["account.journal"]
            .with_context(active_test=False)
            .search([("company_id", "=", company.id)])
            .mapped("code")
        )
        for number in range(1, 100):
            code = f"{prefix[:3]}{number}"[:5]
            if code not in used:
                return code
        raise UserError(self.env._("No free journal code left for %s", prefix))

    def _core_account(self):
        self.ensure_one()
        return Account(
            resource_id=self.resource_id,
            iban=self.iban,
            currency=self.currency_id.name,
            name=self.name,
        )

    def action_open_pending(self):
        self.ensure_one()
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Pending Transactions"),
            "res_model": "bank.api.pending.transaction",
            "view_mode": "list,form",
            "domain": [("account_id", "=", self.id)],
            "context": {"search_default_filter_pending": 1},
        }

    def write(self, vals):
        if vals.get("journal_id"):
            self.env["account.journal"].browse(vals["journal_id"]).write(
                {"bank_statements_source": "bank_api_sync"}
            )
        return super().write(vals)
