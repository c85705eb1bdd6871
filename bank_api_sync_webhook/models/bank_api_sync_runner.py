from datetime import timedelta

from odoo import api, fields, models


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

    def _succeed(self, connection, log, started):
        """While webhooks arrive, the scheduled sync is only a safety net."""
        result = super()._succeed(connection, log, started)
        hours = connection.webhook_poll_interval_hours
        if (
            connection.webhook_enabled
            and not connection.webhook_silent
            and hours > connection.sync_interval_hours
        ):
            connection.next_sync_at = fields.Datetime.now() + timedelta(hours=hours)
        return result
