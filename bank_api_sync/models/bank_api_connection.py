from odoo import api, fields, models


class BankApiConnection(models.Model):
    """A company's link to one bank API (or aggregator) account set."""

    _name = "bank.api.connection"
    _description = "Bank API Connection"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "company_id, name"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    provider = fields.Selection(
        selection=[("sandbox", "Sandbox Bank")],
        required=True,
        default="sandbox",
        tracking=True,
        help="The bank API (or aggregator) this connection talks to.",
    )
    environment = fields.Selection(
        selection=[("sandbox", "Sandbox"), ("production", "Production")],
        required=True,
        default="sandbox",
        tracking=True,
        help="Sandbox connections never touch real money; switch to "
        "production once the pilot sync looks right.",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        index=True,
    )
    state = fields.Selection(
        selection=[
            ("draft", "Draft"),
            ("connected", "Connected"),
            ("consent_expiring", "Consent Expiring"),
            ("expired", "Expired"),
            ("error", "Error"),
        ],
        required=True,
        default="draft",
        readonly=True,
        copy=False,
        tracking=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        help="Receives the activities when a sync fails or a consent "
        "is about to expire.",
    )

    _sql_constraints = [
        (
            "name_company_uniq",
            "unique(name, company_id)",
            "A bank connection with this name already exists in this company.",
        ),
    ]

    @api.depends("name", "provider", "environment")
    def _compute_display_name(self):
        environments = dict(self._fields["environment"].selection)
        for connection in self:
            connection.display_name = (
                f"{connection.name} ({environments.get(connection.environment)})"
                if connection.environment == "sandbox"
                else connection.name
            )
