from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..core.client import DEFAULT_BASE_URL, load_private_key
from ..core.siblings import errors as core_errors


class BankApiConnection(models.Model):
    """Enable Banking, a licensed PSD2 aggregator, plugged in as a provider:
    the application id and its RSA private key sign every request; the bank
    is picked from the aggregator's list for a country."""

    _inherit = "bank.api.connection"

    provider = fields.Selection(
        selection_add=[("enablebanking", "Enable Banking")],
        ondelete={"enablebanking": "cascade"},
    )
    enablebanking_application_id = fields.Char(
        string="Application ID",
        copy=False,
        help="The id of your application in the Enable Banking control panel "
        "(the name of its private key file, without .pem).",
    )
    # Write-only in the UI: reads always come back empty.
    enablebanking_private_key = fields.Text(
        string="Private Key",
        compute="_compute_enablebanking_private_key",
        inverse="_inverse_enablebanking_private_key",
        groups="account.group_account_manager",
        help="The application's RSA private key (PEM), stored encrypted; it is "
        "never shown again once saved.",
    )
    enablebanking_private_key_encrypted = fields.Char(
        groups="base.group_system", copy=False
    )
    enablebanking_has_private_key = fields.Boolean(
        string="Private Key Stored", compute="_compute_enablebanking_has_private_key"
    )
    enablebanking_country = fields.Char(
        string="Bank Country",
        size=2,
        default="PL",
        help="The bank's country (ISO 3166 code: PL, DE, FI, ...).",
    )
    enablebanking_aspsp_id = fields.Many2one(
        "bank.api.enablebanking.aspsp",
        string="Bank",
        domain="[('country', '=', enablebanking_country)]",
        help="Load Banks fills the list of the country's banks.",
    )
    enablebanking_maximum_consent_days = fields.Integer(
        related="enablebanking_aspsp_id.maximum_consent_days"
    )
    enablebanking_psu_type = fields.Selection(
        selection=[("business", "Business"), ("personal", "Personal")],
        string="Customer Type",
        default="business",
    )

    def _compute_enablebanking_private_key(self):
        self.enablebanking_private_key = False

    def _inverse_enablebanking_private_key(self):
        box = self._secret_box()
        for connection in self.filtered("enablebanking_private_key"):
            try:
                load_private_key(connection.enablebanking_private_key)
            except core_errors.AuthenticationError as error:
                raise UserError(str(error)) from None
            connection.sudo().enablebanking_private_key_encrypted = box.encrypt(
                connection.enablebanking_private_key.strip()
            )
        # Write-only: the plain value must not linger in the cache either.
        self.invalidate_recordset(["enablebanking_private_key"])

    def _compute_enablebanking_has_private_key(self):
        for connection, connection_sudo in zip(self, self.sudo(), strict=True):
            connection.enablebanking_has_private_key = bool(
                connection_sudo.enablebanking_private_key_encrypted
            )

    @api.constrains("consent_days", "enablebanking_aspsp_id")
    def _check_enablebanking_consent_days(self):
        for connection in self.filtered("enablebanking_aspsp_id"):
            longest = connection.enablebanking_aspsp_id.maximum_consent_days
            if longest and connection.consent_days > longest:
                raise ValidationError(
                    self.env._(
                        "%(bank)s allows a consent of at most %(days)s days; "
                        "ask for no more (Consent Days).",
                        bank=connection.enablebanking_aspsp_id.name,
                        days=longest,
                    )
                )

    @api.onchange("enablebanking_aspsp_id")
    def _onchange_enablebanking_aspsp_id(self):
        longest = self.enablebanking_aspsp_id.maximum_consent_days
        if longest:
            self.consent_days = longest

    def action_enablebanking_load_banks(self):
        """Fill the bank picker with the banks Enable Banking lists for the
        connection's country."""
        self.ensure_one()
        self._check_user_access("manage")
        country = (self.enablebanking_country or "").strip().upper()
        if len(country) != 2 or not country.isalpha():
            raise UserError(
                self.env._("Set the bank's country as a two-letter code (PL, DE).")
            )
        client = self._build_client(user_present=True)
        try:
            aspsps = client.list_aspsps(country)
        except core_errors.BankApiError as error:
            self._save_client_state(client)
            raise UserError(self._describe_error(error)) from None
        self._save_client_state(client)
        self.env["bank.api.enablebanking.aspsp"].sudo()._store_list(country, aspsps)
        return True

    def _sync_accounts(self, core_accounts):
        if self.provider == "enablebanking":
            self._enablebanking_follow_new_uids(core_accounts)
        return super()._sync_accounts(core_accounts)

    def _enablebanking_follow_new_uids(self, core_accounts):
        """Enable Banking gives an account a new uid in each session: after a
        renewal, the account known by its IBAN takes the new uid (its journal
        and history stay) instead of coming back as a second account."""
        accounts = self.with_context(active_test=False).account_ids
        known_uids = set(accounts.mapped("resource_id"))
        by_iban = {account.iban: account for account in accounts if account.iban}
        for core_account in core_accounts:
            account = by_iban.get(core_account.iban)
            if account and core_account.resource_id not in known_uids:
                account.resource_id = core_account.resource_id

    def _provider_options(self):
        if self.provider != "enablebanking":
            return super()._provider_options()
        return {
            "country": self.enablebanking_aspsp_id.country
            or (self.enablebanking_country or "").upper(),
            "aspsp_name": self.enablebanking_aspsp_id.name or "",
            "psu_type": self.enablebanking_psu_type or "business",
        }

    def _client_settings(self, user_present=False, psu=None):
        settings = super()._client_settings(user_present=user_present, psu=psu)
        if self.provider == "enablebanking":
            settings.client_id = self.enablebanking_application_id or ""
            settings.client_secret = (
                self._decrypt(self.sudo().enablebanking_private_key_encrypted) or ""
            )
        return settings

    def _resolved_base_url(self):
        if self.provider != "enablebanking" or self.base_url:
            return super()._resolved_base_url()
        return DEFAULT_BASE_URL

    def _end_consent_at_provider(self):
        """Disconnect closes the session at Enable Banking (DELETE
        /sessions/{id}): the bank's access ends there, not only in Odoo."""
        if self.provider != "enablebanking":
            return super()._end_consent_at_provider()
        return self._delete_consent_at_provider()
