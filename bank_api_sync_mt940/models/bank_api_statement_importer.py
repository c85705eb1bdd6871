from odoo import api, models

STATEMENT_CONTEXT_KEY = "bank_api_mt940_statement"


class BankApiStatementImporter(models.AbstractModel):
    _inherit = "bank.api.statement.importer"

    @api.model
    def _statements_for_days(self, journal, days):
        # An MT940 file import puts the lines of one MT940 statement, whatever
        # their days, into one statement that keeps the file's number and
        # balances (see bank.api.mt940.importer); other feeds keep one
        # statement per day.
        values = self.env.context.get(STATEMENT_CONTEXT_KEY)
        if not values:
            return super()._statements_for_days(journal, days)
        if values.get("interim"):
            # MT942 movements wait, in no statement, for the end-of-day MT940
            # statement that confirms them (bank.api.mt940.importer).
            return dict.fromkeys(days, self.env["account.bank.statement"])
        statement = self.env["account.bank.statement"]._mt940_statement(journal, values)
        return dict.fromkeys(days, statement)
