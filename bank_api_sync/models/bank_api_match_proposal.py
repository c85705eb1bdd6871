import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from .core_texts import LANGUAGE_NEUTRAL, read_text, search_text

_logger = logging.getLogger(__name__)

PROPOSAL_KINDS = [
    ("invoice", "Invoice"),
    ("invoices", "Several Invoices"),
    ("partial", "Partial Payment"),
    ("overpayment", "Overpayment"),
    ("fee", "Bank Fee"),
]


class BankApiMatchProposal(models.Model):
    """One way of reconciling a bank statement line, as the matching engine
    proposed it: which items it pays, how sure the engine is, and why."""

    _name = "bank.api.match.proposal"
    _description = "Bank Match Proposal"
    _order = "statement_line_id, rank, id"
    _rec_name = "reason"

    statement_line_id = fields.Many2one(
        "account.bank.statement.line",
        string="Bank Line",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(
        related="statement_line_id.company_id", store=True, index=True
    )
    journal_id = fields.Many2one(related="statement_line_id.journal_id", store=True)
    currency_id = fields.Many2one(related="statement_line_id.currency_id")
    line_date = fields.Date(related="statement_line_id.date", string="Date")
    line_amount = fields.Monetary(related="statement_line_id.amount", string="Amount")
    line_payment_ref = fields.Char(
        related="statement_line_id.payment_ref", string="Label"
    )
    rank = fields.Integer(default=1, help="1 is the engine's best proposal.")
    state = fields.Selection(
        [("proposed", "Proposed"), ("accepted", "Accepted")],
        default="proposed",
        required=True,
    )
    kind = fields.Selection(PROPOSAL_KINDS, required=True)
    confidence = fields.Float(help="How sure the engine is, from 0 to 100%.")
    reason = fields.Text(
        compute="_compute_texts",
        search="_search_reason",
        help="The evidence behind the proposal, in the engine's words.",
    )
    reason_source = fields.Json(
        string="Reason (Language-Neutral)",
        readonly=True,
        copy=False,
        help=LANGUAGE_NEUTRAL,
    )
    signals = fields.Char(
        help="Technical names of the evidence: invoice_number, iban, ..."
    )
    ambiguity = fields.Char(
        compute="_compute_texts",
        help="Why the proposal must not be trusted blindly, whatever its confidence.",
    )
    ambiguity_source = fields.Json(
        string="Ambiguity (Language-Neutral)",
        readonly=True,
        copy=False,
        help=LANGUAGE_NEUTRAL,
    )
    partner_id = fields.Many2one("res.partner", index=True)
    reconcile_model_id = fields.Many2one(
        "account.reconcile.model",
        string="Reconciliation Model",
        ondelete="set null",
    )
    allocation_ids = fields.One2many(
        "bank.api.match.allocation", "proposal_id", string="Allocations"
    )
    move_ids = fields.Many2many(
        "account.move", string="Documents", compute="_compute_move_ids"
    )
    write_off_amount = fields.Monetary(
        string="Write-off",
        help="Difference within the model's tolerance, posted to its account.",
    )
    unallocated_amount = fields.Monetary(
        string="Left Open", help="Part of the line that stays unreconciled."
    )
    early_discount_amount = fields.Monetary(
        string="Early Payment Discount",
        help="Granted by the invoices' payment terms to a payment in time; "
        "posted as Odoo posts it when registering a payment.",
    )
    fee_amount = fields.Monetary(string="Fee")
    split_vat_amount = fields.Monetary(
        string="Split Payment VAT",
        help="The VAT part of a split payment (MPP), as the title states it.",
    )
    would_auto = fields.Boolean(
        string="Would Be Automatic",
        help="The engine would have reconciled this proposal on its own (pilot "
        "mode, or a model without Auto-validate).",
    )
    pilot = fields.Boolean(help="Made in pilot mode: nothing was posted.")
    preview_html = fields.Html(
        string="Entries",
        compute="_compute_preview_html",
        sanitize=False,
        help="The journal items accepting this proposal would post.",
    )

    @api.depends("reason_source", "ambiguity_source")
    @api.depends_context("lang")
    def _compute_texts(self):
        for proposal in self:
            proposal.reason = read_text(
                self.env, "bank_api_sync", proposal.reason_source
            )
            proposal.ambiguity = read_text(
                self.env, "bank_api_sync", proposal.ambiguity_source
            )

    def _search_reason(self, operator, value):
        return search_text(self, "reason_source", operator, value)

    @api.depends("allocation_ids.move_line_id")
    def _compute_move_ids(self):
        for proposal in self:
            proposal.move_ids = proposal.allocation_ids.move_line_id.move_id

    @api.depends(
        "allocation_ids",
        "write_off_amount",
        "early_discount_amount",
        "fee_amount",
        "statement_line_id.is_reconciled",
    )
    def _compute_preview_html(self):
        reconciler = self.env["bank.api.reconciler"]
        for proposal in self:
            line = proposal.statement_line_id
            if not line or line.is_reconciled:
                proposal.preview_html = False
                continue
            try:
                plan = reconciler._plan_from_proposal(proposal)
                entries = reconciler._prepare_entries(line, plan)
            except UserError as error:
                proposal.preview_html = Markup("<p>%s</p>") % error.args[0]
                continue
            liquidity = line._seek_for_lines()[0]
            rows = [
                {
                    "account_id": liquidity.account_id.id,
                    "partner_id": plan.partner_id,
                    "name": liquidity.name,
                    "debit": liquidity.debit,
                    "credit": liquidity.credit,
                },
                *entries["vals_list"],
            ]
            reconciles = {
                index + 1: item.move_id.display_name for index, item in entries["pairs"]
            }
            proposal.preview_html = self._render_preview(line, rows, reconciles)

    def _render_preview(self, line, rows, reconciles):
        accounts = self.env["account.account"].browse(
            [row["account_id"] for row in rows]
        )
        names = {account.id: account.display_name for account in accounts}
        partners = self.env["res.partner"].browse(
            [row["partner_id"] for row in rows if row.get("partner_id")]
        )
        partner_names = {partner.id: partner.display_name for partner in partners}
        currency = line.company_currency_id
        head = Markup(
            "<table class='table table-sm o_bank_api_preview'><thead><tr>"
            "<th>%s</th><th>%s</th><th>%s</th>"
            "<th class='text-end'>%s</th><th class='text-end'>%s</th><th>%s</th>"
            "</tr></thead><tbody>"
        ) % (
            self.env._("Account"),
            self.env._("Partner"),
            self.env._("Label"),
            self.env._("Debit"),
            self.env._("Credit"),
            self.env._("Reconciled With"),
        )
        body = Markup()
        for position, row in enumerate(rows):
            body += Markup(
                "<tr><td>%s</td><td>%s</td><td>%s</td>"
                "<td class='text-end'>%s</td><td class='text-end'>%s</td>"
                "<td>%s</td></tr>"
            ) % (
                names.get(row["account_id"], ""),
                partner_names.get(row.get("partner_id"), ""),
                row.get("name") or "",
                currency.format(row["debit"]) if row["debit"] else "",
                currency.format(row["credit"]) if row["credit"] else "",
                reconciles.get(position, ""),
            )
        return head + body + Markup("</tbody></table>")

    # -------------------------------------------------------------------------
    # Keeping proposals fresh
    # -------------------------------------------------------------------------

    @api.model
    def _bank_api_drop_stale(self, item_ids, keep_line_ids=()):
        """The journal items ``item_ids`` stopped being open as they were
        (paid by any means, partly paid, reopened, reset to draft, cancelled):
        the proposals that count on them are dropped at once (one query), and
        their bank lines are matched again before the transaction ends, in
        one batch. The bank lines ``keep_line_ids`` (those being reconciled
        or undone right now) are left to the code doing it."""
        if not item_ids:
            return
        # A batch of accepted proposals settles its own lines: an exchange
        # difference entry reconciled with the invoices of several of them
        # at once must not drop the proposals the batch is posting.
        keep_line_ids = {
            *keep_line_ids,
            *self.env.context.get("bank_api_settling_line_ids", ()),
        }
        self.env["bank.api.match.allocation"].flush_model(["move_line_id"])
        self.flush_model(["state", "statement_line_id"])
        self.env.cr.execute(
            """
            SELECT DISTINCT proposal.id, proposal.statement_line_id
              FROM bank_api_match_allocation allocation
              JOIN bank_api_match_proposal proposal
                ON proposal.id = allocation.proposal_id
             WHERE allocation.move_line_id = ANY(%s)
               AND proposal.state = 'proposed'
               AND NOT proposal.statement_line_id = ANY(%s)
            """,
            [list(item_ids), list(keep_line_ids) or [0]],
        )
        rows = self.env.cr.fetchall()
        if not rows:
            return
        # Our own derived data, whoever paid the invoice (a billing user
        # registering a payment may not write bank lines).
        self.sudo().browse({row[0] for row in rows}).unlink()
        self._bank_api_rematch_later({row[1] for row in rows})

    @api.model
    def _bank_api_rematch_later(self, line_ids):
        """Match these bank lines again just before the transaction commits:
        once for all the items a request closed, with the items as they are
        then."""
        precommit = self.env.cr.precommit
        queued = precommit.data.get("bank_api_sync.rematch")
        if queued is None:
            queued = precommit.data["bank_api_sync.rematch"] = set()
            env = self.env

            def rematch():
                line_ids = precommit.data.pop("bank_api_sync.rematch", set())
                env["bank.api.match.proposal"]._bank_api_rematch(line_ids)

            precommit.add(rematch)
        queued.update(line_ids)

    @api.model
    def _bank_api_rematch(self, line_ids):
        lines = self.env["account.bank.statement.line"].sudo().browse(line_ids).exists()
        if not lines:
            return
        try:
            with self.env.cr.savepoint():
                # Proposals only: nobody asked for these lines to be reconciled.
                self.env["bank.api.matcher"].sudo()._match_statement_lines(
                    lines, trigger="refresh"
                )
        except Exception:
            # Whatever closed the items is committed all the same: the lines
            # simply wait without proposals until the next Match Now.
            _logger.exception("Matching bank lines %s again failed", lines.ids)

    def _bank_api_is_stale(self):
        """Whether an item of this proposal is not open as it was when the
        proposal was made (paid, partly paid, reset or cancelled since)."""
        self.ensure_one()
        for allocation in self.allocation_ids:
            item = allocation.move_line_id
            if (
                item.reconciled
                or item.parent_state != "posted"
                or item.currency_id.compare_amounts(
                    item.amount_residual_currency, allocation.residual_currency
                )
            ):
                return True
        return False

    # -------------------------------------------------------------------------
    # Actions
    # -------------------------------------------------------------------------

    def action_accept(self):
        """Reconcile the bank line as this proposal says."""
        self.ensure_one()
        self.check_access("write")
        line = self.statement_line_id
        if line.is_reconciled:
            raise UserError(
                self.env._(
                    "Bank line %(line)s is already reconciled.",
                    line=line.display_name,
                )
            )
        _accepted, left = self._accept_many()
        if left and self.exists():
            raise UserError(left[0][1])
        if left:
            # Out of date, and matched again: the line has fresh proposals.
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "title": self.env._("Accept"),
                    "message": left[0][1],
                    "type": "warning",
                    "sticky": True,
                    "next": {"type": "ir.actions.client", "tag": "soft_reload"},
                },
            }
        return True

    def _accept_many(self, how="proposal", stale_trigger="manual"):
        """Reconcile each proposal's line as it says, in one batch (a
        proposal per line). Proposals that would pay the same open item are
        left for a person: which payment settles it is not for a batch to
        guess. A proposal gone stale is not used: its line is matched again
        (``stale_trigger``: ``manual`` reconciles it if now sure, ``refresh``
        only proposes). ``how`` is what the lines count as (``auto`` for a
        go-live's). Returns (accepted proposals, [(line, reason)] left open)."""
        self.check_access("write")
        self.statement_line_id.check_access("write")
        items_of = {
            proposal: set(proposal.allocation_ids.move_line_id.ids) for proposal in self
        }
        seen, shared = set(), set()
        for items in items_of.values():
            shared |= seen & items
            seen |= items
        reconciler = self.env["bank.api.reconciler"]
        left, planned = [], []
        stale = self.filtered(lambda proposal: proposal._bank_api_is_stale())
        for proposal in self - stale:
            line = proposal.statement_line_id
            if items_of[proposal] & shared:
                left.append(
                    (
                        line,
                        self.env._(
                            "another selected line's proposal pays the same document"
                        ),
                    )
                )
                continue
            try:
                planned.append((proposal, reconciler._plan_from_proposal(proposal)))
            except UserError as error:
                left.append((line, error.args[0]))
        settling = tuple(proposal.statement_line_id.id for proposal, _plan in planned)
        failed = dict(
            reconciler.with_context(
                bank_api_settling_line_ids=settling
            )._reconcile_many(
                [(proposal.statement_line_id, plan) for proposal, plan in planned],
                how=how,
            )
        )
        left += failed.items()
        accepted = self.browse(
            [
                proposal.id
                for proposal, _plan in planned
                if proposal.statement_line_id not in failed
            ]
        )
        (accepted.statement_line_id.bank_api_proposal_ids - accepted).unlink()
        accepted.state = "accepted"
        if stale:
            left += self._bank_api_match_again(stale, stale_trigger)
        return accepted, left

    def _bank_api_match_again(self, stale, trigger="manual"):
        """Lines whose proposal counts on an item paid, changed or closed
        since: matched again now, as Match Now would (sure ones are
        reconciled), so that what a person gets back is up to date.
        Returns [(line, what became of it)]."""
        names = {
            proposal.statement_line_id: ", ".join(
                proposal.allocation_ids.move_line_id.move_id.mapped("display_name")
            )
            for proposal in stale
        }
        lines = stale.statement_line_id
        self.env["bank.api.matcher"]._match_statement_lines(lines, trigger=trigger)
        outcome = []
        for line in lines:
            if line.is_reconciled:
                then = self.env._("reconciled automatically")
            elif line.bank_api_best_proposal_id:
                then = self.env._("new proposals wait for you")
            else:
                then = self.env._("nothing open fits it now")
            outcome.append(
                (
                    line,
                    self.env._(
                        "%(documents)s changed since the proposal was made; "
                        "matched again: %(outcome)s",
                        documents=names[line],
                        outcome=then,
                    ),
                )
            )
        return outcome

    def action_open_documents(self):
        self.ensure_one()
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Documents"),
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [("id", "in", self.move_ids.ids)],
        }
