from odoo import api, fields, models
from odoo.exceptions import ValidationError

# Providers whose client can fetch MT940 (``get_mt940_statements``).
MT940_PROVIDERS = ("sandbox", "berlin_group")


class BankApiConnection(models.Model):
    _inherit = "bank.api.connection"

    statement_format = fields.Selection(
        selection=[("json", "JSON"), ("mt940", "MT940")],
        required=True,
        default="json",
        tracking=True,
        help="How the bank's API delivers transactions. JSON: its own format, "
        "booked and pending transactions. MT940: the bank's MT940 statements, "
        "booked transactions only, read like imported MT940 files; for banks "
        "whose Berlin Group API answers in MT940 (and the Sandbox Bank).",
    )

    @api.constrains("statement_format", "provider")
    def _check_statement_format(self):
        for connection in self:
            if (
                connection.statement_format == "mt940"
                and connection.provider not in MT940_PROVIDERS
            ):
                raise ValidationError(
                    self.env._(
                        "Connection %(name)s: %(provider)s does not deliver MT940; "
                        "keep the JSON statement format.",
                        name=connection.name,
                        provider=dict(
                            connection._fields["provider"]._description_selection(
                                self.env
                            )
                        ).get(connection.provider),
                    )
                )
