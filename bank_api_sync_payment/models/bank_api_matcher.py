from decimal import Decimal

from odoo import api, fields, models

from odoo.addons.bank_api_sync.models.bank_api_reconciler import (
    PlannedAllocation,
    ReconcilePlan,
)
from odoo.addons.bank_api_sync.models.core_texts import stored_text

from ..core.accounts import compact_account
from ..core.executed import BookedLine, SentPayment, match_executed
from ..core.texts import _lt


class BankApiMatcher(models.AbstractModel):
    """Before the invoice matching, the bank lines that book payments of a
    sent payment order are paired with those payments (end-to-end id, the
    order line's reference, amount, payee account; or one batch debit for
    the whole order) and reconciled with what the payments left open: the
    bills are paid and the order shows executed."""

    _inherit = "bank.api.matcher"

    @api.model
    def _match_company_lines(self, company, lines, trigger, stats):
        booked = self._bank_api_match_executed(company, lines, trigger)
        if booked:
            stats["lines"] += len(booked)
            stats["auto"] += len(booked)
            lines -= booked
        if lines:
            return super()._match_company_lines(company, lines, trigger, stats)
        return None

    @api.model
    def _bank_api_match_executed(self, company, lines, trigger):
        """Reconcile the lines that book sent payments; returns them."""
        if trigger == "undo":
            return lines.browse()
        # A journal in pilot (its own or its connection's) reconciles
        # nothing; a line whose reconciliation a person undid is theirs.
        debits = lines.filtered(
            lambda line: line.amount < 0
            and not line.bank_api_corrected
            and not line.journal_id.bank_api_pilot_active
        )
        if not debits:
            return lines.browse()
        payments = (
            self.env["account.payment"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("payment_type", "=", "outbound"),
                    ("payment_order_id.state", "=", "uploaded"),
                    ("state", "=", "in_process"),
                    ("journal_id", "in", debits.journal_id.ids),
                ]
            )
        )
        if not payments:
            return lines.browse()
        sent = [self._bank_api_sent_payment(payment) for payment in payments]
        booked = [self._bank_api_booked_line(line) for line in debits]
        matches = match_executed(booked, sent)
        if not matches:
            return lines.browse()
        payments_by_id = {payment.id: payment for payment in payments}
        lines_by_id = {line.id: line for line in debits}
        plans = []
        for match in matches:
            line = lines_by_id[match.line_id]
            paid = self.env["account.payment"].concat(
                *(payments_by_id[pid] for pid in match.payment_ids)
            )
            plan = self._bank_api_payment_plan(paid)
            if plan is not None:
                plans.append((line, plan, paid, match))
        reconciler = self.env["bank.api.reconciler"]
        failed = dict(
            reconciler._reconcile_many(
                [(line, plan) for line, plan, _paid, _match in plans], how="auto"
            )
        )
        now = fields.Datetime.now()
        done = lines.browse()
        for line, _plan, paid, match in plans:
            if line in failed:
                continue
            done |= line
            line.write(
                {
                    "bank_api_matched_at": now,
                    "bank_api_match_notes_source": False,
                    "bank_api_auto_reason_source": stored_text(
                        self._bank_api_executed_reason(paid, match.how),
                        module="bank_api_sync_payment",
                    ),
                }
            )
        orders = self.env["account.payment.order"].concat(
            *(paid.payment_order_id for line, _plan, paid, _m in plans if line in done)
        )
        orders.sudo()._bank_api_note_booked()
        return done

    @api.model
    def _bank_api_sent_payment(self, payment):
        order = payment.payment_order_id
        lines = payment.payment_line_ids.sorted("id")
        return SentPayment(
            id=payment.id,
            order_id=order.id,
            amount=lines[:1]._bank_api_decimal(payment.amount),
            currency=payment.currency_id.name,
            end_to_end_id=lines[:1].name or "",
            creditor_iban=compact_account(payment.partner_bank_id.acc_number) or "",
            # The order lines' references, and the title the payee reads
            # (what a bank without end-to-end ids gives back).
            references=tuple(
                filter(None, [*lines.mapped("name"), payment.payment_reference])
            ),
            batch_ids=tuple(filter(None, [order.bank_api_bank_payment_id, order.name])),
        )

    @api.model
    def _bank_api_booked_line(self, line):
        details = line.transaction_details
        end_to_end = details.get("endToEndId") if isinstance(details, dict) else None
        currency = line.foreign_currency_id or line.currency_id
        amount = line.amount_currency if line.foreign_currency_id else line.amount
        return BookedLine(
            id=line.id,
            amount=Decimal(f"{amount:.{currency.decimal_places}f}"),
            currency=currency.name,
            end_to_end_id=end_to_end if isinstance(end_to_end, str) else None,
            counterparty_iban=compact_account(line.account_number) or None,
            text=line.payment_ref or "",
        )

    @api.model
    def _bank_api_payment_plan(self, payments):
        """What the bank line settles: the payments' items on the outstanding
        payments account, or, for a payment Odoo posted without an entry, the
        bills' items it pays. None when nothing of it is open any more."""
        allocations = []
        for payment in payments:
            liquidity = payment._seek_for_lines()[0] if payment.move_id else None
            if liquidity:
                items = [
                    (item, item.amount_residual_currency, True)
                    for item in liquidity
                    if not item.reconciled and item.account_id.reconcile
                ]
            else:
                items = [
                    (
                        pay_line.move_line_id,
                        -pay_line.amount_currency,
                        pay_line.move_line_id.currency_id.is_zero(
                            pay_line.move_line_id.amount_residual_currency
                            + pay_line.amount_currency
                        ),
                    )
                    for pay_line in payment.payment_line_ids
                    if pay_line.move_line_id and not pay_line.move_line_id.reconciled
                ]
            if not items:
                return None
            for item, amount, closes in items:
                value = Decimal(f"{amount:.{item.currency_id.decimal_places}f}")
                allocations.append(
                    PlannedAllocation(
                        move_line=item,
                        amount=value,
                        amount_currency=value,
                        closes=closes,
                    )
                )
        partners = payments.partner_id.commercial_partner_id
        return ReconcilePlan(
            partner_id=partners.id if len(partners) == 1 else None,
            allocations=allocations,
        )

    @api.model
    def _bank_api_executed_reason(self, payments, how):
        """Why a line is a payment we sent, language-neutral: each reader
        reads it in their language."""
        order = payments.payment_order_id[:1]
        if how == "batch":
            return _lt(
                "Batch debit of payment order %(order)s (%(count)s payments, "
                "bank id %(bank_id)s)",
                order=order.name,
                count=len(payments),
                bank_id=order.bank_api_bank_payment_id or "-",
            )
        reference = payments.payment_line_ids[:1].name
        if how == "end_to_end":
            return _lt(
                "Payment %(reference)s of payment order %(order)s: end-to-end id, "
                "amount and payee account equal",
                reference=reference,
                order=order.name,
            )
        return _lt(
            "Payment %(reference)s of payment order %(order)s: reference in the "
            "title, amount and payee account equal",
            reference=reference,
            order=order.name,
        )
