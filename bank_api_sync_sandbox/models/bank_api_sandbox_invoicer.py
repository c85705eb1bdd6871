import random
import re
from datetime import date, timedelta
from decimal import Decimal

from odoo import Command, api, models

from ..core.sandbox.embedded import embedded_sandbox
from ..core.sandbox.ibans import random_nip
from ..core.sandbox.ledger import COMPANY_NIP

# Our invoice numbers as the Sandbox Bank's customers write them:
# FV/2026/11/0012, fv 2026-11-12, FV2026110012, FV 2026/11/12...
SANDBOX_INVOICE_NUMBER = re.compile(
    r"FV[\s/-]*(20\d\d)[\s/-]*(0[1-9]|1[0-2]|[1-9])(?!\d{5})[\s/-]*(\d{1,4})(?!\d)",
    re.IGNORECASE,
)

# Payment terms of the sandbox company's invoices.
PAYMENT_DAYS = timedelta(days=14)


def sandbox_invoice_number(title):
    """The first invoice number of ours a sandbox payment title quotes, written
    the way Odoo numbers the invoice (``FV/2026/11/0012``), or None."""
    found = SANDBOX_INVOICE_NUMBER.search(title or "")
    if not found:
        return None
    year, month, number = (int(part) for part in found.groups())
    return f"FV/{year}/{month:02d}/{number:04d}"


class BankApiSandboxInvoicer(models.AbstractModel):
    """The customer invoices the Sandbox Bank's customer payments pay.

    The sandbox invents customer payments quoting invoice numbers; for the
    demo (and the end-to-end tests) this creates, before matching, the posted
    invoices they pay: same number, same amount, same customer (with the bank
    account the payments come from), in the payment's original currency.
    """

    _name = "bank.api.sandbox.invoicer"
    _description = "Sandbox Bank Invoices (demo)"

    @api.model
    def _create_invoices(
        self,
        bank,
        resource_ids,
        date_from=None,
        skip_every=0,
        underpay_every=0,
        instalments=False,
    ):
        """Post an invoice for each booked customer payment of the sandbox
        ``bank`` (a SandboxBank) on the accounts ``resource_ids``. Numbers
        quoted by several payments get no invoice (which payment would it
        be?). ``skip_every``: leave every n-th payment without invoice, so
        that some lines have nothing to match; ``underpay_every``: invoice
        every n-th payment a tenth more than was paid (a short payment, for a
        person to look at); ``instalments``: a number quoted by several
        payments of one payer is one invoice of their sum, paid in parts, and
        by several payers the invoice of the first (the others mistyped it).
        Returns the invoices."""
        company = self.env.company
        if not company.vat:
            # The split payments' /IDC/ is the sandbox company's NIP.
            company.vat = f"PL{COMPANY_NIP}"
        payments = {}
        quoted = {}
        for resource_id in resource_ids:
            for tx in bank.ledger(resource_id, "booked", date_from):
                amount = Decimal(tx["transactionAmount"]["amount"])
                number = sandbox_invoice_number(
                    tx.get("remittanceInformationUnstructured")
                )
                if amount <= 0 or not number or not tx.get("debtorName"):
                    continue
                quoted[number] = quoted.get(number, 0) + 1
                payer = (tx["debtorName"], tx["transactionAmount"]["currency"])
                if number in payments:
                    first, total, payers = payments[number]
                    payments[number] = (first, total + amount, payers | {payer})
                else:
                    payments[number] = (tx, amount, {payer})
        existing = set(
            self.env["account.move"]
            .search([("name", "in", list(payments)), ("company_id", "=", company.id)])
            .mapped("name")
        )
        partners = {}
        vals_list = []
        for position, (number, (tx, total, payers)) in enumerate(
            sorted(payments.items())
        ):
            several = quoted[number] > 1
            if number in existing or (several and not instalments):
                continue
            # One payer quoting a number several times pays it in parts; of
            # several payers, the first is the customer, the others mistyped.
            amount = Decimal(tx["transactionAmount"]["amount"])
            if several and len(payers) == 1:
                amount = total
            if skip_every and position % skip_every == skip_every - 1:
                continue
            if underpay_every and position % underpay_every == underpay_every - 1:
                amount = (amount * Decimal("1.1")).quantize(Decimal("0.01"))
            currency_name = tx["transactionAmount"]["currency"]
            exchange = tx.get("currencyExchange")
            if exchange:
                currency_name = exchange[0]["sourceCurrency"]
                amount = (amount / Decimal(exchange[0]["exchangeRate"])).quantize(
                    Decimal("0.01")
                )
            currency = (
                self.env["res.currency"]
                .with_context(active_test=False)
                .search([("name", "=", currency_name)], limit=1)
            )
            currency.active = True
            iban = (tx.get("debtorAccount") or {}).get("iban")
            key = (tx["debtorName"], iban)
            if key not in partners:
                partners[key] = self._partner(tx["debtorName"], iban)
            year, month = int(number[3:7]), int(number[8:10])
            invoice_date = date(year, month, 1)
            vals_list.append(
                {
                    "move_type": "out_invoice",
                    "name": number,
                    "partner_id": partners[key].id,
                    "invoice_date": invoice_date,
                    # Without terms Odoo makes them due the day they are
                    # created: none would ever be late.
                    "invoice_date_due": invoice_date + PAYMENT_DAYS,
                    "currency_id": currency.id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": self.env._(
                                    "Sandbox order %(number)s", number=number
                                ),
                                "price_unit": float(amount),
                                "quantity": 1,
                                "tax_ids": [],
                            }
                        )
                    ],
                }
            )
        invoices = self.env["account.move"].create(vals_list)
        invoices.action_post()
        return invoices

    def _partner(self, name, iban):
        Partner = self.env["res.partner"]
        if iban:
            bank_account = self.env["res.partner.bank"].search(
                [("acc_number", "=", iban)], limit=1
            )
            if bank_account:
                return bank_account.partner_id.commercial_partner_id
        partner = Partner.search(
            [("name", "=", name), ("is_company", "=", True)], limit=1
        )
        if not partner:
            partner = Partner.create(self._partner_values(name, iban))
        if iban:
            self.env["res.partner.bank"].create(
                {"acc_number": iban, "partner_id": partner.id}
            )
        return partner

    def _partner_values(self, name, iban):
        """A customer of the country of its account, a Polish one with its
        NIP (invented, with a right check digit, the same for the same name)."""
        values = {"name": name, "is_company": True}
        country = iban and self.env["res.country"].search(
            [("code", "=", iban[:2].upper())], limit=1
        )
        if country:
            values["country_id"] = country.id
        if country and country.code == "PL":
            values["vat"] = f"PL{random_nip(random.Random(name))}"
        return values

    @api.model
    def _demo_invoice_and_match(self, connection_id):
        """Demo data: a bank fee model, invoices for the embedded Sandbox
        Bank's customer payments, then Match Now on the connection's lines."""
        connection = self.env["bank.api.connection"].browse(connection_id)
        self._demo_fee_model(connection.company_id)
        accounts = connection.account_ids.filtered("journal_id")
        lines = self.env["account.bank.statement.line"].search(
            [
                ("journal_id", "in", accounts.journal_id.ids),
                ("is_reconciled", "=", False),
            ]
        )
        if not lines:
            return
        # Invoices for the payments the demo imported, not the whole year the
        # sandbox could tell of (they would all be overdue).
        self._create_invoices(
            embedded_sandbox(),
            accounts.mapped("resource_id"),
            date_from=min(lines.mapped("date")),
            skip_every=10,
            underpay_every=9,
            instalments=True,
        )
        self.env["bank.api.matcher"]._match_statement_lines(lines, trigger="manual")

    @api.model
    def _demo_fee_model(self, company):
        """A counterpart rule recognising the Sandbox Bank's fees."""
        Model = self.env["account.reconcile.model"].with_company(company)
        name = self.env._("Bank fees and commissions")
        if Model.search_count([("name", "=", name), ("company_id", "=", company.id)]):
            return
        account = self.env["account.account"].search(
            [("company_ids", "in", company.id), ("account_type", "=", "expense")],
            limit=1,
        )
        if not account:
            return
        Model.create(
            {
                "name": name,
                "rule_type": "writeoff_suggestion",
                "auto_reconcile": True,
                "sequence": 20,
                "bank_api_fee_codes": "PMNT-MDOP-CHRG, PMNT-CCRD-CHRG, NCHG, NCOM",
                "bank_api_fee_keywords": "prowizja\nopłata za prowadzenie rachunku"
                "\nopłata za kartę\nbank charges",
                "bank_api_fee_max_amount": 500,
                "line_ids": [
                    Command.create(
                        {
                            "account_id": account.id,
                            "amount_type": "percentage",
                            "amount_string": "100",
                            "label": name,
                        }
                    )
                ],
            }
        )
