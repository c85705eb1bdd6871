"""camt.053 statements and camt.052 reports through the statement file
import: camt is one more format of the importer's registry
(``_statement_formats``), so the import (wizard, dashboard drop) reads each
file in the format it is in, and everything after the parse (which journal, continuity
with the journal's statements, duplicates skipped by the lines' keys, the
file attached, the summary) is the same for both formats.

A camt file is told by its content (XML), not its name. Its booked entries
become statement lines; pending and information entries are not lines of a
statement and are named in the summary. A camt.052 report without both
booked balances is imported like an MT942 interim report: its lines wait,
in no statement, for the end-of-day statement that confirms them.
"""

from odoo import api, models

from odoo.addons.bank_api_sync.core.errors import BankResponseError
from odoo.addons.bank_api_sync.core.model import BOOKED, Transaction
from odoo.addons.bank_api_sync.models.core_texts import in_user_language
from odoo.addons.bank_api_sync_mt940.models.bank_api_mt940_importer import (
    SourceProblem,
    StatementFormat,
)

from ..core import CamtError, is_xml, parse_file
from ..core.model import Transaction as CamtTransaction


def _iso(day):
    return day.isoformat() if day else None


class BankApiMt940Importer(models.AbstractModel):
    _inherit = "bank.api.mt940.importer"

    @api.model
    def _statement_formats(self):
        """camt files are told by their content (XML), before MT940 takes
        the rest."""
        camt = StatementFormat(
            code="camt",
            name="camt.053 / camt.052",
            extensions=(".xml",),
            parse="_parse_camt_source",
            detects=is_xml,
        )
        return [camt, *super()._statement_formats()]

    @api.model
    def _parse_camt_source(self, source, encoding, result=None):
        """The statements of a camt file (its booked entries), or
        SourceProblem. ``encoding`` is MT940's: XML names its own."""
        try:
            statements = parse_file(source.data)
        except CamtError as error:
            raise SourceProblem(self._camt_problem_text(source, error)) from None
        for statement in statements:
            self._camt_keep_booked(source, statement, result)
        return statements

    @api.model
    def _camt_problem_text(self, source, error):
        return self.env._(
            "%(file)s: line %(line)s, %(where)s: %(reason)s",
            file=source.name,
            line=error.line,
            where=error.field,
            reason=in_user_language(self.env, "bank_api_sync_camt", error.reason),
        )

    @api.model
    def _camt_keep_booked(self, source, statement, result):
        """Only booked entries are lines of a statement; the others are
        named in the summary."""
        others = [line for line in statement.transactions if not line.is_booked]
        if not others:
            return
        statement.transactions = statement.booked_transactions
        if result is not None:
            result.warnings.append(
                self.env._(
                    "%(statement)s: %(count)s entries not booked yet (pending or "
                    "for information) were not imported; they come again once "
                    "booked.",
                    statement=self._statement_label(source, statement),
                    count=len(others),
                )
            )

    @api.model
    def _core_transaction(self, statement, transaction):
        if not isinstance(transaction, CamtTransaction):
            return super()._core_transaction(statement, transaction)
        return Transaction(
            status=BOOKED,
            amount=transaction.amount,
            currency=transaction.currency,
            booking_date=transaction.booking_date,
            value_date=transaction.value_date,
            transaction_id=None,
            entry_reference=transaction.unique_id,
            end_to_end_id=transaction.end_to_end_id,
            counterparty_name=transaction.counterparty_name,
            counterparty_iban=transaction.counterparty_iban
            or transaction.counterparty_account,
            remittance=transaction.title,
            bank_transaction_code=transaction.bank_transaction_code,
            proprietary_code=transaction.proprietary_code,
            original_amount=transaction.original_amount,
            original_currency=transaction.original_currency,
            raw=self._camt_raw(statement, transaction),
        )

    @api.model
    def _camt_raw(self, statement, transaction):
        return {
            "format": statement.message,
            "version": statement.version,
            "statement": {
                "reference": statement.reference,
                "number": statement.statement_number_raw,
                "account": statement.account,
            },
            "line": transaction.line,
            "entry": transaction.entry_number,
            "batch_index": transaction.batch_index,
            "is_charges": transaction.is_charges,
            "value_date": _iso(transaction.value_date),
            "booking_date": _iso(transaction.entry_date),
            "mark": transaction.mark,
            "status": transaction.status,
            "reversal": transaction.reversal,
            "account_servicer_reference": transaction.account_servicer_reference,
            "entry_reference": transaction.entry_reference,
            "transaction_id": transaction.transaction_id,
            "creditor_references": list(transaction.creditor_references),
            "unstructured": list(transaction.unstructured),
            "charges": str(transaction.charges),
            "return_reason": transaction.return_reason,
            "additional_info": transaction.additional_info,
            **transaction.raw,
        }

    # -------------------------------------------------------------------------
    # Bank APIs that deliver camt.053
    # -------------------------------------------------------------------------

    @api.model
    def _camt_api_transactions(self, account, documents):
        """([core Transaction], [core Balance]) of the camt.053 ``documents``
        a bank API sent for ``account`` (bank.api.account): booked entries
        only. What the bank sent wrong raises BankResponseError: the sync
        reports the account and goes on."""
        statements = []
        for document in documents:
            try:
                statements += parse_file(document)
            except CamtError as error:
                raise BankResponseError(f"transactions (camt): {error}") from None
        return self._api_statement_results(
            account,
            statements,
            "camt",
            lambda statement: statement.booked_transactions,
        )
