from odoo import api, fields, models


# The sync's own file for this model belongs to another part of the add-on;
# the lead may merge the two classes.
class AccountJournal(models.Model):
    """Bank matching settings of a bank journal (kept apart from
    account_journal.py, which the sync owns)."""

    _inherit = "account.journal"  # pylint: disable=consider-merging-classes-inherited

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
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "bank_api_sync.account_bank_statement_line_to_review_action"
        )
        action["domain"] = [
            ("journal_id", "=", self.id),
            ("is_reconciled", "=", False),
        ]
        return action
