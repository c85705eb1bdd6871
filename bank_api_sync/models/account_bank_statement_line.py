from datetime import datetime, time

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.sql import column_exists, create_column

from odoo.addons.base.models.res_bank import sanitize_account_number

from .core_texts import LANGUAGE_NEUTRAL, read_text, search_text

# Words of a bank fee's title (Polish, English, German), lower case.
FEE_WORDS = (
    "prowizja",
    "opłata",
    "oplata",
    "fee",
    "charge",
    "commission",
    "gebühr",
    "entgelt",
)

RECONCILED_HOW = [
    ("auto", "Automatically"),
    ("proposal", "Accepted Proposal"),
    ("manual", "By Hand"),
]


class AccountBankStatementLine(models.Model):
    """A bank statement line: the bank's key that makes imports idempotent,
    and what the bank matching knows of it (its proposals, and how and when
    it was reconciled, for the automation figures)."""

    _inherit = "account.bank.statement.line"

    # Odoo 18 Community has no import id on statement lines: this key (the
    # bank's transaction id, or a content hash) is what makes imports idempotent.
    bank_api_unique_key = fields.Char(
        string="Bank Transaction Key", readonly=True, copy=False
    )
    # The numbered content hash (ids left out) of every imported line: a line
    # imported while the bank left its id out is found by it, and completed,
    # when the id comes (core/dedupe.py).
    bank_api_content_key = fields.Char(
        string="Bank Transaction Content Key",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    bank_api_sync_log_id = fields.Many2one(
        "bank.api.sync.log",
        string="Imported by Sync",
        readonly=True,
        copy=False,
        ondelete="set null",
        index="btree_not_null",
        help="The sync run that imported this line (its log counts how the "
        "matching ended for its lines).",
    )
    bank_api_account_id = fields.Many2one(
        "bank.api.account",
        string="Bank API Account",
        readonly=True,
        index="btree_not_null",
    )

    _sql_constraints = [
        (
            "bank_api_unique_key_journal_uniq",
            "unique(journal_id, bank_api_unique_key)",
            "This bank transaction was already imported into this journal.",
        ),
    ]

    bank_api_receiving_account = fields.Char(
        string="Received On Account",
        compute="_compute_bank_api_receiving_account",
        store=True,
        readonly=False,
        help="Our account the money was sent to, as the bank reports it: a "
        "customer's virtual account number at banks that give each customer one.",
    )
    bank_api_proposal_ids = fields.One2many(
        "bank.api.match.proposal", "statement_line_id", string="Proposals"
    )
    bank_api_best_proposal_id = fields.Many2one(
        "bank.api.match.proposal",
        string="Best Proposal",
        compute="_compute_bank_api_best_proposal_id",
        store=True,
    )
    bank_api_confidence = fields.Float(
        related="bank_api_best_proposal_id.confidence", string="Confidence"
    )
    bank_api_best_reason = fields.Text(
        related="bank_api_best_proposal_id.reason", string="Why"
    )
    bank_api_would_auto = fields.Boolean(
        related="bank_api_best_proposal_id.would_auto", string="Would Be Automatic"
    )
    bank_api_matched_at = fields.Datetime(
        string="Matched On", readonly=True, copy=False
    )
    bank_api_match_notes = fields.Text(
        string="Matching Notes",
        compute="_compute_bank_api_match_texts",
        inverse="_inverse_bank_api_match_notes",
        search="_search_bank_api_match_notes",
        readonly=True,
        help="Why nothing was reconciled automatically.",
    )
    bank_api_match_notes_source = fields.Json(
        string="Matching Notes (Language-Neutral)",
        readonly=True,
        copy=False,
        help=LANGUAGE_NEUTRAL,
    )
    bank_api_suggested_partner_id = fields.Many2one(
        "res.partner",
        string="Payer Found",
        readonly=True,
        copy=False,
        help="Who the matching thinks paid, from the virtual account, the payer's "
        "bank account or the split payment's NIP.",
    )
    bank_api_split_vat_amount = fields.Monetary(
        string="Split Payment VAT",
        readonly=True,
        copy=False,
        help="VAT part of a split payment (MPP), as its title states it. The bank "
        "moves it to the company's VAT account; the invoice is settled in full.",
    )
    bank_api_split_nip = fields.Char(string="Split Payment NIP", readonly=True)
    bank_api_split_invoice = fields.Char(string="Split Payment Invoice", readonly=True)
    bank_api_reconciled_how = fields.Selection(
        RECONCILED_HOW,
        string="Reconciled",
        compute="_compute_bank_api_reconciled",
        store=True,
        readonly=False,
        copy=False,
        index=True,
    )
    bank_api_reconciled_at = fields.Datetime(
        string="Reconciled On",
        compute="_compute_bank_api_reconciled",
        store=True,
        readonly=False,
        copy=False,
    )
    bank_api_delay_hours = fields.Float(
        string="Hours to Reconcile",
        compute="_compute_bank_api_delay_hours",
        store=True,
        aggregator="avg",
        help="From the booking day at the bank (its start: banks give no time) "
        "to the reconciliation.",
    )
    bank_api_reconcile_model_id = fields.Many2one(
        "account.reconcile.model",
        string="Reconciled By Model",
        readonly=True,
        copy=False,
    )
    bank_api_auto_reason = fields.Text(
        string="Why Automatic",
        compute="_compute_bank_api_match_texts",
        inverse="_inverse_bank_api_auto_reason",
        search="_search_bank_api_auto_reason",
        readonly=True,
        help="What made the matching reconcile this line on its own. Kept when "
        "a person undoes that reconciliation, to show what it got wrong.",
    )
    bank_api_auto_reason_source = fields.Json(
        string="Why Automatic (Language-Neutral)",
        readonly=True,
        copy=False,
        help=LANGUAGE_NEUTRAL,
    )
    bank_api_corrected = fields.Boolean(
        string="Corrected",
        readonly=True,
        copy=False,
        help="An automatic reconciliation of this line was undone by a person; "
        "the line is never reconciled automatically again.",
    )
    bank_api_corrected_at = fields.Datetime(
        string="Corrected On", readonly=True, copy=False
    )
    bank_api_next_step = fields.Char(
        string="Next Step",
        compute="_compute_bank_api_next_step",
        help="For a line the matching found no proposal for: what is most "
        "likely missing, and what to do.",
    )
    bank_api_pilot = fields.Boolean(
        related="journal_id.bank_api_pilot_active", string="Pilot Mode"
    )

    def _auto_init(self):
        # Lines reconciled before this add-on was installed: by hand, when the
        # line was last written. Creating the columns first keeps the ORM from
        # computing them as "reconciled by hand, now" for every old line.
        cr = self.env.cr
        if not column_exists(cr, self._table, "bank_api_reconciled_how"):
            create_column(cr, self._table, "bank_api_reconciled_how", "varchar")
            create_column(cr, self._table, "bank_api_reconciled_at", "timestamp")
            create_column(cr, self._table, "bank_api_delay_hours", "double precision")
            if column_exists(cr, self._table, "is_reconciled"):
                cr.execute(
                    """
                    UPDATE account_bank_statement_line
                       SET bank_api_reconciled_how = 'manual',
                           bank_api_reconciled_at = write_date
                     WHERE is_reconciled
                    """
                )
        return super()._auto_init()

    @api.depends("transaction_details", "amount")
    def _compute_bank_api_receiving_account(self):
        for line in self:
            details = line.transaction_details
            account = False
            if isinstance(details, dict) and line.amount > 0:
                ours = details.get("creditorAccount") or {}
                if isinstance(ours, dict):
                    account = ours.get("iban") or ours.get("bban") or False
            line.bank_api_receiving_account = (
                account or line.bank_api_receiving_account or False
            )

    @api.depends("bank_api_match_notes_source", "bank_api_auto_reason_source")
    @api.depends_context("lang")
    def _compute_bank_api_match_texts(self):
        for line in self:
            line.bank_api_match_notes = read_text(
                self.env, "bank_api_sync", line.bank_api_match_notes_source
            )
            line.bank_api_auto_reason = read_text(
                self.env, "bank_api_sync", line.bank_api_auto_reason_source
            )

    def _inverse_bank_api_match_notes(self):
        # A text written as it is (another add-on's, a person's) is kept as
        # it is: the engine's own sentences go to the source field.
        for line in self:
            line.bank_api_match_notes_source = line.bank_api_match_notes or False

    def _inverse_bank_api_auto_reason(self):
        for line in self:
            line.bank_api_auto_reason_source = line.bank_api_auto_reason or False

    def _search_bank_api_match_notes(self, operator, value):
        return search_text(self, "bank_api_match_notes_source", operator, value)

    def _search_bank_api_auto_reason(self, operator, value):
        return search_text(self, "bank_api_auto_reason_source", operator, value)

    @api.depends("bank_api_proposal_ids.rank", "bank_api_proposal_ids.state")
    def _compute_bank_api_best_proposal_id(self):
        for line in self:
            proposals = line.bank_api_proposal_ids.filtered(
                lambda proposal: proposal.state == "proposed"
            )
            line.bank_api_best_proposal_id = proposals.sorted("rank")[:1]

    @api.depends(
        "is_reconciled",
        "bank_api_best_proposal_id",
        "bank_api_matched_at",
        "partner_id",
        "bank_api_suggested_partner_id",
        "account_number",
        "payment_ref",
        "amount",
    )
    def _compute_bank_api_next_step(self):
        waiting = self.filtered(
            lambda line: not line.is_reconciled and not line.bank_api_best_proposal_id
        )
        (self - waiting).bank_api_next_step = False
        if not waiting:
            return
        own = self._bank_api_own_accounts(waiting.company_id)
        for line in waiting:
            line.bank_api_next_step = line._bank_api_next_step(own)

    def _bank_api_own_accounts(self, companies):
        """The sanitized numbers of the companies' own bank accounts."""
        banks = (
            self.env["res.partner.bank"]
            .sudo()
            .search([("partner_id", "in", companies.partner_id.ids)])
        )
        return set(banks.mapped("sanitized_acc_number"))

    def _bank_api_next_step(self, own_accounts):
        """What to do with a line without proposal, from what it says."""
        self.ensure_one()
        if not self.bank_api_matched_at:
            return self.env._("Not matched yet: run Match Now.")
        counterparty = sanitize_account_number(self.account_number or "")
        if (counterparty and counterparty in own_accounts) or (
            self.partner_id
            and self.partner_id.commercial_partner_id == self.company_id.partner_id
        ):
            return self.env._(
                "Likely a transfer between the company's own accounts: reconcile "
                "it by hand with the internal transfer account."
            )
        title = (self.payment_ref or "").lower()
        if self.amount < 0 and (
            any(word in title for word in FEE_WORDS) or not counterparty
        ):
            return self.env._(
                "Likely a bank fee: reconcile it by hand on the fee account, or "
                "add its transaction code or a title keyword to a bank fee "
                "reconciliation model."
            )
        partner = self.partner_id or self.bank_api_suggested_partner_id
        if not partner:
            return self.env._(
                "Payer unknown: set the partner on the line (or the payer's IBAN "
                "on the partner's form) and run Match Now."
            )
        return self.env._(
            "The amount matches nothing open of %(partner)s: check for an "
            "invoice or bill not entered yet, or reconcile it by hand.",
            partner=partner.commercial_partner_id.display_name,
        )

    @api.depends("is_reconciled")
    def _compute_bank_api_reconciled(self):
        # Whoever reconciles a line, here or with another tool, it counts; the
        # matching writes "auto" or "proposal" itself, anything else is by hand.
        now = fields.Datetime.now()
        for line in self:
            if line.is_reconciled:
                line.bank_api_reconciled_how = line.bank_api_reconciled_how or "manual"
                line.bank_api_reconciled_at = line.bank_api_reconciled_at or now
            else:
                line.bank_api_reconciled_how = False
                line.bank_api_reconciled_at = False

    @api.depends("bank_api_reconciled_at", "date")
    def _compute_bank_api_delay_hours(self):
        for line in self:
            if line.bank_api_reconciled_at and line.date:
                booked = datetime.combine(line.date, time.min)
                delay = line.bank_api_reconciled_at - booked
                line.bank_api_delay_hours = max(delay.total_seconds() / 3600, 0.0)
            else:
                line.bank_api_delay_hours = 0.0

    # -------------------------------------------------------------------------
    # Actions
    # -------------------------------------------------------------------------

    def action_bank_api_match_now(self):
        """Match the selected lines (those not reconciled yet) now."""
        self.check_access("write")
        self.env["bank.api.connection"]._check_access_level("sync")
        stats = self.env["bank.api.matcher"]._match_statement_lines(
            self, trigger="manual"
        )
        return self.env["bank.api.matcher"]._notify_stats(stats)

    def _bank_api_check_balanced(self):
        """Odoo's balance check of the lines' entries, in one query, for the
        bulk writers that switch off Odoo's own check on each write (import,
        automatic reconciliation)."""
        moves = self.move_id
        unbalanced = moves._get_unbalanced_moves({"records": moves})
        if unbalanced:
            raise UserError(
                self.env._(
                    "The journal entry of bank line %(line)s does not balance.",
                    line=moves.browse(unbalanced[0][0]).display_name,
                )
            )

    def action_bank_api_accept_best(self):
        """Accept the best proposal: of one line (its form, its row's button)
        or of many picked in the list, in one batch. Lines reconciled already
        or without a proposal are skipped."""
        self.check_access("write")
        if len(self) == 1:
            if not self.bank_api_best_proposal_id:
                raise UserError(
                    self.env._(
                        "Bank line %(line)s has no proposal: reconcile it by hand.",
                        line=self.display_name,
                    )
                )
            return self.bank_api_best_proposal_id.action_accept()
        waiting = self.filtered(
            lambda line: not line.is_reconciled and line.bank_api_best_proposal_id
        )
        if not waiting:
            raise UserError(
                self.env._("None of the selected bank lines has a proposal to accept.")
            )
        accepted, left = waiting.bank_api_best_proposal_id._accept_many()
        message = self.env._("Proposals accepted: %(count)s.", count=len(accepted))
        if left:
            message += " " + self.env._(
                "Left for you: %(lines)s",
                lines="; ".join(
                    f"{line.display_name}: {reason}" for line, reason in left
                ),
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Accept Best Proposals"),
                "message": message,
                "type": "warning" if left else "success",
                "sticky": bool(left),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_bank_api_undo(self):
        """Undo the lines' reconciliations: one from its form, or many picked
        in a list (say, all that a wrongly set model reconciled). An automatic
        one counts as corrected; the lines are matched again, for a person to
        decide. Lines not reconciled are left as they are."""
        self.check_access("write")
        reconciled = self.filtered(lambda line: line._seek_for_lines()[2])
        if not reconciled:
            raise UserError(
                self.env._(
                    "Bank line %(line)s is not reconciled.", line=self.display_name
                )
                if len(self) == 1
                else self.env._("None of the selected bank lines is reconciled.")
            )
        reconciled.action_undo_reconciliation()
        self.env["bank.api.matcher"]._match_statement_lines(reconciled, trigger="undo")
        if len(self) == 1:
            return True
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Undo Reconciliation"),
                "message": self.env._(
                    "Reconciliations undone: %(count)s. The lines wait in Bank "
                    "Lines to Review.",
                    count=len(reconciled),
                ),
                "type": "success",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_bank_api_reconcile_by_hand(self):
        """The reconciliation screen on this line."""
        self.ensure_one()
        self.check_access("write")
        if self.is_reconciled:
            raise UserError(
                self.env._(
                    "Bank line %(line)s is already reconciled.", line=self.display_name
                )
            )
        return self.env["bank.api.reconcile.screen"]._open_for(self)

    def action_bank_api_open_move(self):
        self.ensure_one()
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Journal Entry"),
            "res_model": "account.move",
            "view_mode": "form",
            "res_id": self.move_id.id,
        }

    def action_undo_reconciliation(self):
        # Every path that undoes a reconciliation: an automatic one undone by a
        # person is the "corrected" figure, and never automatic again.
        self.check_access("write")
        automatic = self.filtered(lambda line: line.bank_api_reconciled_how == "auto")
        if automatic:
            automatic.write(
                {
                    "bank_api_corrected": True,
                    "bank_api_corrected_at": fields.Datetime.now(),
                }
            )
        result = super().action_undo_reconciliation()
        self.write(
            {
                "bank_api_reconciled_how": False,
                "bank_api_reconciled_at": False,
                "bank_api_reconcile_model_id": False,
            }
        )
        return result
