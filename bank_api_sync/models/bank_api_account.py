from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.base.models.res_bank import sanitize_account_number

from ..core.matching.texts import _lt
from ..core.model import Account
from .core_texts import post_text


class BankApiAccount(models.Model):
    """A bank account a connection's consent covers, mapped to a bank journal."""

    _name = "bank.api.account"
    _description = "Bank API Account"
    _order = "connection_id, name"
    _check_company_auto = True

    connection_id = fields.Many2one(
        "bank.api.connection", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="connection_id.company_id", store=True, index=True
    )
    name = fields.Char(required=True)
    resource_id = fields.Char(
        string="Bank's Account ID", required=True, readonly=True, copy=False
    )
    iban = fields.Char(string="IBAN", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    journal_id = fields.Many2one(
        "account.journal",
        domain="[('type', '=', 'bank'), ('company_id', '=', company_id)]",
        check_company=True,
        help="The bank journal whose statements this account feeds.",
    )
    second_feed_reason = fields.Char(
        string="Reason to Feed Twice",
        copy=False,
        help="Only when this IBAN already feeds another journal (through a "
        "connection or statement files): why it should feed a second one. "
        "Recorded in the connection's and the journal's chatter.",
    )
    active = fields.Boolean(
        default=True, help="Untick to stop syncing this account, keeping its history."
    )

    # Where the next run resumes: the end of the last good window.
    resume_from = fields.Date(readonly=True, copy=False)
    last_sync_at = fields.Datetime(readonly=True, copy=False)

    # Balance proof: the bank's figure against the sum of Odoo's lines.
    opening_balance = fields.Monetary(
        readonly=True,
        copy=False,
        help="The balance before the first imported day, derived from the bank's "
        "closing balance at the first sync.",
    )
    opening_date = fields.Date(readonly=True, copy=False)
    bank_balance = fields.Monetary(
        string="Bank Closing Balance", readonly=True, copy=False
    )
    bank_available_balance = fields.Monetary(readonly=True, copy=False)
    bank_balance_date = fields.Date(readonly=True, copy=False)
    odoo_balance = fields.Monetary(
        readonly=True,
        copy=False,
        help="Opening balance plus every statement line of the journal up to "
        "the bank's balance date, at the last check.",
    )
    balance_difference = fields.Monetary(readonly=True, copy=False)
    balance_mismatch = fields.Boolean(readonly=True, copy=False, index=True)
    mismatch_since = fields.Date(readonly=True, copy=False)
    pending_transaction_ids = fields.One2many(
        "bank.api.pending.transaction", "account_id", string="Pending Transactions"
    )
    pending_amount = fields.Monetary(
        compute="_compute_pending_amount",
        help="Movements the bank shows but has not booked yet (cash position).",
    )

    _sql_constraints = [
        (
            "resource_connection_uniq",
            "unique(connection_id, resource_id)",
            "This bank account is already listed on the connection.",
        ),
        (
            "journal_uniq",
            "unique(journal_id)",
            "A bank journal can be fed by one bank account only.",
        ),
    ]

    @api.depends("pending_transaction_ids.amount", "pending_transaction_ids.state")
    def _compute_pending_amount(self):
        for account in self:
            account.pending_amount = sum(
                account.pending_transaction_ids.filtered(
                    lambda pending: pending.state == "pending"
                ).mapped("amount")
            )

    # -------------------------------------------------------------------------
    # One bank account, one feed
    # -------------------------------------------------------------------------

    def _bank_api_feeds_elsewhere(self, journal=None):
        """Where this account's IBAN already lands, other than ``journal``:
        journals fed by another active connection's active account with that
        IBAN, and bank journals whose bank account is that IBAN and that
        receive statements otherwise (files, or lines without a feed). One
        text per place: journal, company, connection or feed. A connection or
        account archived no longer feeds."""
        self.ensure_one()
        iban = sanitize_account_number(self.iban)
        if not iban:
            return []
        places, seen = [], set(journal.ids if journal else [])
        feeding = (
            self.sudo()
            .search([("journal_id", "!=", False), ("id", "!=", self._origin.id)])
            .filtered(
                lambda other: other.connection_id.active
                and sanitize_account_number(other.iban) == iban
            )
        )
        for other in feeding:
            if other.journal_id.id in seen:
                continue
            seen.add(other.journal_id.id)
            places.append(
                self.env._(
                    "journal %(journal)s of %(company)s, through connection "
                    "%(connection)s",
                    journal=other.journal_id.display_name,
                    company=other.company_id.display_name,
                    connection=other.connection_id.display_name,
                )
            )
        journals = (
            self.env["account.journal"]
            .sudo()
            .search(
                [
                    ("type", "=", "bank"),
                    ("bank_account_id.sanitized_acc_number", "=", iban),
                    # A connection's journals: its accounts, above, tell.
                    ("bank_statements_source", "!=", "bank_api_sync"),
                    ("id", "not in", list(seen)),
                ]
            )
        )
        sources = dict(
            self.env["account.journal"]
            ._fields["bank_statements_source"]
            ._description_selection(self.env)
        )
        lines = self.env["account.bank.statement.line"].sudo()
        for other in journals:
            source = other.bank_statements_source
            if source == "undefined" and not lines.search_count(
                [("journal_id", "=", other.id)], limit=1
            ):
                continue  # set up, never fed
            places.append(
                self.env._(
                    "journal %(journal)s of %(company)s (%(feed)s)",
                    journal=other.display_name,
                    company=other.company_id.display_name,
                    feed=sources.get(source, source),
                )
            )
        return places

    def _bank_api_check_one_feed(self, journal=None, reason=None):
        """Refuse to feed this IBAN into ``journal`` (None: a new one) when it
        already lands elsewhere, unless a person wrote why; that decision is
        recorded. Returns the texts to record (empty: nothing to record)."""
        self.ensure_one()
        places = self._bank_api_feeds_elsewhere(journal)
        if not places:
            return []
        reason = reason if reason is not None else self.second_feed_reason
        if not (reason or "").strip():
            raise UserError(
                self.env._(
                    "Bank account %(iban)s already feeds %(places)s. Connecting "
                    "it to another journal would import each of its transactions "
                    "twice and double the balance. To do it all the same, write "
                    "why in 'Reason to Feed Twice' on the account %(account)s "
                    "first.",
                    iban=self.iban,
                    places="; ".join(places),
                    account=self.name,
                )
            )
        return places

    def _bank_api_record_second_feed(self, journal, places, reason):
        body = _lt(
            "Bank account %(iban)s (%(account)s) now also feeds journal "
            "%(journal)s, although it already feeds %(places)s. Reason given "
            "by %(user)s: %(reason)s",
            iban=self.iban,
            account=self.name,
            journal=journal.display_name,
            places="; ".join(places),
            user=self.env.user.name,
            reason=reason,
        )
        post_text(self.connection_id, body)
        post_text(journal, body)

    def action_create_journal(self):
        """Create a bank journal for this account, fed by this connection."""
        self.check_access("write")
        for account in self:
            if account.journal_id:
                continue
            places = account._bank_api_check_one_feed()
            company = account.company_id
            currency = account.currency_id
            partner_bank = self.env["res.partner.bank"].search(
                [
                    (
                        "sanitized_acc_number",
                        "=",
                        (account.iban or "").replace(" ", ""),
                    ),
                    ("partner_id", "=", company.partner_id.id),
                ],
                limit=1,
            )
            if not partner_bank and account.iban:
                partner_bank = self.env["res.partner.bank"].create(
                    {"acc_number": account.iban, "partner_id": company.partner_id.id}
                )
            journal = self.env["account.journal"].create(
                {
                    "name": f"{account.connection_id.name} {account.name}"[:64],
                    "type": "bank",
                    "code": self._free_journal_code(company, currency),
                    "company_id": company.id,
                    "currency_id": currency != company.currency_id and currency.id,
                    "bank_account_id": partner_bank.id,
                    "bank_statements_source": "bank_api_sync",
                }
            )
            super(BankApiAccount, account).write({"journal_id": journal.id})
            if places:
                account._bank_api_record_second_feed(
                    journal, places, account.second_feed_reason
                )
        return True

    def _free_journal_code(self, company, currency):
        prefix = ("B" + (currency.name or "NK"))[:4]
        used = set(
            self.env["account.journal"]
            .with_context(active_test=False)
            .search([("company_id", "=", company.id)])
            .mapped("code")
        )
        for number in range(1, 100):
            code = f"{prefix[:3]}{number}"[:5]
            if code not in used:
                return code
        raise UserError(self.env._("No free journal code left for %s", prefix))

    def _core_account(self):
        self.ensure_one()
        return Account(
            resource_id=self.resource_id,
            iban=self.iban,
            currency=self.currency_id.name,
            name=self.name,
        )

    def action_open_pending(self):
        self.ensure_one()
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Pending Transactions"),
            "res_model": "bank.api.pending.transaction",
            "view_mode": "list,form",
            "domain": [("account_id", "=", self.id)],
            "context": {"search_default_filter_pending": 1},
        }

    @api.model_create_multi
    def create(self, vals_list):
        accounts = super().create(vals_list)
        for account in accounts.filtered("journal_id"):
            account._bank_api_linked(account.journal_id, account.second_feed_reason)
        return accounts

    def write(self, vals):
        journal = self.env["account.journal"].browse(vals.get("journal_id") or [])
        decisions = []
        if journal:
            for account in self.filtered(lambda acc: acc.journal_id != journal):
                reason = vals.get("second_feed_reason", account.second_feed_reason)
                places = account._bank_api_check_one_feed(journal, reason)
                if places:
                    decisions.append((account, places, reason))
            journal.write({"bank_statements_source": "bank_api_sync"})
        result = super().write(vals)
        for account, places, reason in decisions:
            account._bank_api_record_second_feed(journal, places, reason)
        return result

    def _bank_api_linked(self, journal, reason):
        places = self._bank_api_check_one_feed(journal, reason)
        journal.bank_statements_source = "bank_api_sync"
        if places:
            self._bank_api_record_second_feed(journal, places, reason)
