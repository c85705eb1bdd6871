from odoo import api, fields, models
from odoo.exceptions import UserError

from ..core.audit import chain_hash, first_broken_link

EVENTS = [
    ("created", "Created"),
    ("submitted", "Submitted for Approval"),
    ("approved", "Approved"),
    ("refused", "Refused"),
    ("file_generated", "File Generated"),
    ("sent", "Sent to the Bank"),
    ("bank_accepted", "Accepted by the Bank"),
    ("bank_rejected", "Rejected by the Bank"),
    ("executed", "Executed"),
    ("booked", "Booked on the Statement"),
    ("cancelled", "Cancelled"),
    ("reset", "Back to Draft"),
    ("whitelist_override", "White List Override"),
]


class BankApiPaymentAudit(models.Model):
    """One transition of a payment order: who, when, and the fingerprint of
    what the order held at that moment. Written only by the order's own
    methods; nobody edits or deletes an entry, administrators included (the
    ORM refuses, the access rules grant no write, create or unlink), and each
    entry's hash covers its predecessor's, so an entry changed in SQL shows
    as a broken trail on the order."""

    _name = "bank.api.payment.audit"
    _description = "Payment Order Audit Trail"
    _order = "order_id, id"
    _log_access = True

    order_id = fields.Many2one(
        "account.payment.order", required=True, index=True, ondelete="restrict"
    )
    company_id = fields.Many2one("res.company", required=True, index=True)
    event = fields.Selection(EVENTS, required=True)
    user_id = fields.Many2one("res.users", required=True, ondelete="restrict")
    at = fields.Datetime(required=True)
    content_hash = fields.Char(
        required=True, help="SHA-256 of the order's content at this moment."
    )
    amount_total = fields.Monetary(currency_field="currency_id")
    currency_id = fields.Many2one("res.currency")
    line_count = fields.Integer()
    note = fields.Text()
    previous_hash = fields.Char()
    entry_hash = fields.Char(required=True)

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.context.get("bank_api_payment_audit"):
            raise UserError(
                self.env._("Audit entries are written by the payment order only.")
            )
        return super().create(vals_list)

    def write(self, vals):
        if self:
            raise UserError(self.env._("The payment audit trail cannot be changed."))
        return super().write(vals)

    def unlink(self):
        if self:
            raise UserError(self.env._("The payment audit trail cannot be deleted."))
        return super().unlink()

    def _entry(self):
        """What an entry's hash covers."""
        self.ensure_one()
        return {
            "order": self.order_id.id,
            "event": self.event,
            "user": self.user_id.id,
            "at": fields.Datetime.to_string(self.at),
            "content_hash": self.content_hash,
            "note": self.note or "",
        }

    @api.model
    def _record(self, order, event, content_hash, note=None):
        """Append an entry to ``order``'s trail, linked to the last one."""
        last = self.sudo().search(
            [("order_id", "=", order.id)], order="id desc", limit=1
        )
        values = {
            "order_id": order.id,
            "company_id": order.company_id.id,
            "event": event,
            "user_id": self.env.user.id,
            "at": fields.Datetime.now(),
            "content_hash": content_hash,
            "amount_total": order.total_company_currency,
            "currency_id": order.company_currency_id.id,
            "line_count": len(order.payment_line_ids),
            "note": note or False,
            "previous_hash": last.entry_hash or False,
        }
        entry = {
            "order": order.id,
            "event": event,
            "user": values["user_id"],
            "at": fields.Datetime.to_string(values["at"]),
            "content_hash": content_hash,
            "note": note or "",
        }
        values["entry_hash"] = chain_hash(last.entry_hash or None, entry)
        return self.sudo().with_context(bank_api_payment_audit=True).create(values)

    @api.model
    def _first_broken(self, order):
        """The first entry of ``order``'s trail that does not hash as written
        (changed or removed behind the application's back), or an empty
        recordset when the trail is intact."""
        entries = self.sudo().search([("order_id", "=", order.id)], order="id")
        index = first_broken_link(
            [
                (entry.entry_hash, entry.previous_hash, entry._entry())
                for entry in entries
            ]
        )
        return entries[index] if index is not None else entries.browse()
