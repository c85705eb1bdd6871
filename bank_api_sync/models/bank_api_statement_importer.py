from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from odoo import Command, api, fields, models

from ..core.dedupe import keyed_with_content, line_completions
from ..core.model import BOOKED, PENDING
from ..core.pending import PendingItem, counterparty_signature, find_booked_twins
from ..core.statement_days import statement_date
from .account_move import BULK_IMPORT

# A bulk import of statement lines whose journal items we give (see
# _journal_items), with Odoo's own switches for such writers: no chatter on
# each entry (no "created" message, follower or tracking); the balance
# checked once per batch instead of on each of Odoo's per-line writes; no
# tax or payment-term lines to sync (a bank entry has none); no copy of each
# entry back onto its line (the line's values are the source of it); the
# entries linked to their lines and named a batch at a time (account_move.py).
BULK_CREATE_CONTEXT = {
    "tracking_disable": True,
    "check_move_validity": False,
    "skip_invoice_sync": True,
    "skip_account_move_synchronization": True,
    BULK_IMPORT: True,
}

CREATE_BATCH = 500


@dataclass
class ImportResult:
    fetched: int = 0
    created: int = 0
    duplicates: int = 0  # already in the journal (completed ones included)
    completed: int = 0  # lines imported without the bank's id, now given it
    pending_staged: int = 0
    pending_retired: int = 0
    lines: object = None  # account.bank.statement.line recordset
    days: set = field(default_factory=set)


class BankApiStatementImporter(models.AbstractModel):
    """Turns core transactions into statement lines of one bank journal.

    Shared by every feed (bank APIs, MT940 files, webhooks): the key of each
    transaction is checked against the journal, and enforced by a unique
    constraint, so a transaction is never imported twice whatever the source.
    """

    _name = "bank.api.statement.importer"
    _description = "Bank Statement Importer"

    @api.model
    def _import_transactions(
        self, journal, transactions, *, account=None, pending_complete=False
    ):
        """Import booked transactions as statement lines (one statement per
        day in the company's time zone) and stage pending ones on ``account``.

        ``pending_complete``: the list holds every pending transaction the bank
        currently shows, so staged ones missing from it were cancelled.
        """
        result = ImportResult(fetched=len(transactions))
        keyed = keyed_with_content(transactions)
        result.duplicates += len(transactions) - len(keyed)
        booked = [item for item in keyed if item.transaction.status == BOOKED]
        pending = [
            (item.key, item.transaction)
            for item in keyed
            if item.transaction.status == PENDING
        ]

        existing = self._existing_keys(journal, [item.key for item in booked])
        fresh = [item for item in booked if item.key not in existing]
        completions, known = line_completions(
            fresh, self._lines_by_content(journal, [i.content_key for i in fresh])
        )
        self._complete_lines(journal, completions)
        result.completed = len(completions)
        completed = {item.key for _, item in completions}
        new_booked = [
            (item.key, item.transaction)
            for item in fresh
            if item.key not in completed
            and (item.has_bank_id or item.content_key not in known)
        ]
        result.duplicates += len(booked) - len(new_booked)
        result.lines = self._create_lines(
            journal,
            new_booked,
            account,
            content_keys={item.key: item.content_key for item in fresh},
        )
        result.created = len(result.lines)
        result.days = set(result.lines.mapped("date"))
        if account:
            lines_by_key = {line.bank_api_unique_key: line for line in result.lines}
            self._stage_pending(
                account,
                pending,
                [(lines_by_key[key], txn) for key, txn in new_booked],
                pending_complete,
                result,
            )
        return result

    @api.model
    def _existing_keys(self, journal, keys):
        if not keys:
            return set()
        self.env["account.bank.statement.line"].flush_model(
            ["journal_id", "bank_api_unique_key"]
        )
        self.env.cr.execute(
            """
            SELECT bank_api_unique_key FROM account_bank_statement_line
             WHERE journal_id = %s AND bank_api_unique_key = ANY(%s)
            """,
            (journal.id, list(keys)),
        )
        return {row[0] for row in self.env.cr.fetchall()}

    @api.model
    def _lines_by_content(self, journal, content_keys):
        """{content key: (key, content key)} of the journal's lines that are
        one of ``content_keys``: lines imported without the bank's id (their
        key is the content key) and lines imported with it. A line without an
        id wins: it is the one to complete."""
        if not content_keys:
            return {}
        self.env["account.bank.statement.line"].flush_model(
            ["journal_id", "bank_api_unique_key", "bank_api_content_key"]
        )
        self.env.cr.execute(
            """
            SELECT bank_api_unique_key, bank_api_content_key
              FROM account_bank_statement_line
             WHERE journal_id = %s
               AND (bank_api_unique_key = ANY(%s)
                    OR bank_api_content_key = ANY(%s))
            """,
            (journal.id, list(content_keys), list(content_keys)),
        )
        found = {}
        for key, content_key in self.env.cr.fetchall():
            content_key = content_key or key
            if content_key not in found or key.startswith("hash:"):
                found[content_key] = (key, content_key)
        return found

    @api.model
    def _complete_lines(self, journal, completions):
        """Give the lines imported without the bank's id their id (and the
        bank's fuller data), so the id finds them from now on."""
        if not completions:
            return
        lines = self.env["account.bank.statement.line"].search(
            [
                ("journal_id", "=", journal.id),
                ("bank_api_unique_key", "in", [key for key, _ in completions]),
            ]
        )
        by_key = {line.bank_api_unique_key: line for line in lines}
        for line_key, item in completions:
            values = {
                "bank_api_unique_key": item.key,
                "bank_api_content_key": item.content_key,
            }
            if item.transaction.raw:
                values["transaction_details"] = item.transaction.raw
            by_key[line_key].with_context(**BULK_CREATE_CONTEXT).write(values)

    @api.model
    def _create_lines(self, journal, keyed_booked, account, content_keys=None):
        lines = self.env["account.bank.statement.line"]
        if not keyed_booked:
            return lines
        tz = self._company_tz(journal.company_id)
        partners = self._partners_by_iban(
            journal.company_id, [txn.counterparty_iban for _, txn in keyed_booked]
        )
        dated = sorted(
            ((statement_date(txn, tz), key, txn) for key, txn in keyed_booked),
            key=lambda item: item[0],
        )
        statements = self._statements_for_days(journal, {day for day, _, _ in dated})
        currencies = self._currencies([txn for _, _, txn in dated])
        vals_list = [
            self._line_values(
                journal, day, key, txn, statements[day], partners, currencies, account
            )
            for day, key, txn in dated
        ]
        for values in vals_list:
            values["bank_api_content_key"] = (content_keys or {}).get(
                values["bank_api_unique_key"], False
            )
        bulk_lines = lines.with_context(**BULK_CREATE_CONTEXT)
        for start in range(0, len(vals_list), CREATE_BATCH):
            batch = bulk_lines.create(vals_list[start : start + CREATE_BATCH])
            batch._bank_api_check_balanced()
            lines |= batch
            # Write the batch and forget it: the records of a first sync
            # (tens of thousands of lines, each with its entry and items)
            # would otherwise pile up in the cache, past a worker's memory.
            self.env.invalidate_all(flush=True)
        return lines

    @api.model
    def _line_values(
        self, journal, day, key, txn, statement, partners, currencies, account
    ):
        journal_currency = journal.currency_id or journal.company_id.currency_id
        amount = txn.amount
        foreign_currency = None
        amount_currency = 0.0
        if txn.currency != journal_currency.name:
            # The bank reported the movement in another currency than the
            # journal's: keep it as the foreign amount, convert for the journal.
            foreign_currency = currencies.get(txn.currency)
            amount_currency = float(txn.amount)
            amount = Decimal(
                str(
                    foreign_currency._convert(
                        float(txn.amount), journal_currency, journal.company_id, day
                    )
                )
            )
        elif txn.original_currency and txn.original_currency != journal_currency.name:
            foreign_currency = currencies.get(txn.original_currency)
            amount_currency = float(txn.original_amount or 0)
        iban = counterparty_signature(txn.counterparty_iban, None) or False
        values = {
            "journal_id": journal.id,
            "statement_id": statement.id,
            "date": day,
            "amount": float(amount),
            "payment_ref": txn.remittance or txn.proprietary_code or "/",
            "partner_name": txn.counterparty_name or False,
            "account_number": txn.counterparty_iban or False,
            "partner_id": partners.get(iban, False),
            "transaction_type": txn.bank_transaction_code
            or txn.proprietary_code
            or False,
            "bank_api_unique_key": key,
            "bank_api_account_id": account.id if account else False,
            "transaction_details": txn.raw or None,
        }
        if foreign_currency and amount_currency:
            values["foreign_currency_id"] = foreign_currency.id
            values["amount_currency"] = amount_currency
        else:
            foreign_currency = None
        if journal.suspense_account_id:
            values["line_ids"] = [
                Command.create(item)
                for item in self._journal_items(journal, values, foreign_currency)
            ]
        return values

    @api.model
    def _journal_items(self, journal, values, foreign_currency):
        """The liquidity and suspense items of a new line's entry, as Odoo's
        ``_prepare_move_line_default_vals`` makes them. Given with the line,
        Odoo creates the items of a whole batch in one go instead of writing
        each line's entry on its own (most of the cost of an import)."""
        company = journal.company_id
        company_currency = company.currency_id
        journal_currency = journal.currency_id or company_currency
        foreign_currency = foreign_currency or journal_currency
        journal_amount = values["amount"]
        if foreign_currency == journal_currency:
            transaction_amount = journal_amount
        else:
            transaction_amount = values.get("amount_currency", 0.0)
        if journal_currency == company_currency:
            company_amount = journal_amount
        elif foreign_currency == company_currency:
            company_amount = transaction_amount
        else:
            company_amount = journal_currency._convert(
                journal_amount, company_currency, company, values["date"]
            )
        common = {"name": values["payment_ref"], "partner_id": values["partner_id"]}
        return [
            {
                **common,
                "account_id": journal.default_account_id.id,
                "currency_id": journal_currency.id,
                "amount_currency": journal_amount,
                "debit": max(company_amount, 0.0),
                "credit": max(-company_amount, 0.0),
            },
            {
                **common,
                "account_id": journal.suspense_account_id.id,
                "currency_id": foreign_currency.id,
                "amount_currency": -transaction_amount,
                "debit": max(-company_amount, 0.0),
                "credit": max(company_amount, 0.0),
            },
        ]

    @api.model
    def _currencies(self, transactions):
        names = {txn.currency for txn in transactions} | {
            txn.original_currency for txn in transactions if txn.original_currency
        }
        currencies = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("name", "in", list(names))])
        )
        # The bank moved money in these currencies: Odoo must be able to post it.
        currencies.filtered(lambda currency: not currency.active).sudo().active = True
        return {currency.name: currency for currency in currencies}

    @api.model
    def _partners_by_iban(self, company, ibans):
        signatures = {counterparty_signature(iban, None) for iban in ibans if iban}
        if not signatures:
            return {}
        partner_banks = self.env["res.partner.bank"].search(
            [
                ("sanitized_acc_number", "in", list(signatures)),
                ("company_id", "in", (False, company.id)),
            ]
        )
        found = defaultdict(set)
        for partner_bank in partner_banks:
            found[partner_bank.sanitized_acc_number].add(
                partner_bank.partner_id.commercial_partner_id.id
            )
        # An account shared by several partners identifies none of them.
        return {iban: ids.pop() for iban, ids in found.items() if len(ids) == 1}

    @api.model
    def _statements_for_days(self, journal, days):
        statements = self.env["account.bank.statement"].search(
            [("journal_id", "=", journal.id), ("bank_api_day", "in", list(days))]
        )
        by_day = {statement.bank_api_day: statement for statement in statements}
        missing = sorted(days - set(by_day))
        if missing:
            created = statements.create(
                [
                    {
                        "name": f"{journal.code} {day.isoformat()}",
                        "journal_id": journal.id,
                        "date": day,
                        "bank_api_day": day,
                    }
                    for day in missing
                ]
            )
            by_day.update(zip(missing, created, strict=True))
        return by_day

    @api.model
    def _company_tz(self, company):
        return company.partner_id.tz or self.env.user.tz or "UTC"

    @api.model
    def _stage_pending(self, account, pending, new_booked, pending_complete, result):
        Pending = self.env["bank.api.pending.transaction"]
        # The open items, and any of this answer's already staged (retired
        # ones included: a key is staged once), not the account's history.
        staged = Pending.search(
            [
                ("account_id", "=", account.id),
                "|",
                ("state", "=", "pending"),
                ("unique_key", "in", [key for key, _ in pending]),
            ]
        )
        by_key = {item.unique_key: item for item in staged}
        open_items = staged.filtered(lambda item: item.state == "pending")
        items = [
            PendingItem(
                key=item.unique_key,
                transaction_id=item.transaction_id or None,
                day=item.date or None,
                amount=Decimal(str(item.amount)),
                currency=item.currency_id.name,
                counterparty=counterparty_signature(
                    item.account_number, item.partner_name
                ),
            )
            for item in open_items
        ]
        line_of = {id(txn): line for line, txn in new_booked}
        twins = find_booked_twins(items, [txn for _, txn in new_booked])
        now = fields.Datetime.now()
        for key, booked_txn in twins.items():
            by_key[key].write(
                {
                    "state": "booked",
                    "booked_line_id": line_of[id(booked_txn)].id,
                    "retired_at": now,
                }
            )
        result.pending_retired += len(twins)

        currencies = self._currencies([txn for _, txn in pending])
        new_pending = [(key, txn) for key, txn in pending if key not in by_key]
        Pending.create(
            [
                {
                    "account_id": account.id,
                    "unique_key": key,
                    "transaction_id": txn.transaction_id,
                    "date": txn.booking_date or txn.value_date,
                    "amount": float(txn.amount),
                    "currency_id": currencies[txn.currency].id,
                    "partner_name": txn.counterparty_name,
                    "account_number": txn.counterparty_iban,
                    "payment_ref": txn.remittance,
                    "transaction_details": txn.raw or None,
                }
                for key, txn in new_pending
            ]
        )
        result.pending_staged += len(new_pending)
        if pending_complete:
            still_pending = {key for key, _ in pending}
            vanished = open_items.filtered(
                lambda item: item.unique_key not in still_pending
                and item.unique_key not in twins
            )
            vanished.write({"state": "vanished", "retired_at": now})

    # -------------------------------------------------------------------------
    # Balances
    # -------------------------------------------------------------------------

    @api.model
    def _day_sums(self, journal, after_date):
        """{date: sum of posted line amounts} of the journal after ``after_date``."""
        self.env["account.bank.statement.line"].flush_model()
        self.env.cr.execute(
            """
            SELECT move.date, SUM(line.amount)
              FROM account_bank_statement_line line
              JOIN account_move move ON move.id = line.move_id
             WHERE line.journal_id = %s AND move.state = 'posted'
               AND (%s::date IS NULL OR move.date > %s::date)
             GROUP BY move.date
            """,
            (journal.id, after_date, after_date),
        )
        return {day: Decimal(str(total)) for day, total in self.env.cr.fetchall()}

    @api.model
    def _update_balances(self, account, window_from, balances, source="sync"):
        """Record the bank's figures, chain our statements' balances, flag a
        mismatch between the bank's closing balance and Odoo's and keep the
        day's balance snapshot (``source``: what brought the figures, a
        ``bank.api.balance.snapshot`` source)."""
        journal = account.journal_id
        closing = next(
            (b for b in balances if b.balance_type == "closingBooked"),
            next((b for b in balances if b.balance_type == "interimBooked"), None),
        )
        available = next(
            (b for b in balances if b.balance_type == "interimAvailable"), None
        )
        values = {}
        if available:
            values["bank_available_balance"] = float(available.amount)
        if closing is None:
            account.write(values)
            return
        reference_day = closing.reference_date or fields.Date.context_today(self)
        if not account.opening_date:
            # First balance seen: the opening is what the bank had before the
            # first day we imported.
            opening_date = window_from and fields.Date.subtract(window_from, days=1)
            sums = self._day_sums(journal, opening_date)
            moved = sum(
                (amount for day, amount in sums.items() if day <= reference_day),
                Decimal(0),
            )
            values["opening_balance"] = float(closing.amount - moved)
            values["opening_date"] = opening_date
            opening = closing.amount - moved
        else:
            opening_date = account.opening_date
            opening = Decimal(str(account.opening_balance))
        sums = self._day_sums(journal, opening_date)
        odoo_balance = opening + sum(
            (amount for day, amount in sums.items() if day <= reference_day),
            Decimal(0),
        )
        difference = closing.amount - odoo_balance
        mismatch = not account.currency_id.is_zero(float(difference))
        values.update(
            {
                "bank_balance": float(closing.amount),
                "bank_balance_date": reference_day,
                "odoo_balance": float(odoo_balance),
                "balance_difference": float(difference),
                "balance_mismatch": mismatch,
                "mismatch_since": (account.mismatch_since or reference_day)
                if mismatch
                else False,
            }
        )
        account.write(values)
        self._chain_statement_balances(journal, opening_date, opening, sums)
        self.env["bank.api.balance.snapshot"]._record_journals(journal, source)

    @api.model
    def _chain_statement_balances(self, journal, opening_date, opening, day_sums):
        statements = self.env["account.bank.statement"].search(
            [
                ("journal_id", "=", journal.id),
                ("bank_api_day", "!=", False),
            ]
            + ([("bank_api_day", ">", opening_date)] if opening_date else []),
            order="bank_api_day",
        )
        running = opening
        sums = sorted(day_sums.items())
        index = 0
        for statement in statements:
            while index < len(sums) and sums[index][0] < statement.bank_api_day:
                running += sums[index][1]
                index += 1
            day_total = day_sums.get(statement.bank_api_day, Decimal(0))
            start, end = float(running), float(running + day_total)
            if statement.balance_start != start or statement.balance_end_real != end:
                statement.write({"balance_start": start, "balance_end_real": end})
