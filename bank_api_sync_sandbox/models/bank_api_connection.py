import os

from odoo import fields, models
from odoo.tools import config

from ..core.sandbox.embedded import embedded_sandbox_url


class BankApiConnection(models.Model):
    """The Sandbox Bank as a provider: a plug-in like any bank's, and the
    proof that one needs no edit of the base add-on."""

    _inherit = "bank.api.connection"

    provider = fields.Selection(
        selection_add=[("sandbox", "Sandbox Bank")],
        ondelete={"sandbox": "cascade"},
    )

    def _resolved_base_url(self):
        """Without an API URL, the Sandbox Bank this Odoo process runs itself
        (its consents and tokens kept in the data directory)."""
        if self.provider != "sandbox" or self.base_url:
            return super()._resolved_base_url()
        state_file = os.path.join(
            config["data_dir"], "bank_api_sync", "sandbox-bank.json"
        )
        return embedded_sandbox_url(state_file)
