import logging
from contextlib import contextmanager
from datetime import timedelta

from odoo import api, fields, models
from odoo.http import request
from odoo.modules import module as odoo_module

_logger = logging.getLogger(__name__)

# Five refused attempts on one connection in ten minutes block it.
BLOCK_THRESHOLD = 5
BLOCK_WINDOW = timedelta(minutes=10)

# Attempts made by someone (a person, a forged callback, a bank pointing us
# elsewhere) that were refused: they count towards blocking.
REFUSED_ATTEMPTS = (
    "access_denied",
    "cross_company",
    "credential_change_refused",
    "webhook_refused",
    "redirect_refused",
    "foreign_host",
)


class BankApiSecurityEvent(models.Model):
    """What matters to security, per company: who did or tried what, from
    where and when. Never a secret: descriptions name fields and hosts, not
    values. Written in its own transaction when the attempt is refused, so
    the refusal (which rolls the request back) does not erase it.

    Other add-ons (webhooks, the consent redirect) record theirs with
    ``env["bank.api.security.event"]._record_security_event(...)``."""

    _name = "bank.api.security.event"
    _description = "Bank Security Event"
    _order = "event_time desc, id desc"
    _rec_name = "event_type"

    event_time = fields.Datetime(
        string="Time", required=True, readonly=True, default=fields.Datetime.now
    )
    event_type = fields.Selection(
        [
            ("credential_changed", "Credential Changed"),
            ("credential_change_refused", "Credential Change Refused"),
            ("endpoint_changed", "URL or Certificate Changed"),
            ("consent_granted", "Consent Granted"),
            ("consent_renewed", "Consent Renewed"),
            ("consent_revoked", "Consent Revoked"),
            ("consent_refused", "Consent Refused at the Bank"),
            ("access_denied", "Access Denied"),
            ("cross_company", "Cross-Company Attempt"),
            ("webhook_refused", "Webhook Refused"),
            ("redirect_refused", "Consent Redirect Refused"),
            ("hostile_answer", "Bank Answer Refused"),
            ("foreign_host", "Foreign Host Refused"),
            ("connection_blocked", "Connection Blocked"),
            ("connection_unblocked", "Connection Unblocked"),
        ],
        string="Event",
        required=True,
        readonly=True,
    )
    refused = fields.Boolean(
        readonly=True, help="A refused attempt: counts towards blocking."
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    connection_id = fields.Many2one(
        "bank.api.connection", readonly=True, ondelete="set null", index=True
    )
    user_id = fields.Many2one("res.users", string="User", readonly=True)
    source_address = fields.Char(readonly=True, help="The request's IP address.")
    description = fields.Text(readonly=True)

    @api.model
    def _record_security_event(
        self, event_type, connection=None, description="", company=None
    ):
        """Record one event (``event_type``: a key of the selection) on
        ``connection`` (or ``company``), by the current user, from the current
        request's address. A refused attempt (REFUSED_ATTEMPTS) is written in
        its own transaction and may block the connection. Never pass a secret
        in ``description``. Returns nothing: recording never fails the
        caller."""
        connection = connection.sudo() if connection else None
        values = {
            "event_type": event_type,
            "refused": event_type in REFUSED_ATTEMPTS,
            "company_id": (
                connection.company_id if connection else company or self.env.company
            ).id,
            "connection_id": connection.id if connection else False,
            "user_id": self.env.uid,
            "source_address": self._source_address(),
            "description": description or False,
        }
        if not values["refused"]:
            self.sudo().create(values)
            return
        try:
            with self._own_transaction() as env:
                events = env["bank.api.security.event"].sudo()
                events.create(values)
                if connection:
                    events._block_past_threshold(connection.with_env(env).sudo())
        except Exception:
            # Recording must not turn a refusal into a crash; the refusal
            # itself still happens. Logged without the description's details.
            _logger.exception("Could not record the security event %s", event_type)

    @api.model
    def _source_address(self):
        try:
            return request.httprequest.remote_addr if request else False
        except RuntimeError:  # no request bound to this thread
            return False

    @contextmanager
    def _own_transaction(self):
        """A cursor of its own (committed even if the caller then raises),
        waiting at most a few seconds for a lock. A test that shares one
        transaction without Odoo's test mode keeps its records in it."""
        registry = self.env.registry
        if odoo_module.current_test and not registry.in_test_mode():
            yield self.env
            return
        with registry.cursor() as cr:
            cr.execute("SET LOCAL lock_timeout = '5s'")
            yield self.env(cr=cr)

    @api.model
    def _block_past_threshold(self, connection_sudo):
        if connection_sudo.security_blocked:
            return
        recent = self.search_count(
            [
                ("connection_id", "=", connection_sudo.id),
                ("refused", "=", True),
                ("event_time", ">=", fields.Datetime.now() - BLOCK_WINDOW),
            ]
        )
        if recent >= BLOCK_THRESHOLD:
            connection_sudo._security_block(
                self.env._(
                    "%(count)s refused attempts in %(minutes)s minutes.",
                    count=recent,
                    minutes=int(BLOCK_WINDOW.total_seconds() // 60),
                )
            )
