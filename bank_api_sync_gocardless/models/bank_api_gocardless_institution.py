from odoo import fields, models


class BankApiGocardlessInstitution(models.Model):
    """A bank GoCardless reaches in a country, as its list (GET
    /institutions/?country=) gives it: the choices of a connection's bank
    picker, with the history and access days the bank allows."""

    _name = "bank.api.gocardless.institution"
    _description = "GoCardless Bank"
    _order = "country, name"

    name = fields.Char(required=True, readonly=True)
    institution_id = fields.Char(
        string="Institution ID",
        required=True,
        readonly=True,
        help="GoCardless's id of the bank (e.g. PKO_BPKOPLPW).",
    )
    country = fields.Char(required=True, readonly=True, size=2, index=True)
    bic = fields.Char(string="BIC", readonly=True)
    transaction_total_days = fields.Integer(
        string="History (days)",
        readonly=True,
        help="How many days of transactions back this bank serves (0: the bank "
        "did not say).",
    )
    max_access_valid_for_days = fields.Integer(
        string="Longest Access (days)",
        readonly=True,
        help="How long an access this bank allows before the customer must "
        "approve again (0: the bank did not say).",
    )

    _sql_constraints = [
        (
            "institution_country_uniq",
            "unique(institution_id, country)",
            "GoCardless lists a bank once per country.",
        ),
    ]

    def _compute_display_name(self):
        for institution in self:
            institution.display_name = f"{institution.name} ({institution.country})"

    def _store_list(self, country, core_institutions):
        """Create or refresh the banks of ``country`` from GoCardless's list."""
        existing = {
            institution.institution_id: institution
            for institution in self.search([("country", "=", country)])
        }
        for core in core_institutions:
            if core.countries and country not in core.countries:
                continue
            values = {
                "name": core.name,
                "institution_id": core.institution_id,
                "country": country,
                "bic": core.bic,
                "transaction_total_days": core.transaction_total_days or 0,
                "max_access_valid_for_days": core.max_access_valid_for_days or 0,
            }
            if core.institution_id in existing:
                existing[core.institution_id].write(values)
            else:
                self.create(values)
        return len(core_institutions)
