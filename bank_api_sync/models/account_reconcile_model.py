import re
from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..core.matching import FeeRule, MatchRule, Signal

# Signal of the engine -> the boolean of the reconcile model that switches it.
SIGNAL_FIELDS = {
    Signal.INVOICE_NUMBER: "bank_api_use_invoice_number",
    Signal.PAYMENT_REFERENCE: "bank_api_use_payment_reference",
    Signal.SPLIT_PAYMENT: "bank_api_use_split_payment",
    Signal.RF_REFERENCE: "bank_api_use_rf_reference",
    Signal.VIRTUAL_ACCOUNT: "bank_api_use_virtual_account",
    Signal.COUNTERPARTY_IBAN: "bank_api_use_counterparty_iban",
    Signal.AMOUNT_PARTNER: "bank_api_use_amount_partner",
    Signal.AMOUNT_ONLY: "bank_api_use_amount_only",
    Signal.SEVERAL_INVOICES: "bank_api_use_several_invoices",
    Signal.PARTIAL: "bank_api_use_partial",
    Signal.FOREIGN_CURRENCY: "bank_api_use_foreign_currency",
}
MATCHING_RULE_TYPES = ("invoice_matching", "writeoff_suggestion")


def _split_list(text):
    """Codes or keywords typed one per line or separated by commas."""
    return [part.strip() for part in re.split(r"[,;\n]", text or "") if part.strip()]


class AccountReconcileModel(models.Model):
    """Odoo's reconciliation models drive the bank matching engine.

    * *Rule to match invoices/bills* models become the engine's matching rules
      (in sequence order): which signals they use, the confidence above which
      a line is reconciled without a person (when *Auto-validate* is ticked),
      the date window, and Odoo's own *Payment Tolerance* with the write-off
      account of the *Counterpart Items*.
    * *Rule to suggest counterpart entry* models with transaction codes or
      keywords recognise bank fees and commissions, posted on the account (and
      with the taxes) of their first counterpart item.

    Odoo's conditions (journals, paid/received, amount, label, transaction
    type, partners) decide which lines a model is tried on.
    """

    _inherit = "account.reconcile.model"

    bank_api_enabled = fields.Boolean(
        string="Automatic Bank Matching",
        default=True,
        tracking=True,
        help="Use this model when bank statement lines are matched after each "
        "sync and on Match Now.",
    )
    bank_api_auto_threshold = fields.Float(
        string="Confidence Threshold",
        default=0.9,
        tracking=True,
        help="A proposal at least this sure (and clearly ahead of the next one, "
        "with nothing ambiguous about it) is reconciled automatically when "
        "Auto-validate is ticked; below it, it waits in Bank Lines to Review.",
    )
    bank_api_date_window_days = fields.Integer(
        string="Date Window (days)",
        default=90,
        tracking=True,
        help="Matching by amount (when the title names no document) only looks "
        "at items dated or due within this many days of the payment. 0: no limit.",
    )
    bank_api_auto_partial = fields.Boolean(
        string="Reconcile Partial Payments Automatically",
        tracking=True,
        help="A payment smaller than the invoice it names may be reconciled "
        "automatically (the invoice stays partly open).",
    )
    bank_api_use_invoice_number = fields.Boolean(
        string="Invoice Number in the Title",
        default=True,
        help="The invoice or bill number quoted in the payment title, however "
        "written (case, spaces, separators, leading zeros).",
    )
    bank_api_use_payment_reference = fields.Boolean(
        string="Payment Reference", default=True
    )
    bank_api_use_split_payment = fields.Boolean(
        string="Split Payment (MPP) Title",
        default=True,
        help="Polish split payment titles /VAT/.../IDC/.../INV/.../TXT/...",
    )
    bank_api_use_rf_reference = fields.Boolean(
        string="RF Creditor Reference", default=True
    )
    bank_api_use_virtual_account = fields.Boolean(
        string="Virtual Account", default=True
    )
    bank_api_use_counterparty_iban = fields.Boolean(
        string="Payer's Bank Account", default=True
    )
    bank_api_use_amount_partner = fields.Boolean(
        string="Amount and Partner", default=True
    )
    bank_api_use_amount_only = fields.Boolean(
        string="Amount Alone (never automatic)", default=True
    )
    bank_api_use_several_invoices = fields.Boolean(
        string="Several Invoices in One Payment", default=True
    )
    bank_api_use_partial = fields.Boolean(string="Partial Payments", default=True)
    bank_api_use_foreign_currency = fields.Boolean(
        string="Other Currencies", default=True
    )
    bank_api_fee_codes = fields.Char(
        string="Bank Transaction Codes",
        help="Transaction codes the bank gives its fees and commissions, "
        "separated by commas (e.g. NCHG, NCOM, PMNT-MDOP-CHRG).",
    )
    bank_api_fee_keywords = fields.Text(
        string="Title Keywords",
        help="Words of a fee's title, one per line (e.g. prowizja, opłata za "
        "prowadzenie rachunku, bank charges). Case and accents are ignored; a "
        "title quoting an invoice is never taken for a fee.",
    )
    bank_api_fee_outgoing_only = fields.Boolean(
        string="Outgoing Money Only",
        default=True,
        help="Only money leaving the account can be a fee.",
    )
    bank_api_fee_max_amount = fields.Float(
        string="Up to Amount",
        help="Lines above this amount are never taken for a fee. 0: no limit.",
    )
    bank_api_is_fee_rule = fields.Boolean(
        string="Recognises Bank Fees", compute="_compute_bank_api_is_fee_rule"
    )

    @api.depends("rule_type", "bank_api_fee_codes", "bank_api_fee_keywords")
    def _compute_bank_api_is_fee_rule(self):
        for model in self:
            model.bank_api_is_fee_rule = (
                model.rule_type == "writeoff_suggestion"
                and bool(
                    _split_list(model.bank_api_fee_codes)
                    or _split_list(model.bank_api_fee_keywords)
                )
            )

    @api.constrains("bank_api_auto_threshold")
    def _check_bank_api_auto_threshold(self):
        for model in self:
            if not 0 <= model.bank_api_auto_threshold <= 1:
                raise ValidationError(
                    self.env._(
                        "The confidence threshold of %(model)s lies between 0%% and "
                        "100%%.",
                        model=model.display_name,
                    )
                )

    @api.constrains("bank_api_date_window_days", "bank_api_fee_max_amount")
    def _check_bank_api_positive(self):
        for model in self:
            if model.bank_api_date_window_days < 0 or model.bank_api_fee_max_amount < 0:
                raise ValidationError(
                    self.env._(
                        "The date window and the fee amount of %(model)s cannot be "
                        "negative.",
                        model=model.display_name,
                    )
                )

    # -------------------------------------------------------------------------
    # The engine's rules
    # -------------------------------------------------------------------------

    @api.model
    def _bank_api_models(self, company):
        """The models the engine uses for ``company``, in sequence order."""
        return self.search(
            [
                ("company_id", "=", company.id),
                ("rule_type", "in", MATCHING_RULE_TYPES),
                ("bank_api_enabled", "=", True),
            ]
        ).filtered(
            lambda model: model.rule_type == "invoice_matching"
            or (model.bank_api_is_fee_rule and model._bank_api_counterpart_line())
        )

    def _bank_api_counterpart_line(self):
        """The counterpart item that carries the write-off or fee account."""
        self.ensure_one()
        return self.line_ids.filtered("account_id")[:1]

    def _bank_api_fee_rule(self):
        self.ensure_one()
        return FeeRule(
            name=self.name,
            transaction_codes=frozenset(_split_list(self.bank_api_fee_codes)),
            keywords=tuple(_split_list(self.bank_api_fee_keywords)),
            outgoing_only=self.bank_api_fee_outgoing_only,
            max_amount=Decimal(str(self.bank_api_fee_max_amount))
            if self.bank_api_fee_max_amount
            else None,
            auto=self.auto_reconcile,
            reference=self.id,
        )

    def _bank_api_tolerance(self):
        """(amount, percent) written off without asking, from Odoo's Payment
        Tolerance; none without a counterpart account to write it off to."""
        self.ensure_one()
        if (
            not self.allow_payment_tolerance
            or not self.payment_tolerance_param
            or not self._bank_api_counterpart_line()
        ):
            return None, None
        value = Decimal(str(self.payment_tolerance_param))
        if self.payment_tolerance_type == "fixed_amount":
            return value, None
        return None, value

    def _bank_api_match_rule(self, fee_rules=()):
        """The engine's rule for this model; ``fee_rules`` (of the fee models
        that apply to the same lines) are tried first."""
        self.ensure_one()
        if self.rule_type == "writeoff_suggestion":
            return MatchRule(
                rule_id=self.id,
                name=self.name,
                signals=frozenset(),
                fee_rules=(self._bank_api_fee_rule(),),
            )
        tolerance_amount, tolerance_percent = self._bank_api_tolerance()
        return MatchRule(
            rule_id=self.id,
            name=self.name,
            signals=frozenset(
                signal for signal, field in SIGNAL_FIELDS.items() if self[field]
            ),
            auto_threshold=self.bank_api_auto_threshold,
            auto_partial=self.bank_api_auto_partial,
            date_window_days=self.bank_api_date_window_days or None,
            tolerance_amount=tolerance_amount,
            tolerance_percent=tolerance_percent,
            fee_rules=tuple(fee_rules),
        )

    def _bank_api_applies_to(self, line):
        """Odoo's conditions of the model for one line (a dict of the line's
        journal_id, amount, payment_ref, transaction_type, partner_id and
        partner_category_ids)."""
        self.ensure_one()
        amount = abs(line["amount"])
        if (
            self.match_journal_ids
            and line["journal_id"] not in self.match_journal_ids.ids
        ):
            return False
        if self.match_nature == "amount_received" and line["amount"] < 0:
            return False
        if self.match_nature == "amount_paid" and line["amount"] > 0:
            return False
        if self.match_amount == "lower" and amount >= self.match_amount_max:
            return False
        if self.match_amount == "greater" and amount <= self.match_amount_min:
            return False
        if self.match_amount == "between" and not (
            self.match_amount_min <= amount <= self.match_amount_max
        ):
            return False
        if self.match_partner and (
            self.match_partner_ids or self.match_partner_category_ids
        ):
            # "Partner is Set" alone always holds: the engine finds the payer
            # itself (bank account, virtual account, NIP, the documents quoted).
            # A list of partners or categories needs the line's own partner.
            partner = line["partner_id"]
            if not partner:
                return False
            if self.match_partner_ids and partner not in self.match_partner_ids.ids:
                return False
            if self.match_partner_category_ids and not (
                set(line["partner_category_ids"])
                & set(self.match_partner_category_ids.ids)
            ):
                return False
        return self._bank_api_text_condition(
            self.match_label, self.match_label_param, line["payment_ref"]
        ) and self._bank_api_text_condition(
            self.match_transaction_type,
            self.match_transaction_type_param,
            line["transaction_type"],
        )

    @staticmethod
    def _bank_api_text_condition(operator, parameter, text):
        if not operator:
            return True
        parameter, text = (parameter or "").lower(), (text or "").lower()
        if operator == "contains":
            return parameter in text
        if operator == "not_contains":
            return parameter not in text
        try:
            return bool(re.match(parameter, text))
        except re.error:
            return False
