from decimal import Decimal

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression

from ..models.bank_api_reconciler import PlannedAllocation, ReconcilePlan, to_decimal

# Open items shown for a search (the proposals' items come on top of them).
SEARCH_LIMIT = 40

ITEM_TYPES = ("asset_receivable", "liability_payable")


class BankApiReconcileScreen(models.TransientModel):
    """The reconciliation screen: one bank line beside the open items it may
    pay (our proposals first), the amounts applied to each, a write-off, the
    difference, and straight on to the next line of the journal. Everything
    it posts goes through ``bank.api.reconciler``."""

    _name = "bank.api.reconcile.screen"
    _description = "Reconciliation Screen"

    statement_line_id = fields.Many2one(
        "account.bank.statement.line", string="Bank Line", required=True, readonly=True
    )
    journal_id = fields.Many2one(related="statement_line_id.journal_id")
    company_id = fields.Many2one(related="statement_line_id.company_id")
    currency_id = fields.Many2one(related="statement_line_id.currency_id")
    company_currency_id = fields.Many2one(related="company_id.currency_id")
    line_date = fields.Date(related="statement_line_id.date", string="Date")
    line_amount = fields.Monetary(related="statement_line_id.amount", string="Amount")
    line_amount_company = fields.Monetary(
        string="Amount in Company Currency",
        currency_field="company_currency_id",
        compute="_compute_line_amount_company",
    )
    foreign_currency_id = fields.Many2one(
        related="statement_line_id.foreign_currency_id"
    )
    line_amount_currency = fields.Monetary(
        related="statement_line_id.amount_currency",
        string="Amount in Foreign Currency",
        currency_field="foreign_currency_id",
    )
    line_payment_ref = fields.Char(
        related="statement_line_id.payment_ref", string="Title"
    )
    line_partner_name = fields.Char(
        related="statement_line_id.partner_name", string="Payer"
    )
    line_account_number = fields.Char(
        related="statement_line_id.account_number", string="Payer's Account"
    )
    line_next_step = fields.Char(related="statement_line_id.bank_api_next_step")
    is_reconciled = fields.Boolean(related="statement_line_id.is_reconciled")
    partner_id = fields.Many2one(
        "res.partner",
        string="Partner",
        help="The partner the bank line is booked for; left empty, the partner "
        "of the items picked, when they have one.",
    )
    search_text = fields.Char(
        string="Search",
        help="Document number, reference, partner or amount; every partner's "
        "open items are searched.",
    )
    search_side = fields.Selection(
        [
            ("same", "Same Direction"),
            ("receivable", "Receivables"),
            ("payable", "Payables"),
            ("all", "All"),
        ],
        string="Show",
        default="same",
        required=True,
        help="Same Direction: customer invoices for money received, bills for "
        "money paid out.",
    )
    search_partner_id = fields.Many2one("res.partner", string="Only Partner")
    row_ids = fields.One2many(
        "bank.api.reconcile.screen.row", "screen_id", string="Candidates"
    )
    selected_total = fields.Monetary(string="Selected", compute="_compute_totals")
    difference = fields.Monetary(
        compute="_compute_totals",
        help="The bank line's amount less the amounts applied to the items and "
        "the write-off: what stays open on the bank line if you reconcile now.",
    )
    write_off_account_id = fields.Many2one(
        "account.account",
        string="Write-off Account",
        domain="[('deprecated', '=', False), ('company_ids', 'parent_of', company_id), "
        "('account_type', 'not in', ('asset_receivable', 'liability_payable', "
        "'asset_cash', 'liability_credit_card', 'off_balance'))]",
        help="Post the difference on this account (a bank fee, a discount, "
        "rounding); left empty, the difference stays open on the bank line.",
    )
    write_off_label = fields.Char(string="Write-off Label")
    write_off_tax_ids = fields.Many2many(
        "account.tax",
        string="Write-off Taxes",
        domain="[('company_id', 'parent_of', company_id), "
        "('type_tax_use', 'in', ('sale', 'purchase'))]",
        help="Taxes included in the written-off amount.",
    )
    write_off_amount = fields.Monetary(string="Written Off", compute="_compute_totals")
    skipped_line_ids = fields.Many2many(
        "account.bank.statement.line",
        "bank_api_reconcile_screen_skipped_rel",
        string="Skipped Lines",
    )
    remaining_count = fields.Integer(
        string="Lines Left", compute="_compute_remaining_count"
    )

    @api.depends("statement_line_id")
    def _compute_display_name(self):
        for screen in self:
            screen.display_name = self.env._(
                "Reconcile %(line)s", line=screen.statement_line_id.display_name
            )

    @api.depends("statement_line_id")
    def _compute_line_amount_company(self):
        for screen in self:
            liquidity = screen.statement_line_id._seek_for_lines()[0]
            screen.line_amount_company = sum(liquidity.mapped("balance"))

    @api.depends(
        "line_amount",
        "row_ids.selected",
        "row_ids.amount_to_apply",
        "write_off_account_id",
    )
    def _compute_totals(self):
        for screen in self:
            total = sum(row._applied() for row in screen.row_ids if row.selected)
            rest = screen.currency_id.round(screen.line_amount - total)
            written_off = rest if screen.write_off_account_id else 0.0
            screen.selected_total = total
            screen.write_off_amount = written_off
            screen.difference = rest - written_off

    @api.depends("statement_line_id", "skipped_line_ids")
    def _compute_remaining_count(self):
        for screen in self:
            screen.remaining_count = self.env[
                "account.bank.statement.line"
            ].search_count(screen._next_line_domain())

    @api.onchange("row_ids")
    def _onchange_row_ids(self):
        """A row ticked takes its open amount, or what is left of the line
        when that is less (the last of several items, paid in part); a row
        unticked applies nothing."""
        for screen in self:
            left = screen.line_amount
            for row in screen.row_ids:
                if row.selected and row.amount_to_apply:
                    left -= row._applied()
            for row in screen.row_ids:
                if not row.selected:
                    row.amount_to_apply = 0
                elif not row.amount_to_apply:
                    amount = row.open_amount
                    if left and (left > 0) == (amount > 0) and abs(left) < abs(amount):
                        amount = left
                    row.amount_to_apply = amount
                    left -= amount

    # -------------------------------------------------------------------------
    # Opening
    # -------------------------------------------------------------------------

    @api.model
    def _open_for(self, st_line, skipped=None):
        """A new screen on ``st_line``, as the window action opening it."""
        st_line.check_access("write")
        screen = self.create(
            {
                "statement_line_id": st_line.id,
                "skipped_line_ids": [Command.set(skipped.ids if skipped else [])],
            }
        )
        screen._load_line()
        return screen._action_show()

    def _action_show(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reconcile"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [
                (
                    self.env.ref(
                        "bank_api_sync.bank_api_reconcile_screen_view_form"
                    ).id,
                    "form",
                )
            ],
            "target": "current",
            "context": {"form_view_initial_mode": "edit"},
        }

    def _load_line(self):
        """Fill the screen for its bank line: its proposals with their items
        first, then the open items of the partner found."""
        self.ensure_one()
        line = self.statement_line_id
        partner = (
            line.partner_id.commercial_partner_id
            or line.bank_api_suggested_partner_id
            or line.bank_api_best_proposal_id.partner_id
        )
        self.row_ids.unlink()
        self.write(
            {
                "partner_id": partner.id,
                "search_text": False,
                "search_side": "same",
                "search_partner_id": partner.id,
                "write_off_account_id": False,
                "write_off_label": False,
                "write_off_tax_ids": [Command.clear()],
            }
        )
        rows = []
        proposed = self.env["account.move.line"]
        for proposal in line.bank_api_proposal_ids.filtered(
            lambda proposal: proposal.state == "proposed"
        ):
            rows.append(self._proposal_row(proposal, len(rows)))
            for allocation in proposal.allocation_ids:
                if allocation.move_line_id in proposed:
                    continue
                proposed |= allocation.move_line_id
                rows.append(
                    self._item_row(allocation.move_line_id, len(rows), proposal)
                )
        self.write({"row_ids": [Command.create(vals) for vals in rows]})
        self._search_items()

    def _proposal_row(self, proposal, sequence):
        allocations = proposal.allocation_ids
        return {
            "sequence": sequence,
            "row_type": "proposal",
            "proposal_id": proposal.id,
            "name": ", ".join(allocations.move_id.mapped("display_name"))
            or proposal.reconcile_model_id.name
            or dict(proposal._fields["kind"].selection)[proposal.kind],
            "partner_id": proposal.partner_id.id,
            "date_maturity": min(allocations.mapped("date_maturity"), default=False)
            if allocations.filtered("date_maturity")
            else False,
            "reason": proposal.reason,
            "confidence": proposal.confidence,
            "open_amount": sum(allocations.mapped("amount")),
        }

    def _item_row(self, item, sequence, proposal=None):
        return {
            "sequence": sequence,
            "row_type": "item",
            "move_line_id": item.id,
            "proposal_id": proposal.id if proposal else False,
            "name": item.move_id.display_name,
            "partner_id": item.partner_id.id,
            "date_maturity": item.date_maturity,
            "open_amount": self._in_line_currency(item),
            "open_amount_company": item.amount_residual,
            "item_currency_id": item.currency_id.id,
            "open_amount_item": item.amount_residual_currency,
        }

    def _in_line_currency(self, item):
        """The item's open amount in the line's currency (its own when it is
        the line's, else through the company currency at the line's rate)."""
        line = self.statement_line_id
        if item.currency_id == line.currency_id:
            return item.amount_residual_currency
        if line.currency_id == line.company_currency_id:
            return item.amount_residual
        liquidity = line._seek_for_lines()[0]
        if not liquidity.balance:
            return 0.0
        return line.currency_id.round(
            item.amount_residual * liquidity.amount_currency / liquidity.balance
        )

    def _search_domain(self):
        line = self.statement_line_id
        side = self.search_side
        if side == "same":
            side = "receivable" if line.amount > 0 else "payable"
        types = {
            "receivable": ["asset_receivable"],
            "payable": ["liability_payable"],
            "all": list(ITEM_TYPES),
        }[side]
        domain = [
            ("company_id", "child_of", line.company_id.root_id.id),
            ("parent_state", "=", "posted"),
            ("reconciled", "=", False),
            ("amount_residual_currency", "!=", 0),
            ("account_id.account_type", "in", types),
            ("id", "not in", self.row_ids.move_line_id.ids),
        ]
        if self.search_partner_id:
            domain.append(
                (
                    "partner_id",
                    "child_of",
                    self.search_partner_id.commercial_partner_id.id,
                )
            )
        text = (self.search_text or "").strip()
        if text:
            terms = [
                ("move_id.name", "ilike", text),
                ("move_id.ref", "ilike", text),
                ("move_id.payment_reference", "ilike", text),
                ("partner_id.commercial_partner_id.name", "ilike", text),
            ]
            amount = _parse_amount(text)
            if amount is not None:
                terms += [
                    ("amount_residual_currency", "in", (amount, -amount)),
                    ("amount_residual", "in", (amount, -amount)),
                ]
            domain = expression.AND([domain, expression.OR([[term] for term in terms])])
        return domain

    def _search_items(self):
        """Replace the rows neither proposed nor ticked by the open items the
        search finds, of any partner."""
        self.row_ids.filtered(
            lambda row: row.row_type == "item"
            and not row.proposal_id
            and not row.selected
        ).unlink()
        items = self.env["account.move.line"].search(
            self._search_domain(), order="date_maturity, id", limit=SEARCH_LIMIT
        )
        start = max(self.row_ids.mapped("sequence"), default=0) + 1
        self.write(
            {
                "row_ids": [
                    Command.create(self._item_row(item, start + index))
                    for index, item in enumerate(items)
                ]
            }
        )

    # -------------------------------------------------------------------------
    # Actions
    # -------------------------------------------------------------------------

    def _check_line(self):
        self.ensure_one()
        self.check_access("write")
        line = self.statement_line_id
        line.check_access("write")
        return line

    def action_search(self):
        """Search every partner's open items for the search box."""
        self._check_line()
        self._search_items()
        return True

    def action_clear_search(self):
        self._check_line()
        self.write({"search_text": False, "search_partner_id": False})
        self._search_items()
        return True

    def action_reconcile_next(self):
        """Reconcile the line with the items ticked (and the write-off), then
        go on to the next line of the journal."""
        line = self._check_line()
        if line.is_reconciled:
            raise UserError(
                self.env._(
                    "Bank line %(line)s is already reconciled.", line=line.display_name
                )
            )
        plan = self._plan()
        self.env["bank.api.reconciler"]._reconcile(line, plan, how="manual")
        line.bank_api_proposal_ids.filtered(
            lambda proposal: proposal.state == "proposed"
        ).unlink()
        return self._go_next()

    def action_skip(self):
        """Leave this line for later and show the next one."""
        line = self._check_line()
        self.skipped_line_ids = [Command.link(line.id)]
        return self._go_next()

    def action_back_to_list(self):
        """The journal's bank lines still to reconcile."""
        line = self._check_line()
        return self._review_list(line.journal_id)

    def _accept_proposal(self, proposal):
        line = self._check_line()
        if proposal.statement_line_id != line:
            raise UserError(self.env._("This proposal is for another bank line."))
        result = proposal.action_accept()
        if isinstance(result, dict):
            # Out of date and matched again: show the line's fresh proposals.
            self._load_line()
            return result
        return self._go_next()

    def _plan(self):
        line = self.statement_line_id
        currency = line.currency_id
        rows = self.row_ids.filtered(
            lambda row: row.selected and row.row_type == "item"
        ).sorted(lambda row: (row.date_maturity or fields.Date.today(), row.id))
        if not rows and not self.write_off_account_id:
            raise UserError(
                self.env._(
                    "Tick the open items this bank line pays, or choose a "
                    "write-off account for it."
                )
            )
        allocations = []
        for row in rows:
            item = row.move_line_id
            open_amount = to_decimal(abs(self._in_line_currency(item)), currency)
            part = to_decimal(abs(row._applied()), currency)
            if not part or part > open_amount:
                raise UserError(
                    self.env._(
                        "Apply to %(item)s an amount between zero and what is open "
                        "on it (%(open)s).",
                        item=item.move_id.display_name,
                        open=open_amount,
                    )
                )
            item_currency = item.currency_id
            residual = to_decimal(item.amount_residual_currency, item_currency)
            closes = part == open_amount
            sign = 1 if item.amount_residual_currency > 0 else -1
            if closes:
                in_item = residual
            elif item_currency == currency:
                in_item = sign * part
            else:
                in_item = residual * part / open_amount
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
        difference = to_decimal(line.amount, currency) - sum(
            (allocation.amount for allocation in allocations), Decimal(0)
        )
        if (
            difference
            and not self.write_off_account_id
            and (difference > 0) != (line.amount > 0)
        ):
            raise UserError(
                self.env._(
                    "The items ticked take %(excess)s more than the bank line "
                    "brings: lower an amount or post the difference to a "
                    "write-off account.",
                    excess=abs(difference),
                )
            )
        # The partner of the items picked (another than the one found, when
        # the search found the payer's invoice), else the one on the screen.
        partners = rows.move_line_id.partner_id.commercial_partner_id
        partner = (
            partners if len(partners) == 1 else self.partner_id.commercial_partner_id
        )
        write_off = bool(difference) and bool(self.write_off_account_id)
        return ReconcilePlan(
            partner_id=partner.id or None,
            allocations=allocations,
            write_off=difference if write_off else Decimal(0),
            write_off_account=self.write_off_account_id if write_off else None,
            write_off_label=self.write_off_label or None,
            write_off_taxes=self.write_off_tax_ids if write_off else None,
            keep_open=bool(difference) and not write_off,
        )

    def _next_line_domain(self):
        line = self.statement_line_id
        return [
            ("journal_id", "=", line.journal_id.id),
            ("is_reconciled", "=", False),
            ("id", "not in", (line | self.skipped_line_ids).ids),
        ]

    def _go_next(self):
        """The next line of the journal not reconciled (those with a proposal
        first, oldest first), on this same screen; the journal's list when
        none is left."""
        line = self.statement_line_id
        lines = self.env["account.bank.statement.line"].search(
            self._next_line_domain(), order="date, id"
        )
        waiting = lines.filtered("bank_api_best_proposal_id") or lines
        if not waiting:
            return self._review_list(line.journal_id)
        self.statement_line_id = waiting[0]
        self._load_line()
        # The form reloads this same screen: no new breadcrumb per line.
        return True

    def _review_list(self, journal):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "bank_api_sync.account_bank_statement_line_to_review_action"
        )
        action["domain"] = [
            ("journal_id", "=", journal.id),
            ("is_reconciled", "=", False),
        ]
        action["context"] = {}
        action["target"] = "main"
        return action


def _parse_amount(text):
    """An amount typed in the search box (``1 234,50``, ``1234.5``), else None."""
    cleaned = text.replace("\xa0", "").replace(" ", "")
    if "," in cleaned and "." in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    else:
        cleaned = cleaned.replace(",", ".")
    try:
        amount = float(cleaned)
    except ValueError:
        return None
    return abs(amount) if amount else None


class BankApiReconcileScreenRow(models.TransientModel):
    """A candidate on the reconciliation screen: a proposal of ours, or an
    open item with the amount applied to it."""

    _name = "bank.api.reconcile.screen.row"
    _description = "Reconciliation Screen Candidate"
    _order = "sequence, id"

    screen_id = fields.Many2one(
        "bank.api.reconcile.screen", required=True, ondelete="cascade"
    )
    sequence = fields.Integer()
    row_type = fields.Selection(
        [("proposal", "Proposal"), ("item", "Open Item")], required=True, default="item"
    )
    proposal_id = fields.Many2one("bank.api.match.proposal", ondelete="cascade")
    move_line_id = fields.Many2one(
        "account.move.line", string="Item", ondelete="cascade"
    )
    name = fields.Char(string="Number")
    partner_id = fields.Many2one("res.partner")
    date_maturity = fields.Date(string="Due Date")
    reason = fields.Text()
    confidence = fields.Float()
    currency_id = fields.Many2one(related="screen_id.currency_id")
    company_currency_id = fields.Many2one(related="screen_id.company_currency_id")
    item_currency_id = fields.Many2one("res.currency", string="Item Currency")
    open_amount = fields.Monetary(
        string="Open", help="What is open on the item, in the bank line's currency."
    )
    open_amount_company = fields.Monetary(
        string="Open (Company Currency)", currency_field="company_currency_id"
    )
    open_amount_item = fields.Monetary(
        string="Open (Item Currency)", currency_field="item_currency_id"
    )
    selected = fields.Boolean(string="Pick")
    amount_to_apply = fields.Monetary(
        string="Apply",
        help="The part of the bank line applied to the item; less than what is "
        "open pays it in part.",
    )

    def _applied(self):
        """The amount applied, with the item's sign whatever the sign typed."""
        self.ensure_one()
        amount = abs(self.amount_to_apply or self.open_amount)
        return amount if self.open_amount >= 0 else -amount

    def action_accept(self):
        """Reconcile the line as this proposal says, then the next line."""
        self.ensure_one()
        self.screen_id._check_line()
        self.check_access("write")
        if not self.proposal_id:
            raise UserError(self.env._("Only a proposal can be accepted."))
        return self.screen_id._accept_proposal(self.proposal_id)
