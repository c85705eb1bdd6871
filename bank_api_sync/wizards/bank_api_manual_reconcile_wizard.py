from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.bank_api_reconciler import PlannedAllocation, ReconcilePlan, to_decimal


class BankApiManualReconcileWizard(models.TransientModel):
    """Reconcile a bank line by hand: pick the open items it pays and,
    optionally, an account for the difference."""

    _name = "bank.api.manual.reconcile.wizard"
    _description = "Reconcile a Bank Line by Hand"

    statement_line_id = fields.Many2one(
        "account.bank.statement.line", string="Bank Line", required=True, readonly=True
    )
    company_id = fields.Many2one(related="statement_line_id.company_id")
    currency_id = fields.Many2one(related="statement_line_id.currency_id")
    amount = fields.Monetary(related="statement_line_id.amount")
    payment_ref = fields.Char(related="statement_line_id.payment_ref")
    partner_id = fields.Many2one(
        "res.partner",
        string="Partner",
        compute="_compute_partner_id",
        store=True,
        readonly=False,
    )
    move_line_ids = fields.Many2many(
        "account.move.line",
        string="Open Items",
        domain="[('company_id', '=', company_id), ('parent_state', '=', 'posted'), "
        "('reconciled', '=', False), ('payment_id', '=', False), "
        "('account_id.account_type', 'in', ('asset_receivable', 'liability_payable')), "
        "('partner_id', 'child_of', partner_id)]",
    )
    selected_total = fields.Monetary(compute="_compute_totals", string="Selected")
    difference = fields.Monetary(compute="_compute_totals")
    write_off_account_id = fields.Many2one(
        "account.account",
        string="Difference To Account",
        domain="[('deprecated', '=', False), ('company_ids', 'in', company_id)]",
        help="Post what the bank line and the selected items differ by on this "
        "account; leave empty to reconcile part of an item (or keep the rest of "
        "the line open).",
    )
    write_off_label = fields.Char(string="Difference Label")

    @api.depends("statement_line_id")
    def _compute_partner_id(self):
        for wizard in self:
            line = wizard.statement_line_id
            wizard.partner_id = (
                line.partner_id.commercial_partner_id
                or line.bank_api_suggested_partner_id
                or line.bank_api_best_proposal_id.partner_id
            )

    @api.depends("move_line_ids", "statement_line_id")
    def _compute_totals(self):
        for wizard in self:
            total = sum(wizard._in_line_currency(item) for item in wizard.move_line_ids)
            wizard.selected_total = total
            wizard.difference = wizard.amount - total

    def _in_line_currency(self, item):
        """The item's open amount in the line's currency (its own when it is
        the line's, else through the company currency at the line's rate)."""
        line = self.statement_line_id
        if item.currency_id == line.currency_id:
            return item.amount_residual_currency
        liquidity = line._seek_for_lines()[0]
        if not liquidity.balance:
            return 0.0
        return line.currency_id.round(
            item.amount_residual * liquidity.amount_currency / liquidity.balance
        )

    def action_reconcile(self):
        self.ensure_one()
        self.check_access("write")
        line = self.statement_line_id
        line.check_access("write")
        if not self.move_line_ids:
            raise UserError(self.env._("Select the open items this bank line pays."))
        currency = line.currency_id
        money = to_decimal(abs(line.amount), currency)
        sign = 1 if line.amount > 0 else -1
        allocations = []
        items = self.move_line_ids.sorted(
            lambda item: (item.date_maturity or item.date, item.id)
        )
        for item in items:
            open_amount = to_decimal(abs(self._in_line_currency(item)), currency)
            if (item.amount_residual > 0) != (line.amount > 0):
                raise UserError(
                    self.env._(
                        "%(item)s is on the other side: a bank line that receives "
                        "money pays customer invoices, one that pays out pays bills.",
                        item=item.move_id.display_name,
                    )
                )
            part = open_amount if self.write_off_account_id else min(open_amount, money)
            money -= part
            item_currency = item.currency_id
            residual = to_decimal(item.amount_residual_currency, item_currency)
            closes = bool(self.write_off_account_id) or part == open_amount
            in_item = residual if closes else residual * part / open_amount
            allocations.append(
                PlannedAllocation(
                    move_line=item,
                    amount=sign * part,
                    amount_currency=in_item.quantize(
                        Decimal(1).scaleb(-item_currency.decimal_places)
                    ),
                    closes=closes,
                    residual_currency=residual,
                )
            )
        plan = ReconcilePlan(
            partner_id=self.partner_id.commercial_partner_id.id or None,
            allocations=allocations,
            write_off=Decimal(sign) * money
            if self.write_off_account_id
            else Decimal(0),
            write_off_account=self.write_off_account_id or None,
            write_off_label=self.write_off_label or None,
            keep_open=not self.write_off_account_id and money > 0,
        )
        self.env["bank.api.reconciler"]._reconcile(line, plan, how="manual")
        line.bank_api_proposal_ids.filtered(
            lambda proposal: proposal.state == "proposed"
        ).unlink()
        return {"type": "ir.actions.act_window_close"}
