"""OCA's provider framework fed by the Sandbox Bank, for the benchmark only.

OCA's ``_pull`` cuts the period into statements (daily here) and asks the
provider for each one through ``_obtain_statement_data(since, until)``
(naive UTC datetimes, ``until`` exclusive), which returns ``(lines,
statement values)``. This provider answers from the Sandbox Bank over HTTP
with our core sandbox client, booked transactions of that day only, and maps
each one to the same statement line values our importer writes; OCA then
does the rest its own way (unique id per line, partner lookup by account
number, statement create with its lines).

``api_base`` is the bank's URL, ``username`` / ``password`` the OAuth2 client
credentials, ``origin`` the bank's account resource id.
"""

from datetime import datetime, time, timedelta

from odoo import api, models

from odoo.addons.bank_api_sync.core.budget import CallBudget
from odoo.addons.bank_api_sync.core.providers import ConnectionSettings, build_client

SERVICE = "bas_bench_sandbox"

# One authenticated client (token and consent) per bank, account and process:
# OCA asks once per statement day, a real provider would keep its session too.
_CLIENTS = {}


class OnlineBankStatementProvider(models.Model):
    _inherit = "online.bank.statement.provider"

    @api.model
    def _get_available_services(self):
        return [*super()._get_available_services(), (SERVICE, "Sandbox Bank (bench)")]

    def _obtain_statement_data(self, date_since, date_until):
        self.ensure_one()
        if self.service != SERVICE:
            return super()._obtain_statement_data(date_since, date_until)
        client, account = self._bas_bench_client()
        first_day = self._utc_to_provider_tz(date_since).date()
        last_day = (self._utc_to_provider_tz(date_until) - timedelta(seconds=1)).date()
        transactions = client.iter_transactions(
            account, first_day, last_day, status="booked"
        )
        currencies = {}
        return [self._bas_bench_line(txn, currencies) for txn in transactions], {}

    def _bas_bench_client(self):
        key = (self.api_base, self.username, self.origin)
        if key not in _CLIENTS:
            settings = ConnectionSettings(
                provider="sandbox",
                base_url=self.api_base,
                client_id=self.username,
                client_secret=self.password,
                # User present: PSD2's unattended daily allowance does not
                # apply, as for a manual pull.
                psu_ip_address="127.0.0.1",
            )
            client = build_client(settings, CallBudget())
            client.authenticate()
            consent = client.create_consent(
                datetime.now().date() + timedelta(days=30), 100
            )
            settings.consent_id = consent.consent_id
            account = next(
                account
                for account in client.list_accounts()
                if account.resource_id == self.origin
            )
            _CLIENTS[key] = (client, account)
        return _CLIENTS[key]

    def _bas_bench_line(self, txn, currencies):
        """The values our importer writes, in OCA's line format."""
        day = txn.booking_date or txn.value_date
        values = {
            # Noon of the bank's day in the provider's time zone, as naive UTC:
            # OCA files it under that day's statement.
            "date": self._provider_tz_to_utc(datetime.combine(day, time(12))),
            "amount": float(txn.amount),
            "payment_ref": txn.remittance or txn.proprietary_code or "/",
            "partner_name": txn.counterparty_name or False,
            "account_number": txn.counterparty_iban or False,
            "transaction_type": txn.bank_transaction_code
            or txn.proprietary_code
            or False,
            "unique_import_id": txn.transaction_id,
            "transaction_details": txn.raw or None,
        }
        if txn.original_currency and txn.original_amount:
            if txn.original_currency not in currencies:
                currencies[txn.original_currency] = (
                    self.env["res.currency"]
                    .with_context(active_test=False)
                    .search([("name", "=", txn.original_currency)], limit=1)
                    .id
                )
            values["foreign_currency_id"] = currencies[txn.original_currency]
            values["amount_currency"] = float(txn.original_amount)
        return values
