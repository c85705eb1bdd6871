from contextlib import contextmanager

from odoo import api, models

_MEMO = "bank_api_sync.analytic_distributions"


@contextmanager
def distributions_remembered(cr):
    """Within this block, the analytic distribution of given criteria is
    looked up once: a bulk reconciliation asks it for every item it writes,
    and the answers cannot change meanwhile."""
    if _MEMO in cr.cache:
        yield
        return
    cr.cache[_MEMO] = {}
    try:
        yield
    finally:
        cr.cache.pop(_MEMO, None)


class AccountAnalyticDistributionModel(models.Model):
    _inherit = "account.analytic.distribution.model"

    @api.model
    def _get_distribution(self, vals):
        memo = self.env.cr.cache.get(_MEMO)
        if memo is None:
            return super()._get_distribution(vals)
        key = (
            self.env.uid,
            tuple(self.env.companies.ids),
            tuple(
                sorted(
                    (name, tuple(value) if isinstance(value, list) else value)
                    for name, value in vals.items()
                )
            ),
        )
        if key not in memo:
            memo[key] = super()._get_distribution(vals)
        return dict(memo[key])
