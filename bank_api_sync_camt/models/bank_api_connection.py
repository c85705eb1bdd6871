from odoo import api, fields, models
from odoo.exceptions import ValidationError


class BankApiConnection(models.Model):
    _inherit = "bank.api.connection"

    statement_format = fields.Selection(
        selection_add=[("camt", "camt.053 (XML)")],
        ondelete={"camt": "set default"},
        help="How the bank's API delivers transactions. JSON: its own format, "
        "booked and pending transactions. MT940: the bank's MT940 statements, "
        "booked transactions only, read like imported MT940 files. camt.053: "
        "the bank's ISO 20022 statements (Berlin Group Accept: "
        "application/xml), booked transactions only, read like imported camt "
        "files.",
    )

    @api.constrains("statement_format", "provider")
    def _check_camt_statement_format(self):
        for connection in self:
            if connection.statement_format != "camt":
                continue
            if not connection.provider or "camt" not in (
                connection._client_class().statement_formats
            ):
                raise ValidationError(
                    self.env._(
                        "Connection %(name)s: its provider does not deliver "
                        "camt.053; keep the JSON statement format.",
                        name=connection.name,
                    )
                )
