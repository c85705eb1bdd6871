from odoo import api, fields, models, tools
from odoo.tools import SQL

from .bank_api_balance_snapshot import SNAPSHOT_SOURCES

# A connection's figures are stale once a scheduled run has been missed: no
# refresh within twice its sync interval.
STALE_INTERVALS = 2


class BankApiCashPosition(models.Model):
    """The company's cash across its banks: one row per bank account of every
    connection and per bank journal fed by statement files.

    A database view, read live: the bank's figures are those of the last
    sync, webhook or file import, Odoo's balance is summed from the posted
    statement lines at the moment the screen is opened. Record rules limit
    it to the user's companies like the records it reads.
    """

    _name = "bank.api.cash.position"
    _description = "Cash Position"
    _auto = False
    _order = "company_id, currency_id, feed_name, journal_id"
    _rec_name = "feed_name"

    company_id = fields.Many2one("res.company", readonly=True)
    company_currency_id = fields.Many2one(
        "res.currency", string="Company Currency", readonly=True
    )
    feed = fields.Selection(
        [("connection", "Bank connection"), ("file", "File import")],
        readonly=True,
    )
    feed_name = fields.Char(
        string="Bank",
        readonly=True,
        help="The bank connection feeding the account, or the journal fed by "
        "statement files.",
    )
    connection_id = fields.Many2one("bank.api.connection", readonly=True)
    account_id = fields.Many2one(
        "bank.api.account", string="Bank Account", readonly=True
    )
    journal_id = fields.Many2one("account.journal", readonly=True)
    account_number = fields.Char(string="Account", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    bank_balance = fields.Monetary(
        string="Bank Booked Balance",
        readonly=True,
        help="The bank's booked (closing) balance at its balance date: from the "
        "last sync or webhook, or the last imported statement's closing balance.",
    )
    bank_available_balance = fields.Monetary(
        readonly=True,
        help="What the bank says can be spent (booked, less holds, plus credit "
        "line), from the last sync or webhook.",
    )
    balance_date = fields.Date(readonly=True, help="The day the bank's balance is for.")
    odoo_balance = fields.Monetary(
        readonly=True,
        help="The journal's opening balance plus its posted statement lines up "
        "to the bank's balance date (for a file-fed journal: the first "
        "statement's opening balance plus the lines of its statements).",
    )
    pending_amount = fields.Monetary(
        readonly=True,
        help="Movements the bank shows but has not booked yet.",
    )
    difference = fields.Monetary(
        readonly=True, help="The bank's booked balance less Odoo's balance."
    )
    bank_balance_company = fields.Monetary(
        string="Bank Booked Balance (Company Currency)",
        currency_field="company_currency_id",
        readonly=True,
        help="The bank's booked balance converted into the company's currency "
        "at today's rate of the company.",
    )
    refreshed_at = fields.Datetime(
        string="Last Refreshed",
        readonly=True,
        help="When the bank's figures were last brought in.",
    )
    refreshed_by = fields.Selection(SNAPSHOT_SOURCES, readonly=True)
    stale_after = fields.Datetime(
        readonly=True,
        help="The connection's schedule expects a refresh before this moment.",
    )
    stale = fields.Boolean(
        compute="_compute_stale",
        search="_search_stale",
        help="The connection has not refreshed this account's figures within "
        "twice its sync interval: a scheduled run was missed.",
    )

    @api.depends("stale_after", "feed")
    def _compute_stale(self):
        now = fields.Datetime.now()
        for position in self:
            position.stale = position.feed == "connection" and (
                not position.stale_after or position.stale_after < now
            )

    def _search_stale(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        stale_domain = [
            ("feed", "=", "connection"),
            "|",
            ("stale_after", "=", False),
            ("stale_after", "<", fields.Datetime.now()),
        ]
        if (operator == "=") == value:
            return stale_domain
        return ["!", *stale_domain]

    def action_open_pending(self):
        """The account's pending (not yet booked) movements."""
        self.ensure_one()
        self.check_access("read")
        if not self.account_id:
            return False
        return self.account_id.action_open_pending()

    def action_open_history(self):
        """This account's balances over time."""
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "bank_api_sync.bank_api_balance_snapshot_action"
        )
        action["domain"] = [("journal_id", "=", self.journal_id.id)]
        return action

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %(table)s AS (
                WITH rate AS (
                    -- Today's rate of each currency for each company (its
                    -- root company's rates, as Odoo converts).
                    SELECT company.id AS company_id,
                           currency.id AS currency_id,
                           COALESCE((
                               SELECT r.rate FROM res_currency_rate r
                                WHERE r.currency_id = currency.id
                                  AND r.name <= CURRENT_DATE
                                  AND (r.company_id IS NULL
                                       OR r.company_id = split_part(
                                           company.parent_path, '/', 1)::int)
                                ORDER BY r.company_id, r.name DESC
                                LIMIT 1), 1.0) AS rate
                      FROM res_company company
                     CROSS JOIN res_currency currency
                ),
                fed AS (
                    SELECT account.id * 2 AS id,
                           'connection' AS feed,
                           connection.name AS feed_name,
                           account.company_id,
                           account.connection_id,
                           account.id AS account_id,
                           account.journal_id,
                           account.iban AS account_number,
                           COALESCE(account.currency_id, journal.currency_id,
                                    company.currency_id) AS currency_id,
                           CASE WHEN account.bank_balance_date IS NOT NULL
                                THEN account.bank_balance END AS bank_balance,
                           account.bank_available_balance,
                           account.bank_balance_date AS balance_date,
                           COALESCE(account.opening_balance, 0) + COALESCE((
                               SELECT SUM(line.amount)
                                 FROM account_bank_statement_line line
                                 JOIN account_move move ON move.id = line.move_id
                                WHERE line.journal_id = account.journal_id
                                  AND move.state = 'posted'
                                  AND (account.opening_date IS NULL
                                       OR move.date > account.opening_date)
                                  AND (account.bank_balance_date IS NULL
                                       OR move.date <= account.bank_balance_date)
                           ), 0) AS odoo_balance,
                           COALESCE((
                               SELECT SUM(pending.amount)
                                 FROM bank_api_pending_transaction pending
                                WHERE pending.account_id = account.id
                                  AND pending.state = 'pending'
                           ), 0) AS pending_amount,
                           account.last_sync_at,
                           connection.sync_interval_hours
                      FROM bank_api_account account
                      JOIN bank_api_connection connection
                        ON connection.id = account.connection_id
                      JOIN res_company company ON company.id = account.company_id
                      LEFT JOIN account_journal journal
                        ON journal.id = account.journal_id
                     WHERE account.active AND connection.active
                    UNION ALL
                    SELECT journal.id * 2 + 1 AS id,
                           'file' AS feed,
                           res_bank.name AS feed_name,
                           journal.company_id,
                           NULL AS connection_id,
                           NULL AS account_id,
                           journal.id AS journal_id,
                           bank.acc_number AS account_number,
                           COALESCE(journal.currency_id, company.currency_id)
                               AS currency_id,
                           last_statement.balance_end_real AS bank_balance,
                           NULL AS bank_available_balance,
                           last_statement.date AS balance_date,
                           first_statement.balance_start + COALESCE((
                               SELECT SUM(line.amount)
                                 FROM account_bank_statement_line line
                                 JOIN account_move move ON move.id = line.move_id
                                WHERE line.journal_id = journal.id
                                  AND line.statement_id IS NOT NULL
                                  AND move.state = 'posted'
                           ), 0) AS odoo_balance,
                           0 AS pending_amount,
                           -- Before any snapshot: when the last statement came.
                           last_statement.create_date AS last_sync_at,
                           NULL AS sync_interval_hours
                      FROM account_journal journal
                      JOIN res_company company ON company.id = journal.company_id
                      LEFT JOIN res_partner_bank bank
                        ON bank.id = journal.bank_account_id
                      LEFT JOIN res_bank ON res_bank.id = bank.bank_id
                      JOIN LATERAL (
                          SELECT statement.balance_end_real, statement.date,
                                 statement.create_date
                            FROM account_bank_statement statement
                           WHERE statement.journal_id = journal.id
                           ORDER BY statement.first_line_index DESC NULLS LAST,
                                    statement.id DESC
                           LIMIT 1
                      ) last_statement ON TRUE
                      JOIN LATERAL (
                          SELECT statement.balance_start
                            FROM account_bank_statement statement
                           WHERE statement.journal_id = journal.id
                           ORDER BY statement.first_line_index ASC NULLS LAST,
                                    statement.id ASC
                           LIMIT 1
                      ) first_statement ON TRUE
                     WHERE journal.type = 'bank'
                       AND journal.active
                       AND NOT EXISTS (
                           SELECT 1 FROM bank_api_account account
                             JOIN bank_api_connection connection
                               ON connection.id = account.connection_id
                            WHERE account.journal_id = journal.id
                              AND account.active AND connection.active)
                )
                SELECT fed.id,
                       fed.feed,
                       fed.feed_name,
                       fed.company_id,
                       company.currency_id AS company_currency_id,
                       fed.connection_id,
                       fed.account_id,
                       fed.journal_id,
                       fed.account_number,
                       fed.currency_id,
                       fed.bank_balance,
                       fed.bank_available_balance,
                       fed.balance_date,
                       fed.odoo_balance,
                       fed.pending_amount,
                       fed.bank_balance - fed.odoo_balance AS difference,
                       ROUND((fed.bank_balance * company_rate.rate
                              / NULLIF(account_rate.rate, 0))::numeric,
                             company_currency.decimal_places)
                           AS bank_balance_company,
                       GREATEST(fed.last_sync_at, snapshot.refreshed_at)
                           AS refreshed_at,
                       CASE WHEN snapshot.refreshed_at IS NOT NULL
                                 AND (fed.last_sync_at IS NULL
                                      OR snapshot.refreshed_at >= fed.last_sync_at)
                            THEN snapshot.source
                            WHEN fed.last_sync_at IS NOT NULL
                            THEN CASE WHEN fed.feed = 'file' THEN 'file'
                                      ELSE 'sync' END
                       END AS refreshed_by,
                       GREATEST(fed.last_sync_at, snapshot.refreshed_at)
                           + make_interval(secs => %(intervals)s * 3600
                                           * fed.sync_interval_hours)
                           AS stale_after
                  FROM fed
                  JOIN res_company company ON company.id = fed.company_id
                  JOIN res_currency company_currency
                    ON company_currency.id = company.currency_id
                  LEFT JOIN rate company_rate
                    ON company_rate.company_id = fed.company_id
                   AND company_rate.currency_id = company.currency_id
                  LEFT JOIN rate account_rate
                    ON account_rate.company_id = fed.company_id
                   AND account_rate.currency_id = fed.currency_id
                  LEFT JOIN LATERAL (
                      SELECT last.refreshed_at, last.source
                        FROM bank_api_balance_snapshot last
                       WHERE last.journal_id = fed.journal_id
                       ORDER BY last.refreshed_at DESC
                       LIMIT 1
                  ) snapshot ON TRUE
                )
                """,
                table=SQL.identifier(self._table),
                intervals=STALE_INTERVALS,
            )
        )
