import os
from datetime import UTC, time, timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import config

from ..core import errors as core_errors
from ..core.budget import CallBudget
from ..core.crypto import SecretBox
from ..core.matching.texts import _lt
from ..core.model import Tokens
from ..core.providers import ConnectionSettings
from ..core.providers import registry as provider_registry
from .core_texts import post_text

ENCRYPTION_KEY_OPTION = "bank_api_sync_encryption_key"
ENCRYPTION_KEY_ENV = "BANK_API_SYNC_ENCRYPTION_KEY"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# What each kind of action needs (security/bank_api_sync_groups.xml): reading
# bank data, running syncs, managing connections and their credentials.
ACCESS_GROUPS = {
    "read": "bank_api_sync.group_bank_data_read",
    "sync": "bank_api_sync.group_bank_data_sync",
    "manage": "bank_api_sync.group_bank_connection_manage",
}


def _aware(moment):
    """Odoo stores naive UTC datetimes; the core speaks aware ones."""
    return moment.replace(tzinfo=UTC) if moment else None


class BankApiConnection(models.Model):
    """A company's link to one bank API (or aggregator) and its accounts.

    Providers plug in as Odoo's payment providers do: an add-on (or a model
    file of this one, for the open standards) adds its code to ``provider``
    with ``selection_add``, registers its core client under that code, adds
    its own ``<code>_*`` fields on a form page of its own, and overrides the
    hooks below, each override opening with
    ``if self.provider != "<code>": return super()...``:

    * ``_provider_options()``: its settings for its client (``OPTIONS``);
    * ``_resolved_base_url()``: the API root when it is not ``base_url``.

    Nothing here names a provider; what a client can do is asked of its
    class (``_client_class()``), e.g. the statement formats it delivers.
    """

    _name = "bank.api.connection"
    _description = "Bank API Connection"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "company_id, name"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    provider = fields.Selection(
        selection=[],
        required=True,
        tracking=True,
        help="The bank API (or aggregator) this connection talks to.",
    )
    environment = fields.Selection(
        selection=[("sandbox", "Sandbox"), ("production", "Production")],
        required=True,
        default="sandbox",
        tracking=True,
        help="Sandbox connections never touch real money; switch to "
        "production once the pilot sync looks right.",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        index=True,
    )
    state = fields.Selection(
        selection=[
            ("draft", "Draft"),
            ("connected", "Connected"),
            ("consent_expiring", "Consent Expiring"),
            ("expired", "Expired"),
            ("error", "Error"),
        ],
        required=True,
        default="draft",
        readonly=True,
        copy=False,
        tracking=True,
    )
    state_message = fields.Text(
        readonly=True, copy=False, help="Why the connection is in error or expired."
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        help="Receives the activities when a sync fails or a consent "
        "is about to expire.",
    )

    # -- Where and who: the provider's endpoint and our client identity --
    base_url = fields.Char(string="API URL", help="The bank's API root.")
    client_id = fields.Char(string="Client ID", copy=False)
    # Write-only in the UI: reads always come back empty.
    client_secret = fields.Char(
        compute="_compute_secret_inputs",
        inverse="_inverse_client_secret",
        groups="bank_api_sync.group_bank_connection_manage",
        help="Stored encrypted; it is never shown again once saved.",
    )
    has_client_secret = fields.Boolean(compute="_compute_has_client_secret")
    # Ciphertexts: only the system group may even read them.
    client_secret_encrypted = fields.Char(groups="base.group_system", copy=False)
    access_token_encrypted = fields.Char(groups="base.group_system", copy=False)
    refresh_token_encrypted = fields.Char(groups="base.group_system", copy=False)
    token_expires_at = fields.Datetime(groups="base.group_system", copy=False)

    # -- Consent (PSD2 account-information access) --
    consent_id = fields.Char(readonly=True, copy=False)
    consent_status = fields.Char(readonly=True, copy=False)
    consent_valid_until = fields.Date(readonly=True, copy=False, tracking=True)
    consent_days = fields.Integer(
        default=90,
        help="How long a new consent is asked for (PSD2: re-authentication "
        "every 90 days, 180 for access through a third party).",
    )
    consent_reminder_days = fields.Integer(
        default=7, help="Remind the responsible user this many days before expiry."
    )
    frequency_per_day = fields.Integer(
        default=4,
        help="Unattended accesses a day the consent allows (PSD2: 4 unless the "
        "bank agrees to more). Manual syncs, with you present, do not count.",
    )

    # -- Scheduling and limits --
    sync_interval_hours = fields.Float(
        default=6.0, help="Minimum time between two scheduled syncs."
    )
    next_sync_at = fields.Datetime(copy=False, readonly=True)
    last_sync_at = fields.Datetime(copy=False, readonly=True)
    last_success_at = fields.Datetime(copy=False, readonly=True)
    sync_requested_by_id = fields.Many2one(
        "res.users",
        string="Sync Requested By",
        copy=False,
        readonly=True,
        help="Who asked for a sync in the background that the scheduled action "
        "has not started yet: they are told its progress and outcome.",
    )
    sync_requested_at = fields.Datetime(copy=False, readonly=True)
    # A long period asked for (Sync a Period) that the background run fetches
    # instead of the usual window.
    sync_requested_from = fields.Date(copy=False, readonly=True)
    sync_requested_to = fields.Date(copy=False, readonly=True)
    initial_history_days = fields.Integer(
        default=90, help="How far back the first sync reaches."
    )
    max_history_days = fields.Integer(
        default=90, help="The oldest day (counted back from today) the bank serves."
    )
    overlap_days = fields.Integer(
        default=3,
        help="Each sync re-reads this many days before the last one: banks book "
        "some movements with an earlier date. Nothing is imported twice.",
    )
    daily_call_limit = fields.Integer(
        default=200,
        help="Unattended API calls allowed per day (0: no limit). Calls made "
        "while you are present (Sync Now) do not count.",
    )
    min_call_interval = fields.Float(
        default=0.0, help="Minimum seconds between two calls to the bank."
    )
    quota_used_today = fields.Integer(readonly=True, copy=False)
    quota_day = fields.Date(readonly=True, copy=False)
    last_call_at = fields.Datetime(readonly=True, copy=False)
    maintenance_windows = fields.Char(
        help="The bank's scheduled maintenance, in UTC, separated by semicolons: "
        "'sun 01:00-04:00; mon 00:00-00:30'. No call is made during a window; "
        "the sync runs right after it.",
    )

    # -- Cost of use --
    price_per_call = fields.Monetary(
        currency_field="cost_currency_id",
        help="What the bank or aggregator bills per API call.",
    )
    price_per_transaction = fields.Monetary(
        currency_field="cost_currency_id",
        help="What the bank or aggregator bills per transaction fetched.",
    )
    cost_currency_id = fields.Many2one(related="company_id.currency_id")

    account_ids = fields.One2many(
        "bank.api.account", "connection_id", string="Bank Accounts"
    )
    log_ids = fields.One2many("bank.api.sync.log", "connection_id", string="Sync Logs")
    rejected_transaction_ids = fields.One2many(
        "bank.api.rejected.transaction",
        "connection_id",
        string="Transactions Kept Aside",
    )
    rejected_transaction_count = fields.Integer(
        string="Kept Aside", compute="_compute_rejected_transaction_count"
    )
    log_count = fields.Integer(compute="_compute_log_count")
    balance_mismatch = fields.Boolean(
        compute="_compute_balance_mismatch",
        search="_search_balance_mismatch",
        help="The bank's closing balance differs from Odoo's for an account.",
    )

    _sql_constraints = [
        (
            "name_company_uniq",
            "unique(name, company_id)",
            "A bank connection with this name already exists in this company.",
        ),
    ]

    @api.depends("name", "environment")
    def _compute_display_name(self):
        for connection in self:
            connection.display_name = (
                self.env._("%(name)s (Sandbox)", name=connection.name)
                if connection.environment == "sandbox"
                else connection.name
            )

    def _compute_secret_inputs(self):
        self.client_secret = False

    def _inverse_client_secret(self):
        box = self._secret_box()
        for connection in self.filtered("client_secret"):
            connection.sudo().client_secret_encrypted = box.encrypt(
                connection.client_secret
            )
        # Write-only: the plain value must not linger in the cache either.
        self.invalidate_recordset(["client_secret"])

    def _compute_has_client_secret(self):
        for connection, connection_sudo in zip(self, self.sudo(), strict=True):
            connection.has_client_secret = bool(connection_sudo.client_secret_encrypted)

    def _compute_log_count(self):
        counts = dict(
            self.env["bank.api.sync.log"]._read_group(
                [("connection_id", "in", self.ids)], ["connection_id"], ["__count"]
            )
        )
        for connection in self:
            connection.log_count = counts.get(connection, 0)

    @api.depends("account_ids.balance_mismatch")
    def _compute_balance_mismatch(self):
        for connection in self:
            connection.balance_mismatch = any(
                connection.account_ids.mapped("balance_mismatch")
            )

    def _search_balance_mismatch(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Operation not supported"))
        mismatching = self.env["bank.api.account"].search(
            [("balance_mismatch", "=", True)]
        )
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", mismatching.connection_id.ids)]

    @api.constrains("maintenance_windows")
    def _check_maintenance_windows(self):
        for connection in self:
            connection._parse_maintenance_windows()

    # -------------------------------------------------------------------------
    # Actions
    # -------------------------------------------------------------------------

    def action_connect(self):
        """Authenticate, ask for a consent and list the accounts it covers."""
        self.ensure_one()
        self._check_user_access("manage")
        client = self._build_client(user_present=True)
        try:
            # No token first: each client gets the one its consent step needs
            # (none for PolishAPI's authorize, whose tokens come after it).
            valid_until = fields.Date.context_today(self) + timedelta(
                days=max(self.consent_days - 1, 1)
            )
            state = self.env["bank.api.consent.authorization"]._start(self)
            consent = client.start_authorization(
                self._consent_return_url(), state, valid_until, self.frequency_per_day
            )
            if consent.status != "valid":
                self._save_client_state(client)
                if consent.sca_redirect:
                    return self._open_bank_consent_page(consent, state)
                self._store_consent(consent)
                raise UserError(
                    self.env._(
                        "The bank has not confirmed the consent yet (status: "
                        "%(status)s). Confirm it at the bank, then click Check "
                        "Consent.",
                        status=consent.status,
                    )
                )
            self._store_consent(consent)
            client.settings.consent_id = consent.consent_id
            self._sync_accounts(client.list_accounts())
        except core_errors.BankApiError as error:
            self._save_client_state(client)
            raise UserError(self._describe_error(error)) from None
        self._save_client_state(client)
        self.write({"state": "connected", "state_message": False})
        self._record_consent_event("consent_granted")
        post_text(
            self,
            _lt(
                "Connected: consent valid until %(date)s, %(count)s account(s).",
                date=self.consent_valid_until,
                count=len(self.account_ids),
            ),
        )
        return True

    def action_check_consent(self):
        """After the bank's consent page: is the consent valid now?"""
        self.ensure_one()
        self._check_user_access("manage")
        client = self._build_client(user_present=True)
        try:
            consent = client.get_consent()
            self._store_consent(consent)
            if consent.status == "valid":
                self._sync_accounts(client.list_accounts())
        except core_errors.BankApiError as error:
            self._save_client_state(client)
            raise UserError(self._describe_error(error)) from None
        self._save_client_state(client)
        if consent.status == "valid":
            self.write({"state": "connected", "state_message": False})
            self.activity_unlink(["bank_api_sync.mail_activity_type_consent_renewal"])
        return True

    def action_renew_consent(self):
        """Ask for a fresh consent (renewal before or after expiry)."""
        return self.action_connect()

    def action_sync_now(self, date_from=None, date_to=None):
        """A sync started by a person: PSD2 user-present, no daily quota used.
        ``date_from``/``date_to``: a chosen period instead of the usual window.

        Bank Data: Sync users may start it; the sync then runs and keeps its
        books (logs, tokens, quota, statement lines) as the scheduler does, in
        transactions of its own, and the log records who started it.
        """
        self.ensure_one()
        self._check_user_access("sync")
        if not date_from and self._first_sync_pending() and self._sync_cron():
            # The first sync fetches the whole history: too long for a
            # request, it runs in the background with its progress shown.
            return self._start_background_sync(
                self.env._(
                    "This is the connection's first sync: it fetches %(days)s "
                    "days of history, so it runs in the background. You are "
                    "told how many accounts are done and, at the end, what it "
                    "imported and matched. Later syncs run at once.",
                    days=self.initial_history_days,
                )
            )
        return self.env["bank.api.sync.runner"]._sync_connection_apart(
            self,
            trigger="manual",
            psu=self._request_psu_context(),
            date_from=date_from,
            date_to=date_to,
            started_by=self.env.user,
        )

    def action_sync_in_background(self):
        """Hand the sync to the scheduled action at once: it commits a long
        first sync in parts, where a request would hit the worker's time
        limit and keep nothing. The person who asked is told its progress
        (accounts done) and its outcome by notifications. A second click
        while the sync waits or runs says so and queues nothing. An
        unattended access, like every scheduled run: it counts against the
        consent's daily allowance."""
        self.ensure_one()
        self._check_user_access("sync")
        if not self._sync_cron():
            raise UserError(
                self.env._(
                    "The scheduled action that syncs bank connections is not "
                    "active: ask an administrator to activate it (Settings > "
                    "Technical > Scheduled Actions), or use Sync Now."
                )
            )
        return self._start_background_sync()

    def _sync_cron(self):
        """The scheduled action that runs background syncs, when active."""
        cron = self.env.ref(
            "bank_api_sync.ir_cron_bank_api_sync", raise_if_not_found=False
        )
        return cron.sudo() if cron and cron.sudo().active else None

    def _first_sync_pending(self):
        """Whether the connection has never synced successfully: its first
        sync fetches the whole history (``initial_history_days``) of every
        account, the long one that runs in the background."""
        self.ensure_one()
        return (
            self.state in ("connected", "consent_expiring", "error")
            and not self.last_success_at
            and bool(self.env["bank.api.sync.runner"]._accounts_to_sync(self))
        )

    def _start_background_sync(self, message=None, period=None):
        """Queue a sync for the scheduled action, for the current user who
        is told its progress and outcome; returns the notification saying
        so (or that one is already under way). The caller checked access
        and that the scheduled action is active. ``period``: (date_from,
        date_to) to fetch instead of the usual window."""
        self.ensure_one()
        title = self.env._("Bank sync: %(name)s", name=self.name)
        if self._background_sync_under_way():
            return self._display_notification(
                title,
                self.env._(
                    "A sync of this connection is already under way: you are "
                    "told when it ends; nothing more was queued."
                ),
                "warning",
            )
        now = fields.Datetime.now()
        self.sudo().write(
            {
                "next_sync_at": now,
                "sync_requested_by_id": self.env.user.id,
                "sync_requested_at": now,
                "sync_requested_from": period[0] if period else False,
                "sync_requested_to": period[1] if period else False,
            }
        )
        self._sync_cron()._trigger()
        return self._display_notification(
            self.env._("Sync started: %(name)s", name=self.name),
            message
            or self.env._(
                "The sync runs in the background: you are told how many "
                "accounts are done and, at the end, what it imported and "
                "matched. Its Sync Log keeps the outcome."
            ),
            "info",
        )

    def _background_sync_under_way(self):
        """Whether a sync of the connection runs now (another session holds
        its lock) or was asked for and not started yet (a request older than
        a day is forgotten: the scheduler could not take it)."""
        self.ensure_one()
        requested_at = self.sudo().sync_requested_at
        if requested_at and requested_at > fields.Datetime.now() - timedelta(days=1):
            return True
        return self.env["bank.api.sync.runner"]._lock_held(self)

    def _display_notification(self, title, message, kind):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"title": title, "message": message, "type": kind},
        }

    @api.depends("rejected_transaction_ids.state")
    def _compute_rejected_transaction_count(self):
        for connection in self:
            connection.rejected_transaction_count = len(
                connection.rejected_transaction_ids.filtered(
                    lambda item: item.state == "new"
                )
            )

    def action_view_rejected_transactions(self):
        self.ensure_one()
        self._check_user_access()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "bank_api_sync.bank_api_rejected_transaction_action"
        )
        action["domain"] = [("connection_id", "=", self.id)]
        return action

    def action_view_logs(self):
        self.ensure_one()
        self._check_user_access()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "bank_api_sync.bank_api_sync_log_action"
        )
        action["domain"] = [("connection_id", "=", self.id)]
        action["context"] = {"default_connection_id": self.id}
        return action

    def action_disconnect(self):
        self._check_user_access("manage")
        for connection in self:
            connection._end_consent_at_provider()
        self.sudo().write(
            {
                "access_token_encrypted": False,
                "refresh_token_encrypted": False,
                "token_expires_at": False,
            }
        )
        self.write(
            {
                "state": "draft",
                "consent_id": False,
                "consent_status": False,
                "consent_valid_until": False,
                "next_sync_at": False,
            }
        )
        self._record_consent_event("consent_revoked")
        return True

    # -------------------------------------------------------------------------
    # Business methods
    # -------------------------------------------------------------------------

    def _end_consent_at_provider(self):
        """Disconnect's hook, before Odoo forgets the consent and tokens: a
        provider whose consent lives on at the provider until deleted (and
        counts there) overrides it to delete it. Returns whether it was
        ended there; the base leaves the consent to run out at the bank."""
        return False

    def _delete_consent_at_provider(self):
        """For the providers' ``_end_consent_at_provider``: the client's
        ``delete_consent()`` with the connection's consent. A refusal or an
        unreachable provider does not stop the disconnection: the chatter
        says the consent must be ended at the provider by hand."""
        self.ensure_one()
        if not self.consent_id:
            return False
        client = self._build_client(user_present=True)
        try:
            client.delete_consent()
        except core_errors.BankApiError as error:
            self._save_client_state(client)
            post_text(
                self,
                _lt(
                    "Disconnected in Odoo, but the provider did not end the "
                    "consent: end it in the provider's portal. %(detail)s",
                    detail=self._describe_error(error),
                ),
            )
            return False
        self._save_client_state(client)
        return True

    def _record_consent_event(self, event_type):
        """A consent given, renewed or given up is a security event (who let
        Odoo read which bank, and when), never with the consent's id."""
        self.env["bank.api.security.event"]._record_security_event(
            event_type,
            self,
            self.env._(
                "%(connection)s: consent valid until %(date)s.",
                connection=self.name,
                date=self.consent_valid_until or "-",
            ),
        )

    def _check_user_access(self, level="read"):
        """Before any bank call or write: the person may read the connection
        (its company is one of theirs) and is in the group the action needs
        (``level``: a key of ``ACCESS_GROUPS``). Public methods are called
        over RPC with any id, and what they do next runs as superuser."""
        self.check_access("read")
        self._check_company()
        self._check_access_level(level)

    @api.model
    def _check_access_level(self, level):
        """Refuse, naming the group needed, a person not in the Bank
        Connections group of ``level`` (read, sync, manage)."""
        if self.env.su or self.env.user.has_group(ACCESS_GROUPS[level]):
            return
        group = self.env.ref(ACCESS_GROUPS[level]).sudo()
        raise AccessError(
            self.env._(
                "This needs the group %(group)s (Settings > Users, Bank "
                "Connections); ask an administrator.",
                group=group.name,
            )
        )

    def _check_manager(self):
        """Connecting, consents and credentials: Bank Connections: Manage."""
        self._check_access_level("manage")

    @api.model
    def _secret_box(self):
        keys = config.get(ENCRYPTION_KEY_OPTION) or os.environ.get(ENCRYPTION_KEY_ENV)
        try:
            return SecretBox(keys)
        except core_errors.BankApiError as error:
            raise UserError(str(error)) from None

    def _decrypt(self, ciphertext):
        if not ciphertext:
            return None
        try:
            return self._secret_box().decrypt(ciphertext)
        except core_errors.BankApiError as error:
            raise UserError(str(error)) from None

    def _client_class(self):
        """The core client class of the connection's provider (ask it what
        the provider can do)."""
        self.ensure_one()
        return provider_registry.client_class(self.provider)

    def _provider_options(self):
        """The provider's own settings for its client (its ``OPTIONS``);
        each provider overrides this for its code."""
        self.ensure_one()
        return {}

    def _consent_return_url(self):
        """Where the bank sends the customer back after its consent page (the
        address to register at the bank): the route that completes it."""
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url")
        return f"{base.rstrip('/')}/bank_api_sync/consent/return"

    def _client_settings(self, user_present=False, psu=None):
        """The core's view of this connection, secrets decrypted (never logged)."""
        self.ensure_one()
        connection_sudo = self.sudo()
        psu = psu or {}
        tokens = Tokens(
            access_token=self._decrypt(connection_sudo.access_token_encrypted),
            refresh_token=self._decrypt(connection_sudo.refresh_token_encrypted),
            expires_at=_aware(connection_sudo.token_expires_at),
        )
        return ConnectionSettings(
            provider=self.provider,
            base_url=self._resolved_base_url(),
            client_id=self.client_id or "",
            client_secret=self._decrypt(connection_sudo.client_secret_encrypted) or "",
            consent_id=self.consent_id or None,
            tokens=tokens,
            psu_ip_address=psu.get("ip") or ("127.0.0.1" if user_present else None),
            psu_user_agent=psu.get("user_agent"),
            tpp_redirect_uri=self._consent_return_url(),
            max_history_days=self.max_history_days,
            maintenance_windows=self._parse_maintenance_windows(),
            options=self._provider_options(),
        )

    def _resolved_base_url(self):
        """The API root the client calls; a provider that knows its own
        (an aggregator's fixed URL, an embedded bank) overrides this."""
        if not self.base_url:
            raise UserError(
                self.env._("Set the API URL of connection %(name)s.", name=self.name)
            )
        return self.base_url

    def _call_budget(self):
        return CallBudget(
            daily_limit=self.daily_call_limit or None,
            min_interval=self.min_call_interval,
            used_today=self.quota_used_today,
            day=self.quota_day or None,
            last_call_at=_aware(self.last_call_at),
        )

    def _build_client(self, user_present=False, psu=None):
        return provider_registry.build_client(
            self._client_settings(user_present=user_present, psu=psu),
            self._call_budget(),
        )

    def _save_client_state(self, client, transactions=0):
        """Persist what a run changed: tokens (encrypted), budget, usage."""
        self.ensure_one()
        box = self._secret_box()
        tokens = client.tokens
        self.sudo().write(
            {
                "access_token_encrypted": tokens.access_token
                and box.encrypt(tokens.access_token),
                "refresh_token_encrypted": tokens.refresh_token
                and box.encrypt(tokens.refresh_token),
                "token_expires_at": tokens.expires_at
                and tokens.expires_at.replace(tzinfo=None),
            }
        )
        budget = client.budget
        self.write(
            {
                "quota_used_today": budget.used_today,
                "quota_day": budget.day,
                "last_call_at": budget.last_call_at
                and budget.last_call_at.replace(tzinfo=None),
            }
        )
        self.env["bank.api.usage"]._record_calls(self, client.calls, transactions)
        client.calls.clear()

    def _store_consent(self, consent):
        self.write(
            {
                "consent_id": consent.consent_id,
                "consent_status": consent.status,
                "consent_valid_until": consent.valid_until,
            }
        )

    def _sync_accounts(self, core_accounts):
        """Create or refresh the bank.api.account records of the consent."""
        self.ensure_one()
        existing = {account.resource_id: account for account in self.account_ids}
        for core_account in core_accounts:
            currency = (
                self.env["res.currency"]
                .with_context(active_test=False)
                .search([("name", "=", core_account.currency)], limit=1)
            )
            if currency and not currency.active:
                # A bank account in that currency: Odoo must be able to post it.
                currency.sudo().active = True
            values = {
                "iban": core_account.iban,
                "name": core_account.name or core_account.iban,
                "currency_id": currency.id,
            }
            if core_account.resource_id in existing:
                existing[core_account.resource_id].write(values)
            else:
                self.env["bank.api.account"].create(
                    {
                        **values,
                        "connection_id": self.id,
                        "resource_id": core_account.resource_id,
                    }
                )

    def _parse_maintenance_windows(self):
        """'sun 01:00-04:00; mon 00:00-00:30' → ((6, '01:00', '04:00'), ...)."""
        windows = []
        for part in (self.maintenance_windows or "").split(";"):
            part = part.strip().lower()
            if not part:
                continue
            try:
                day, hours = part.split()
                start, end = hours.split("-")
                for moment in (start, end):
                    time.fromisoformat(moment)
                windows.append((WEEKDAYS.index(day[:3]), start, end))
            except ValueError:
                raise UserError(
                    self.env._(
                        "Maintenance window %(window)r is not like 'sun 01:00-04:00'.",
                        window=part,
                    )
                ) from None
        return tuple(windows)

    def _request_psu_context(self):
        """The person's IP address and browser, for PSD2 user-present calls."""
        from odoo.http import request

        if not request:
            return {"ip": "127.0.0.1", "user_agent": "Odoo"}
        return {
            "ip": request.httprequest.remote_addr or "127.0.0.1",
            "user_agent": request.httprequest.user_agent.string or "Odoo",
        }

    def _describe_error(self, error):
        """A sentence for a person: what went wrong and what to do."""
        if isinstance(error, core_errors.ConsentError):
            return self.env._(
                "The bank no longer accepts the consent (%(status)s): renew it "
                "with Renew Consent. %(detail)s",
                status=error.status,
                detail=str(error),
            )
        if isinstance(error, core_errors.AuthenticationError):
            return self.env._(
                "The bank refused the credentials: check the client ID and "
                "secret. %(detail)s",
                detail=str(error),
            )
        if isinstance(error, core_errors.RetryableError):
            when = error.retry_at and fields.Datetime.to_string(
                error.retry_at.replace(tzinfo=None)
            )
            if when:
                return self.env._(
                    "The bank cannot be reached now; the next sync retries "
                    "automatically after %(when)s UTC. %(detail)s",
                    when=when,
                    detail=str(error),
                )
            return self.env._(
                "The bank cannot be reached now; the next sync retries "
                "automatically. %(detail)s",
                detail=str(error),
            )
        return str(error)

    @api.model
    def _cron_check_consents(self):
        """Daily: flag consents about to expire and remind the responsible user."""
        today = fields.Date.context_today(self)
        connections = self.search(
            [
                ("state", "in", ("connected", "consent_expiring", "error")),
                ("consent_valid_until", "!=", False),
            ]
        )
        for connection in connections:
            days_left = (connection.consent_valid_until - today).days
            if days_left > connection.consent_reminder_days:
                continue
            expired = days_left < 0
            connection.state = "expired" if expired else "consent_expiring"
            connection._remind_consent_renewal(expired)

    def _remind_consent_renewal(self, expired):
        activity_type = self.env.ref("bank_api_sync.mail_activity_type_consent_renewal")
        if self.activity_ids.filtered(lambda a: a.activity_type_id == activity_type):
            return
        self.activity_schedule(
            "bank_api_sync.mail_activity_type_consent_renewal",
            date_deadline=min(self.consent_valid_until, fields.Date.context_today(self))
            if expired
            else self.consent_valid_until,
            summary=self.env._("Renew the bank consent of %(name)s", name=self.name),
            note=self.env._(
                "The consent given to the bank expires on %(date)s; after that no "
                "statement arrives. Open the connection and click Renew Consent.",
                date=self.consent_valid_until,
            ),
            user_id=(self.user_id or self.env.user).id,
        )

    def _demo_connect_and_sync(self):
        """Demo data: connect, give each account a journal, sync once."""
        for connection in self:
            connection.action_connect()
            connection.account_ids.action_create_journal()
            self.env["bank.api.sync.runner"]._sync_connection(connection, "cron")
