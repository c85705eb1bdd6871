from odoo import api, models


class AccountPartialReconcile(models.Model):
    """Every reconciliation, by whatever means (a payment, a bank line, a
    credit note, a reversal), goes through a partial: what the items it
    joins or parts had open changed, so the matching's proposals that count
    on it are out of date."""

    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        partials._bank_api_items_changed()
        return partials

    def unlink(self):
        if self:
            self._bank_api_items_changed()
        return super().unlink()

    def _bank_api_items_changed(self):
        items = self.debit_move_id | self.credit_move_id
        self.env["bank.api.match.proposal"]._bank_api_drop_stale(
            items.ids,
            # The bank lines being reconciled (or undone) here: their
            # proposals are theirs to settle (accepted, or matched again).
            items.move_id.statement_line_id.ids
            # and those of a reconciler's batch, whose exchange difference
            # entries are reconciled with the invoices apart from the lines.
            + list(self.env.context.get("bank_api_reconciling_line_ids", ())),
        )
