from datetime import date

from cryptography.hazmat.primitives import serialization

from odoo import api, fields, models

from ..core.standins import embedded_enablebanking, embedded_gocardless


class BankApiConnection(models.Model):
    """An aggregator connection may talk to the stand-in this Odoo process
    serves (the demo's, and anyone's trying the add-ons without an account)."""

    _inherit = "bank.api.connection"

    aggregator_standin = fields.Boolean(
        string="Served by This Odoo (Stand-in)",
        help="Without an API URL, talk to the aggregator's stand-in that this "
        "Odoo serves itself (its sandbox personality, with a few weeks of "
        "customers paying invoices), not the real aggregator.",
    )

    @api.model
    def _endpoint_fields(self):
        # Where the requests go: only Settings administrators change it.
        return super()._endpoint_fields() | {"aggregator_standin"}

    @api.model
    def _credential_host_fields(self):
        return super()._credential_host_fields() | {"aggregator_standin"}

    def _resolved_base_url(self):
        if (
            self.provider not in ("enablebanking", "gocardless")
            or not self.aggregator_standin
            or self.base_url
        ):
            return super()._resolved_base_url()
        # Its ledger ends the day the process first serves it.
        today = date.today()
        connection_sudo = self.sudo()
        if self.provider == "enablebanking":
            private_pem = self._decrypt(
                connection_sudo.enablebanking_private_key_encrypted
            )
            public_pem = ""
            if private_pem:
                public_pem = (
                    serialization.load_pem_private_key(
                        private_pem.encode(), password=None
                    )
                    .public_key()
                    .public_bytes(
                        serialization.Encoding.PEM,
                        serialization.PublicFormat.SubjectPublicKeyInfo,
                    )
                    .decode()
                )
            return embedded_enablebanking(public_pem, today).url
        secret_key = self._decrypt(connection_sudo.gocardless_secret_key_encrypted)
        return embedded_gocardless(
            (self.gocardless_secret_id or "").strip(), secret_key or "", today
        ).url
