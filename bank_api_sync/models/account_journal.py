from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError


class AccountJournal(models.Model):
    _inherit = "account.journal"

    bank_api_account_ids = fields.One2many(
        "bank.api.account", "journal_id", string="Bank API Accounts"
    )
    bank_api_balance_mismatch = fields.Boolean(
        compute="_compute_bank_api_balance_mismatch",
        help="The bank's closing balance differs from the journal's.",
    )
    bank_api_balance_difference = fields.Monetary(
        compute="_compute_bank_api_balance_mismatch",
        currency_field="currency_id",
    )
    bank_api_mismatch_since = fields.Date(compute="_compute_bank_api_balance_mismatch")

    def __get_bank_statements_available_sources(self):
        # The field's selection is bound to account's own function, which calls
        # this name-mangled method on the record: overriding it (in a class
        # named AccountJournal) is how a source is added.
        sources = super().__get_bank_statements_available_sources()
        return [*sources, ("bank_api_sync", self.env._("Bank API Synchronization"))]

    @api.depends("bank_api_account_ids.balance_mismatch")
    def _compute_bank_api_balance_mismatch(self):
        for journal in self:
            accounts = journal.bank_api_account_ids.filtered("balance_mismatch")
            journal.bank_api_balance_mismatch = bool(accounts)
            journal.bank_api_balance_difference = sum(
                accounts.mapped("balance_difference")
            )
            journal.bank_api_mismatch_since = min(
                accounts.mapped("mismatch_since") or [False]
            )

    def action_bank_api_sync_now(self):
        """The dashboard card's Sync Now: syncs the connection feeding this journal."""
        self.ensure_one()
        self.check_access("read")
        connection = self.bank_api_account_ids.connection_id[:1]
        if not connection:
            raise UserError(
                self.env._(
                    "No bank connection feeds journal %(journal)s: map one of a "
                    "connection's accounts to it first.",
                    journal=self.display_name,
                )
            )
        return connection.action_sync_now()

    bank_api_pilot_mode = fields.Boolean(
        string="Matching Pilot Mode",
        tracking=True,
        help="Bank lines of this journal are matched and the proposals shown, "
        "with the entries they would post, but nothing is reconciled or posted "
        "automatically. The recommended first step with a new bank.",
    )
    bank_api_to_review_count = fields.Integer(
        string="Bank Lines to Review", compute="_compute_bank_api_to_review_count"
    )
    bank_api_no_proposal_count = fields.Integer(
        string="Bank Lines without Proposal",
        compute="_compute_bank_api_to_review_count",
    )
    bank_api_last_sync_at = fields.Datetime(
        string="Last Sync On", compute="_compute_bank_api_last_sync"
    )
    bank_api_last_sync_status = fields.Selection(
        lambda self: self.env["bank.api.sync.log"]._fields["status"].selection,
        string="Last Sync Outcome",
        compute="_compute_bank_api_last_sync",
    )

    bank_api_close_period = fields.Date(
        string="Last Month", compute="_compute_bank_api_month_close"
    )
    bank_api_close_state = fields.Selection(
        [("closed", "Closed"), ("open", "Open")],
        string="Last Month's Close",
        compute="_compute_bank_api_month_close",
    )
    bank_api_close_days = fields.Integer(
        string="Days to Close Last Month", compute="_compute_bank_api_month_close"
    )
    bank_api_close_open = fields.Integer(
        string="Lines Keeping Last Month Open",
        compute="_compute_bank_api_month_close",
    )

    # What each count of the card counts: the card opens exactly these lines
    # (the review list's filter of the same name has the same domain).
    def _bank_api_card_domains(self):
        return {
            "to_review": [
                ("is_reconciled", "=", False),
                ("bank_api_best_proposal_id", "!=", False),
            ],
            "no_proposal": [
                ("is_reconciled", "=", False),
                ("bank_api_best_proposal_id", "=", False),
            ],
        }

    @api.depends_context("company")
    def _compute_bank_api_to_review_count(self):
        lines = self.env["account.bank.statement.line"]
        counts = {}
        for kind, domain in self._bank_api_card_domains().items():
            groups = lines._read_group(
                [("journal_id", "in", self.ids), *domain], ["journal_id"], ["__count"]
            )
            counts[kind] = {journal.id: count for journal, count in groups}
        for journal in self:
            journal.bank_api_to_review_count = counts["to_review"].get(journal.id, 0)
            journal.bank_api_no_proposal_count = counts["no_proposal"].get(
                journal.id, 0
            )

    def _compute_bank_api_last_sync(self):
        # The card's summary of the last finished run, for whoever sees the
        # dashboard (the logs themselves are the bank administrators').
        for journal in self:
            log = journal._bank_api_last_sync_log()
            journal.bank_api_last_sync_at = log.ended_at or log.started_at
            journal.bank_api_last_sync_status = log.status

    def _compute_bank_api_month_close(self):
        """The month close (bank.api.month.close) of the month before this
        one, for the card."""
        last_month = fields.Date.context_today(self).replace(day=1) - relativedelta(
            months=1
        )
        rows = {
            row.journal_id.id: row
            # The card's figure for whoever sees the journal; the report
            # itself is the accountants' (group Read-only and above).
            for row in self.env["bank.api.month.close"]
            .sudo()
            .search([("journal_id", "in", self.ids), ("period", "=", last_month)])
        }
        for journal in self:
            row = rows.get(journal.id)
            journal.bank_api_close_period = last_month if row else False
            journal.bank_api_close_state = row.state if row else False
            journal.bank_api_close_days = row.close_days if row else 0
            journal.bank_api_close_open = row.lines_open if row else 0

    def action_bank_api_month_close(self):
        """The month close figures of this journal."""
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "bank_api_sync.bank_api_month_close_action"
        )
        action["domain"] = [("journal_id", "=", self.id)]
        return action

    def _bank_api_last_sync_log(self):
        connections = self.sudo().bank_api_account_ids.connection_id
        logs = self.env["bank.api.sync.log"].sudo()
        if not connections:
            return logs
        return logs.search(
            [("connection_id", "in", connections.ids), ("status", "!=", "running")],
            limit=1,
        )

    def action_bank_api_match_now(self):
        """The dashboard card's Match Now: every line of the journal not
        reconciled yet."""
        self.ensure_one()
        self.check_access("read")
        self.env["bank.api.connection"]._check_access_level("sync")
        lines = self.env["account.bank.statement.line"].search(
            [("journal_id", "=", self.id), ("is_reconciled", "=", False)]
        )
        lines.check_access("write")
        matcher = self.env["bank.api.matcher"]
        return matcher._notify_stats(
            matcher._match_statement_lines(lines, trigger="manual")
        )

    def action_bank_api_open_to_review(self):
        return self._bank_api_open_lines("to_review")

    def action_bank_api_open_no_proposal(self):
        return self._bank_api_open_lines("no_proposal")

    def _bank_api_open_lines(self, kind):
        """The review list on exactly the lines the card's count counts."""
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "bank_api_sync.account_bank_statement_line_to_review_action"
        )
        action["domain"] = [
            ("journal_id", "=", self.id),
            *self._bank_api_card_domains()[kind],
        ]
        action["context"] = {}
        return action

    def action_bank_api_cash_position(self):
        """The cash position, this journal's row shown among its company's."""
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "bank_api_sync.bank_api_cash_position_action"
        )
        action["domain"] = [("company_id", "=", self.company_id.id)]
        return action
