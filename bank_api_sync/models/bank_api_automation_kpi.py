from odoo import fields, models, tools
from odoo.tools import SQL


class BankApiAutomationKpi(models.Model):
    """How much of the bank reconciliation is automatic, month by month.

    One row per company and month of the bank booking day: lines imported,
    reconciled automatically, by a person, corrected after an automatic
    reconciliation, still open, and the median time from the booking at the
    bank to the reconciliation.
    """

    _name = "bank.api.automation.kpi"
    _description = "Bank Reconciliation Automation"
    _auto = False
    _order = "period desc, company_id"

    company_id = fields.Many2one("res.company", readonly=True)
    period = fields.Date(string="Month", readonly=True)
    lines_imported = fields.Integer(string="Lines", readonly=True)
    lines_auto = fields.Integer(string="Automatic", readonly=True)
    lines_by_hand = fields.Integer(string="By Hand", readonly=True)
    lines_corrected = fields.Integer(
        string="Corrected",
        readonly=True,
        help="Reconciled automatically, then undone by a person.",
    )
    lines_open = fields.Integer(string="Not Reconciled", readonly=True)
    auto_rate = fields.Float(
        string="Automatic (%)",
        readonly=True,
        aggregator="avg",
        help="Share of the month's lines reconciled automatically.",
    )
    median_hours = fields.Float(
        string="Median Hours to Reconcile",
        readonly=True,
        aggregator="avg",
        help="Median time from the booking day at the bank to the "
        "reconciliation, over the month's reconciled lines.",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %s AS (
                    SELECT
                        line.company_id * 1000000
                            + EXTRACT(YEAR FROM move.date)::int * 100
                            + EXTRACT(MONTH FROM move.date)::int AS id,
                        line.company_id,
                        date_trunc('month', move.date)::date AS period,
                        COUNT(*) AS lines_imported,
                        COUNT(*) FILTER (
                            WHERE line.bank_api_reconciled_how = 'auto') AS lines_auto,
                        COUNT(*) FILTER (
                            WHERE line.bank_api_reconciled_how IN ('proposal', 'manual')
                        ) AS lines_by_hand,
                        COUNT(*) FILTER (WHERE line.bank_api_corrected)
                            AS lines_corrected,
                        COUNT(*) FILTER (
                            WHERE NOT COALESCE(line.is_reconciled, FALSE))
                            AS lines_open,
                        100.0 * COUNT(*) FILTER (
                            WHERE line.bank_api_reconciled_how = 'auto') / COUNT(*)
                            AS auto_rate,
                        percentile_cont(0.5) WITHIN GROUP (
                            ORDER BY line.bank_api_delay_hours)
                            FILTER (WHERE line.bank_api_reconciled_at IS NOT NULL)
                            AS median_hours
                      FROM account_bank_statement_line line
                      JOIN account_move move ON move.id = line.move_id
                     WHERE move.state = 'posted'
                     GROUP BY line.company_id,
                              date_trunc('month', move.date),
                              EXTRACT(YEAR FROM move.date),
                              EXTRACT(MONTH FROM move.date)
                )
                """,
                SQL.identifier(self._table),
            )
        )
