from odoo import Command, api, fields, models

from odoo.addons.bank_api_sync_sandbox.core.sandbox.whitelist import SANDBOX_TAXPAYERS

UNLISTED_SUPPLIER = ("7740001454", "PL10105000997603123456789123", "Transport Kowalski")


class BankApiPaymentDemo(models.AbstractModel):
    """Demo data that needs the Sandbox Bank's PLN journal, made at install."""

    _name = "bank.api.payment.demo"
    _description = "Payments demo data"

    @api.model
    def _prepare_payments(self):
        """Vendor bills of three Polish suppliers (one a split payment), a
        payment mode sending through the Sandbox Bank (Elixir-O as its file)
        on the sandbox's PLN journal and a draft order paying them, prepared
        by the accountant (admin)."""
        account = self.env["bank.api.account"].search(
            [("currency_id.name", "=", "PLN"), ("journal_id", "!=", False)], limit=1
        )
        journal = account.journal_id
        if not journal:
            return
        # The VAT white list the Sandbox Bank serves knows the demo suppliers.
        self.env["ir.config_parameter"].sudo().set_param(
            "bank_api_sync_payment.whitelist_url", "sandbox"
        )
        # The Sandbox Bank's consent covers payments: orders go through its API.
        account.connection_id.bank_api_payments_scope = True
        admin = self.env.ref("base.user_admin")
        method = self.env.ref("bank_api_sync_payment.account_payment_method_elixir_o")
        if method not in journal.outbound_payment_method_line_ids.payment_method_id:
            journal.outbound_payment_method_line_ids = [
                Command.create({"payment_method_id": method.id})
            ]
        mode = self.env["account.payment.mode"].create(
            {
                "name": "Polish transfers (Sandbox Bank API, Elixir-O file)",
                "payment_method_id": method.id,
                "bank_account_link": "fixed",
                "fixed_journal_id": journal.id,
                "payment_order_ok": True,
                "default_date_prefered": "now",
                "bank_api_send_by_api": True,
            }
        )
        tax = self.env["account.tax"].create(
            {"name": "VAT 23% (purchases)", "amount": 23, "type_tax_use": "purchase"}
        )
        suppliers = [
            self._supplier(nip, iban, name)
            for nip, iban, name in (*SANDBOX_TAXPAYERS, UNLISTED_SUPPLIER)
        ]
        bills = self.env["account.move"]
        for partner, net, ref, split in (
            (suppliers[0], 4200.00, "FV/1187/11/2026", False),
            (suppliers[0], 16500.00, "FV/1203/11/2026", True),
            (suppliers[1], 1850.00, "BR/2026/11/044", False),
            (suppliers[2], 980.00, "TK 311/2026", False),
        ):
            bills |= self._bill(partner, net, ref, split, tax, mode)
        order = (
            self.env["account.payment.order"]
            .with_user(admin)
            .create({"payment_mode_id": mode.id, "payment_type": "outbound"})
        )
        bills.line_ids.filtered(
            lambda item: item.account_id.account_type == "liability_payable"
        ).with_user(admin).create_payment_line_from_move_line(order)

    def _supplier(self, nip, iban, name):
        return self.env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "vat": f"PL{nip}",
                "country_id": self.env.ref("base.pl").id,
                "city": "Warszawa",
                "bank_ids": [Command.create({"acc_number": iban})],
            }
        )

    def _bill(self, partner, net, ref, split_payment, tax, mode):
        bill = self.env["account.move"].create(
            {
                "move_type": "in_invoice",
                "partner_id": partner.id,
                "ref": ref,
                "invoice_date": fields.Date.context_today(self),
                "currency_id": self.env.ref("base.PLN").id,
                "payment_mode_id": mode.id,
                "partner_bank_id": partner.bank_ids[:1].id,
                "bank_api_split_payment": split_payment,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Towary",
                            "quantity": 1,
                            "price_unit": net,
                            "tax_ids": [Command.set(tax.ids)],
                        }
                    )
                ],
            }
        )
        bill.action_post()
        return bill
