from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..core.matching.texts import _lt
from ..models.core_texts import post_text


class BankApiGoLive(models.TransientModel):
    """Ends a matching pilot: the journals (and the connections whose pilot
    covers them) leave pilot mode, the chatter says who did it and when, and,
    if asked, the lines the pilot would have reconciled on its own are
    reconciled now by the same reconciler, except those whose proposal went
    out of date (they are matched again and wait for a person)."""

    _name = "bank.api.go.live"
    _description = "Go Live: End a Matching Pilot"

    journal_ids = fields.Many2many("account.journal", string="Journals Asked For")
    live_journal_ids = fields.Many2many(
        "account.journal",
        string="Journals Going Live",
        compute="_compute_scope",
        help="The journals asked for and every other journal a connection in "
        "pilot feeds with them: a connection's pilot ends for all its journals.",
    )
    connection_ids = fields.Many2many(
        "bank.api.connection",
        string="Connections Leaving Pilot",
        compute="_compute_scope",
    )
    reconcile_automatic = fields.Boolean(
        string="Reconcile What the Pilot Would Have",
        default=True,
        help="Reconcile now the bank lines of the pilot period that the "
        "matching would have reconciled on its own, as it would have.",
    )
    automatic_count = fields.Integer(
        string="Lines to Reconcile", compute="_compute_scope"
    )

    @api.depends("journal_ids")
    def _compute_scope(self):
        for wizard in self:
            journals, connections = wizard._scope()
            wizard.live_journal_ids = journals
            wizard.connection_ids = connections
            wizard.automatic_count = len(journals._bank_api_pilot_automatic_lines())

    @api.model
    def _open_for(self, journals):
        journals._bank_api_check_pilot_access()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "bank_api_sync.bank_api_go_live_action"
        )
        action["context"] = {"default_journal_ids": [fields.Command.set(journals.ids)]}
        return action

    def _scope(self):
        """(journals, connections) the go-live takes out of pilot."""
        journals = self.journal_ids._origin
        journals._bank_api_check_pilot_access()
        connections = self.env["bank.api.connection"]
        while True:
            feeding = journals.sudo().bank_api_account_ids.connection_id.filtered(
                "pilot_mode"
            )
            wider = journals | feeding._bank_api_pilot_journals()
            connections |= feeding
            if wider == journals:
                break
            journals = self.env["account.journal"].browse(wider.ids)
        return journals.filtered("bank_api_pilot_active"), connections.sudo(False)

    def action_go_live(self):
        self.ensure_one()
        journals, connections = self._scope()
        if not journals:
            raise UserError(self.env._("None of these journals is in pilot mode."))
        if not self.env.user.has_group("account.group_account_manager"):
            raise AccessError(
                self.env._("Only accounting administrators may end a pilot.")
            )
        journals.check_access("write")
        connections.check_access("write")
        proposals = self.env["bank.api.match.proposal"]
        if self.reconcile_automatic:
            lines = journals._bank_api_pilot_automatic_lines()
            lines.check_access("write")
            proposals = lines.bank_api_best_proposal_id
        since = {journal: journal.bank_api_pilot_since for journal in journals}
        connections.pilot_mode = False
        journals.bank_api_pilot_mode = False
        accepted, left = proposals._accept_many(how="auto", stale_trigger="refresh")
        for proposal in accepted:
            proposal.statement_line_id.bank_api_auto_reason = (
                f"{proposal.reason} ({round(proposal.confidence * 100)}%)"
            )
        self._record(journals, connections, since, accepted, left)
        message = self.env._(
            "Live: %(journals)s. Reconciled: %(reconciled)s bank lines; left "
            "for review: %(left)s.",
            journals=", ".join(journals.mapped("display_name")),
            reconciled=len(accepted),
            left=len(left),
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Go Live"),
                "message": message,
                "type": "warning" if left else "success",
                "sticky": bool(left),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _record(self, journals, connections, since, accepted, left):
        """Who went live and when, with what became of the pilot's lines, in
        the chatter of each journal and connection."""
        reconciled_by_journal = {}
        for proposal in accepted:
            journal = proposal.statement_line_id.journal_id
            reconciled_by_journal[journal] = reconciled_by_journal.get(journal, 0) + 1
        left_by_journal = {}
        for line, _reason in left:
            left_by_journal[line.journal_id] = (
                left_by_journal.get(line.journal_id, 0) + 1
            )
        now = fields.Datetime.now()
        for journal in journals:
            pilot_start = since[journal]
            post_text(
                journal,
                _lt(
                    "Went live (matching pilot mode ended) by %(user)s on "
                    "%(when)s; the pilot ran since %(since)s. Lines of the pilot "
                    "period reconciled as the pilot would have: %(reconciled)s; "
                    "left for review (out of date or refused): %(left)s.",
                    user=self.env.user.name,
                    when=now,
                    since=pilot_start or "-",
                    reconciled=reconciled_by_journal.get(journal, 0),
                    left=left_by_journal.get(journal, 0),
                ),
            )
        for connection in connections:
            post_text(
                connection,
                _lt(
                    "Went live (matching pilot mode ended) by %(user)s on "
                    "%(when)s for journals %(journals)s.",
                    user=self.env.user.name,
                    when=now,
                    journals=", ".join(
                        connection._bank_api_pilot_journals().mapped("display_name")
                    ),
                ),
            )
