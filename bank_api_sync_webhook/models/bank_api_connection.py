import secrets
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.bank_api_sync.core.model import Balance

from ..core.events import (
    BALANCE_EVENT,
    TRANSACTION_EVENT,
    MalformedEventError,
    event_balances,
)
from ..core.standard_webhooks import (
    StandardWebhookVerifier,
    WebhookSecretError,
    WebhookVerificationError,
    decode_secret,
)

WEBHOOK_ROUTE = "/bank_api_sync/webhook"


class WebhookProcessingError(Exception):
    """Processing an event failed in a way a later try may not fix alone;
    ``permanent``: no retry can help (dead-letter it at once)."""

    def __init__(self, message, permanent=False):
        super().__init__(message)
        self.permanent = permanent


class BankApiConnection(models.Model):
    """Webhooks on a connection. Providers plug in with two hooks, each
    override opening with ``if self.provider != "<code>": return super()...``:

    * ``_webhook_verify(headers, body)``: prove the delivery comes from the
      bank (Standard Webhooks by default); returns its delivery id;
    * ``_webhook_process_event(event)``: act on a stored event.
    """

    _inherit = "bank.api.connection"

    webhook_enabled = fields.Boolean(
        string="Receive Webhooks",
        help="The bank pushes new transactions to Odoo; the scheduled sync "
        "still runs as a fallback in case a notification is lost.",
    )
    webhook_poll_interval_hours = fields.Float(
        string="Sync Interval While Webhooks Arrive",
        default=24.0,
        help="While the bank's webhooks arrive, the scheduled sync only needs "
        "to run this often, as a safety net (a value below the normal interval "
        "changes nothing).",
    )
    webhook_silence_hours = fields.Float(
        string="Alert After Silence (Hours)",
        # A weekend without a booking is no silence worth an alert.
        default=72.0,
        help="No webhook for this long: the scheduled sync goes back to its "
        "normal interval and the responsible user is told (0: never).",
    )
    webhook_enabled_at = fields.Datetime(readonly=True, copy=False)
    webhook_silent = fields.Boolean(
        readonly=True,
        copy=False,
        help="No webhook arrived within the silence period: the scheduled sync "
        "runs at its normal interval until one arrives.",
    )
    webhook_last_received_at = fields.Datetime(
        compute="_compute_webhook_last_received_at"
    )
    webhook_event_ids = fields.One2many(
        "bank.api.webhook.event",
        "connection_id",
        string="Webhook Events",
        groups="account.group_account_manager",
    )
    webhook_event_count = fields.Integer(
        compute="_compute_webhook_event_count",
        groups="account.group_account_manager",
    )
    # The route's secret part: it names the connection, it proves nothing
    # (the signature does).
    webhook_token = fields.Char(
        copy=False, index=True, readonly=True, groups="account.group_account_manager"
    )
    webhook_url = fields.Char(
        string="Webhook URL",
        compute="_compute_webhook_url",
        groups="account.group_account_manager",
        help="Give this address to the bank as the webhook endpoint.",
    )
    # Write-only in the UI: reads always come back empty.
    webhook_secret = fields.Char(
        compute="_compute_webhook_secret_input",
        inverse="_inverse_webhook_secret",
        groups="account.group_account_manager",
        help="The signing secret the bank gives (whsec_...). Stored encrypted; "
        "a new one keeps the previous one valid until you drop it.",
    )
    has_webhook_secret = fields.Boolean(compute="_compute_has_webhook_secret")
    has_webhook_previous_secret = fields.Boolean(compute="_compute_has_webhook_secret")
    webhook_secret_encrypted = fields.Char(groups="base.group_system", copy=False)
    webhook_previous_secret_encrypted = fields.Char(
        groups="base.group_system", copy=False
    )

    _sql_constraints = [
        ("webhook_token_uniq", "unique(webhook_token)", "Webhook tokens are unique."),
    ]

    def _compute_webhook_event_count(self):
        counts = dict(
            self.env["bank.api.webhook.event"]._read_group(
                [("connection_id", "in", self.ids)], ["connection_id"], ["__count"]
            )
        )
        for connection in self:
            connection.webhook_event_count = counts.get(connection, 0)

    def _compute_webhook_last_received_at(self):
        last = dict(
            self.env["bank.api.webhook.event"]
            .sudo()
            ._read_group(
                [("connection_id", "in", self.ids)],
                ["connection_id"],
                ["received_at:max"],
            )
        )
        for connection in self:
            connection.webhook_last_received_at = last.get(connection)

    @api.depends("webhook_token")
    def _compute_webhook_url(self):
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url")
        for connection in self:
            connection.webhook_url = (
                f"{base}{WEBHOOK_ROUTE}/{connection.webhook_token}"
                if connection.webhook_token
                else False
            )

    def _compute_webhook_secret_input(self):
        self.webhook_secret = False

    def _inverse_webhook_secret(self):
        box = self._secret_box()
        for connection in self.filtered("webhook_secret"):
            try:
                decode_secret(connection.webhook_secret)
            except WebhookSecretError as error:
                raise UserError(
                    self.env._(
                        "The webhook secret of %(name)s is refused: %(reason)s",
                        name=connection.name,
                        reason=str(error),
                    )
                ) from None
            connection_sudo = connection.sudo()
            connection_sudo.write(
                {
                    "webhook_previous_secret_encrypted": (
                        connection_sudo.webhook_secret_encrypted
                    ),
                    "webhook_secret_encrypted": box.encrypt(connection.webhook_secret),
                }
            )
        # Write-only: the plain value must not linger in the cache either.
        self.invalidate_recordset(["webhook_secret"])

    def _compute_has_webhook_secret(self):
        for connection, connection_sudo in zip(self, self.sudo(), strict=True):
            connection.has_webhook_secret = bool(
                connection_sudo.webhook_secret_encrypted
            )
            connection.has_webhook_previous_secret = bool(
                connection_sudo.webhook_previous_secret_encrypted
            )

    @api.model_create_multi
    def create(self, vals_list):
        connections = super().create(vals_list)
        enabled = connections.filtered("webhook_enabled")
        enabled.webhook_enabled_at = fields.Datetime.now()
        enabled._ensure_webhook_token()
        return connections

    def write(self, vals):
        if vals.get("webhook_enabled"):
            vals = {**vals, "webhook_enabled_at": fields.Datetime.now()}
        result = super().write(vals)
        if vals.get("webhook_enabled"):
            self._ensure_webhook_token()
        return result

    def action_regenerate_webhook_token(self):
        """A new address: the old one answers 404 from now on."""
        self.ensure_one()
        self._check_user_access("manage")
        self.sudo().webhook_token = self._new_webhook_token()
        return True

    def action_drop_previous_webhook_secret(self):
        """End a rotation: only the current secret verifies from now on."""
        self.ensure_one()
        self._check_user_access("manage")
        self.sudo().webhook_previous_secret_encrypted = False
        return True

    def action_view_webhook_events(self):
        self.ensure_one()
        self._check_user_access()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "bank_api_sync_webhook.bank_api_webhook_event_action"
        )
        action["domain"] = [("connection_id", "=", self.id)]
        return action

    @api.model
    def _cron_check_webhook_silence(self):
        """A connection whose webhooks went silent goes back to its normal
        sync interval and its responsible user is told; when they come back,
        the safety-net interval applies again."""
        now = fields.Datetime.now()
        connections = self.search(
            [("webhook_enabled", "=", True), ("webhook_silence_hours", ">", 0)]
        )
        for connection in connections:
            last = max(
                filter(
                    None,
                    [
                        connection.webhook_last_received_at,
                        connection.webhook_enabled_at,
                    ],
                ),
                default=None,
            )
            silent = not last or last < now - timedelta(
                hours=connection.webhook_silence_hours
            )
            if silent and not connection.webhook_silent:
                connection._webhook_fall_back_to_polling(last)
            elif not silent and connection.webhook_silent:
                connection.webhook_silent = False

    def _webhook_fall_back_to_polling(self, last):
        self.ensure_one()
        normal = (self.last_sync_at or fields.Datetime.now()) + timedelta(
            hours=self.sync_interval_hours
        )
        self.write(
            {
                "webhook_silent": True,
                "next_sync_at": min(filter(None, [self.next_sync_at, normal])),
            }
        )
        self.activity_schedule(
            "mail.mail_activity_data_warning",
            summary=self.env._("The bank's webhooks stopped"),
            note=self.env._(
                "No webhook from %(name)s since %(last)s UTC. The scheduled sync "
                "runs at its normal interval again; check the webhook address and "
                "secret at the bank.",
                name=self.name,
                last=last or "-",
            ),
            user_id=(self.user_id or self.env.user).id,
        )

    def _webhook_alert_rejections(self, rejections):
        """Tell the responsible user that deliveries keep being refused
        (once: an open activity is not repeated)."""
        self.ensure_one()
        summary = self.env._("Webhook deliveries are being refused")
        if self.activity_ids.filtered(lambda a: a.summary == summary):
            return
        reasons = sorted(set(rejections.mapped("reason")))
        sources = sorted(set(rejections.mapped("source_address")))
        self.activity_schedule(
            "mail.mail_activity_data_warning",
            summary=summary,
            note=self.env._(
                "%(count)s deliveries to the webhook address of %(name)s were "
                "refused in the last minutes (%(reasons)s; from %(sources)s). "
                "If the bank changed its secret, enter the new one; if not, "
                "someone else is trying the address: regenerate it.",
                count=len(rejections),
                name=self.name,
                reasons=", ".join(reasons),
                sources=", ".join(sources),
            ),
            # Refusals arrive as the public user: never theirs to handle.
            user_id=(self.user_id or self.create_uid).id,
        )

    def _ensure_webhook_token(self):
        for connection in self.sudo().filtered(lambda c: not c.webhook_token):
            connection.webhook_token = self._new_webhook_token()

    @api.model
    def _new_webhook_token(self):
        return secrets.token_urlsafe(32)

    @api.model
    def _webhook_connection_for_token(self, token):
        """The connection that receives webhooks at ``token``, or an empty
        recordset (the caller answers 404 either way)."""
        if not token or len(token) > 128:
            return self.browse()
        return (
            self.sudo()
            .with_context(active_test=True)
            .search(
                [("webhook_token", "=", token), ("webhook_enabled", "=", True)],
                limit=1,
            )
        )

    def _webhook_secrets(self):
        """The secrets that verify deliveries now (current first)."""
        self.ensure_one()
        connection_sudo = self.sudo()
        return [
            self._decrypt(ciphertext)
            for ciphertext in (
                connection_sudo.webhook_secret_encrypted,
                connection_sudo.webhook_previous_secret_encrypted,
            )
            if ciphertext
        ]

    def _webhook_verify(self, headers, body):
        """Prove the delivery comes from the bank; returns its delivery id.
        Raises WebhookVerificationError (answered 401). Standard Webhooks
        here; a provider with its own scheme overrides this."""
        self.ensure_one()
        try:
            verifier = StandardWebhookVerifier(self._webhook_secrets())
        except (WebhookSecretError, UserError):
            raise WebhookVerificationError("no usable webhook secret") from None
        webhook_id, _timestamp = verifier.verify(headers, body)
        return webhook_id

    def _webhook_process_event(self, event):
        """Act on a stored event; raises WebhookProcessingError (or any
        exception) to have it retried. Returns a short outcome note."""
        self.ensure_one()
        core_event = event._core_event()
        if core_event.event_type == BALANCE_EVENT:
            return self._webhook_update_balance(event, core_event)
        if core_event.event_type == TRANSACTION_EVENT:
            return self._webhook_sync_account(event, core_event)
        return None

    def _webhook_account(self, event, core_event):
        account = self.account_ids.filtered(
            lambda a: a.resource_id == core_event.account_id
        )[:1]
        if not account:
            raise WebhookProcessingError(
                self.env._(
                    "The event names account %(account)r, which connection "
                    "%(name)s does not list.",
                    account=core_event.account_id,
                    name=self.name,
                ),
                permanent=True,
            )
        event.account_id = account
        return account

    def _webhook_update_balance(self, event, core_event):
        account = self._webhook_account(event, core_event)
        try:
            balances = [
                Balance(b.balance_type, b.amount, b.currency, b.reference_date)
                for b in event_balances(core_event)
            ]
        except MalformedEventError as error:
            raise WebhookProcessingError(str(error), permanent=True) from None
        if not account.journal_id:
            raise WebhookProcessingError(
                self.env._(
                    "Bank account %(account)s has no journal yet.", account=account.name
                ),
                permanent=True,
            )
        self.env["bank.api.statement.importer"].with_company(
            self.company_id
        )._update_balances(account, None, balances, source="webhook")
        return self.env._("Balance of %(account)s updated.", account=account.name)

    def _webhook_sync_account(self, event, core_event):
        account = self._webhook_account(event, core_event)
        log = (
            self.env["bank.api.sync.runner"]
            .with_context(bank_api_webhook_account_ids=account.ids)
            ._sync_connection(self, trigger="webhook")
        )
        event.sync_log_id = log
        if log.status != "success":
            raise WebhookProcessingError(
                self.env._(
                    "The sync of %(account)s ended %(status)s: %(message)s",
                    account=account.name,
                    status=log.status,
                    message=log.message or "",
                )
            )
        return self.env._(
            "Synced %(account)s: %(count)s new line(s).",
            account=account.name,
            count=log.lines_created,
        )
