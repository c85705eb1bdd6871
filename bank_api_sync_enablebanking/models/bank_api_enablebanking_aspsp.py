from odoo import fields, models


class BankApiEnablebankingAspsp(models.Model):
    """A bank Enable Banking reaches, as its bank list (GET /aspsps) names
    it: the choices of a connection's bank picker."""

    _name = "bank.api.enablebanking.aspsp"
    _description = "Enable Banking Bank"
    _order = "country, name"

    name = fields.Char(required=True, readonly=True)
    country = fields.Char(required=True, readonly=True, size=2, index=True)
    bic = fields.Char(string="BIC", readonly=True)
    maximum_consent_days = fields.Integer(
        string="Longest Consent (days)",
        readonly=True,
        help="How long an access this bank allows before the customer must "
        "approve again (0: the bank did not say).",
    )
    psu_types = fields.Char(
        string="Customer Types", readonly=True, help="business, personal"
    )

    _sql_constraints = [
        (
            "name_country_uniq",
            "unique(name, country)",
            "Enable Banking lists a bank once per country.",
        ),
    ]

    def _compute_display_name(self):
        for aspsp in self:
            aspsp.display_name = f"{aspsp.name} ({aspsp.country})"

    def _store_list(self, country, core_aspsps):
        """Create or refresh the banks of ``country`` from the aggregator's list."""
        existing = {
            aspsp.name: aspsp for aspsp in self.search([("country", "=", country)])
        }
        for core in core_aspsps:
            values = {
                "name": core.name,
                "country": core.country,
                "bic": core.bic,
                "maximum_consent_days": core.maximum_consent_days or 0,
                "psu_types": ", ".join(core.psu_types),
            }
            if core.name in existing:
                existing[core.name].write(values)
            elif core.country == country:
                self.create(values)
        return len(core_aspsps)
