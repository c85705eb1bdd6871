from odoo import fields, models, tools
from odoo.tools import SQL


class BankApiAutomationKpi(models.Model):
    """How much of the bank reconciliation is automatic.

    One row per posted bank line (company, journal, month of the booking
    day), so that every grouping of the pivot, graph and list figures over
    the lines themselves: the counts are sums, the automatic rate is the
    share of the group's lines (the average of 100/0 per line, that is the
    sum of automatic lines divided by the sum of lines, never an average of
    monthly rates) and the median hours are the median over the group's
    reconciled lines (computed in SQL for each group, never an average of
    monthly medians).
    """

    _name = "bank.api.automation.kpi"
    _description = "Bank Reconciliation Automation"
    _auto = False
    _order = "period desc, company_id, journal_id"

    company_id = fields.Many2one("res.company", readonly=True)
    journal_id = fields.Many2one("account.journal", readonly=True)
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
        help="Share of the lines reconciled automatically: automatic lines "
        "divided by all lines of the group.",
    )
    median_hours = fields.Float(
        string="Median Hours to Reconcile",
        readonly=True,
        # Read as the median of the group's lines (_read_group_select).
        aggregator="avg",
        help="Median time from the booking day at the bank to the "
        "reconciliation, over the group's reconciled lines.",
    )

    def _read_group_select(self, aggregate_spec, query):
        if aggregate_spec.split(":")[0] == "median_hours":
            # Whatever aggregate is asked for (the views ask for the field's
            # own), a median is a median over the lines of the group.
            column = self._field_to_sql(self._table, "median_hours", query)
            return SQL("percentile_cont(0.5) WITHIN GROUP (ORDER BY %s)", column)
        return super()._read_group_select(aggregate_spec, query)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %s AS (
                    SELECT
                        line.id,
                        line.company_id,
                        line.journal_id,
                        date_trunc('month', move.date)::date AS period,
                        1 AS lines_imported,
                        (line.bank_api_reconciled_how = 'auto')::int AS lines_auto,
                        (line.bank_api_reconciled_how IN ('proposal', 'manual'))::int
                            AS lines_by_hand,
                        COALESCE(line.bank_api_corrected, FALSE)::int
                            AS lines_corrected,
                        (NOT COALESCE(line.is_reconciled, FALSE))::int AS lines_open,
                        CASE WHEN line.bank_api_reconciled_how = 'auto'
                             THEN 100.0 ELSE 0.0 END AS auto_rate,
                        -- NULL for a line not reconciled: left out of medians
                        CASE WHEN line.bank_api_reconciled_at IS NOT NULL
                             THEN line.bank_api_delay_hours END AS median_hours
                      FROM account_bank_statement_line line
                      JOIN account_move move ON move.id = line.move_id
                     WHERE move.state = 'posted'
                )
                """,
                SQL.identifier(self._table),
            )
        )
