from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError


class BankApiSyncPeriod(models.TransientModel):
    """Fetch a chosen period again (a month-end check, a gap after an outage).

    Transactions already imported are skipped; only what is missing is added.
    """

    _name = "bank.api.sync.period"
    _description = "Sync a Period of a Bank Connection"

    connection_id = fields.Many2one("bank.api.connection", required=True)
    date_from = fields.Date(
        required=True,
        default=lambda self: fields.Date.context_today(self) - timedelta(days=30),
    )
    date_to = fields.Date(required=True, default=fields.Date.context_today)
    max_history_days = fields.Integer(related="connection_id.max_history_days")

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        for wizard in self:
            if wizard.date_from > wizard.date_to:
                raise UserError(self.env._("The period ends before it starts."))

    def action_sync(self):
        self.ensure_one()
        self.check_access("write")
        self.connection_id.check_access("read")
        oldest = fields.Date.context_today(self) - timedelta(
            days=self.connection_id.max_history_days - 1
        )
        if self.date_from < oldest:
            raise UserError(
                self.env._(
                    "The bank serves %(days)s days of history: start on %(date)s "
                    "or later.",
                    days=self.connection_id.max_history_days,
                    date=oldest,
                )
            )
        return self.connection_id.action_sync_now(
            date_from=self.date_from, date_to=self.date_to
        )
