import logging
from collections import Counter

from markupsafe import Markup

from odoo import api, fields, models, tools
from odoo.tools import SQL
from odoo.tools.misc import format_date, format_datetime, formatLang

_logger = logging.getLogger(__name__)

# At most this many late items are announced per company and run; the rest
# waits for the next day's run (oldest due dates first).
ANNOUNCE_LIMIT = 5000
# Journals named in the window's title; the others are counted.
AS_OF_TITLE_JOURNALS = 4


class BankApiOverdueReceivable(models.Model):
    """Customers whose payments are late: every open receivable item past its
    due date in its company's time zone, how late it is, and whether its
    payment already waits at the bank."""

    _name = "bank.api.overdue.receivable"
    _description = "Overdue Receivable"
    _auto = False
    _order = "days_overdue desc, id"
    # What the query reads: flushed before every search and read of it.
    _depends = {
        "account.move.line": [
            "company_id",
            "partner_id",
            "move_id",
            "date",
            "date_maturity",
            "account_id",
            "parent_state",
            "reconciled",
            "amount_residual",
        ],
        "account.move": ["invoice_user_id", "name", "payment_reference"],
        "account.account": ["account_type"],
        "res.company": ["currency_id", "partner_id"],
        "res.partner": ["commercial_partner_id", "tz"],
        "res.partner.bank": ["partner_id", "sanitized_acc_number"],
        "bank.api.match.allocation": ["proposal_id", "move_line_id"],
        "bank.api.match.proposal": ["state", "statement_line_id"],
        "account.bank.statement.line": ["is_reconciled"],
        "bank.api.pending.transaction": [
            "state",
            "company_id",
            "amount",
            "payment_ref",
            "account_number",
        ],
        "bank.api.late.announcement": ["move_id"],
    }

    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    move_id = fields.Many2one("account.move", string="Document", readonly=True)
    move_line_id = fields.Many2one("account.move.line", readonly=True)
    invoice_user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    date = fields.Date(string="Document Date", readonly=True)
    date_maturity = fields.Date(string="Due Date", readonly=True)
    days_overdue = fields.Integer(string="Days Late", readonly=True, aggregator="max")
    aging = fields.Selection(
        [
            ("1_30", "1-30 days"),
            ("31_60", "31-60 days"),
            ("61_90", "61-90 days"),
            ("91_", "Over 90 days"),
        ],
        string="Late By",
        readonly=True,
    )
    currency_id = fields.Many2one(
        "res.currency", string="Company Currency", readonly=True
    )
    amount_residual = fields.Monetary(
        string="Open Amount", readonly=True, currency_field="currency_id"
    )
    at_bank = fields.Selection(
        [
            ("review", "Bank line in review"),
            ("pending", "Pending at the bank"),
        ],
        string="Payment at the Bank",
        readonly=True,
        help="A payment for this item already waits: a bank line not yet "
        "reconciled whose proposal pays it, or a pending transaction from the "
        "customer's account or quoting the invoice's number.",
    )
    late_announced = fields.Boolean(
        string="Announced",
        readonly=True,
        help="The salesperson or accountant was given an activity about it.",
    )
    bank_feed_as_of = fields.Char(
        string="Bank Data As Of",
        compute="_compute_bank_feed_as_of",
        help="When each bank journal of the company was last refreshed: the "
        "last successful sync of its bank account, or else the last statement "
        "line imported or entered.",
    )

    def init(self):
        # Until 18.0.1.3: a database view, dated by PostgreSQL's CURRENT_DATE.
        tools.drop_view_if_exists(self.env.cr, self._table)

    # -------------------------------------------------------------------------
    # The query
    # -------------------------------------------------------------------------

    @api.model
    def _company_today(self, company):
        """The company's date: its partner's time zone, else the user's, else UTC."""
        tz = company.partner_id.tz or self.env.user.tz or "UTC"
        return fields.Datetime.context_timestamp(
            self.with_context(tz=tz), fields.Datetime.now()
        ).date()

    @property
    def _table_query(self):
        # Days late are counted from each company's own date, computed here in
        # Python at every read and handed to the query as a constant: the
        # database's CURRENT_DATE is the server's day (UTC), a day off for a
        # Warsaw company between midnight and 1 or 2 am, and a database view
        # cannot take a parameter. They stay columns of the query (rather than
        # non-stored computed fields over a stored due date) so that the list
        # sorts by Days Late, the filters compare it and the pivot groups by
        # Late By, all in the database.
        companies = self.env["res.company"].sudo().search([])
        today = SQL(", ").join(
            SQL("(%s, %s::date)", company.id, self._company_today(company))
            for company in companies
        )
        days = SQL("today.day - aml.date_maturity")
        customer = SQL("COALESCE(partner.commercial_partner_id, aml.partner_id)")
        return SQL(
            """
            SELECT
                aml.id,
                aml.id AS move_line_id,
                aml.company_id,
                %(customer)s AS partner_id,
                aml.move_id,
                move.invoice_user_id,
                aml.date,
                aml.date_maturity,
                %(days)s AS days_overdue,
                CASE
                    WHEN %(days)s <= 30 THEN '1_30'
                    WHEN %(days)s <= 60 THEN '31_60'
                    WHEN %(days)s <= 90 THEN '61_90'
                    ELSE '91_'
                END AS aging,
                company.currency_id,
                aml.amount_residual,
                CASE
                    WHEN %(in_review)s THEN 'review'
                    WHEN %(pending)s THEN 'pending'
                END AS at_bank,
                EXISTS (
                    SELECT 1 FROM bank_api_late_announcement announcement
                     WHERE announcement.move_id = aml.move_id
                ) AS late_announced
              FROM account_move_line aml
              JOIN (VALUES %(today)s) AS today(company_id, day)
                ON today.company_id = aml.company_id
              JOIN account_account account ON account.id = aml.account_id
              JOIN account_move move ON move.id = aml.move_id
              JOIN res_company company ON company.id = aml.company_id
         LEFT JOIN res_partner partner ON partner.id = aml.partner_id
             WHERE account.account_type = 'asset_receivable'
               AND aml.parent_state = 'posted'
               AND NOT aml.reconciled
               AND aml.amount_residual > 0
               AND aml.date_maturity < today.day
            """,
            customer=customer,
            days=days,
            today=today,
            in_review=self._in_review_sql(),
            pending=self._pending_sql(customer),
        )

    @api.model
    def _in_review_sql(self):
        """A bank line not reconciled yet has a proposal paying this item."""
        return SQL(
            """EXISTS (
                SELECT 1
                  FROM bank_api_match_allocation allocation
                  JOIN bank_api_match_proposal proposal
                    ON proposal.id = allocation.proposal_id
                  JOIN account_bank_statement_line st_line
                    ON st_line.id = proposal.statement_line_id
                 WHERE allocation.move_line_id = aml.id
                   AND proposal.state = 'proposed'
                   AND NOT st_line.is_reconciled
            )"""
        )

    @api.model
    def _pending_sql(self, customer):
        """An incoming pending transaction of the company comes from one of the
        customer's bank accounts (compared without spaces and country prefix,
        so an IBAN meets its domestic number) or quotes the invoice's number or
        payment reference (four characters at least)."""
        return SQL(
            """EXISTS (
                SELECT 1
                  FROM bank_api_pending_transaction pt
                 WHERE pt.state = 'pending'
                   AND pt.company_id = aml.company_id
                   AND pt.amount > 0
                   AND (
                        (
                            length(move.name) >= 4
                            AND strpos(upper(pt.payment_ref), upper(move.name)) > 0
                        ) OR (
                            length(move.payment_reference) >= 4
                            AND strpos(
                                upper(pt.payment_ref), upper(move.payment_reference)
                            ) > 0
                        ) OR (
                            length(pt.account_number) >= 8
                            AND EXISTS (
                                SELECT 1
                                  FROM res_partner_bank bank
                                  JOIN res_partner holder ON holder.id = bank.partner_id
                                 WHERE holder.commercial_partner_id = %(customer)s
                                   AND regexp_replace(
                                           upper(bank.sanitized_acc_number),
                                           '^[A-Z]{2}', ''
                                       ) = regexp_replace(
                                           upper(regexp_replace(
                                               pt.account_number,
                                               '[^A-Za-z0-9]', '', 'g'
                                           )),
                                           '^[A-Z]{2}', ''
                                       )
                            )
                        )
                   )
            )""",
            customer=customer,
        )

    # -------------------------------------------------------------------------
    # As of which bank data
    # -------------------------------------------------------------------------

    @api.model
    def _feed_refreshed_at(self, company):
        """{bank journal: when its feed was last refreshed (or False)} for the
        company's bank journals: the last successful sync of a bank account
        linked to it, else the last statement line created in it."""
        journals = (
            self.env["account.journal"]
            .sudo()
            .search([("type", "=", "bank"), ("company_id", "=", company.id)])
        )
        synced = {
            journal.id: last_sync
            for journal, last_sync in self.env["bank.api.account"]
            .sudo()
            .with_context(active_test=False)
            ._read_group(
                [("journal_id", "in", journals.ids), ("last_sync_at", "!=", False)],
                ["journal_id"],
                ["last_sync_at:max"],
            )
        }
        imported = {
            journal.id: created
            for journal, created in self.env["account.bank.statement.line"]
            .sudo()
            ._read_group(
                [("journal_id", "in", journals.ids)],
                ["journal_id"],
                ["create_date:max"],
            )
        }
        return {
            journal: synced.get(journal.id) or imported.get(journal.id) or False
            for journal in journals
        }

    @api.model
    def _feed_as_of_text(self, company, max_journals=None):
        refreshed = self._feed_refreshed_at(company)
        if not refreshed:
            return self.env._("no bank journal")
        parts = [
            self.env._(
                "%(journal)s: %(when)s",
                journal=journal.name,
                when=format_datetime(self.env, when) if when else self.env._("never"),
            )
            for journal, when in refreshed.items()
        ]
        if max_journals and len(parts) > max_journals:
            parts = parts[:max_journals] + [
                self.env._("%(count)s more", count=len(parts) - max_journals)
            ]
        return "; ".join(parts)

    def _compute_bank_feed_as_of(self):
        texts = {}
        for record in self:
            company = record.company_id
            if company not in texts:
                texts[company] = self._feed_as_of_text(company) if company else False
            record.bank_feed_as_of = texts[company]

    @api.model
    def _action_open(self):
        """The report, titled with the bank data it is late against."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "bank_api_sync.bank_api_overdue_receivable_action"
        )
        companies = self.env.companies
        as_of = " | ".join(
            self._feed_as_of_text(company, AS_OF_TITLE_JOURNALS)
            if len(companies) == 1
            else f"{company.name}: "
            + self._feed_as_of_text(company, AS_OF_TITLE_JOURNALS)
            for company in companies
        )
        action["name"] = self.env._(
            "Overdue Receivables, as of the bank data of %(as_of)s", as_of=as_of
        )
        return action

    # -------------------------------------------------------------------------
    # Daily activities about customers newly late
    # -------------------------------------------------------------------------

    @api.model
    def _cron_announce_late(self, limit=ANNOUNCE_LIMIT):
        """Daily: one activity per customer whose invoices became late since
        the last run, for the salesperson (else the company's accountant), per
        company; an invoice is announced once."""
        for company in self.env["res.company"].sudo().search([]):
            self.sudo().with_company(company).with_context(
                allowed_company_ids=company.ids
            )._announce_late(company, limit)

    def _announce_late(self, company, limit):
        items = self.search(
            [
                ("company_id", "=", company.id),
                ("late_announced", "=", False),
                ("at_bank", "=", False),
                ("partner_id", "!=", False),
                ("move_id.move_type", "in", ("out_invoice", "out_receipt")),
            ],
            order="date_maturity, id",
            limit=limit,
        )
        by_customer = {}
        for item in items:
            by_customer.setdefault(item.partner_id, self.browse())
            by_customer[item.partner_id] |= item
        today = self._company_today(company)
        announcements = self.env["bank.api.late.announcement"]
        for customer, customer_items in by_customer.items():
            user = self._late_responsible(company, customer_items)
            if not user:
                _logger.warning(
                    "Overdue invoices of partner %s in company %s: nobody to tell "
                    "(no salesperson, connection responsible or accountant).",
                    customer.id,
                    company.id,
                )
                continue
            activity = customer.activity_schedule(
                "bank_api_sync.mail_activity_type_overdue",
                date_deadline=today,
                user_id=user.id,
                **customer_items.with_context(lang=user.lang)._late_activity_texts(
                    company, customer
                ),
            )
            announcements.create(
                [
                    {
                        "move_id": move.id,
                        "company_id": company.id,
                        "announced_on": today,
                        "user_id": user.id,
                        "activity_id": activity.id,
                    }
                    for move in customer_items.move_id
                ]
            )

    def _late_responsible(self, company, items):
        """The customer's salesperson (the most frequent on the late invoices),
        else the responsible of the company's bank connections, else one of its
        accounting advisers: an active internal user of the company."""

        def usable(user):
            return (
                user and user.active and not user.share and company in user.company_ids
            )

        for user, _count in Counter(
            item.invoice_user_id for item in items
        ).most_common():
            if usable(user):
                return user
        connections = (
            self.env["bank.api.connection"]
            .sudo()
            .search([("company_id", "=", company.id)], order="id")
        )
        for user in connections.user_id:
            if usable(user):
                return user
        advisers = self.env.ref("account.group_account_manager").sudo().users
        return advisers.sorted("id").filtered(usable)[:1]

    def _late_activity_texts(self, company, customer):
        """Summary and note of the activity, in the language of self's context."""
        env = self.env
        items = self.sorted(lambda item: (item.date_maturity, item.id))
        rows = Markup("").join(
            Markup("<li>%s</li>")
            % env._(
                "%(document)s: %(amount)s open, due %(due)s (%(days)s days late)",
                document=item.move_id.name,
                amount=formatLang(
                    env, item.amount_residual, currency_obj=item.currency_id
                ),
                due=format_date(env, item.date_maturity),
                days=item.days_overdue,
            )
            for item in items
        )
        total = formatLang(
            env, sum(items.mapped("amount_residual")), currency_obj=company.currency_id
        )
        last = (
            env["account.bank.statement.line"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("partner_id", "child_of", customer.id),
                    ("amount", ">", 0),
                ],
                order="date desc, id desc",
                limit=1,
            )
        )
        if last:
            seen = env._(
                "Last bank payment seen from this customer: %(date)s, %(amount)s, "
                "%(journal)s.",
                date=format_date(env, last.date),
                amount=formatLang(env, last.amount, currency_obj=last.currency_id),
                journal=last.journal_id.name,
            )
        else:
            seen = env._("No bank payment from this customer has been seen.")
        note = Markup("<p>%s</p><ul>%s</ul><p>%s</p><p>%s</p>") % (
            env._(
                "Invoices of %(customer)s that became late (%(company)s):",
                customer=customer.display_name,
                company=company.name,
            ),
            rows,
            env._("Total open: %(total)s", total=total),
            seen,
        )
        summary = env._(
            "%(count)s invoice(s) late: %(total)s",
            count=len(items.move_id),
            total=total,
        )
        return {"summary": summary, "note": note}
