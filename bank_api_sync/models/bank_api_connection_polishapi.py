# A provider's plug-in is a class of its own, in its own file, as a provider
# add-on's would be: not merged with the other extensions of the connection.
# pylint: disable=consider-merging-classes-inherited
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..core.providers.polishapi import DEFAULT_VERSION, VERSION_PATTERN, VERSIONS


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
    polishapi_version = fields.Selection(
        selection=[(code, f"PolishAPI {name}") for code, name in VERSIONS.items()]
        + [("other", "Other (as the bank names it)")],
        string="PolishAPI Version",
        default=DEFAULT_VERSION,
        help="The PolishAPI version the bank serves; it names the API paths "
        "(/v2_1_1.1/accounts/v2_1_1.1/getAccounts for 2.1.1). The listed "
        "versions are checked against their published specifications; Other: "
        "the path version the bank's documentation names, used as given.",
    )
    polishapi_version_other = fields.Char(
        string="Path Version",
        help="The version in the bank's API paths when it is none of the "
        "listed ones, as the bank's documentation writes it (for example v3_0).",
    )

    polishapi_bank_certificate = fields.Text(
        string="Bank Signing Certificate",
        help="The certificate (PEM) the bank signs its answers with, from its "
        "developer portal. Answers carrying X-JWS-SIGNATURE are verified with "
        "it; without it, with the certificate the signature carries (which "
        "proves the answer intact, not who sent it).",
    )

    @api.constrains("provider", "polishapi_version", "polishapi_version_other")
    def _check_polishapi_version(self):
        for connection in self:
            # Only a PolishAPI connection reads its path version (the
            # plug-in guard of STYLE rule 6, per record in a constraint).
            if connection.provider != "polishapi":
                continue
            if connection.polishapi_version != "other":
                continue
            version = (connection.polishapi_version_other or "").strip()
            if not VERSION_PATTERN.fullmatch(version) or ".." in version:
                raise ValidationError(
                    _(
                        "Connection %(name)s: the PolishAPI path version "
                        "%(version)r is not one (v followed by up to 20 letters, "
                        "digits, _ or ., as in v3_0); the bank's documentation "
                        "names it.",
                        name=connection.display_name,
                        version=version[:40],
                    )
                )

    def _polishapi_path_version(self):
        if self.polishapi_version == "other":
            return (self.polishapi_version_other or "").strip()
        return self.polishapi_version or DEFAULT_VERSION

    @api.model
    def _endpoint_fields(self):
        # Whom the answers are trusted from: Settings administrators decide.
        return super()._endpoint_fields() | {"polishapi_bank_certificate"}

    def _provider_options(self):
        if self.provider != "polishapi":
            return super()._provider_options()
        return {
            "tpp_id": self.polishapi_tpp_id or None,
            "version": self._polishapi_path_version(),
            "bank_certificate": self.polishapi_bank_certificate or None,
        }
