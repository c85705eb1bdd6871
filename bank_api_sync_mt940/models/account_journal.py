from odoo import fields, models


class AccountJournal(models.Model):
    _inherit = "account.journal"

    mt940_encoding = fields.Selection(
        selection=[
            ("auto", "Detect"),
            ("utf-8", "UTF-8"),
            ("cp1250", "Windows-1250"),
            ("iso-8859-2", "ISO-8859-2"),
            ("cp852", "CP852 (DOS)"),
            ("iso-8859-15", "ISO-8859-15"),
        ],
        string="MT940 Encoding",
        default="auto",
        required=True,
        help="Character set of the MT940 files this bank sends. Leave on "
        "Detect unless Polish or German letters come out wrong.",
    )

    def __get_bank_statements_available_sources(self):
        # The field's selection is bound to account's own function, which calls
        # this name-mangled method on the record: overriding it (in a class
        # named AccountJournal) is how a source is added.
        sources = super().__get_bank_statements_available_sources()
        return [*sources, ("mt940_import", self.env._("MT940 File Import"))]
