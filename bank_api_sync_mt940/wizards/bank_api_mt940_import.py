from odoo import api, fields, models

from ..models.account_journal import MT940_ENCODINGS


class BankApiMt940Import(models.TransientModel):
    """Upload statement files (MT940, and the formats other add-ons plug into
    the importer's registry; or zips of them) into a bank journal, then show
    what was imported."""

    _name = "bank.api.mt940.import"
    _description = "Import Bank Statement Files"

    def _default_journal_id(self):
        context = self.env.context
        if context.get("active_model") == "account.journal":
            ids = context.get("active_ids") or []
            if len(ids) == 1:
                return ids[0]
        return False

    state = fields.Selection(
        selection=[("upload", "Upload"), ("done", "Done")],
        default="upload",
        required=True,
    )
    journal_id = fields.Many2one(
        "account.journal",
        string="Journal",
        required=True,
        domain="[('type', '=', 'bank')]",
        default=_default_journal_id,
        help="The bank journal the statements are for. Statements of another "
        "account in the same files go to that account's journal when it is fed "
        "by statement files.",
    )
    company_id = fields.Many2one(related="journal_id.company_id")
    attachment_ids = fields.Many2many(
        "ir.attachment",
        string="Files",
        help="Statement files from your bank, or zip archives of them.",
    )
    formats_read = fields.Char(
        compute="_compute_formats_read",
        help="The statement file formats this import reads, with the file "
        "names each comes in; a file is told by its content.",
    )
    encoding = fields.Selection(
        selection=MT940_ENCODINGS,
        string="Character Set",
        compute="_compute_encoding",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        help="The character set of text statement files (the journal's MT940 "
        "Encoding); Detect reads the files to decide. XML files name their own.",
    )
    import_anyway = fields.Boolean(
        help="Import even when a statement does not follow on from the journal's "
        "last imported statement (a statement number or money missing in between). "
        "Tick it only once you know why.",
    )
    # The outcome, shown once imported.
    file_count = fields.Integer(string="Files Read", readonly=True)
    format_summary = fields.Char(string="Formats", readonly=True)
    statement_count = fields.Integer(string="Statements Read", readonly=True)
    line_count = fields.Integer(string="Lines Created", readonly=True)
    duplicate_count = fields.Integer(string="Duplicates Skipped", readonly=True)
    auto_count = fields.Integer(
        string="Reconciled Automatically",
        readonly=True,
        help="New lines the matching reconciled in the same run.",
    )
    review_count = fields.Integer(
        string="To Review",
        readonly=True,
        help="New lines waiting with proposals in Bank Lines to Review.",
    )
    no_proposal_count = fields.Integer(
        string="Without Proposal",
        readonly=True,
        help="New lines for which the matching found nothing.",
    )
    warnings = fields.Text(readonly=True)
    statement_ids = fields.Many2many(
        "account.bank.statement", string="Statements", readonly=True
    )
    line_ids = fields.Many2many(
        "account.bank.statement.line", string="Transactions", readonly=True
    )

    def _compute_formats_read(self):
        formats = self.env["bank.api.mt940.importer"]._statement_formats()
        text = "; ".join(
            f"{statement_format.name} ({', '.join(statement_format.extensions)})"
            for statement_format in formats
        )
        for wizard in self:
            wizard.formats_read = text

    @api.depends("journal_id")
    def _compute_encoding(self):
        for wizard in self:
            wizard.encoding = wizard.journal_id.mt940_encoding or "auto"

    def action_import(self):
        """Read and check the whole upload, import it, show the summary."""
        self.ensure_one()
        result = self.env["bank.api.mt940.importer"]._import_files(
            self.journal_id,
            self.attachment_ids,
            encoding=self.encoding,
            import_anyway=self.import_anyway,
        )
        matching = result.matching
        warnings = list(result.warnings)
        if matching["error"]:
            warnings.append(
                self.env._(
                    "The new lines could not be matched: run Match Now on the "
                    "journal's card."
                )
            )
        elif matching["would_auto"]:
            warnings.append(
                self.env._(
                    "Pilot mode: %(count)s would have been reconciled automatically.",
                    count=matching["would_auto"],
                )
            )
        self.write(
            {
                "state": "done",
                "auto_count": matching["auto"],
                "review_count": matching["proposed"],
                "no_proposal_count": matching["nothing"],
                "file_count": result.files,
                "format_summary": ", ".join(
                    self.env._("%(format)s: %(count)s", format=name, count=count)
                    for name, count in result.formats.items()
                )
                or False,
                "statement_count": result.statements_read,
                "line_count": len(result.lines),
                "duplicate_count": result.duplicates,
                "warnings": "\n".join(warnings) or False,
                "statement_ids": [fields.Command.set(result.statements.ids)],
                "line_ids": [fields.Command.set(result.lines.ids)],
            }
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Statement Import"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }

    def action_open_statements(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Imported Statements"),
            "res_model": "account.bank.statement",
            "view_mode": "list",
            "views": [(False, "list")],
            "domain": [("id", "in", self.statement_ids.ids)],
        }

    def action_open_lines(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Imported Transactions"),
            "res_model": "account.bank.statement.line",
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [("id", "in", self.line_ids.ids)],
            "context": {"create": False},
        }
