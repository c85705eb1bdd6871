from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..core.windows import LONG_PERIOD_DAYS, period_runs_in_background


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
        connection = self.connection_id
        if (
            period_runs_in_background(self.date_from, self.date_to)
            and connection._sync_cron()
        ):
            connection._check_user_access("sync")
            return connection._start_background_sync(
                self.env._(
                    "A period longer than %(days)s days runs in the background: "
                    "you are told how many accounts are done and, at the end, "
                    "what it imported and matched.",
                    days=LONG_PERIOD_DAYS,
                ),
                period=(self.date_from, self.date_to),
            )
        return connection.action_sync_now(
            date_from=self.date_from, date_to=self.date_to
        )
