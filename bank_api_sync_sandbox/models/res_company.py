import logging

from odoo import api, models

from ..core.sandbox.ledger import COMPANY_NIP

_logger = logging.getLogger(__name__)

# The Sandbox Bank's customer: its accounts' owner, its NIP, in Warsaw.
POLISH_COMPANY = {
    "name": "Sandbox Trading Sp. z o.o.",
    "vat": f"PL{COMPANY_NIP}",
    "street": "ul. Marszałkowska 142",
    "zip": "00-061",
    "city": "Warszawa",
    "phone": "+48 22 123 45 67",
}
# Polish number format: a space between thousands, a decimal comma.
POLISH_NUMBERS = {"grouping": "[3,0]", "thousands_sep": " ", "decimal_point": ","}


class ResCompany(models.Model):
    _inherit = "res.company"

    @api.model
    def _bank_api_demo_make_polish(self, company_id=None):
        """Demo data: the demo company is a Polish company (Polish chart of
        accounts and PLN when it has no chart yet, NIP, Warsaw address) and
        Polish is installed, with its number format, for the demo users.
        A company that already keeps another chart is left as it is."""
        company = self.browse(company_id) if company_id else self.env.company
        poland = self.env.ref("base.pl")
        if not company.chart_template:
            company.country_id = poland
            self.env["account.chart.template"].try_loading("pl", company)
        if company.chart_template == "pl":
            company.write(
                {
                    key: value
                    for key, value in POLISH_COMPANY.items()
                    if key != "name" or company == self.env.ref("base.main_company")
                }
            )
        else:
            _logger.info(
                "Demo company %s keeps its chart %s",
                company.name,
                company.chart_template,
            )
        self._bank_api_demo_polish_language()

    @api.model
    def _bank_api_demo_polish_language(self):
        lang = self.env["res.lang"].with_context(active_test=False)._lang_get("pl_PL")
        if not lang.active:
            self.env["res.lang"]._activate_lang("pl_PL")
            installed = self.env["ir.module.module"].search(
                [("state", "=", "installed")]
            )
            installed._update_translations(["pl_PL"])
        lang.write(POLISH_NUMBERS)
        self.env.ref("base.user_demo").lang = "pl_PL"
