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

    @api.depends_context("company")
    def _compute_bank_api_to_review_count(self):
        groups = self.env["account.bank.statement.line"]._read_group(
            [
                ("journal_id", "in", self.ids),
                ("is_reconciled", "=", False),
                ("bank_api_best_proposal_id", "!=", False),
            ],
            ["journal_id"],
            ["__count"],
        )
        counts = {journal.id: count for journal, count in groups}
        for journal in self:
            journal.bank_api_to_review_count = counts.get(journal.id, 0)

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
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "bank_api_sync.account_bank_statement_line_to_review_action"
        )
        action["domain"] = [
            ("journal_id", "=", self.id),
            ("is_reconciled", "=", False),
        ]
        return action
