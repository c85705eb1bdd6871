from datetime import date
from urllib.parse import parse_qsl, urlsplit

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from odoo import Command, api, models
from odoo.exceptions import UserError

from ..core.standins import (
    ENABLEBANKING_APPLICATION_ID,
    enablebanking_payments,
    gocardless_payments,
)

# The currency of the stand-ins' accounts.
STANDIN_CURRENCY = "PLN"
# The stand-in answers on the loopback at once; a bound all the same.
BANK_PAGE_TIMEOUT = 10


class BankApiAggregatorDemo(models.AbstractModel):
    """The demo's aggregator connections: the bank picked from the
    stand-in's list, connected through its bank page as a browser would,
    invoices for the payments its customers make, a sync that reconciles."""

    _name = "bank.api.aggregator.demo"
    _description = "Aggregator Stand-in Demo"

    @api.model
    def _demo_enablebanking_key(self, connection):
        """A fresh application key pair: the private half on the connection,
        the stand-in learns the public half from it."""
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        connection.write(
            {
                "enablebanking_application_id": ENABLEBANKING_APPLICATION_ID,
                "enablebanking_private_key": key.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                ).decode(),
            }
        )

    @api.model
    def _pick_bank(self, connection):
        """Load the country's banks from the stand-in and pick the first."""
        if connection.provider == "enablebanking":
            connection.action_enablebanking_load_banks()
            bank = self.env["bank.api.enablebanking.aspsp"].search(
                [("country", "=", connection.enablebanking_country)], limit=1
            )
            connection.write(
                {
                    "enablebanking_aspsp_id": bank.id,
                    "consent_days": min(
                        connection.consent_days, bank.maximum_consent_days or 90
                    ),
                }
            )
        else:
            connection.action_gocardless_load_banks()
            bank = self.env["bank.api.gocardless.institution"].search(
                [("country", "=", connection.gocardless_country)], limit=1
            )
            connection.gocardless_institution_id = bank
            connection._onchange_gocardless_institution_id()

    @api.model
    def _follow_bank_page(self, connection):
        """Connect: open the aggregator's bank page, approve, and come back
        to Odoo's consent return with what the page added to the address
        (what /bank_api_sync/consent/return does, in this process)."""
        action = connection.action_connect()
        answer = requests.get(
            action["url"],
            params={"decision": "approve"},
            allow_redirects=False,
            timeout=BANK_PAGE_TIMEOUT,
        )
        location = answer.headers.get("Location") or ""
        params = dict(parse_qsl(urlsplit(location).query))
        authorization_sudo, refused = self.env[
            "bank.api.consent.authorization"
        ]._redeem(params.pop("state", None))
        if refused:
            raise UserError(
                self.env._(
                    "The stand-in's bank page did not send back a valid "
                    "consent return (%(reason)s).",
                    reason=refused,
                )
            )
        return connection._complete_authorization(authorization_sudo, params)

    @api.model
    def _standin_payments(self, connection):
        today = date.today()
        if connection.provider == "enablebanking":
            return enablebanking_payments(today)
        return gocardless_payments(today)

    @api.model
    def _create_invoices(self, connection):
        """The posted invoices the stand-in's customers pay: same number,
        amount and customer (with the account they pay from)."""
        vals_list = []
        currency = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("name", "=", STANDIN_CURRENCY)], limit=1)
        )
        currency.active = True
        payments = self._standin_payments(connection)
        existing = set(
            self.env["account.move"]
            .search(
                [
                    ("name", "in", [p.invoice for p in payments if p.invoice]),
                    ("company_id", "=", connection.company_id.id),
                ]
            )
            .mapped("name")
        )
        for payment in payments:
            if not payment.invoice or payment.invoice in existing:
                continue
            partner = self.env["bank.api.sandbox.invoicer"]._partner(
                payment.name, payment.iban
            )
            invoice_date = date(payment.day.year, payment.day.month, 1)
            vals_list.append(
                {
                    "move_type": "out_invoice",
                    "name": payment.invoice,
                    "partner_id": partner.id,
                    "invoice_date": invoice_date,
                    "invoice_date_due": payment.day,
                    "company_id": connection.company_id.id,
                    "currency_id": currency.id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": self.env._(
                                    "Order %(number)s", number=payment.invoice
                                ),
                                "price_unit": float(payment.amount),
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

    @api.model
    def _demo_connect_sync_reconcile(self, connection_id):
        """Demo data: pick the bank, connect through the bank page, give the
        account a journal, invoice the customers, sync (the import matches
        the payments at once), then Match Now for whatever is left."""
        connection = self.env["bank.api.connection"].browse(connection_id)
        if connection.provider == "enablebanking" and not (
            connection.enablebanking_has_private_key
        ):
            self._demo_enablebanking_key(connection)
        self._pick_bank(connection)
        if not self._follow_bank_page(connection):
            raise UserError(connection.state_message or connection.name)
        connection.account_ids.filtered(
            lambda account: not account.journal_id
        ).action_create_journal()
        self._create_invoices(connection)
        log = self.env["bank.api.sync.runner"]._sync_connection(connection, "cron")
        lines = self.env["account.bank.statement.line"].search(
            [
                ("journal_id", "in", connection.account_ids.journal_id.ids),
                ("is_reconciled", "=", False),
            ]
        )
        self.env["bank.api.matcher"]._match_statement_lines(lines, trigger="manual")
        return log
