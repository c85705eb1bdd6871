import hashlib
import json
import logging

from odoo import api, fields, models

from ..core.dedupe import keyed_with_content
from ..core.sanity import check_or_reject, parser_from_recipe

_logger = logging.getLogger(__name__)


class BankApiRejectedTransaction(models.Model):
    """A transaction a bank sent that the product could not read or store
    (see core/sanity.py): kept aside with its reason and raw data, to be
    read again once the cause is gone (a currency activated, a fixed
    mapping) or ignored. Written by the sync only; people change its state
    through Reprocess and Ignore."""

    _name = "bank.api.rejected.transaction"
    _description = "Bank Transaction Kept Aside"
    _order = "last_seen desc, id desc"
    _rec_name = "reason"

    connection_id = fields.Many2one(
        "bank.api.connection", required=True, ondelete="cascade", index=True
    )
    account_id = fields.Many2one("bank.api.account", ondelete="cascade", index=True)
    company_id = fields.Many2one(
        related="connection_id.company_id", store=True, index=True
    )
    log_id = fields.Many2one(
        "bank.api.sync.log",
        string="Last Sync Log",
        ondelete="set null",
        index=True,
        help="The last run that met it.",
    )
    where = fields.Char(string="Place", help="Where in the bank's answer it was.")
    reason = fields.Text(required=True)
    raw_excerpt = fields.Text(string="What the Bank Sent")
    raw_data = fields.Text(
        help="The whole raw data (credentials masked), when small enough to keep: "
        "Reprocess reads it again."
    )
    raw_hash = fields.Char(index=True, help="Recognises the same item in later runs.")
    recipe = fields.Char(help="How the sync read it (parser and its arguments).")
    first_seen = fields.Datetime(required=True, default=fields.Datetime.now)
    last_seen = fields.Datetime(required=True, default=fields.Datetime.now)
    times_seen = fields.Integer(default=1)
    state = fields.Selection(
        [("new", "New"), ("reprocessed", "Reprocessed"), ("ignored", "Ignored")],
        required=True,
        default="new",
        index=True,
    )
    statement_line_id = fields.Many2one(
        "account.bank.statement.line",
        string="Imported As",
        ondelete="set null",
        help="The statement line Reprocess imported it as.",
    )

    _sql_constraints = [
        (
            "raw_hash_unique",
            "unique(connection_id, account_id, raw_hash)",
            "A transaction kept aside is recorded once per account.",
        )
    ]

    @api.model
    def _record(self, account, log, rejected):
        """Keep each ``core.sanity.Rejected`` of ``account``'s run: a new
        record, or the one already kept for the same raw data (then only
        seen again: an ignored one stays ignored)."""
        now = fields.Datetime.now()
        for item in rejected:
            raw_hash = hashlib.sha256(
                (item.raw_data or item.raw).encode("utf-8", "replace")
            ).hexdigest()
            known = self.search(
                [
                    ("connection_id", "=", account.connection_id.id),
                    ("account_id", "=", account.id),
                    ("raw_hash", "=", raw_hash),
                ],
                limit=1,
            )
            if known:
                known.write(
                    {
                        "last_seen": now,
                        "times_seen": known.times_seen + 1,
                        "log_id": log.id,
                        "reason": item.reason,
                    }
                )
                continue
            self.create(
                {
                    "connection_id": account.connection_id.id,
                    "account_id": account.id,
                    "log_id": log.id,
                    "where": item.where,
                    "reason": item.reason,
                    "raw_excerpt": item.raw,
                    "raw_data": item.raw_data,
                    "raw_hash": raw_hash,
                    "recipe": item.recipe,
                    "first_seen": now,
                    "last_seen": now,
                }
            )

    # -------------------------------------------------------------------------
    # Actions
    # -------------------------------------------------------------------------

    def _check_user_access(self):
        """The person may sync the connections of these items."""
        self.check_access("read")
        self.connection_id._check_user_access("sync")

    def action_ignore(self):
        self._check_user_access()
        self.sudo().filtered(lambda item: item.state == "new").write(
            {"state": "ignored"}
        )
        return True

    def action_reprocess(self):
        """Read each item's raw data again through the mapping the sync used
        and import it when it now reads (exactly once: the bank's id, or its
        content key, is the normal one). Items that still cannot be read
        keep their (new) reason."""
        self._check_user_access()
        imported = still = 0
        for item in self.sudo().filtered(lambda item: item.state != "reprocessed"):
            problem, line = item._reprocess_one()
            if problem:
                item.write({"reason": problem, "last_seen": fields.Datetime.now()})
                still += 1
            else:
                item.write({"state": "reprocessed", "statement_line_id": line.id})
                imported += 1
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Transactions kept aside"),
                "message": self.env._(
                    "%(imported)s read and imported, %(still)s still unreadable "
                    "(see their reason).",
                    imported=imported,
                    still=still,
                ),
                "type": "success" if not still else "warning",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _reprocess_one(self):
        """(why it still cannot be read, None) or (None, its statement line
        or an empty recordset when it was pending or imported already)."""
        self.ensure_one()
        account = self.account_id
        if not (self.raw_data and self.recipe):
            return self.env._(
                "Its raw data was too large or not kept whole: it cannot be read "
                "again; ignore it, or import it by hand."
            ), None
        if not account.journal_id:
            return self.env._(
                "Account %(account)s has no journal.", account=account.name
            ), None
        connection = self.connection_id.with_company(self.company_id)
        client = connection._build_client()
        try:
            parse, args = parser_from_recipe(self.recipe, client)
            raw = json.loads(self.raw_data)
        except (ValueError, KeyError, TypeError, AttributeError, ImportError) as error:
            _logger.warning("Kept-aside item %s: unusable recipe (%s)", self.id, error)
            return self.env._("How it was read cannot be repeated."), None
        rejected = []
        transaction = check_or_reject(
            lambda: parse(raw, *args), raw, self.where or "", rejected
        )
        if transaction is None:
            return rejected[0].reason, None
        unknown = {transaction.currency, transaction.original_currency} - {None}
        known = set(
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("name", "in", list(unknown))])
            .mapped("name")
        )
        if unknown - known:
            return self.env._(
                "the currency %(currency)s is unknown to Odoo",
                currency=min(unknown - known),
            ), None
        importer = self.env["bank.api.statement.importer"].with_company(self.company_id)
        with self.env.cr.savepoint():
            result = importer._import_transactions(
                account.journal_id, [transaction], account=account
            )
        line = self.env["account.bank.statement.line"]
        if result.created:
            line = line.search(
                [
                    ("journal_id", "=", account.journal_id.id),
                    (
                        "bank_api_unique_key",
                        "=",
                        keyed_with_content([transaction])[0].key,
                    ),
                ],
                limit=1,
            )
        return None, line
