from collections import Counter

from odoo import api, models

from odoo.addons.bank_api_sync.core.model import BOOKED
from odoo.addons.bank_api_sync.core.pending import counterparty_signature

# The keys of lines that came as MT940: "ref:" + the parser's unique id.
MT940_KEY_PREFIXES = ("ref:ref:", "ref:hash:")


def is_mt940_key(key):
    return bool(key) and key.startswith(MT940_KEY_PREFIXES)


def without_twins(transactions, existing):
    """``transactions`` without the booked ones that ``existing`` lines
    ((day, amount, IBAN, name) tuples) already hold, one line for one
    transaction: first by day, amount and counterparty, then by day and
    amount alone (two formats may write the counterparty differently). The
    order of the others is kept."""
    exact = Counter(
        (day, amount, counterparty_signature(iban, name))
        for day, amount, iban, name in existing
    )
    loose = Counter((day, amount) for day, amount, _iban, _name in existing)
    dropped = set()
    unmatched = []
    for index, transaction in enumerate(transactions):
        if transaction.status != BOOKED:
            continue
        day = transaction.booking_date or transaction.value_date
        amount = round(float(transaction.amount), 2)
        signature = counterparty_signature(
            transaction.counterparty_iban, transaction.counterparty_name
        )
        if exact[(day, amount, signature)] > 0:
            exact[(day, amount, signature)] -= 1
            loose[(day, amount)] -= 1
            dropped.add(index)
        else:
            unmatched.append((index, (day, amount)))
    for index, day_amount in unmatched:
        if loose[day_amount] > 0:
            loose[day_amount] -= 1
            dropped.add(index)
    return [t for index, t in enumerate(transactions) if index not in dropped]


class BankApiSyncRunner(models.AbstractModel):
    _inherit = "bank.api.sync.runner"

    @api.model
    def _fetch_account_transactions(self, connection, client, account, window):
        """In MT940 delivery, the account's window comes as MT940 from the
        bank and is mapped like an imported file. In either format, the
        movements the journal already holds from the other format (the days
        around a switch of format) are left out."""
        if connection.statement_format == "mt940":
            data = client.get_mt940_statements(
                account._core_account(), window[0], window[1]
            )
            transactions, balances = self.env[
                "bank.api.mt940.importer"
            ]._api_transactions(account, data)
        else:
            transactions, balances = super()._fetch_account_transactions(
                connection, client, account, window
            )
        return (
            self._without_other_format_lines(
                account, transactions, connection.statement_format == "mt940"
            ),
            balances,
        )

    @api.model
    def _without_other_format_lines(self, account, transactions, mt940):
        days = {
            transaction.booking_date or transaction.value_date
            for transaction in transactions
            if transaction.status == BOOKED
        }
        if not days:
            return transactions
        lines = self.env["account.bank.statement.line"].search(
            [
                ("journal_id", "=", account.journal_id.id),
                ("date", "in", sorted(days)),
                ("bank_api_unique_key", "!=", False),
            ]
        )
        other = lines.filtered(
            lambda line: is_mt940_key(line.bank_api_unique_key) != mt940
        )
        if not other:
            return transactions
        return without_twins(
            transactions,
            [
                (
                    line.date,
                    round(line.amount, 2),
                    line.account_number or None,
                    line.partner_name or None,
                )
                for line in other
            ],
        )
