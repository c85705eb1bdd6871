from odoo import api, fields, models
from odoo.exceptions import ValidationError


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
        "whose API answers in MT940 (a Berlin Group bank may).",
    )
    mt940_delivery_available = fields.Boolean(
        string="MT940 Delivery Available",
        compute="_compute_mt940_delivery_available",
        help="The provider's client can fetch statements as MT940.",
    )

    @api.depends("provider")
    def _compute_mt940_delivery_available(self):
        for connection in self:
            connection.mt940_delivery_available = bool(
                connection.provider
            ) and "mt940" in (connection._client_class().statement_formats)

    @api.constrains("statement_format", "provider")
    def _check_statement_format(self):
        for connection in self:
            if (
                connection.statement_format == "mt940"
                and not connection.mt940_delivery_available
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
