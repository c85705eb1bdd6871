from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..core.pilot import (
    AUTOMATIC,
    NO_PROPOSAL,
    RECONCILED,
    REVIEW,
    PilotLine,
    period_bounds,
)
from .bank_api_reconciler import to_decimal


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
        "automatically. The recommended first step with a new bank. A bank "
        "connection in pilot mode puts every journal it feeds in pilot too.",
    )
    bank_api_pilot_active = fields.Boolean(
        string="In Pilot",
        compute="_compute_bank_api_pilot_active",
        store=True,
        help="In pilot mode, by its own setting or through the bank connection "
        "feeding it: nothing is reconciled automatically.",
    )
    bank_api_pilot_since = fields.Datetime(
        string="Pilot Since",
        compute="_compute_bank_api_pilot_active",
        store=True,
        copy=False,
        help="When the journal's pilot started: the Pilot Report's period starts "
        "there unless you pick another.",
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

    def action_bank_api_reconcile_screen(self):
        """The card's Reconcile: the reconciliation screen on the journal's
        first line to reconcile (those with a proposal first)."""
        self.ensure_one()
        self.check_access("read")
        lines = self.env["account.bank.statement.line"].search(
            [("journal_id", "=", self.id), ("is_reconciled", "=", False)],
            order="date, id",
        )
        lines.check_access("write")
        if not lines:
            raise UserError(
                self.env._(
                    "Every bank line of %(journal)s is reconciled.",
                    journal=self.display_name,
                )
            )
        first = lines.filtered("bank_api_best_proposal_id")[:1] or lines[0]
        return self.env["bank.api.reconcile.screen"]._open_for(first)

    def action_bank_api_cash_position(self):
        """The cash position, this journal's row shown among its company's."""
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "bank_api_sync.bank_api_cash_position_action"
        )
        action["domain"] = [("company_id", "=", self.company_id.id)]
        return action

    # -------------------------------------------------------------------------
    # The matching pilot
    # -------------------------------------------------------------------------

    @api.depends(
        "bank_api_pilot_mode",
        "bank_api_account_ids.active",
        "bank_api_account_ids.connection_id.pilot_mode",
        "bank_api_account_ids.connection_id.active",
    )
    def _compute_bank_api_pilot_active(self):
        now = fields.Datetime.now()
        for journal in self:
            connections = journal.sudo().bank_api_account_ids.connection_id
            active = journal.bank_api_pilot_mode or any(
                connection.pilot_mode and connection.active
                for connection in connections
            )
            journal.bank_api_pilot_active = active
            journal.bank_api_pilot_since = (
                (journal.bank_api_pilot_since or now) if active else False
            )

    def action_bank_api_pilot_report(self):
        """The card's Pilot badge: the Pilot Report of this journal."""
        self.check_access("read")
        return self.env["bank.api.pilot.report"]._open_for(self)

    def action_bank_api_go_live(self):
        """Go Live, asking first (the wizard is the confirmation)."""
        self.check_access("read")
        return self.env["bank.api.go.live"]._open_for(self)

    # -------------------------------------------------------------------------
    # What the pilot did
    # -------------------------------------------------------------------------

    def _bank_api_check_pilot_access(self):
        """Pilot figures and the go-live are for accountants of the journals'
        companies."""
        if not self.env.user.has_group("account.group_account_user"):
            raise AccessError(
                self.env._(
                    "Only accountants and accounting administrators may see "
                    "the pilot's figures or end a pilot."
                )
            )
        # The journals' record rules are the company check.
        self.check_access("read")

    def _bank_api_pilot_lines(self, start=None, end=None):
        """The bank lines of these journals imported in [start, end) (naive
        UTC, either may be None), as the user may read them."""
        domain = [("journal_id", "in", self.ids), ("state", "=", "posted")]
        if start:
            domain.append(("create_date", ">=", start))
        if end:
            domain.append(("create_date", "<", end))
        return self.env["account.bank.statement.line"].search(domain, order="id")

    def _bank_api_pilot_start(self):
        """Where the pilot period of this journal starts: the midnight (in
        the user's time zone, as naive UTC) of the day its pilot started,
        the Pilot Report's default."""
        self.ensure_one()
        if not self.bank_api_pilot_since:
            return None
        day = fields.Datetime.context_timestamp(self, self.bank_api_pilot_since).date()
        tz = self.env.context.get("tz") or self.env.user.tz or "UTC"
        return period_bounds(day, None, tz)[0]

    def _bank_api_pilot_automatic_lines(self):
        """The lines of these journals' pilot periods that a go-live would
        have reconciled on its own."""
        lines = self.env["account.bank.statement.line"]
        for journal in self.filtered("bank_api_pilot_since"):
            lines |= journal._bank_api_pilot_lines(journal._bank_api_pilot_start())
        return lines.filtered(
            lambda line: self._bank_api_pilot_outcome(line) == AUTOMATIC
        )

    @api.model
    def _bank_api_pilot_outcome(self, line):
        """Where the matching left ``line``: what a go-live would have done."""
        if line.is_reconciled:
            return RECONCILED
        best = line.bank_api_best_proposal_id
        if not best:
            return NO_PROPOSAL
        if best.would_auto and (
            best.kind == "fee" or best.reconcile_model_id.auto_reconcile
        ):
            return AUTOMATIC
        return REVIEW

    @api.model
    def _bank_api_pilot_facts(self, lines):
        """The lines as the core counts them."""
        return [
            PilotLine(
                journal_id=line.journal_id.id,
                currency=line.currency_id.name,
                amount=to_decimal(line.amount, line.currency_id),
                outcome=self._bank_api_pilot_outcome(line),
                is_fee=line.bank_api_best_proposal_id.kind == "fee",
            )
            for line in lines
        ]
