import logging

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..core.events import MalformedEventError, parse_event
from ..core.retries import retry_delay
from .bank_api_connection import WebhookProcessingError

_logger = logging.getLogger(__name__)

# Events one run of the processing cron takes on.
BATCH_SIZE = 200


class BankApiWebhookEvent(models.Model):
    """A notification received from a bank, stored before it is processed."""

    _name = "bank.api.webhook.event"
    _description = "Bank Webhook Event"
    _order = "received_at desc, id desc"
    _rec_name = "delivery_id"

    connection_id = fields.Many2one(
        "bank.api.connection", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="connection_id.company_id", store=True)
    delivery_id = fields.Char(
        required=True,
        readonly=True,
        help="The sender's webhook-id: a redelivery carries the same id.",
    )
    event_type = fields.Char(readonly=True)
    received_at = fields.Datetime(
        required=True, readonly=True, default=fields.Datetime.now
    )
    payload = fields.Text(readonly=True)
    state = fields.Selection(
        selection=[
            ("received", "Received"),
            ("processed", "Processed"),
            ("ignored", "Ignored"),
            ("failed", "Failed, Will Retry"),
            ("dead", "Dead-Lettered"),
        ],
        required=True,
        default="received",
        readonly=True,
        index=True,
    )
    error = fields.Text(readonly=True)
    outcome = fields.Char(readonly=True, help="What processing did.")
    attempts = fields.Integer(readonly=True)
    next_attempt_at = fields.Datetime(readonly=True, index=True)
    processed_at = fields.Datetime(readonly=True)
    account_id = fields.Many2one("bank.api.account", readonly=True)
    sync_log_id = fields.Many2one("bank.api.sync.log", readonly=True)

    _sql_constraints = [
        (
            "delivery_connection_uniq",
            "unique(connection_id, delivery_id)",
            "This webhook delivery was already received.",
        ),
    ]

    def action_reprocess(self):
        """Process the events again (a failed or dead-lettered one after its
        cause was fixed)."""
        self.check_access("read")
        if not self.env.user.has_group("account.group_account_manager"):
            raise UserError(
                self.env._("Only accounting administrators may reprocess webhooks.")
            )
        self.sudo().write(
            {"state": "received", "attempts": 0, "next_attempt_at": False}
        )
        self._trigger_processing()
        return True

    @api.model
    def _store_delivery(self, connection, delivery_id, event_type, payload):
        """Store a verified delivery once; returns whether it is new. The
        unique constraint decides: a concurrent copy of the same delivery
        waits for the first one's commit, then inserts nothing."""
        now = fields.Datetime.now()
        uid = self.env.uid
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO bank_api_webhook_event
                    (connection_id, company_id, delivery_id, event_type, payload,
                     received_at, state, attempts, create_uid, create_date,
                     write_uid, write_date)
                VALUES (%s, %s, %s, %s, %s, %s, 'received', 0, %s, %s, %s, %s)
                ON CONFLICT (connection_id, delivery_id) DO NOTHING
                RETURNING id
                """,
                connection.id,
                connection.company_id.id,
                delivery_id,
                event_type,
                payload,
                now,
                uid,
                now,
                uid,
                now,
            )
        )
        return bool(self.env.cr.fetchone())

    @api.model
    def _trigger_processing(self, at=None):
        cron = self.env.ref(
            "bank_api_sync_webhook.ir_cron_bank_api_webhook_process",
            raise_if_not_found=False,
        )
        if cron:
            cron.sudo()._trigger(at)

    @api.model
    def _cron_process_events(self):
        """Process the events that are due, each in its own transaction: one
        that fails never rolls back another."""
        due = self.search(
            [
                ("state", "in", ("received", "failed")),
                "|",
                ("next_attempt_at", "=", False),
                ("next_attempt_at", "<=", fields.Datetime.now()),
            ],
            order="received_at, id",
            limit=BATCH_SIZE,
        )
        for event_id in due.ids:
            with self.env.registry.cursor() as cr:
                # Kept in a variable: the commit flushes the transaction's
                # live environments only (a weak set).
                env = self.env(cr=cr)
                env["bank.api.webhook.event"].browse(event_id)._process()
        if len(due) == BATCH_SIZE:
            self._trigger_processing()

    def _process(self):
        """Process one event unless another worker holds it or did it."""
        self.ensure_one()
        self.env.cr.execute(
            SQL(
                "SELECT id FROM bank_api_webhook_event WHERE id = %s "
                "AND state IN ('received', 'failed') FOR UPDATE SKIP LOCKED",
                self.id,
            )
        )
        if not self.env.cr.fetchone():
            return
        connection = self.connection_id.with_company(self.company_id)
        try:
            with self.env.cr.savepoint():
                outcome = connection._webhook_process_event(self)
        except Exception as error:
            self._record_failure(error)
            return
        self.write(
            {
                "state": "processed" if outcome else "ignored",
                "outcome": outcome or self.env._("No action for this event type."),
                "error": False,
                "processed_at": fields.Datetime.now(),
                "attempts": self.attempts + 1,
                "next_attempt_at": False,
            }
        )

    def _core_event(self):
        try:
            return parse_event((self.payload or "").encode())
        except MalformedEventError as error:
            raise WebhookProcessingError(str(error), permanent=True) from None

    def _record_failure(self, error):
        attempts = self.attempts + 1
        if isinstance(error, WebhookProcessingError):
            message = str(error)
        else:
            _logger.exception("Processing webhook event %s failed", self.id)
            message = self.env._(
                "Odoo failed processing the event: %(error)s", error=repr(error)
            )
        permanent = getattr(error, "permanent", False)
        delay = None if permanent else retry_delay(attempts)
        if delay is None:
            self.write(
                {
                    "state": "dead",
                    "attempts": attempts,
                    "error": message,
                    "next_attempt_at": False,
                }
            )
            self._alert_dead_letter(message)
            return
        next_attempt = fields.Datetime.now() + delay
        self.write(
            {
                "state": "failed",
                "attempts": attempts,
                "error": message,
                "next_attempt_at": next_attempt,
            }
        )
        self._trigger_processing(next_attempt)

    def _alert_dead_letter(self, message):
        """One open activity per connection, however many events die."""
        connection = self.connection_id
        summary = self.env._("A bank notification could not be processed")
        if connection.activity_ids.filtered(lambda a: a.summary == summary):
            return
        connection.activity_schedule(
            "mail.mail_activity_data_warning",
            summary=summary,
            note=self.env._(
                "Webhook event %(delivery)s (%(type)s) failed %(attempts)s time(s) "
                "and is no longer retried: %(message)s Fix the cause, then "
                "Reprocess it from Webhook Events.",
                delivery=self.delivery_id,
                type=self.event_type or "?",
                attempts=self.attempts,
                message=message,
            ),
            user_id=(connection.user_id or self.env.user).id,
        )
