from decimal import Decimal

from odoo import models

from ..core.accounts import polish_nip
from ..core.split_payment import SplitPaymentError, split_payment_title, vat_share


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    def _prepare_payment_line_vals(self, payment_order):
        """A split payment bill gets its MPP title and VAT amount on the line."""
        vals = super()._prepare_payment_line_vals(payment_order)
        bill = self.move_id
        if not bill.bank_api_split_payment:
            return vals
        paid = Decimal(str(vals["amount_currency"]))
        vat = vat_share(
            paid,
            Decimal(str(abs(bill.amount_total))),
            Decimal(str(abs(bill.amount_tax))),
        )
        vals.update({"bank_api_split_payment": True, "bank_api_split_vat": float(vat)})
        nip = polish_nip(bill.commercial_partner_id.vat)
        try:
            # /INV/ is the supplier's own invoice number, never ours.
            vals["communication"] = split_payment_title(vat, nip, bill.ref)
        except SplitPaymentError:
            # The order's checks name what is missing (NIP, invoice number);
            # the plain title stays until it is fixed.
            return vals
        return vals
