from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

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
        help="The evidence behind the proposal, in the engine's words."
    )
    signals = fields.Char(
        help="Technical names of the evidence: invoice_number, iban, ..."
    )
    ambiguity = fields.Char(
        help="Why the proposal must not be trusted blindly, whatever its confidence."
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
        if left:
            raise UserError(left[0][1])
        return True

    def _accept_many(self):
        """Reconcile each proposal's line as it says, in one batch (a
        proposal per line). Proposals that would pay the same open item are
        left for a person: which payment settles it is not for a batch to
        guess. Returns (accepted proposals, [(line, reason)] left open)."""
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
        for proposal in self:
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
        failed = dict(
            reconciler._reconcile_many(
                [(proposal.statement_line_id, plan) for proposal, plan in planned],
                how="proposal",
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
        return accepted, left

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
