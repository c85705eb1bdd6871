from odoo import api, models


class BankApiSyncRunner(models.AbstractModel):
    _inherit = "bank.api.sync.runner"

    @api.model
    def _accounts_to_sync(self, connection):
        """A transaction notification syncs the account it names only."""
        accounts = super()._accounts_to_sync(connection)
        only = self.env.context.get("bank_api_webhook_account_ids")
        if only is None:
            return accounts
        return accounts.filtered(lambda account: account.id in only)
