from odoo import fields, models, tools
from odoo.tools import SQL


class BankApiMonthClose(models.Model):
    """How long each journal's month took to close on the bank side.

    One row per bank journal and month M (of the lines' dates). The month is
    closed when every posted bank line dated in M is reconciled; then
    ``close_days`` = the day its last line was reconciled (in the company's
    time zone) minus the last day of M, never below 0 (a month whose lines
    were all reconciled before it ended closes at its end). Otherwise the
    month is open: no figure, and ``lines_open`` says how many lines keep it
    open. A group of rows (several journals or months) shows its slowest
    closed month and the sums of its lines.
    """

    _name = "bank.api.month.close"
    _description = "Bank Month Close"
    _auto = False
    _order = "period desc, company_id, journal_id"

    company_id = fields.Many2one("res.company", readonly=True)
    journal_id = fields.Many2one("account.journal", readonly=True)
    period = fields.Date(string="Month", readonly=True)
    lines_count = fields.Integer(string="Lines", readonly=True)
    lines_open = fields.Integer(
        string="Still Open",
        readonly=True,
        help="Lines of the month not reconciled yet: the month is open until "
        "there are none.",
    )
    state = fields.Selection([("closed", "Closed"), ("open", "Open")], readonly=True)
    closed_on = fields.Date(
        readonly=True,
        aggregator="max",
        help="When the month's last bank line was reconciled.",
    )
    close_days = fields.Integer(
        string="Days to Close",
        readonly=True,
        aggregator="max",
        help="Days from the month's end until its last bank line was "
        "reconciled; empty while the month is open. A group shows its "
        "slowest month.",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %s AS (
                    WITH month AS (
                        SELECT
                            MIN(line.id) AS id,
                            line.company_id,
                            line.journal_id,
                            date_trunc('month', move.date)::date AS period,
                            COUNT(*) AS lines_count,
                            COUNT(*) FILTER (
                                WHERE NOT COALESCE(line.is_reconciled, FALSE)
                            ) AS lines_open,
                            (MAX(line.bank_api_reconciled_at)
                                AT TIME ZONE 'UTC'
                                AT TIME ZONE COALESCE(partner.tz, 'UTC')
                            )::date AS last_reconciled_on
                          FROM account_bank_statement_line line
                          JOIN account_move move ON move.id = line.move_id
                          JOIN res_company company ON company.id = line.company_id
                          LEFT JOIN res_partner partner
                                 ON partner.id = company.partner_id
                         WHERE move.state = 'posted'
                      GROUP BY line.company_id, line.journal_id,
                               date_trunc('month', move.date), partner.tz
                    )
                    SELECT
                        id,
                        company_id,
                        journal_id,
                        period,
                        lines_count,
                        lines_open,
                        CASE WHEN lines_open = 0 THEN 'closed' ELSE 'open' END
                            AS state,
                        CASE WHEN lines_open = 0 THEN last_reconciled_on END
                            AS closed_on,
                        CASE WHEN lines_open = 0 THEN GREATEST(
                            0,
                            last_reconciled_on
                                - (period + interval '1 month' - interval '1 day')::date
                        ) END AS close_days
                      FROM month
                )
                """,
                SQL.identifier(self._table),
            )
        )
