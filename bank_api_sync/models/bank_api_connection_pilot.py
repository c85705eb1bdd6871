from odoo import fields, models


class BankApiConnection(models.Model):
    """A connection's pilot mode: every journal it feeds imports and matches
    without reconciling anything, until Go Live."""

    _inherit = "bank.api.connection"

    pilot_mode = fields.Boolean(
        string="Matching Pilot Mode",
        tracking=True,
        help="Every bank journal this connection feeds is in pilot mode: its "
        "lines are imported and matched, nothing is reconciled automatically. "
        "The Pilot Report says what a go-live would have done; Go Live ends it.",
    )

    def _bank_api_pilot_journals(self):
        """The journals this connection feeds."""
        return self.account_ids.journal_id

    def action_pilot_report(self):
        """The Pilot Report of the journals this connection feeds."""
        self.ensure_one()
        self._check_access_level("read")
        self.check_access("read")
        return self.env["bank.api.pilot.report"]._open_for(
            self._bank_api_pilot_journals()
        )

    def action_go_live(self):
        """Go Live for every journal of the connection, asking first."""
        self.ensure_one()
        self._check_access_level("read")
        self.check_access("read")
        return self.env["bank.api.go.live"]._open_for(self._bank_api_pilot_journals())
