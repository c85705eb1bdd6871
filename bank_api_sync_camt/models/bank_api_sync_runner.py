from odoo import api, models


class BankApiSyncRunner(models.AbstractModel):
    _inherit = "bank.api.sync.runner"

    @api.model
    def _fetch_account_transactions(self, connection, client, account, window):
        """In camt delivery, the account's window comes as camt.053 documents
        from the bank and is mapped like imported camt files; movements the
        journal already holds from the JSON format are left out, as for
        MT940."""
        if connection.statement_format != "camt":
            return super()._fetch_account_transactions(
                connection, client, account, window
            )
        documents = client.get_camt_statements(
            account._core_account(), window[0], window[1]
        )
        transactions, balances = self.env[
            "bank.api.mt940.importer"
        ]._camt_api_transactions(account, documents)
        return self._without_other_format_lines(account, transactions, True), balances
