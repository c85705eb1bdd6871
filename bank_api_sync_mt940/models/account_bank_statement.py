from odoo import api, fields, models


class AccountBankStatement(models.Model):
    _inherit = "account.bank.statement"

    mt940_key = fields.Char(
        string="MT940 Statement Key",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Account, statement number, opening date and balance of the MT940 "
        "statement this statement holds: a file imported again, or a later file "
        "repeating the statement, adds to this statement instead of another one.",
    )
    mt940_statement_number = fields.Integer(
        string="MT940 Statement No.", readonly=True, copy=False
    )
    mt940_account = fields.Char(string="MT940 Account", readonly=True, copy=False)
    mt940_opening_date = fields.Date(
        string="MT940 Opening Date", readonly=True, copy=False
    )
    mt940_closing_date = fields.Date(
        string="MT940 Closing Date", readonly=True, copy=False
    )

    _sql_constraints = [
        (
            "mt940_key_journal_uniq",
            "unique(journal_id, mt940_key)",
            "This MT940 statement already has a statement in this journal.",
        ),
    ]

    @api.model
    def _mt940_statement(self, journal, values):
        """The journal's statement for the MT940 statement ``values`` (see
        ``bank.api.mt940.importer._statement_values``), created when missing;
        a statement sent again with another closing balance takes the new one."""
        statement = self.search(
            [("journal_id", "=", journal.id), ("mt940_key", "=", values["mt940_key"])],
            limit=1,
        )
        if not statement:
            return self.create({**values, "journal_id": journal.id})
        updates = {
            name: values[name]
            for name in ("balance_end_real", "mt940_closing_date")
            if statement[name] != values[name]
        }
        if updates:
            statement.write(updates)
        return statement
