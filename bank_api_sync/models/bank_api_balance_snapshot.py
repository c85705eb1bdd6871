from odoo import api, fields, models
from odoo.tools import SQL

SNAPSHOT_SOURCES = [
    ("sync", "Sync"),
    ("webhook", "Webhook"),
    ("file", "File import"),
]


class BankApiBalanceSnapshot(models.Model):
    """A bank journal's balances on one day, for the cash position's history.

    One row per journal (the bank account feeding it) and balance day: every
    sync, webhook or file import that brings the bank's balance writes the
    day's row again, so a day synced four times still has one row, holding
    the last figures of that day.
    """

    _name = "bank.api.balance.snapshot"
    _description = "Bank Balance Snapshot"
    _order = "date desc, journal_id"
    _rec_name = "journal_id"

    company_id = fields.Many2one("res.company", required=True, readonly=True)
    journal_id = fields.Many2one(
        "account.journal", required=True, readonly=True, ondelete="cascade"
    )
    account_id = fields.Many2one(
        "bank.api.account", string="Bank Account", readonly=True, ondelete="set null"
    )
    date = fields.Date(
        required=True, readonly=True, help="The day the bank's balance is for."
    )
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    bank_balance = fields.Monetary(string="Bank Booked Balance", readonly=True)
    bank_available_balance = fields.Monetary(readonly=True)
    odoo_balance = fields.Monetary(readonly=True)
    pending_amount = fields.Monetary(readonly=True)
    difference = fields.Monetary(
        readonly=True, help="The bank's booked balance less Odoo's balance."
    )
    source = fields.Selection(
        SNAPSHOT_SOURCES,
        string="Refreshed By",
        required=True,
        readonly=True,
    )
    refreshed_at = fields.Datetime(required=True, readonly=True)

    _sql_constraints = [
        (
            "journal_date_uniq",
            "unique(journal_id, date)",
            "A bank journal has one balance snapshot a day.",
        ),
    ]

    @api.model
    def _record_positions(self, positions, source):
        """Write today's (the balance day's) snapshot of each cash position
        row of ``positions`` that has a bank balance; a row already there for
        that journal and day takes the new figures (one row a day)."""
        now = fields.Datetime.now()
        rows = [
            position
            for position in positions
            if position.journal_id and position.balance_date
        ]
        if not rows:
            return
        self.env.flush_all()
        # One atomic upsert: two runs writing the same day never fail the
        # import they are part of.
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO bank_api_balance_snapshot (
                    company_id, journal_id, account_id, date, currency_id,
                    bank_balance, bank_available_balance, odoo_balance,
                    pending_amount, difference, source, refreshed_at,
                    create_uid, create_date, write_uid, write_date)
                VALUES %s
                ON CONFLICT (journal_id, date) DO UPDATE SET
                    account_id = EXCLUDED.account_id,
                    currency_id = EXCLUDED.currency_id,
                    bank_balance = EXCLUDED.bank_balance,
                    bank_available_balance = EXCLUDED.bank_available_balance,
                    odoo_balance = EXCLUDED.odoo_balance,
                    pending_amount = EXCLUDED.pending_amount,
                    difference = EXCLUDED.difference,
                    source = EXCLUDED.source,
                    refreshed_at = EXCLUDED.refreshed_at,
                    write_uid = EXCLUDED.write_uid,
                    write_date = EXCLUDED.write_date
                """,
                SQL(", ").join(
                    SQL(
                        "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s,"
                        " %s, %s, %s, %s)",
                        position.company_id.id,
                        position.journal_id.id,
                        position.account_id.id or None,
                        position.balance_date,
                        position.currency_id.id,
                        position.bank_balance,
                        position.bank_available_balance,
                        position.odoo_balance,
                        position.pending_amount,
                        position.difference,
                        source,
                        now,
                        self.env.uid,
                        now,
                        self.env.uid,
                        now,
                    )
                    for position in rows
                ),
            )
        )
        self.invalidate_model()
        self.env["bank.api.cash.position"].invalidate_model()

    @api.model
    def _record_journals(self, journals, source):
        """Snapshot the cash position of ``journals`` (after an import)."""
        # The view reads the tables: write what the ORM holds, forget what
        # it read before.
        self.env.flush_all()
        self.env["bank.api.cash.position"].invalidate_model()
        domain = [("journal_id", "in", journals.ids)]
        if source == "file":
            # A file dropped on a journal a connection feeds: the connection's
            # figures stay the bank's word.
            domain.append(("feed", "=", "file"))
        positions = self.env["bank.api.cash.position"].sudo().search(domain)
        self._record_positions(positions, source)
