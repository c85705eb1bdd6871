from odoo import fields, models
from odoo.tools.misc import clean_context

MT940_ENCODINGS = [
    ("auto", "Detect"),
    ("utf-8", "UTF-8"),
    ("cp1250", "Windows-1250"),
    ("iso-8859-2", "ISO-8859-2"),
    ("cp852", "CP852 (DOS)"),
    ("iso-8859-15", "ISO-8859-15"),
]


class AccountJournal(models.Model):
    _inherit = "account.journal"

    mt940_encoding = fields.Selection(
        selection=MT940_ENCODINGS,
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
        return [*sources, ("mt940_import", self.env._("Statement File Import"))]

    def action_open_mt940_import(self):
        """The statement file import wizard for this bank journal."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Import Bank Statement Files"),
            "res_model": "bank.api.mt940.import",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_journal_id": self.id},
        }

    def create_document_from_attachment(self, attachment_ids):
        # Files dropped on a bank journal's dashboard card arrive here (Odoo
        # would make a journal entry of each): a journal fed by MT940 files
        # imports them as statements and shows the import's summary.
        journal = self or self.browse(self.env.context.get("default_journal_id"))
        if (
            len(journal) == 1
            and journal.type == "bank"
            and journal.bank_statements_source == "mt940_import"
        ):
            # The uploader's default_* keys (move type...) are for moves.
            env = self.env(context=clean_context(self.env.context))
            attachments = env["ir.attachment"].browse(attachment_ids)
            wizard = env["bank.api.mt940.import"].create(
                {
                    "journal_id": journal.id,
                    "attachment_ids": [fields.Command.set(attachments.ids)],
                }
            )
            return wizard.action_import()
        return super().create_document_from_attachment(attachment_ids)
