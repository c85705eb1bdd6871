from collections import defaultdict

from odoo import api, fields, models


class BankApiUsage(models.Model):
    """Calls made to a bank, by connection, month and endpoint, with their cost.

    Banks and aggregators bill by use; the cost is added as the calls happen,
    at the connection's prices of the day.
    """

    _name = "bank.api.usage"
    _description = "Bank API Usage"
    _order = "month desc, connection_id, endpoint"
    _rec_name = "endpoint"

    connection_id = fields.Many2one(
        "bank.api.connection", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="connection_id.company_id", store=True, index=True
    )
    month = fields.Date(required=True, readonly=True, help="First day of the month.")
    endpoint = fields.Char(required=True, readonly=True)
    calls = fields.Integer(readonly=True)
    user_present_calls = fields.Integer(readonly=True)
    transactions = fields.Integer(string="Transactions Fetched", readonly=True)
    cost = fields.Monetary(readonly=True, currency_field="currency_id")
    currency_id = fields.Many2one(related="company_id.currency_id")

    _sql_constraints = [
        (
            "connection_month_endpoint_uniq",
            "unique(connection_id, month, endpoint)",
            "Usage is counted once per connection, month and endpoint.",
        ),
    ]

    @api.model
    def _record_calls(self, connection, calls, transactions=0):
        """Add a run's calls (core CallRecords) and fetched transactions."""
        totals = defaultdict(lambda: [0, 0, 0])
        for call in calls:
            key = (call.at.date().replace(day=1), call.endpoint)
            totals[key][0] += 1
            totals[key][1] += int(call.user_present)
        if transactions:
            month = fields.Date.context_today(self).replace(day=1)
            totals[(month, "transactions")][2] += transactions
        if not totals:
            return
        self.env.flush_all()
        for (month, endpoint), (count, present, fetched) in totals.items():
            cost = (
                count * connection.price_per_call
                + fetched * connection.price_per_transaction
            )
            # An upsert: two runs (workers) may record the same month at once.
            self.env.cr.execute(
                """
                INSERT INTO bank_api_usage
                    (connection_id, company_id, month, endpoint, calls,
                     user_present_calls, transactions, cost,
                     create_uid, create_date, write_uid, write_date)
                VALUES (%s, %s, %s, %s, %s, %s, %s, %s,
                        %s, now() at time zone 'utc', %s, now() at time zone 'utc')
                ON CONFLICT (connection_id, month, endpoint) DO UPDATE SET
                    calls = bank_api_usage.calls + EXCLUDED.calls,
                    user_present_calls = bank_api_usage.user_present_calls
                        + EXCLUDED.user_present_calls,
                    transactions = bank_api_usage.transactions + EXCLUDED.transactions,
                    cost = bank_api_usage.cost + EXCLUDED.cost,
                    write_date = EXCLUDED.write_date
                """,
                (
                    connection.id,
                    connection.company_id.id,
                    month,
                    endpoint,
                    count,
                    present,
                    fetched,
                    cost,
                    self.env.uid,
                    self.env.uid,
                ),
            )
        self.invalidate_model()
