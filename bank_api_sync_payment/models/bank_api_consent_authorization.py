from odoo import fields, models


class BankApiConsentAuthorization(models.Model):
    """A payment the customer is authorising at the bank's page right now
    (a bank that wants each payment authorised, as PolishAPI's ``pis``
    scope): the same single-use state, bound to the user who sent the
    order, and to the order."""

    _inherit = "bank.api.consent.authorization"

    payment_order_id = fields.Many2one(
        "account.payment.order",
        string="Payment Order",
        ondelete="cascade",
        index="btree_not_null",
    )

    def _complete(self, connection, params):
        if not self.payment_order_id:
            return super()._complete(connection, params)
        # As the person who came back (this record is sudo): their groups,
        # their access to the order, in the authorization's company.
        order = connection.env["account.payment.order"].browse(self.payment_order_id.id)
        order.check_access("write")
        order._bank_api_complete_authorisation(connection, params)
        return f"/odoo/account.payment.order/{order.id}"
