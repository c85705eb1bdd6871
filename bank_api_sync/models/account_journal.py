from odoo import api, fields, models
from odoo.exceptions import UserError


class AccountJournal(models.Model):
    _inherit = "account.journal"

    bank_api_account_ids = fields.One2many(
        "bank.api.account", "journal_id", string="Bank API Accounts"
    )
    bank_api_balance_mismatch = fields.Boolean(
        compute="_compute_bank_api_balance_mismatch",
        help="The bank's closing balance differs from the journal's.",
    )
    bank_api_balance_difference = fields.Monetary(
        compute="_compute_bank_api_balance_mismatch",
        currency_field="currency_id",
    )
    bank_api_mismatch_since = fields.Date(compute="_compute_bank_api_balance_mismatch")

    def __get_bank_statements_available_sources(self):
        # The field's selection is bound to account's own function, which calls
        # this name-mangled method on the record: overriding it (in a class
        # named AccountJournal) is how a source is added.
        sources = super().__get_bank_statements_available_sources()
        return [*sources, ("bank_api_sync", self.env._("Bank API Synchronization"))]

    @api.depends("bank_api_account_ids.balance_mismatch")
    def _compute_bank_api_balance_mismatch(self):
        for journal in self:
            accounts = journal.bank_api_account_ids.filtered("balance_mismatch")
            journal.bank_api_balance_mismatch = bool(accounts)
            journal.bank_api_balance_difference = sum(
                accounts.mapped("balance_difference")
            )
            journal.bank_api_mismatch_since = min(
                accounts.mapped("mismatch_since") or [False]
            )

    def action_bank_api_sync_now(self):
        """The dashboard card's Sync Now: syncs the connection feeding this journal."""
        self.ensure_one()
        connection = self.bank_api_account_ids.connection_id[:1]
        if not connection:
            raise UserError(
                self.env._(
                    "No bank connection feeds journal %(journal)s: map one of a "
                    "connection's accounts to it first.",
                    journal=self.display_name,
                )
            )
        return connection.action_sync_now()
