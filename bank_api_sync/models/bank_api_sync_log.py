from odoo import fields, models


class BankApiSyncLog(models.Model):
    """One run of a connection's sync: what it fetched, created and skipped."""

    _name = "bank.api.sync.log"
    _description = "Bank Sync Log"
    _order = "started_at desc, id desc"
    _rec_name = "started_at"

    connection_id = fields.Many2one(
        "bank.api.connection", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="connection_id.company_id", store=True, index=True
    )
    trigger = fields.Selection(
        selection=[
            ("cron", "Scheduled"),
            ("manual", "Manual"),
            ("webhook", "Webhook"),
        ],
        required=True,
        readonly=True,
    )
    started_by_id = fields.Many2one(
        "res.users",
        readonly=True,
        help="Who pressed Sync Now or Sync in Background (empty: the scheduler).",
    )
    user_present = fields.Boolean(
        readonly=True, help="PSD2 user-present access: not counted in the daily quota."
    )
    started_at = fields.Datetime(required=True, readonly=True)
    ended_at = fields.Datetime(readonly=True)
    duration = fields.Float(string="Duration (s)", readonly=True, aggregator="avg")
    status = fields.Selection(
        selection=[
            ("running", "Running"),
            ("success", "Success"),
            ("partial", "Partial"),
            ("postponed", "Postponed"),
            ("failed", "Failed"),
            ("skipped", "Skipped"),
        ],
        required=True,
        default="running",
        readonly=True,
        index=True,
    )
    window_from = fields.Date(readonly=True)
    window_to = fields.Date(readonly=True)
    transactions_fetched = fields.Integer(readonly=True)
    lines_created = fields.Integer(readonly=True)
    duplicates_skipped = fields.Integer(readonly=True)
    pending_staged = fields.Integer(readonly=True)
    pending_retired = fields.Integer(readonly=True)
    error_count = fields.Integer(string="Errors", readonly=True)
    transactions_rejected = fields.Integer(
        string="Kept Aside",
        readonly=True,
        help="Transactions the bank sent that could not be read or stored "
        "(the message says which and why); the rest was imported.",
    )
    api_calls = fields.Integer(string="API Calls", readonly=True)
    lines_auto = fields.Integer(
        string="Reconciled Automatically",
        readonly=True,
        help="New lines of this run the matching reconciled on its own.",
    )
    lines_proposed = fields.Integer(
        string="Proposed",
        readonly=True,
        help="New lines of this run the matching found a proposal for, left "
        "to a person (to review).",
    )
    lines_unmatched = fields.Integer(
        string="No Proposal",
        readonly=True,
        help="New lines of this run the matching found nothing for.",
    )
    rejected_transaction_ids = fields.One2many(
        "bank.api.rejected.transaction", "log_id", string="Transactions Kept Aside"
    )
    message = fields.Text(readonly=True)

    def _add(self, **counts):
        """Add to the counters (a run adds per account)."""
        self.ensure_one()
        self.write({name: self[name] + value for name, value in counts.items()})

    def action_view_lines(self):
        """The bank lines this run imported, in the review list."""
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "bank_api_sync.account_bank_statement_line_to_review_action"
        )
        action["domain"] = [("bank_api_sync_log_id", "=", self.id)]
        action["context"] = {}
        return action

    def _notifies_requester(self):
        """A run somebody asked for in the background (Sync in Background):
        they are told its progress and outcome on the bus."""
        return self.trigger == "cron" and bool(self.started_by_id)

    def _send_to_requester(self, message, kind, sticky=False):
        self.started_by_id._bus_send(
            "simple_notification",
            {
                "title": self.env._(
                    "Bank sync: %(name)s", name=self.connection_id.name
                ),
                "message": message,
                "type": kind,
                "sticky": sticky,
            },
        )

    def _notify_progress(self, done, total):
        """Accounts done so far, to whom asked for the run."""
        self.ensure_one()
        if not self._notifies_requester():
            return
        requester = self.with_context(lang=self.started_by_id.lang)
        requester._send_to_requester(
            requester.env._(
                "%(done)s of %(total)s account(s) synced, %(created)s new line(s) "
                "so far.",
                done=done,
                total=total,
                created=self.lines_created,
            ),
            "info",
        )

    def _notify_requester(self):
        """The run's outcome, to whom asked for it in the background."""
        self.ensure_one()
        if not self._notifies_requester():
            return
        requester = self.with_context(lang=self.started_by_id.lang)
        message, kind = requester._summary()
        requester._send_to_requester(message, kind, sticky=kind == "danger")

    def _summary(self):
        """(message, notification type): the run's outcome in one line."""
        if self.status in ("success", "partial"):
            message = self.env._(
                "%(created)s new line(s): %(auto)s reconciled automatically, "
                "%(proposed)s to review, %(unmatched)s without proposal; "
                "%(errors)s error(s).",
                created=self.lines_created,
                auto=self.lines_auto,
                proposed=self.lines_proposed,
                unmatched=self.lines_unmatched,
                errors=self.error_count,
            )
            return message, "success" if self.status == "success" else "warning"
        message = self.message or dict(
            self._fields["status"]._description_selection(self.env)
        ).get(self.status)
        return message, "warning" if self.status in ("postponed", "skipped") else (
            "danger"
        )

    def _notification_action(self):
        """What a person sees after Sync Now: the run's outcome in one line."""
        self.ensure_one()
        if self.status in ("success", "partial"):
            message = self.env._(
                "%(created)s new line(s), %(duplicates)s already imported, "
                "%(pending)s pending.",
                created=self.lines_created,
                duplicates=self.duplicates_skipped,
                pending=self.pending_staged,
            )
            kind = "success" if self.status == "success" else "warning"
        else:
            message = self.message or dict(
                self._fields["status"]._description_selection(self.env)
            ).get(self.status)
            kind = "warning" if self.status in ("postponed", "skipped") else "danger"
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._(
                    "Bank sync: %(name)s", name=self.connection_id.name
                ),
                "message": message,
                "type": kind,
                "sticky": kind == "danger",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }
