from odoo import fields, models, tools
from odoo.tools import SQL


class BankApiOverdueReceivable(models.Model):
    """Customers whose payments are late: every open receivable item past its
    due date, with how late it is."""

    _name = "bank.api.overdue.receivable"
    _description = "Overdue Receivable"
    _auto = False
    _order = "days_overdue desc, id"

    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    move_id = fields.Many2one("account.move", string="Document", readonly=True)
    move_line_id = fields.Many2one("account.move.line", readonly=True)
    date = fields.Date(string="Document Date", readonly=True)
    date_maturity = fields.Date(string="Due Date", readonly=True)
    days_overdue = fields.Integer(string="Days Late", readonly=True, aggregator="max")
    aging = fields.Selection(
        [
            ("1_30", "1-30 days"),
            ("31_60", "31-60 days"),
            ("61_90", "61-90 days"),
            ("91_", "Over 90 days"),
        ],
        string="Late By",
        readonly=True,
    )
    currency_id = fields.Many2one(
        "res.currency", string="Company Currency", readonly=True
    )
    amount_residual = fields.Monetary(
        string="Open Amount", readonly=True, currency_field="currency_id"
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %s AS (
                    SELECT
                        aml.id,
                        aml.id AS move_line_id,
                        aml.company_id,
                        COALESCE(partner.commercial_partner_id, aml.partner_id)
                            AS partner_id,
                        aml.move_id,
                        aml.date,
                        aml.date_maturity,
                        CURRENT_DATE - aml.date_maturity AS days_overdue,
                        CASE
                            WHEN CURRENT_DATE - aml.date_maturity <= 30 THEN '1_30'
                            WHEN CURRENT_DATE - aml.date_maturity <= 60 THEN '31_60'
                            WHEN CURRENT_DATE - aml.date_maturity <= 90 THEN '61_90'
                            ELSE '91_'
                        END AS aging,
                        company.currency_id,
                        aml.amount_residual
                      FROM account_move_line aml
                      JOIN account_account account ON account.id = aml.account_id
                      JOIN res_company company ON company.id = aml.company_id
                 LEFT JOIN res_partner partner ON partner.id = aml.partner_id
                     WHERE account.account_type = 'asset_receivable'
                       AND aml.parent_state = 'posted'
                       AND NOT aml.reconciled
                       AND aml.amount_residual > 0
                       AND aml.date_maturity < CURRENT_DATE
                )
                """,
                SQL.identifier(self._table),
            )
        )
