from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..core.client import DEFAULT_BASE_URL, MAX_ACCESS_DAYS, MAX_HISTORY_DAYS
from ..core.siblings import errors as core_errors

MAX_SECRET_LENGTH = 500
# Tokens bought with other secrets are not these secrets' tokens.
TOKENS_FORGOTTEN = {
    "access_token_encrypted": False,
    "refresh_token_encrypted": False,
    "token_expires_at": False,
}


class BankApiConnection(models.Model):
    """GoCardless Bank Account Data, a licensed PSD2 aggregator, plugged in
    as a provider: the secret id and key buy the tokens; the bank is picked
    from GoCardless's list for a country, with the history and access days
    that bank allows; the access is an end-user agreement and a requisition
    the customer approves at the bank."""

    _inherit = "bank.api.connection"

    provider = fields.Selection(
        selection_add=[("gocardless", "GoCardless Bank Account Data")],
        ondelete={"gocardless": "cascade"},
    )
    gocardless_secret_id = fields.Char(
        string="Secret ID",
        copy=False,
        tracking=True,
        help="The id of a user secret made in the GoCardless Bank Account Data "
        "portal (Developers > User secrets).",
    )
    # Write-only in the UI: reads always come back empty.
    gocardless_secret_key = fields.Char(
        string="Secret Key",
        compute="_compute_gocardless_secret_key",
        inverse="_inverse_gocardless_secret_key",
        groups="account.group_account_manager",
        help="The user secret's key, stored encrypted; it is never shown again "
        "once saved.",
    )
    gocardless_secret_key_encrypted = fields.Char(
        groups="base.group_system", copy=False
    )
    gocardless_has_secret_key = fields.Boolean(
        string="Secret Key Stored", compute="_compute_gocardless_has_secret_key"
    )
    gocardless_country = fields.Char(
        string="GoCardless Bank Country",
        size=2,
        default="PL",
        help="The bank's country (ISO 3166 code: PL, DE, FI, ...).",
    )
    gocardless_institution_id = fields.Many2one(
        "bank.api.gocardless.institution",
        string="GoCardless Bank",
        domain="[('country', '=', gocardless_country)]",
        help="Load Banks fills the list of the country's banks.",
    )
    gocardless_transaction_total_days = fields.Integer(
        related="gocardless_institution_id.transaction_total_days"
    )
    gocardless_max_access_valid_for_days = fields.Integer(
        related="gocardless_institution_id.max_access_valid_for_days"
    )
    gocardless_history_days = fields.Integer(
        string="History Days",
        default=90,
        help="Days of transactions back the agreement asks the bank for (at "
        "most what the bank serves).",
    )
    gocardless_access_days = fields.Integer(
        string="Access Days",
        default=90,
        help="Days the agreement gives access before the customer approves "
        "again at the bank (at most what the bank allows).",
    )
    gocardless_agreement_id = fields.Char(
        string="End-User Agreement", readonly=True, copy=False
    )
    gocardless_requisition_id = fields.Char(
        string="Requisition", related="consent_id", readonly=True
    )
    # The last reading of GoCardless's rate-limit headers.
    gocardless_rate_limit = fields.Integer(
        string="Requests Allowed", readonly=True, copy=False
    )
    gocardless_rate_remaining = fields.Integer(
        string="Requests Left", readonly=True, copy=False
    )
    gocardless_rate_reset_at = fields.Datetime(
        string="Requests Reset At", readonly=True, copy=False
    )
    gocardless_account_limit = fields.Integer(
        string="Account Accesses a Day",
        readonly=True,
        copy=False,
        help="Successful accesses a day the bank allows per account (GoCardless "
        "HTTP_X_RATELIMIT_ACCOUNT_SUCCESS_LIMIT).",
    )
    gocardless_account_remaining = fields.Integer(
        string="Account Accesses Left", readonly=True, copy=False
    )
    gocardless_account_reset_at = fields.Datetime(
        string="Account Accesses Reset At", readonly=True, copy=False
    )

    @api.model
    def _endpoint_fields(self):
        """The secret id names whose credentials these are: Settings
        administrators change it, as the client id."""
        return super()._endpoint_fields() | {"gocardless_secret_id"}

    def write(self, vals):
        if "gocardless_secret_id" in vals:
            changed = self.filtered(
                lambda c: (c.gocardless_secret_id or "")
                != (vals["gocardless_secret_id"] or "")
            )
            changed.sudo().write(TOKENS_FORGOTTEN)
        return super().write(vals)

    def _compute_gocardless_secret_key(self):
        self.gocardless_secret_key = False

    def _inverse_gocardless_secret_key(self):
        box = self._secret_box()
        for connection in self.filtered("gocardless_secret_key"):
            key = connection.gocardless_secret_key.strip()
            if len(key) > MAX_SECRET_LENGTH or any(c.isspace() for c in key):
                raise UserError(
                    self.env._(
                        "The GoCardless secret key is one word of at most "
                        "%(length)s characters; paste the key of the user secret.",
                        length=MAX_SECRET_LENGTH,
                    )
                )
            connection.sudo().write(
                {
                    "gocardless_secret_key_encrypted": box.encrypt(key),
                    **TOKENS_FORGOTTEN,
                }
            )
        # Write-only: the plain value must not linger in the cache either.
        self.invalidate_recordset(["gocardless_secret_key"])

    def _compute_gocardless_has_secret_key(self):
        for connection, connection_sudo in zip(self, self.sudo(), strict=True):
            connection.gocardless_has_secret_key = bool(
                connection_sudo.gocardless_secret_key_encrypted
            )

    @api.constrains(
        "gocardless_history_days", "gocardless_access_days", "gocardless_institution_id"
    )
    def _check_gocardless_days(self):
        for connection in self.filtered(lambda c: c.provider == "gocardless"):
            bank = connection.gocardless_institution_id
            longest_history = min(
                bank.transaction_total_days or MAX_HISTORY_DAYS, MAX_HISTORY_DAYS
            )
            longest_access = min(
                bank.max_access_valid_for_days or MAX_ACCESS_DAYS, MAX_ACCESS_DAYS
            )
            if not 1 <= connection.gocardless_history_days <= longest_history:
                raise ValidationError(
                    self.env._(
                        "%(bank)s serves at most %(days)s days of history; ask "
                        "for 1 to %(days)s (History Days).",
                        bank=bank.name or "GoCardless",
                        days=longest_history,
                    )
                )
            if not 1 <= connection.gocardless_access_days <= longest_access:
                raise ValidationError(
                    self.env._(
                        "%(bank)s allows an access of at most %(days)s days; ask "
                        "for 1 to %(days)s (Access Days).",
                        bank=bank.name or "GoCardless",
                        days=longest_access,
                    )
                )

    @api.onchange("gocardless_institution_id")
    def _onchange_gocardless_institution_id(self):
        bank = self.gocardless_institution_id
        if bank.transaction_total_days:
            self.gocardless_history_days = min(
                bank.transaction_total_days, MAX_HISTORY_DAYS
            )
        if bank.max_access_valid_for_days:
            self.gocardless_access_days = min(
                bank.max_access_valid_for_days, MAX_ACCESS_DAYS
            )

    @api.onchange("gocardless_history_days", "gocardless_access_days")
    def _onchange_gocardless_days(self):
        """The base's history and consent days follow the agreement's."""
        if self.provider != "gocardless":
            return
        if self.gocardless_history_days:
            self.max_history_days = self.gocardless_history_days
            self.initial_history_days = min(
                self.initial_history_days, self.gocardless_history_days
            )
        if self.gocardless_access_days:
            self.consent_days = self.gocardless_access_days

    def action_gocardless_load_banks(self):
        """Fill the bank picker with the banks GoCardless lists for the
        connection's country."""
        self.ensure_one()
        self._check_user_access("manage")
        self._check_manager()
        country = (self.gocardless_country or "").strip().upper()
        if len(country) != 2 or not country.isalpha():
            raise UserError(
                self.env._("Set the bank's country as a two-letter code (PL, DE).")
            )
        client = self._build_client(user_present=True)
        try:
            institutions = client.list_institutions(country)
        except core_errors.BankApiError as error:
            self._save_client_state(client)
            raise UserError(self._describe_error(error)) from None
        self._save_client_state(client)
        self.env["bank.api.gocardless.institution"].sudo()._store_list(
            country, institutions
        )
        return True

    def _save_client_state(self, client, transactions=0):
        result = super()._save_client_state(client, transactions=transactions)
        if self.provider == "gocardless":
            self._gocardless_keep_reading(client)
        return result

    def _gocardless_keep_reading(self, client):
        """Keep what GoCardless told during the run: the agreement of the
        requisition, and its rate limits, the account accesses a day mapped
        onto the connection's unattended accesses a day."""
        values = {}
        if getattr(client, "agreement_id", None):
            values["gocardless_agreement_id"] = client.agreement_id
        limits = getattr(client, "rate_limits", None)
        if limits is not None:

            def naive(moment):
                return moment and moment.replace(tzinfo=None)

            values.update(
                {
                    "gocardless_rate_limit": limits.limit or 0,
                    "gocardless_rate_remaining": limits.remaining or 0,
                    "gocardless_rate_reset_at": naive(limits.reset_at),
                }
            )
            if limits.account_limit is not None:
                values.update(
                    {
                        "gocardless_account_limit": limits.account_limit,
                        "gocardless_account_remaining": limits.account_remaining or 0,
                        "gocardless_account_reset_at": naive(limits.account_reset_at),
                    }
                )
                if limits.account_limit:
                    # The bank's allowance is the consent's allowance.
                    values["frequency_per_day"] = limits.account_limit
        if values:
            self.sudo().write(values)

    def _sync_accounts(self, core_accounts):
        if self.provider == "gocardless":
            self._gocardless_follow_new_ids(core_accounts)
        return super()._sync_accounts(core_accounts)

    def _gocardless_follow_new_ids(self, core_accounts):
        """GoCardless gives an account a new id in each requisition: after a
        renewal, the account known by its IBAN takes the new id (its journal
        and history stay) instead of coming back as a second account."""
        accounts = self.with_context(active_test=False).account_ids
        known_ids = set(accounts.mapped("resource_id"))
        by_iban = {account.iban: account for account in accounts if account.iban}
        for core_account in core_accounts:
            account = by_iban.get(core_account.iban)
            if account and core_account.resource_id not in known_ids:
                account.resource_id = core_account.resource_id

    def _provider_options(self):
        if self.provider != "gocardless":
            return super()._provider_options()
        return {
            "institution_id": self.gocardless_institution_id.institution_id or "",
            "history_days": self.gocardless_history_days or 90,
            "access_days": self.gocardless_access_days or 90,
            "user_language": (self.env.lang or "en_US")[:2].upper(),
        }

    def _client_settings(self, user_present=False, psu=None):
        settings = super()._client_settings(user_present=user_present, psu=psu)
        if self.provider == "gocardless":
            settings.client_id = (self.gocardless_secret_id or "").strip()
            settings.client_secret = (
                self._decrypt(self.sudo().gocardless_secret_key_encrypted) or ""
            )
            # Nothing older than the agreement's history is asked for.
            if self.gocardless_history_days:
                settings.max_history_days = min(
                    settings.max_history_days, self.gocardless_history_days
                )
        return settings

    def _resolved_base_url(self):
        if self.provider != "gocardless" or self.base_url:
            return super()._resolved_base_url()
        return DEFAULT_BASE_URL

    def _end_consent_at_provider(self):
        """Disconnect deletes the requisition at GoCardless (DELETE
        /requisitions/{id}/): its accounts' access ends there too, and it no
        longer counts among the account's requisitions."""
        if self.provider != "gocardless":
            return super()._end_consent_at_provider()
        return self._delete_consent_at_provider()
