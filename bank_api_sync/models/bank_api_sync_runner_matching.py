import logging

from odoo import api, models

_logger = logging.getLogger(__name__)


class BankApiSyncRunner(models.AbstractModel):
    """Matching runs right after each account's import, in the same
    transaction: the invoices are paid the moment the statement arrives."""

    _inherit = "bank.api.sync.runner"

    @api.model
    def _after_account_import(self, account, result):
        super()._after_account_import(account, result)
        lines = result.lines
        if not lines:
            return
        try:
            # A matching failure must never cost the import: the lines stay,
            # unmatched, and Match Now can be run on them later.
            with self.env.cr.savepoint():
                self.env["bank.api.matcher"]._match_statement_lines(
                    lines, trigger="sync"
                )
        except Exception:
            _logger.exception(
                "Matching the new lines of bank account %s failed; they stay "
                "unmatched until Match Now",
                account.id,
            )
