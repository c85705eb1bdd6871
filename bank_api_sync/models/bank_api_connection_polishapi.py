# A provider's plug-in is a class of its own, in its own file, as a provider
# add-on's would be: not merged with the other extensions of the connection.
# pylint: disable=consider-merging-classes-inherited
from odoo import api, fields, models

from ..core.providers.polishapi import DEFAULT_VERSION


class BankApiConnection(models.Model):
    """PolishAPI, the Polish banks' open PSD2 standard, plugged in like any
    provider."""

    _inherit = "bank.api.connection"

    provider = fields.Selection(
        selection_add=[("polishapi", "PolishAPI")],
        ondelete={"polishapi": "cascade"},
    )
    polishapi_tpp_id = fields.Char(
        string="TPP ID",
        help="Your third-party provider identifier at the bank (empty: the "
        "client ID).",
    )
    polishapi_version = fields.Char(
        string="PolishAPI Version",
        default=DEFAULT_VERSION,
        help="The version in the bank's API paths (/v2_1_1.1/accounts/"
        "v2_1_1.1/getAccounts for PolishAPI 2.1.1); the bank's documentation "
        "names it.",
    )

    polishapi_bank_certificate = fields.Text(
        string="Bank Signing Certificate",
        help="The certificate (PEM) the bank signs its answers with, from its "
        "developer portal. Answers carrying X-JWS-SIGNATURE are verified with "
        "it; without it, with the certificate the signature carries (which "
        "proves the answer intact, not who sent it).",
    )

    @api.model
    def _endpoint_fields(self):
        # Whom the answers are trusted from: Settings administrators decide.
        return super()._endpoint_fields() | {"polishapi_bank_certificate"}

    def _provider_options(self):
        if self.provider != "polishapi":
            return super()._provider_options()
        return {
            "tpp_id": self.polishapi_tpp_id or None,
            "version": self.polishapi_version,
            "bank_certificate": self.polishapi_bank_certificate or None,
        }
