from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..core.accounts import compact_account
from ..core.checks import LineFacts
from ..core.whitelist import LEGAL_THRESHOLD

# The white list's answers: written by the order's check only, as superuser
# (a user writing them over RPC would clear a blocked account).
WHITELIST_FIELDS = frozenset(
    {
        "bank_api_whitelist_state",
        "bank_api_whitelist_check_id",
        "bank_api_whitelist_request_id",
        "bank_api_whitelist_date",
    }
)
# Written by the order's own steps after confirmation (dates, payments, the
# white list's answers); every other field is the content people approve.
SYSTEM_FIELDS = WHITELIST_FIELDS | {"date", "payment_ids"}


class AccountPaymentLine(models.Model):
    _inherit = "account.payment.line"

    bank_api_split_payment = fields.Boolean(
        string="Split Payment",
        help="Paid as a Polish split payment (MPP): the title carries the VAT "
        "amount, the supplier's NIP and the invoice number.",
    )
    bank_api_split_vat = fields.Monetary(
        string="Split Payment VAT", currency_field="currency_id"
    )
    bank_api_whitelist_state = fields.Selection(
        selection=[
            ("not_checked", "Not Checked"),
            ("listed", "On the White List"),
            ("not_listed", "Not on the White List"),
            ("not_applicable", "Not Applicable"),
        ],
        string="VAT White List",
        default="not_checked",
        readonly=True,
        copy=False,
        help="The Ministry of Finance's VAT white list, asked for the payee's "
        "NIP and account on the day the order is confirmed and again on the "
        "day it is sent. Not applicable: the payee has no Polish NIP or the "
        "account is not Polish.",
    )
    bank_api_whitelist_check_id = fields.Many2one(
        "bank.api.whitelist.check", readonly=True, copy=False, ondelete="restrict"
    )
    bank_api_whitelist_request_id = fields.Char(
        string="White List Request ID",
        readonly=True,
        copy=False,
        help="The register's requestId: the proof the account was checked.",
    )
    bank_api_whitelist_date = fields.Date(
        string="White List Checked On", readonly=True, copy=False
    )
    bank_api_whitelist_override = fields.Char(
        string="White List Override",
        copy=False,
        groups="bank_api_sync_payment.group_payment_manager",
        help="Why this account is paid although it is not on the white list "
        "(e.g. the ZAW-NR notice filed with the tax office). Only payment "
        "administrators may set it; it is recorded in the order's audit trail.",
    )
    bank_api_whitelist_blocked = fields.Boolean(
        string="Blocked by the White List",
        compute="_compute_bank_api_whitelist_blocked",
        store=True,
        help="The account is not on the white list and the transaction is "
        "worth more than 15,000 PLN: paying it would cost the tax deduction "
        "and make the company jointly liable for the supplier's VAT.",
    )

    @api.depends(
        "bank_api_whitelist_state", "bank_api_whitelist_override", "amount_currency"
    )
    def _compute_bank_api_whitelist_blocked(self):
        for line in self:
            line.bank_api_whitelist_blocked = (
                line.bank_api_whitelist_state == "not_listed"
                and not line.sudo().bank_api_whitelist_override
                and line._bank_api_transaction_value_pln() > LEGAL_THRESHOLD
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._bank_api_check_whitelist_fields(vals)
        lines = super().create(vals_list)
        lines.order_id._bank_api_check_editable()
        lines.order_id._bank_api_changed_by_user()
        return lines

    def write(self, vals):
        self._bank_api_check_whitelist_fields(vals)
        content = set(vals) - SYSTEM_FIELDS
        if content:
            self.order_id._bank_api_check_editable()
        if "bank_api_whitelist_override" in vals:
            self._bank_api_record_override(vals["bank_api_whitelist_override"])
        result = super().write(vals)
        if content:
            self.order_id._bank_api_changed_by_user()
        return result

    def unlink(self):
        orders = self.order_id
        orders._bank_api_check_editable()
        result = super().unlink()
        orders.exists()._bank_api_changed_by_user()
        return result

    def _bank_api_check_whitelist_fields(self, vals):
        if WHITELIST_FIELDS & set(vals) and not self.env.su:
            raise UserError(
                self.env._(
                    "Only the VAT white list's answer sets a line's white list state."
                )
            )

    def payment_line_hashcode(self):
        """A split payment is one transfer per bill: never grouped."""
        hashcode = super().payment_line_hashcode()
        if self.bank_api_split_payment:
            return f"{hashcode}-split-{self.id}"
        return hashcode

    def _bank_api_transaction_value_pln(self):
        """The value of the transaction the law's threshold speaks of: the
        bill's total (a bill paid in parts is one transaction), or the line's
        amount when it pays no bill, in PLN."""
        self.ensure_one()
        pln = self.env.ref("base.PLN")
        today = fields.Date.context_today(self)
        bill = self.move_line_id.move_id
        value = self.currency_id._convert(
            self.amount_currency, pln, self.company_id or self.env.company, today
        )
        if bill:
            bill_value = bill.currency_id._convert(
                abs(bill.amount_total), pln, bill.company_id, today
            )
            value = max(value, bill_value)
        return Decimal(str(value))

    def _bank_api_record_override(self, reason):
        if not self.env.user.has_group("bank_api_sync_payment.group_payment_manager"):
            raise UserError(
                self.env._(
                    "Only payment administrators may pay an account that is not "
                    "on the VAT white list."
                )
            )
        for line in self:
            line.order_id._bank_api_audit(
                "whitelist_override",
                self.env._(
                    "%(line)s (%(partner)s): %(reason)s",
                    line=line.name,
                    partner=line.partner_id.name,
                    reason=reason or self.env._("override removed"),
                ),
            )

    def _bank_api_facts(self, order):
        """The core's view of this line (checks.LineFacts)."""
        self.ensure_one()
        item = self.move_line_id
        open_amount = None
        if item:
            if item.currency_id == self.currency_id:
                open_amount = abs(item.amount_residual_currency)
            else:
                open_amount = abs(item.amount_residual)
        execution_date = self.date
        if not execution_date and order.date_prefered == "fixed":
            execution_date = order.date_scheduled
        return LineFacts(
            reference=self.name,
            partner=self.partner_id.display_name,
            amount=self._bank_api_decimal(self.amount_currency),
            currency=self.currency_id.name,
            account=self.partner_bank_id.acc_number or None,
            execution_date=execution_date,
            communication=self.communication or "",
            bill_item=item.id or None,
            bill_number=item.move_id.ref or item.move_id.name or None,
            bill_open_amount=self._bank_api_decimal(open_amount)
            if open_amount is not None
            else None,
            bill_paid=bool(item) and item.reconciled,
        )

    def _bank_api_decimal(self, amount):
        digits = self.currency_id.decimal_places
        return Decimal(f"{amount:.{digits}f}")

    def _bank_api_content(self):
        """What the approvers approve of this line (hashed)."""
        self.ensure_one()
        return {
            "reference": self.name,
            "partner": self.partner_id.id,
            "account": compact_account(self.partner_bank_id.acc_number),
            "amount": self._bank_api_decimal(self.amount_currency),
            "currency": self.currency_id.name,
            "communication": self.communication or "",
            "date": self.date and self.date.isoformat(),
            "bill_item": self.move_line_id.id,
            "split_payment": self.bank_api_split_payment,
            "split_vat": self._bank_api_decimal(self.bank_api_split_vat),
        }
