# A provider's plug-in is a class of its own, in its own file, as a provider
# add-on's would be: not merged with the other extensions of the connection.
# pylint: disable=consider-merging-classes-inherited
from odoo import fields, models


class BankApiConnection(models.Model):
    """Berlin Group NextGenPSD2, the open standard most EU banks implement,
    plugged in like any provider."""

    _inherit = "bank.api.connection"

    provider = fields.Selection(
        selection_add=[("berlin_group", "Berlin Group NextGenPSD2")],
        ondelete={"berlin_group": "cascade"},
    )
    berlin_group_client_credentials = fields.Boolean(
        string="OAuth2 Client Credentials",
        default=True,
        help="The bank gives an access token for the client ID and secret "
        "before anything else. Untick for a bank without that step, which "
        "knows you by your certificate alone.",
    )
    berlin_group_tpp_ip_address = fields.Char(
        string="Server IP Address",
        help="The public IPv4 address Odoo calls the bank from. The Berlin "
        "Group standard asks for an address when a consent is created without "
        "you present; empty: the server's own address towards the bank.",
    )

    def _provider_options(self):
        if self.provider != "berlin_group":
            return super()._provider_options()
        return {
            "client_credentials": self.berlin_group_client_credentials,
            "tpp_ip_address": self.berlin_group_tpp_ip_address or None,
        }
