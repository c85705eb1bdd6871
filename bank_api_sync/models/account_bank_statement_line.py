from odoo import fields, models


class AccountBankStatementLine(models.Model):
    _inherit = "account.bank.statement.line"

    # Odoo 18 Community has no import id on statement lines: this key (the
    # bank's transaction id, or a content hash) is what makes imports idempotent.
    bank_api_unique_key = fields.Char(
        string="Bank Transaction Key", readonly=True, copy=False
    )
    bank_api_account_id = fields.Many2one(
        "bank.api.account",
        string="Bank API Account",
        readonly=True,
        index="btree_not_null",
    )

    _sql_constraints = [
        (
            "bank_api_unique_key_journal_uniq",
            "unique(journal_id, bank_api_unique_key)",
            "This bank transaction was already imported into this journal.",
        ),
    ]
