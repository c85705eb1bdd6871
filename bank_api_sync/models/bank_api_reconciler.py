import json
import logging
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .bulk_write import assign_each
from .lookup_memo import lookups_remembered

_logger = logging.getLogger(__name__)

# Lines reconciled in one batch of writes and one reconciliation plan.
RECONCILE_BATCH = 250

# The values of a new journal item that rewriting the suspense item gives it
# (the others already are the suspense item's).
SUSPENSE_REWRITE_KEYS = {
    "name",
    "account_id",
    "partner_id",
    "analytic_distribution",
    "tax_ids",
    "currency_id",
    "amount_currency",
    "debit",
    "credit",
}

# Contexts under which a posted statement line's journal items are rewritten,
# as Odoo's own action_undo_reconciliation does.
REWRITE_CONTEXT = {
    "force_delete": True,
    "skip_readonly_check": True,
    "skip_account_move_synchronization": True,
    "skip_invoice_sync": True,
}


def to_decimal(value, currency):
    """A float amount of ``currency`` as an exact Decimal."""
    return Decimal(repr(currency.round(value or 0.0)))


def quantize(value, currency):
    step = Decimal(1).scaleb(-currency.decimal_places)
    return Decimal(value).quantize(step, rounding=ROUND_HALF_UP)


@dataclass
class PlannedAllocation:
    """Money of the line applied to one open item. ``amount`` is in the
    line's currency, ``amount_currency`` in the item's; ``residual_currency``
    is what the item had open when the plan was made (None: not checked)."""

    move_line: object  # account.move.line
    amount: Decimal
    amount_currency: Decimal
    closes: bool
    residual_currency: Decimal | None = None


@dataclass
class ReconcilePlan:
    """How to reconcile one statement line."""

    partner_id: int | None = None
    allocations: list = field(default_factory=list)
    write_off: Decimal = Decimal(0)  # line currency, the engine's sign
    write_off_account: object = None  # account.account
    write_off_label: str | None = None
    write_off_analytic: dict | None = None
    write_off_taxes: object = None  # account.tax, included in the write-off
    fee_model: object = None  # account.reconcile.model
    reconcile_model: object = None  # the model the match came from
    keep_open: bool = False  # an overpayment: the rest stays on the suspense account
    early_discount: bool = False  # the rest is the invoices' early payment discount


class BankApiReconciler(models.AbstractModel):
    """Reconciles bank statement lines with Odoo's own mechanisms: the line's
    suspense item is replaced by counterpart items on the invoices' accounts
    (and write-off or fee items), which are then reconciled with the invoices
    (``account.move.line._reconcile_plan``): the invoices are paid at once.
    The same preparation serves the pilot mode's preview."""

    _name = "bank.api.reconciler"
    _description = "Bank Statement Reconciler"

    # -------------------------------------------------------------------------
    # Plans
    # -------------------------------------------------------------------------

    @api.model
    def _plan_from_engine(self, proposal, models_by_id, items_by_id):
        """A plan for an engine ``Proposal`` (items as loaded for the run)."""
        model = models_by_id.get(proposal.rule_id)
        move_lines = self.env["account.move.line"].browse(proposal.item_ids)
        lines_by_id = {line.id: line for line in move_lines}
        return ReconcilePlan(
            partner_id=proposal.partner_id,
            allocations=[
                PlannedAllocation(
                    move_line=lines_by_id[allocation.item_id],
                    amount=allocation.amount,
                    amount_currency=allocation.amount_currency,
                    closes=allocation.closes_item,
                    residual_currency=items_by_id[
                        allocation.item_id
                    ].residual_in_currency,
                )
                for allocation in proposal.allocations
            ],
            write_off=proposal.write_off,
            reconcile_model=model,
            keep_open=bool(proposal.unallocated),
            early_discount=bool(proposal.early_discount),
            **self._write_off_of(model if proposal.write_off else None),
        )

    @api.model
    def _write_off_of(self, model):
        """The write-off fields of a plan from a model's counterpart item."""
        model_line = model._bank_api_counterpart_line() if model else None
        if not model_line:
            return {}
        return {
            "write_off_account": model_line.account_id,
            "write_off_label": model_line.label or model.name,
            "write_off_analytic": model_line.analytic_distribution,
            "write_off_taxes": model_line.tax_ids,
        }

    @api.model
    def _plan_from_fee(self, fee_model):
        return ReconcilePlan(fee_model=fee_model, reconcile_model=fee_model)

    @api.model
    def _plan_from_proposal(self, proposal):
        """A plan for a stored ``bank.api.match.proposal``."""
        model = proposal.reconcile_model_id
        if proposal.kind == "fee":
            if not model:
                raise UserError(
                    self.env._(
                        "The reconciliation model of this fee proposal was deleted: "
                        "run Match Now again."
                    )
                )
            return self._plan_from_fee(model)
        currency = proposal.statement_line_id.currency_id
        return ReconcilePlan(
            partner_id=proposal.partner_id.id or None,
            allocations=[
                PlannedAllocation(
                    move_line=allocation.move_line_id,
                    amount=to_decimal(allocation.amount, currency),
                    amount_currency=to_decimal(
                        allocation.amount_currency, allocation.item_currency_id
                    ),
                    closes=allocation.closes_item,
                    residual_currency=to_decimal(
                        allocation.residual_currency, allocation.item_currency_id
                    ),
                )
                for allocation in proposal.allocation_ids
            ],
            write_off=to_decimal(proposal.write_off_amount, currency),
            reconcile_model=model,
            keep_open=bool(proposal.unallocated_amount),
            early_discount=bool(proposal.early_discount_amount),
            **self._write_off_of(model if proposal.write_off_amount else None),
        )

    # -------------------------------------------------------------------------
    # Journal items
    # -------------------------------------------------------------------------

    @api.model
    def _prepare_entries(self, st_line, plan):
        """The journal items replacing the line's suspense item.

        Returns ``{"vals_list": [...], "pairs": [(index, move line)]}``: each
        pair is a new item (by its index in ``vals_list``) to reconcile with an
        open item. Amounts are in the line's transaction currency (its foreign
        currency, else the journal's), company amounts in proportion to the
        bank line, so the entry always balances; Odoo books any exchange
        difference with the invoice when reconciling.
        """
        liquidity, suspense, others = st_line._seek_for_lines()
        if others or len(suspense) != 1 or len(liquidity) != 1:
            raise UserError(
                self.env._(
                    "Bank line %(line)s is already (partly) reconciled: undo its "
                    "reconciliation first.",
                    line=st_line.display_name,
                )
            )
        currency = suspense.currency_id  # the transaction currency
        company_currency = st_line.company_currency_id
        total = -to_decimal(suspense.amount_currency, currency)
        company_total = -to_decimal(suspense.balance, company_currency)
        journal_total = to_decimal(st_line.amount, st_line.currency_id)
        label = st_line.payment_ref or "/"
        parts, pairs = [], []
        for allocation in plan.allocations:
            item = allocation.move_line
            self._check_item(st_line, allocation)
            if item.currency_id == currency:
                amount = (
                    to_decimal(item.amount_residual_currency, currency)
                    if allocation.closes
                    else allocation.amount_currency
                )
            elif currency == company_currency and allocation.closes:
                amount = to_decimal(item.amount_residual, company_currency)
            else:
                amount = allocation.amount * total / journal_total
            parts.append(
                {
                    "name": label,
                    "account_id": item.account_id.id,
                    "partner_id": item.partner_id.id,
                    "tax_ids": [Command.clear()],
                    "amount": -quantize(amount, currency),
                }
            )
            pairs.append((len(parts) - 1, item))
        rest = -(total + sum((part["amount"] for part in parts), Decimal(0)))
        if plan.fee_model:
            parts += self._fee_parts(plan.fee_model, rest, currency)
        elif plan.early_discount:
            parts += self._early_discount_parts(st_line, plan, rest, currency)
        elif not currency.is_zero(float(rest)):
            parts += self._rest_parts(st_line, plan, rest, currency, parts, pairs)
        vals_list = self._with_company_amounts(
            parts, currency, company_currency, total, company_total
        )
        return {"vals_list": vals_list, "pairs": pairs}

    def _check_item(self, st_line, allocation):
        item = allocation.move_line
        currency = item.currency_id
        residual = to_decimal(item.amount_residual_currency, currency)
        if (
            item.reconciled
            or item.parent_state != "posted"
            or not residual
            or item.company_id.root_id != st_line.company_id.root_id
        ):
            raise UserError(
                self.env._(
                    "%(item)s is no longer open: run Match Now again.",
                    item=item.move_id.display_name,
                )
            )
        changed = (
            allocation.residual_currency is not None
            and residual != allocation.residual_currency
        )
        too_much = not allocation.closes and abs(allocation.amount_currency) > abs(
            residual
        )
        if changed or too_much:
            raise UserError(
                self.env._(
                    "What is open on %(item)s changed since the proposal was made: "
                    "run Match Now again.",
                    item=item.move_id.display_name,
                )
            )

    def _rest_parts(self, st_line, plan, rest, currency, parts, pairs):
        """The items for what the counterparts leave: a write-off within the
        model's tolerance, a cent of rounding, or an open suspense item."""
        if plan.write_off and plan.write_off_account:
            base = {
                "name": plan.write_off_label or st_line.payment_ref or "/",
                "account_id": plan.write_off_account.id,
                "partner_id": plan.partner_id or False,
                "analytic_distribution": plan.write_off_analytic or False,
            }
            return self._taxed_parts(base, plan.write_off_taxes, rest, currency)
        rounding = Decimal(repr(currency.rounding)) * max(len(pairs), 1)
        if pairs and not plan.keep_open and abs(rest) <= rounding:
            parts[pairs[-1][0]]["amount"] += rest
            return []
        suspense = st_line.journal_id.suspense_account_id
        return [
            {
                "name": st_line.payment_ref or "/",
                "account_id": suspense.id,
                "partner_id": plan.partner_id or False,
                "tax_ids": [Command.clear()],
                "amount": rest,
            }
        ]

    def _early_discount_parts(self, st_line, plan, rest, currency):
        """The early payment discount, posted as Odoo posts it when a payment
        is registered in time (its accounts, and the taxes it corrects under
        the 'included' and 'mixed' computations). ``currency`` is the line's
        transaction currency, which Odoo requires to be the invoices'. Like
        every item of the line, the discount's company amounts are in
        proportion to the bank line; Odoo books the exchange difference with
        the invoice when reconciling."""
        items = self.env["account.move.line"].concat(
            *(allocation.move_line for allocation in plan.allocations)
        )
        eligible = all(
            move._is_eligible_for_early_payment_discount(currency, st_line.date)
            for move in items.move_id
        )
        moves = self.env["account.move"]
        values = (
            moves._get_invoice_counterpart_amls_for_early_payment_discount(
                [
                    {
                        "aml": item,
                        "amount_currency": -item.amount_residual_currency,
                        "balance": -item.amount_residual,
                    }
                    for item in items
                ],
                # Only for Odoo's own exchange difference line, which is left
                # out below (it has no amount in the invoices' currency).
                0.0,
            )
            if eligible
            else {}
        )
        parts = [
            {
                **{
                    key: value
                    for key, value in vals.items()
                    if key not in ("amount_currency", "balance", "currency_id")
                },
                "tax_ids": vals.get("tax_ids") or [Command.clear()],
                "amount": to_decimal(vals["amount_currency"], currency),
            }
            for key, group in values.items()
            if key != "exchange_lines"
            for vals in group
            if vals["amount_currency"]
        ]
        if not parts or sum((part["amount"] for part in parts), Decimal(0)) != rest:
            raise UserError(
                self.env._(
                    "The early payment discount of %(documents)s no longer applies "
                    "to this payment: run Match Now again.",
                    documents=", ".join(items.move_id.mapped("display_name")),
                )
            )
        return parts

    def _fee_parts(self, fee_model, amount, currency):
        model_line = fee_model._bank_api_counterpart_line()
        base = {
            "name": model_line.label or fee_model.name,
            "account_id": model_line.account_id.id,
            "analytic_distribution": model_line.analytic_distribution,
        }
        return self._taxed_parts(base, model_line.tax_ids, amount, currency)

    def _taxed_parts(self, base, taxes, amount, currency):
        """``amount`` on ``base``'s account, split into base and taxes when the
        model's counterpart item has taxes (the bank's amount includes them).
        Only those taxes: Odoo would otherwise give the item its account's
        default taxes, a tax base without its tax."""
        if not taxes or not amount:
            return [{**base, "tax_ids": [Command.clear()], "amount": amount}]
        sign = 1 if amount > 0 else -1
        # An expense (debit) is a purchase, money back is its refund.
        is_refund = any(
            (tax.type_tax_use == "purchase") == (amount < 0) for tax in taxes[:1]
        )
        computed = taxes.with_context(force_price_include=True).compute_all(
            float(abs(amount)), currency=currency, is_refund=is_refund
        )
        parts = [
            {
                **base,
                "amount": sign * quantize(computed["total_excluded"], currency),
                "tax_ids": [Command.set(taxes.ids)],
                "tax_tag_ids": [Command.set(computed["base_tags"])],
            }
        ]
        for tax in computed["taxes"]:
            parts.append(
                {
                    "name": tax["name"],
                    "account_id": tax["account_id"] or base["account_id"],
                    "partner_id": base.get("partner_id", False),
                    "amount": sign * quantize(tax["amount"], currency),
                    "tax_repartition_line_id": tax["tax_repartition_line_id"],
                    "tax_ids": [Command.set(tax["tax_ids"])],
                    "tax_tag_ids": [Command.set(tax["tag_ids"])],
                    "group_tax_id": tax["group"].id if tax["group"] else False,
                }
            )
        parts[0]["amount"] += amount - sum(part["amount"] for part in parts)
        return parts

    def _with_company_amounts(
        self, parts, currency, company_currency, total, company_total
    ):
        same = currency == company_currency
        balances = []
        for part in parts:
            if same or not total:
                balances.append(part["amount"])
            else:
                balances.append(
                    quantize(part["amount"] * company_total / total, company_currency)
                )
        if balances and not same:
            # The entry balances in company currency: the biggest item takes
            # the rounding.
            largest = max(range(len(parts)), key=lambda i: abs(parts[i]["amount"]))
            balances[largest] -= company_total + sum(balances)
        vals_list = []
        for part, balance in zip(parts, balances, strict=True):
            vals = {key: value for key, value in part.items() if key != "amount"}
            vals.update(
                currency_id=currency.id,
                amount_currency=float(part["amount"]),
                debit=float(balance) if balance > 0 else 0.0,
                credit=float(-balance) if balance < 0 else 0.0,
            )
            vals_list.append(vals)
        return vals_list

    # -------------------------------------------------------------------------
    # Reconciling
    # -------------------------------------------------------------------------

    @api.model
    def _reconcile(self, st_line, plan, how):
        """Post ``plan`` on the line and reconcile it with its items, now."""
        entries = self._prepare_entries(st_line, plan)
        self._apply([(st_line, plan, entries)], how)

    @api.model
    def _reconcile_many(self, items, how):
        """Reconcile many (statement line, plan) at once, in batches; a line
        Odoo refuses (a lock date, an item paid meanwhile) is left for a
        person and does not hold back the others. Returns [(line, reason)]
        of the lines that could not be reconciled."""
        failed, prepared = [], []
        self._prefetch(items)
        for st_line, plan in items:
            try:
                prepared.append((st_line, plan, self._prepare_entries(st_line, plan)))
            except UserError as error:
                failed.append((st_line, error.args[0]))
        with lookups_remembered(self.env.cr):
            for start in range(0, len(prepared), RECONCILE_BATCH):
                batch = prepared[start : start + RECONCILE_BATCH]
                self._apply_or_split(batch, how, failed)
        for st_line, reason in failed:
            _logger.info(
                "Bank line %s not reconciled (%s): %s", st_line.id, how, reason
            )
        return failed

    def _prefetch(self, items):
        """Read what preparing the lines reads, for all of them at once: the
        lines and items come from many separate recordsets, which the ORM
        would otherwise read one by one."""
        st_lines = self.env["account.bank.statement.line"].concat(
            *(st_line for st_line, _plan in items)
        )
        st_lines.fetch(["move_id", "journal_id", "amount", "currency_id"])
        entry_lines = st_lines.move_id.line_ids
        entry_lines.fetch(["account_id", "currency_id", "amount_currency", "balance"])
        open_items = self.env["account.move.line"].browse(
            {
                allocation.move_line.id
                for _st_line, plan in items
                for allocation in plan.allocations
            }
        )
        open_items.fetch(
            [
                "account_id",
                "partner_id",
                "currency_id",
                "amount_residual",
                "amount_residual_currency",
                "reconciled",
                "parent_state",
                "company_id",
            ]
        )

    def _apply_or_split(self, batch, how, failed):
        """Apply ``batch``; when Odoo refuses something in it, split it in two
        and try each half, down to the line that is refused (appended to
        ``failed``): a bad line costs a few retries, not a batch line by line."""
        try:
            with self.env.cr.savepoint():
                self._apply(batch, how)
        except (UserError, ValidationError) as error:
            self.env.invalidate_all()
            if len(batch) == 1:
                failed.append((batch[0][0], error.args[0]))
                return
            middle = len(batch) // 2
            self._apply_or_split(batch[:middle], how, failed)
            self._apply_or_split(batch[middle:], how, failed)
            return
        # A long run would otherwise drag a cache of every record it touched
        # through each following batch (it gets slower and slower); what the
        # caller holds is simply read again.
        self.env.flush_all()
        self.env.invalidate_all()

    @api.model
    def _apply(self, prepared, how):
        """Write the prepared items of many lines in a few batched operations
        (Odoo's per-write overhead dominates otherwise), then reconcile every
        pair in one reconciliation plan."""
        st_lines = self.env["account.bank.statement.line"].concat(
            *(st_line for st_line, _plan, _entries in prepared)
        )
        company = st_lines.company_id[:1]
        context = {
            **REWRITE_CONTEXT,
            "check_move_validity": False,
            # Odoo logs each item added to a posted entry in its chatter; that
            # log is the audit trail only when the company keeps one.
            "tracking_disable": not company.check_account_audit_trail,
        }
        kept, created = self._post_items(prepared, st_lines, context)
        pairs, position = [], 0
        for (_st_line, _plan, entries), items in zip(prepared, kept, strict=True):
            if items is None:
                count = len(entries["vals_list"])
                items = created[position : position + count]
                position += count
            pairs += [items[index] + item for index, item in entries["pairs"]]
        if pairs:
            # Odoo reads the pairs' items, and the taxes of their entries'
            # items, entry by entry: read them for the whole batch first.
            paired = self.env["account.move.line"].concat(*pairs)
            paired.mapped("account_id")
            paired.move_id.line_ids.mapped("tax_ids")
            # Reconciling changes no invoice line: Odoo's invoice sync around
            # it would recompute every invoice's terms and taxes to find that.
            # The exchange difference entries Odoo adds are reconciled with
            # the invoices too: the lines reconciled here keep their
            # proposals through those (they are accepted just after).
            self.env["account.move.line"].with_context(
                skip_invoice_sync=True, bank_api_reconciling_line_ids=st_lines.ids
            )._reconcile_plan(pairs)
        now = fields.Datetime.now()
        by_model = {}
        for st_line, plan, _entries in prepared:
            model = plan.reconcile_model.id if plan.reconcile_model else False
            by_model.setdefault(model, []).append(st_line.id)
        for model, line_ids in by_model.items():
            st_lines.browse(line_ids).write(
                {
                    "bank_api_reconciled_how": how,
                    "bank_api_reconciled_at": now,
                    "bank_api_reconcile_model_id": model,
                }
            )

    def _post_items(self, prepared, st_lines, context):
        """The bank entries' side of the batch, through Odoo's ORM: the
        partners found, the suspense items replaced by the prepared items (or
        rewritten into them) and the entries' balance checked. Returns
        ``(kept, created)``: per line its rewritten suspense item or None, and
        the items created, in the order of the lines' ``vals_list``."""
        self._set_partners(prepared, context)
        # What choosing to rewrite a suspense item reads, for the whole batch
        # in a few queries rather than a few per line.
        st_lines.move_id.line_ids.fetch(
            [
                "account_id",
                "name",
                "partner_id",
                "currency_id",
                "amount_currency",
                "balance",
                "tax_ids",
                "analytic_distribution",
            ]
        )
        # Per line, its suspense item when rewritten, else None (its new items
        # are created, in order, with the others).
        taken, vals_list, kept, replaced = [], [], [], []
        for st_line, _plan, entries in prepared:
            suspense = st_line._seek_for_lines()[1]
            if self._takes_suspense_item(suspense, entries["vals_list"]):
                taken.append((suspense, entries["vals_list"][0]))
                kept.append(suspense)
                continue
            kept.append(None)
            replaced += suspense.ids
            for vals in entries["vals_list"]:
                vals_list.append({**vals, "move_id": st_line.move_id.id})
        self.env["account.move.line"].browse(replaced).with_context(
            **context, dynamic_unlink=True
        ).unlink()
        created = (
            self.env["account.move.line"].with_context(**context).create(vals_list)
        )
        self._rewrite_suspense_items(taken, context)
        st_lines._bank_api_check_balanced()
        return kept, created

    @api.model
    def _takes_suspense_item(self, suspense, vals_list):
        """Whether the line's single new item is its suspense item with another
        account, label, partner or analytic distribution: the usual payment of
        one invoice in full, or a bank fee without taxes. That item is then
        rewritten in place, which costs Odoo far less than deleting it and
        creating its replacement."""
        if len(vals_list) != 1:
            return False
        vals = vals_list[0]
        # Only an item without taxes: taxes come with tags and tax items that
        # a rewrite would not set.
        if set(vals) - SUSPENSE_REWRITE_KEYS or vals.get("tax_ids") != [
            Command.clear()
        ]:
            return False
        return (
            vals["currency_id"] == suspense.currency_id.id
            and suspense.currency_id.compare_amounts(
                vals["amount_currency"], suspense.amount_currency
            )
            == 0
            and suspense.company_currency_id.compare_amounts(
                vals["debit"] - vals["credit"], suspense.balance
            )
            == 0
            and not suspense.tax_ids
            and not suspense.analytic_distribution
        )

    def _rewrite_suspense_items(self, taken, context):
        """Give each suspense item of ``taken`` ([(item, vals)]) what the
        counterpart it becomes would have been created with: one write per
        account (and label, analytic distribution), with Odoo's checks, and
        the partners as ``_give_partners`` gives them."""
        # Read again for all at once (creating the other lines' items forgot
        # them), not item by item.
        items = self.env["account.move.line"].concat(*(item for item, _vals in taken))
        items.fetch(["name", "partner_id", "move_id"])
        items.move_id.partner_id.mapped("commercial_partner_id")
        groups = {}
        for item, vals in taken:
            write = {"account_id": vals["account_id"]}
            if vals["name"] != item.name:
                write["name"] = vals["name"]
            if "analytic_distribution" in vals:
                write["analytic_distribution"] = vals["analytic_distribution"]
            key = json.dumps(write, sort_keys=True)
            groups.setdefault(key, (write, []))[1].append(item.id)
        lines = self.env["account.move.line"].with_context(**context)
        accounts = self.env["account.account"]
        for write, item_ids in groups.values():
            if accounts.browse(write["account_id"]).tax_ids:
                # Created with no taxes, the item would keep none: a new
                # account's default taxes are not the bank's amount's.
                write["tax_ids"] = [Command.clear()]
            lines.browse(item_ids).write(write)
        changed = []
        for item, vals in taken:
            # Created without a partner, an item takes its entry's.
            partner_id = (
                vals["partner_id"] or False
                if "partner_id" in vals
                else item.move_id.partner_id.commercial_partner_id.id
            )
            if item.partner_id.id != partner_id:
                changed.append((item, partner_id))
        if changed:
            items = self.env["account.move.line"].concat(
                *(item for item, _id in changed)
            )
            self._give_partners(
                items, [partner_id for _item, partner_id in changed], context
            )

    def _set_partners(self, prepared, context):
        """The partner found goes on the line, its entry and its bank item."""
        changed = [
            (st_line, plan.partner_id)
            for st_line, plan, _entries in prepared
            if plan.partner_id and st_line.partner_id.id != plan.partner_id
        ]
        if not changed:
            return
        st_lines = self.env["account.bank.statement.line"].concat(
            *(st_line for st_line, _partner in changed)
        )
        partner_ids = [partner_id for _st_line, partner_id in changed]
        liquidity = self.env["account.move.line"].concat(
            *(st_line._seek_for_lines()[0] for st_line, _partner in changed)
        )
        for records in (liquidity, st_lines.move_id, st_lines):
            self._give_partners(records, partner_ids, context)

    def _give_partners(self, records, partner_ids, context):
        """``records[i]`` (bank entries, their items or lines) gets the partner
        ``partner_ids[i]``. For a whole batch at once (``assign_each``) rather
        than a write per partner, after the checks Odoo's write would make on
        journal items; but when the company keeps an audit trail, by Odoo's
        write, so that each entry logs its change."""
        if not context.get("tracking_disable"):
            by_partner = {}
            for record, partner_id in zip(records, partner_ids, strict=True):
                by_partner.setdefault(partner_id, []).append(record.id)
            for partner_id, record_ids in by_partner.items():
                records.browse(record_ids).with_context(**context).write(
                    {"partner_id": partner_id}
                )
            return
        if records._name == "account.move.line":
            records.move_id._check_fiscal_lock_dates()
            records._check_reconciliation()
            # No hash to check: Odoo hashes a bank entry only once it is
            # reconciled.
        assign_each(records, "partner_id", partner_ids)
        if records._name == "account.move":
            self._recompute_fiscal_positions(records)

    def _recompute_fiscal_positions(self, moves):
        """Odoo's fiscal position of the entries, for their new partners, now.
        Its recomputation runs Odoo's tax country constraint, which computes
        the tax country by assigning it: outside a recomputation that
        assignment is a whole ``account.move.write`` of the batch (with its
        synchronisation and balance checks) for a value only the cache needs.
        Computed as the recomputation computes it, the constraint still
        checks every entry, and the tax country is stored with the next
        flush like any computed field."""
        tax_country = moves._fields["tax_country_id"]
        with self.env.protecting([tax_country], moves):
            moves.flush_recordset(["fiscal_position_id"])
