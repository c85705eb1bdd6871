from markupsafe import Markup

from odoo import api, fields, models

from ..core.pilot import (
    AUTOMATIC,
    NO_PROPOSAL,
    RECONCILED,
    REVIEW,
    period_bounds,
    pilot_figures,
)


class BankApiPilotReport(models.TransientModel):
    """What a go-live would have done over a pilot period: the period's bank
    lines per journal and currency, and in total, by where the matching left
    them (reconciled automatically, to review, without proposal, reconciled
    by a person meanwhile), with the fees found and the automatic share."""

    _name = "bank.api.pilot.report"
    _description = "Matching Pilot Report"

    journal_ids = fields.Many2many(
        "account.journal",
        string="Journals",
        domain="[('type', '=', 'bank'), ('company_id', 'in', allowed_company_ids)]",
    )
    date_from = fields.Date(
        string="Imported From",
        help="Bank lines imported on this day or later; by default the day the "
        "earliest of the journals' pilots started.",
    )
    date_to = fields.Date(
        string="Imported Until",
        help="Left empty: up to now, lines imported today included.",
    )
    line_count = fields.Integer(string="Bank Lines", compute="_compute_figures")
    automatic_count = fields.Integer(
        string="Would Be Reconciled Automatically", compute="_compute_figures"
    )
    automatic_share = fields.Float(
        compute="_compute_figures",
        help="The lines a go-live would have reconciled on its own, over every "
        "line of the period.",
    )
    report_html = fields.Html(
        string="Figures", compute="_compute_figures", sanitize=False
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if "journal_ids" in fields_list and "journal_ids" not in values:
            values["journal_ids"] = [
                fields.Command.set(
                    self.env["account.journal"]
                    .search(
                        [("type", "=", "bank"), ("bank_api_pilot_active", "=", True)]
                    )
                    .ids
                )
            ]
        if "date_from" in fields_list and "date_from" not in values:
            journal_ids = values.get("journal_ids") or []
            ids = journal_ids[0][2] if journal_ids else []
            starts = (
                self.env["account.journal"].browse(ids).mapped("bank_api_pilot_since")
            )
            if starts:
                values["date_from"] = fields.Datetime.context_timestamp(
                    self, min(starts)
                ).date()
        return values

    @api.depends("journal_ids", "date_from", "date_to")
    def _compute_figures(self):
        for report in self:
            figures = report._pilot_figures()
            report.line_count = figures.lines
            report.automatic_count = figures.automatic
            report.automatic_share = figures.automatic_share
            report.report_html = report._render(figures)

    @api.model
    def _open_for(self, journals):
        """The report of ``journals``, their pilot's period by default."""
        journals._bank_api_check_pilot_access()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "bank_api_sync.bank_api_pilot_report_action"
        )
        action["context"] = {"default_journal_ids": [fields.Command.set(journals.ids)]}
        return action

    def _pilot_journals(self):
        return self.journal_ids._origin

    def _pilot_lines(self):
        """The bank lines of the report's journals and period."""
        journals = self._pilot_journals()
        if not journals:
            return self.env["account.bank.statement.line"]
        journals._bank_api_check_pilot_access()
        start, end = period_bounds(self.date_from, self.date_to, self._tz())
        return journals._bank_api_pilot_lines(start, end)

    def _pilot_figures(self):
        lines = self._pilot_lines()
        return pilot_figures(self.env["account.journal"]._bank_api_pilot_facts(lines))

    def _tz(self):
        return self.env.context.get("tz") or self.env.user.tz or "UTC"

    def action_open_lines(self):
        """The report's bank lines in the review list."""
        self.ensure_one()
        lines = self._pilot_lines()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "bank_api_sync.account_bank_statement_line_to_review_action"
        )
        action["domain"] = [("id", "in", lines.ids)]
        action["context"] = {}
        return action

    def action_go_live(self):
        """Go Live for the report's journals, asking first."""
        self.ensure_one()
        return self.env["bank.api.go.live"]._open_for(self._pilot_journals())

    # -------------------------------------------------------------------------
    # The table
    # -------------------------------------------------------------------------

    def _render(self, figures):
        if not figures.rows:
            return Markup("<p class='text-muted'>%s</p>") % self.env._(
                "No bank line was imported into these journals in this period."
            )
        names = {
            journal.id: journal.display_name
            for journal in self.env["account.journal"].browse(
                {row.journal_id for row in figures.rows if row.journal_id}
            )
        }
        currencies = {
            currency.name: currency
            for currency in self.env["res.currency"]
            .with_context(active_test=False)
            .search([("name", "in", list({row.currency for row in figures.rows}))])
        }
        columns = [
            (AUTOMATIC, self.env._("Would Be Reconciled Automatically")),
            (REVIEW, self.env._("Would Go to Review")),
            (NO_PROPOSAL, self.env._("Without Proposal")),
            (RECONCILED, self.env._("Reconciled by a Person Meanwhile")),
        ]
        head = Markup("<th>%s</th><th>%s</th><th class='text-end'>%s</th>") % (
            self.env._("Journal"),
            self.env._("Currency"),
            self.env._("Lines"),
        )
        for _outcome, title in columns:
            head += Markup("<th class='text-end'>%s</th>") % title
        head += Markup("<th class='text-end'>%s</th><th class='text-end'>%s</th>") % (
            self.env._("Fees and Charges"),
            self.env._("Automatic Share"),
        )
        body = Markup()
        for row in figures.rows:
            currency = currencies[row.currency]
            cells = Markup("<td>%s</td><td>%s</td><td class='text-end'>%s</td>") % (
                names.get(row.journal_id) or self.env._("Total"),
                row.currency,
                row.lines,
            )
            for outcome, _title in columns:
                cells += self._count_cell(
                    row.counts[outcome], row.amounts[outcome], currency
                )
            cells += self._count_cell(row.fees, row.fee_amount, currency)
            cells += Markup("<td class='text-end'>%s</td>") % (
                f"{row.automatic_share:.0%}"
            )
            style = "" if row.journal_id else " class='fw-bold'"
            body += Markup("<tr%s>%s</tr>") % (Markup(style), cells)
        return Markup(
            "<table class='table table-sm o_bank_api_pilot_report'>"
            "<thead><tr>%s</tr></thead><tbody>%s</tbody></table>"
        ) % (head, body)

    def _count_cell(self, count, amount, currency):
        return Markup(
            "<td class='text-end'>%s<br/><span class='text-muted'>%s</span></td>"
        ) % (count, currency.format(float(amount)))
