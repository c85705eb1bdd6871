from odoo import models
from odoo.exceptions import UserError

from odoo.addons.bank_api_sync_sandbox.core.admin_client import (
    SandboxAdmin,
    SandboxAdminError,
)
from odoo.addons.bank_api_sync_webhook.core.standard_webhooks import generate_secret


class BankApiConnection(models.Model):
    _inherit = "bank.api.connection"

    def action_sandbox_book_customer_payment(self):
        """The demo's "a customer pays now": the Sandbox Bank books the
        payment of an open customer invoice and sends its webhook; Odoo
        stores it, syncs the account and matches the line to the invoice."""
        self.ensure_one()
        self._check_user_access("manage")
        if self.provider != "sandbox":
            raise UserError(
                self.env._("Only a Sandbox Bank connection can book a payment.")
            )
        account, invoice = self._sandbox_open_invoice()
        admin = self._sandbox_admin()
        subscription = self._sandbox_webhook_subscription()
        # The customer pays from their own account (an invoice's
        # partner_bank_id is ours: where to pay).
        payer_iban = invoice.partner_id.commercial_partner_id.bank_ids[:1].acc_number
        # The bank's webhook may come back before this method returns: what
        # it is checked against must be in the database already.
        self.env.flush_all()
        done = {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": self.env._("Payment booked at the Sandbox Bank"),
                "message": self.env._(
                    "%(partner)s paid %(amount)s for %(invoice)s into %(account)s. "
                    "The bank's webhook brings it into the journal, matched, in a "
                    "few seconds.",
                    partner=invoice.partner_id.name,
                    amount=invoice.amount_residual,
                    invoice=invoice.name,
                    account=account.name,
                ),
                "sticky": False,
            },
        }
        try:
            admin.subscribe_webhooks(*subscription)
            admin.book_incoming_payment(
                account.resource_id,
                invoice.amount_residual,
                invoice.partner_id.name,
                payer_iban or None,
                invoice.name,
            )
        except SandboxAdminError as error:
            raise UserError(str(error)) from None
        return done

    def _sandbox_admin(self):
        try:
            return SandboxAdmin(self._resolved_base_url())
        except SandboxAdminError as error:
            raise UserError(str(error)) from None

    def _sandbox_open_invoice(self):
        """(account, invoice): the oldest open customer invoice of the
        company in the currency of one of the connection's synced accounts."""
        accounts = self.account_ids.filtered("journal_id")
        currencies = accounts.journal_id.currency_id | accounts.currency_id
        invoice = self.env["account.move"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
                ("currency_id", "in", currencies.ids),
            ],
            order="invoice_date, id",
            limit=1,
        )
        if not invoice:
            raise UserError(
                self.env._(
                    "No open customer invoice in the currency of %(name)s's "
                    "accounts: post one first.",
                    name=self.name,
                )
            )
        account = accounts.filtered(
            lambda a: (a.journal_id.currency_id or a.currency_id) == invoice.currency_id
        )[:1]
        return account, invoice

    def _sandbox_webhook_subscription(self):
        """(url, secret) the Sandbox Bank sends to: webhooks are switched on
        and a secret made when the connection has none yet."""
        self_sudo = self.sudo()
        if not self_sudo.webhook_enabled:
            self_sudo.webhook_enabled = True
        secret = (self._webhook_secrets() or [None])[0]
        if not secret:
            secret = generate_secret()
            self_sudo.webhook_secret = secret
        return self_sudo.webhook_url, secret
