from odoo import api, models

from .lookup_memo import remembered


class AccountAnalyticDistributionModel(models.Model):
    _inherit = "account.analytic.distribution.model"

    @api.model
    def _get_distribution(self, vals):
        key = tuple(
            sorted(
                (name, tuple(value) if isinstance(value, list) else value)
                for name, value in vals.items()
            )
        )
        distribution = remembered(
            self.env,
            "analytic_distribution",
            key,
            lambda: super(AccountAnalyticDistributionModel, self)._get_distribution(
                vals
            ),
        )
        return dict(distribution)
