import logging
from collections import Counter
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..core.matching import (
    PAYABLE,
    RECEIVABLE,
    MatchContext,
    MatchingEngine,
    OpenItem,
    StatementLine,
)
from ..core.matching.texts import Joined, Text, _lt
from .core_texts import stored_text

_logger = logging.getLogger(__name__)

# The proposal's amounts in the line's currency (a related field: storing one
# reads the line's currency through a new record).
PROPOSAL_AMOUNTS = {
    "write_off_amount",
    "unallocated_amount",
    "early_discount_amount",
    "split_vat_amount",
    "fee_amount",
}


class BankApiMatcher(models.AbstractModel):
    """Matches bank statement lines with open invoices and bills.

    The Odoo side of the plain-Python engine: loads the open receivable and
    payable items of a company in one query, the partners' bank accounts and
    virtual accounts, builds one engine rule per reconciliation model, and
    then reconciles what is safe (not in pilot mode) and stores the rest as
    proposals for a person.
    """

    _name = "bank.api.matcher"
    _description = "Bank Statement Matcher"

    @api.model
    def _match_statement_lines(self, lines, trigger="manual"):
        """Match the lines of ``lines`` not reconciled yet. ``trigger``:
        ``sync`` after an import, ``manual`` for Match Now, ``undo`` after a
        person undid a reconciliation and ``refresh`` when an item its
        proposals counted on changed (both: proposals only, never automatic).
        Returns a Counter: lines, auto, fees, proposed, nothing, would_auto,
        failed."""
        stats = Counter()
        lines = self._open_lines(lines)
        by_company = {}
        for line in lines:
            by_company.setdefault(line.company_id, []).append(line.id)
        for company, line_ids in by_company.items():
            # Each company in its own context: its items, models and accounts.
            matcher = self.with_company(company)
            matcher._match_company_lines(
                company, matcher.env[lines._name].browse(line_ids), trigger, stats
            )
        return stats

    @api.model
    def _open_lines(self, lines):
        """The lines of ``lines`` still to reconcile: posted, not reconciled,
        and with no journal item but their bank and suspense items (nothing
        Odoo's ``_seek_for_lines`` would call another item). In one query:
        asking each line loads every item of every entry into the ORM."""
        if not lines:
            return lines
        # The lines, entries, items, journals and accounts as they are now.
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT st.id
                  FROM account_bank_statement_line st
                  JOIN account_move move ON move.id = st.move_id
                  JOIN account_journal journal ON journal.id = st.journal_id
                 WHERE st.id = ANY(%(ids)s)
                   AND move.state = 'posted'
                   AND NOT COALESCE(st.is_reconciled, FALSE)
                   AND NOT EXISTS (
                       SELECT 1
                         FROM account_move_line aml
                         JOIN account_account account
                           ON account.id = aml.account_id
                        WHERE aml.move_id = st.move_id
                          AND aml.account_id
                              IS DISTINCT FROM journal.default_account_id
                          AND aml.account_id
                              IS DISTINCT FROM journal.suspense_account_id
                          -- Without an item on the journal's account, Odoo
                          -- takes the cash and credit card items as the bank's.
                          AND NOT (
                              account.account_type
                                  IN ('asset_cash', 'liability_credit_card')
                              AND NOT EXISTS (
                                  SELECT 1
                                    FROM account_move_line liquidity
                                   WHERE liquidity.move_id = st.move_id
                                     AND liquidity.account_id
                                         = journal.default_account_id
                              )
                          )
                   )
                """,
                ids=list(lines.ids),
            )
        )
        open_ids = {row[0] for row in self.env.cr.fetchall()}
        return lines.browse([line_id for line_id in lines.ids if line_id in open_ids])

    @api.model
    def _match_imported_lines(self, lines, source):
        """Match an import's new lines in the same transaction, whatever
        brought them (a sync, an MT940 or camt file): the invoices are paid
        the moment the statement arrives. A matching failure never costs the
        import: the lines stay, unmatched, for Match Now. Returns the
        matching's Counter (``error`` set when it failed)."""
        if not lines:
            return Counter()
        try:
            with self.env.cr.savepoint():
                return self._match_statement_lines(lines, trigger="sync")
        except Exception:
            _logger.exception(
                "Matching the new lines of %s failed; they stay unmatched until "
                "Match Now",
                source,
            )
            return Counter(error=1)

    @api.model
    def _notify_stats(self, stats):
        """The notification Match Now shows."""
        message = self.env._(
            "%(lines)s bank lines matched: %(auto)s reconciled automatically, "
            "%(proposed)s to review, %(nothing)s without a proposal.",
            lines=stats["lines"],
            auto=stats["auto"],
            proposed=stats["proposed"],
            nothing=stats["nothing"],
        )
        if stats["would_auto"]:
            message += " " + self.env._(
                "%(count)s would have been reconciled automatically (pilot mode).",
                count=stats["would_auto"],
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Match Now"),
                "message": message,
                "type": "success",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    # -------------------------------------------------------------------------
    # One company
    # -------------------------------------------------------------------------

    @api.model
    def _match_company_lines(self, company, lines, trigger, stats):
        models_ = self.env["account.reconcile.model"]._bank_api_models(company)
        self.env["bank.api.match.proposal"].search(
            [("statement_line_id", "in", lines.ids), ("state", "=", "proposed")]
        ).unlink()
        now = fields.Datetime.now()
        if not models_:
            lines.write({"bank_api_matched_at": now})
            stats["lines"] += len(lines)
            stats["nothing"] += len(lines)
            return
        items = self._load_open_items(company, models_)
        items_by_id = {item.id: item for item in items}
        engine = MatchingEngine(items, self._match_context(company, items))
        models_by_id = {model.id: model for model in models_}
        pilot_journals = set(lines.journal_id.filtered("bank_api_pilot_active").ids)
        reconciler = self.env["bank.api.reconciler"]
        rules_cache = {}
        to_reconcile = []  # (line, plan, result)
        decided = []  # (line, result, would_auto) stored as proposals
        for line, engine_line, conditions in self._engine_lines(lines, models_):
            stats["lines"] += 1
            applicable = [
                model for model in models_ if model._bank_api_applies_to(conditions)
            ]
            key = tuple(model.id for model in applicable)
            if key not in rules_cache:
                rules_cache[key] = self._rules(applicable)
            rules = rules_cache[key]
            if not rules:
                decided.append((line, None, False))
                continue
            result = engine.match_line(engine_line, rules)
            pilot = line.journal_id.id in pilot_journals
            # A line whose automatic reconciliation a person undid is never
            # reconciled automatically again.
            blocked = trigger in ("undo", "refresh") or line.bank_api_corrected
            if result.fee is not None:
                would_auto = result.fee.auto and not blocked
                if would_auto and not pilot:
                    fee_model = models_by_id[result.fee.reference]
                    to_reconcile.append(
                        (line, reconciler._plan_from_fee(fee_model), result)
                    )
                    continue
                decided.append((line, result, would_auto))
                continue
            proposal = result.auto_proposal
            # The engine is sure; whether it may act is the model's (and the
            # pilot mode's) call.
            would_auto = proposal is not None and not blocked
            if would_auto and models_by_id[result.rule_id].auto_reconcile:
                # Taken out of the engine's view, so that no later line is
                # matched with the same invoice (the pilot simulates it too).
                engine.consume(proposal)
                if not pilot:
                    plan = reconciler._plan_from_engine(
                        proposal, models_by_id, items_by_id
                    )
                    to_reconcile.append((line, plan, result))
                    continue
            decided.append((line, result, would_auto))
        failed = dict(
            reconciler._reconcile_many(
                [(line, plan) for line, plan, _result in to_reconcile], how="auto"
            )
        )
        for line, _plan, result in to_reconcile:
            if line in failed:
                stats["failed"] += 1
                decided.append((line, result, False))
            elif result.fee is not None:
                stats["auto"] += 1
                stats["fees"] += 1
            else:
                stats["auto"] += 1
        self._store_proposals(
            decided, models_by_id, items_by_id, pilot_journals, failed, stats
        )
        for line, _plan, result in to_reconcile:
            if line not in failed:
                line.write(self._line_values(result, now, automatic=True))

    @api.model
    def _rules(self, models_):
        """The engine's rules for lines the ``models_`` (in sequence order)
        apply to: each invoice rule tries the fee rules first; without invoice
        rules, the fee rules alone."""
        fee_models = [m for m in models_ if m.rule_type == "writeoff_suggestion"]
        fee_rules = [model._bank_api_fee_rule() for model in fee_models]
        invoice_models = [m for m in models_ if m.rule_type == "invoice_matching"]
        if invoice_models:
            return [model._bank_api_match_rule(fee_rules) for model in invoice_models]
        return [model._bank_api_match_rule() for model in fee_models]

    # -------------------------------------------------------------------------
    # Loading
    # -------------------------------------------------------------------------

    @api.model
    def _load_open_items(self, company, models_):
        """Open receivable and payable items of the company, in one query."""
        limits = [
            model.past_months_limit
            for model in models_
            if model.rule_type == "invoice_matching"
        ]
        since = None
        if limits and all(limits):
            since = fields.Date.context_today(self) - relativedelta(months=max(limits))
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT aml.id, aml.move_id, move.name, partner.commercial_partner_id,
                       account.account_type, aml.date, aml.date_maturity,
                       aml.amount_residual, aml.amount_residual_currency,
                       currency.name, currency.decimal_places,
                       move.payment_reference, move.ref,
                       commercial.name, commercial.vat,
                       -- An early payment discount still on offer: Odoo grants
                       -- it on untouched invoices (to a payment in their
                       -- currency, which the engine checks).
                       CASE WHEN aml.discount_date IS NOT NULL
                             AND aml.amount_residual_currency = aml.amount_currency
                            THEN aml.discount_amount_currency END,
                       aml.discount_date
                  FROM account_move_line aml
                  JOIN account_move move ON move.id = aml.move_id
                  JOIN account_account account ON account.id = aml.account_id
                  JOIN res_currency currency ON currency.id = aml.currency_id
             LEFT JOIN res_partner partner ON partner.id = aml.partner_id
             LEFT JOIN res_partner commercial
                    ON commercial.id = partner.commercial_partner_id
                 WHERE aml.company_id = %(company)s
                   AND aml.parent_state = 'posted'
                   AND NOT aml.reconciled
                   AND account.account_type IN ('asset_receivable', 'liability_payable')
                   AND aml.amount_residual_currency != 0
                   AND aml.payment_id IS NULL
                   AND move.statement_line_id IS NULL
                   AND (%(since)s::date IS NULL OR aml.date >= %(since)s::date)
                 ORDER BY aml.id
                """,
                company=company.id,
                since=since,
            )
        )
        rows = self.env.cr.fetchall()
        company_currency = company.currency_id.name
        items = []
        for (
            item_id,
            move_id,
            move_name,
            partner_id,
            account_type,
            item_date,
            due_date,
            residual,
            residual_currency,
            currency,
            decimals,
            payment_reference,
            ref,
            partner_name,
            partner_vat,
            discount_residual,
            discount_date,
        ) in rows:
            step = Decimal(1).scaleb(-decimals)
            items.append(
                OpenItem(
                    id=item_id,
                    move_id=move_id,
                    move_name=move_name or "",
                    partner_id=partner_id,
                    kind=RECEIVABLE if account_type == "asset_receivable" else PAYABLE,
                    date=item_date,
                    due_date=due_date,
                    amount_residual=Decimal(residual).quantize(Decimal("0.01")),
                    currency=currency,
                    amount_residual_currency=None
                    if currency == company_currency
                    else Decimal(residual_currency).quantize(step),
                    payment_reference=payment_reference,
                    ref=ref,
                    partner_name=partner_name,
                    partner_vat=partner_vat,
                    discount_residual=None
                    if discount_residual is None
                    else Decimal(discount_residual).quantize(step),
                    discount_date=discount_date,
                )
            )
        return items

    @api.model
    def _match_context(self, company, items):
        self.env.cr.execute(
            SQL(
                """
                SELECT bank.acc_number, partner.commercial_partner_id
                  FROM res_partner_bank bank
                  JOIN res_partner partner ON partner.id = bank.partner_id
                 WHERE bank.active
                   AND (bank.company_id IS NULL OR bank.company_id = %(company)s)
                   AND partner.commercial_partner_id NOT IN (
                       SELECT partner_id FROM res_company)
                """,
                company=company.id,
            )
        )
        partner_ibans = {}
        for number, partner_id in self.env.cr.fetchall():
            partner_ibans.setdefault(number, set()).add(partner_id)
        virtual_accounts = self.env["res.partner"]._bank_api_virtual_accounts(company)
        known = {item.partner_id for item in items}
        unnamed = (
            {partner for partners in partner_ibans.values() for partner in partners}
            | set(virtual_accounts.values())
        ) - known
        names = {
            partner["id"]: partner["name"]
            for partner in self.env["res.partner"]
            .with_context(active_test=False)
            .browse(unnamed)
            .read(["name"])
        }
        return MatchContext(
            company_currency=company.currency_id.name,
            today=fields.Date.context_today(self),
            partner_ibans={key: frozenset(ids) for key, ids in partner_ibans.items()},
            virtual_accounts=virtual_accounts,
            company_vat=company.vat,
            partner_names=names,
        )

    @api.model
    def _engine_lines(self, lines, models_):
        """(record, engine StatementLine, Odoo conditions) for each line."""
        rows = lines.read(
            [
                "date",
                "amount",
                "payment_ref",
                "partner_id",
                "partner_name",
                "account_number",
                "bank_api_receiving_account",
                "transaction_type",
                "amount_currency",
                "foreign_currency_id",
                "currency_id",
                "journal_id",
            ],
            load=None,
        )
        currency_ids = {row["currency_id"] for row in rows} | {
            row["foreign_currency_id"] for row in rows if row["foreign_currency_id"]
        }
        currencies = {
            currency.id: currency
            for currency in self.env["res.currency"].browse(currency_ids)
        }
        partner_ids = {row["partner_id"] for row in rows if row["partner_id"]}
        partners = self.env["res.partner"].browse(partner_ids)
        commercial = {
            partner.id: partner.commercial_partner_id.id for partner in partners
        }
        categories = {}
        if any(model.match_partner_category_ids for model in models_):
            categories = {partner.id: partner.category_id.ids for partner in partners}
        for line, row in zip(lines, rows, strict=True):
            currency = currencies[row["currency_id"]]
            foreign = currencies.get(row["foreign_currency_id"])
            partner_id = commercial.get(row["partner_id"])
            engine_line = StatementLine(
                id=line.id,
                date=row["date"],
                amount=Decimal(repr(currency.round(row["amount"]))),
                currency=currency.name,
                payment_ref=row["payment_ref"] or "",
                counterparty_name=row["partner_name"] or None,
                counterparty_iban=row["account_number"] or None,
                partner_id=partner_id,
                receiving_account=row["bank_api_receiving_account"] or None,
                transaction_code=row["transaction_type"] or None,
                amount_currency=Decimal(repr(foreign.round(row["amount_currency"])))
                if foreign and row["amount_currency"]
                else None,
                foreign_currency=foreign.name if foreign else None,
            )
            conditions = {
                "journal_id": row["journal_id"],
                "amount": row["amount"],
                "payment_ref": row["payment_ref"],
                "transaction_type": row["transaction_type"],
                "partner_id": row["partner_id"],
                "partner_category_ids": categories.get(row["partner_id"], []),
            }
            yield line, engine_line, conditions

    # -------------------------------------------------------------------------
    # Storing what a person decides
    # -------------------------------------------------------------------------

    @api.model
    def _store_proposals(
        self, decided, models_by_id, items_by_id, pilot_journals, failed, stats
    ):
        """Proposals of the lines not reconciled, and what the engine noted."""
        now = fields.Datetime.now()
        proposal_vals, allocations = [], []
        for line, result, would_auto in decided:
            pilot = line.journal_id.id in pilot_journals
            line.write(self._line_values(result, now, failed.get(line)))
            if result is None:
                stats["nothing"] += 1
                continue
            if would_auto and pilot:
                stats["would_auto"] += 1
            if result.fee is not None:
                stats["proposed"] += 1
                proposal_vals.append(
                    {
                        "statement_line_id": line.id,
                        "rank": 1,
                        "kind": "fee",
                        "confidence": result.fee.confidence,
                        "reason_source": stored_text(result.fee.reason),
                        "signals": ",".join(result.fee.signals),
                        "reconcile_model_id": result.fee.reference,
                        "fee_amount": float(result.fee.amount),
                        "would_auto": would_auto,
                        "pilot": pilot,
                    }
                )
                allocations.append([])
                continue
            if not result.proposals:
                stats["nothing"] += 1
                continue
            stats["proposed"] += 1
            for rank, proposal in enumerate(result.proposals, start=1):
                split = proposal.split_payment
                proposal_vals.append(
                    {
                        "statement_line_id": line.id,
                        "rank": rank,
                        "kind": proposal.kind,
                        "confidence": proposal.confidence,
                        "reason_source": stored_text(proposal.reason),
                        "signals": ",".join(proposal.signals),
                        "ambiguity_source": stored_text(proposal.ambiguity),
                        "partner_id": proposal.partner_id or False,
                        "reconcile_model_id": proposal.rule_id
                        if proposal.rule_id in models_by_id
                        else False,
                        "write_off_amount": float(proposal.write_off),
                        "unallocated_amount": float(proposal.unallocated),
                        "early_discount_amount": float(proposal.early_discount),
                        "split_vat_amount": float(split.vat_amount) if split else 0.0,
                        "would_auto": would_auto and rank == 1,
                        "pilot": pilot,
                    }
                )
                allocations.append(
                    [
                        {
                            "sequence": position,
                            "move_line_id": allocation.item_id,
                            "amount": float(allocation.amount),
                            "amount_currency": float(allocation.amount_currency),
                            "residual_currency": float(
                                items_by_id[allocation.item_id].residual_in_currency
                            ),
                            "closes_item": allocation.closes_item,
                        }
                        for position, allocation in enumerate(proposal.allocations)
                    ]
                )
        # A zero amount is left out: the ORM reads it back as zero, and
        # storing it would look up the line's currency for each of them.
        proposals = self.env["bank.api.match.proposal"].create(
            [
                {
                    key: value
                    for key, value in vals.items()
                    if key not in PROPOSAL_AMOUNTS or value
                }
                for vals in proposal_vals
            ]
        )
        currencies = self._item_currencies(items_by_id)
        self.env["bank.api.match.allocation"].create(
            [
                {
                    **vals,
                    "proposal_id": proposal.id,
                    "item_currency_id": currencies[
                        items_by_id[vals["move_line_id"]].currency
                    ],
                }
                for proposal, proposal_allocations in zip(
                    proposals, allocations, strict=True
                )
                for vals in proposal_allocations
            ]
        )

    @api.model
    def _line_values(self, result, now, failure=None, automatic=False):
        """What the matching noted on a line: when, why nothing is automatic
        (or, ``automatic``, why it is), who paid, the split payment's VAT.
        The texts are stored language-neutral: each reader reads them in
        their language and number format."""
        notes = list(result.notes) if result else []
        if failure:
            notes.insert(
                0, _lt("Not reconciled automatically: %(reason)s", reason=failure)
            )
        values = {
            "bank_api_matched_at": now,
            "bank_api_match_notes_source": stored_text(Joined("\n", notes))
            if notes
            else False,
            "bank_api_suggested_partner_id": result.partner_ids[0]
            if result and len(result.partner_ids) == 1
            else False,
        }
        if automatic:
            taken = result.fee if result.fee is not None else result.auto_proposal
            values["bank_api_auto_reason_source"] = stored_text(
                Text(
                    "%(reason)s (%(confidence)s%%)",
                    reason=taken.reason,
                    confidence=round(taken.confidence * 100),
                )
            )
        split = result.split_payment if result else None
        values.update(
            bank_api_split_vat_amount=float(split.vat_amount) if split else 0.0,
            bank_api_split_nip=split.idc if split and split.idc else False,
            bank_api_split_invoice=split.invoice_number
            if split and split.invoice_number
            else False,
        )
        return values

    @api.model
    def _item_currencies(self, items_by_id):
        names = {item.currency for item in items_by_id.values()}
        currencies = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("name", "in", list(names))])
        )
        return {currency.name: currency.id for currency in currencies}
