"""MT940 statements into bank journals: files (wizard, dashboard drop) and
bank APIs that deliver MT940.

Other formats plug into the file import through ``_statement_formats``: a
registry of the formats it reads (how a file of each is told, which method
reads it); everything after the parse is the same for all of them
(``bank_api_sync_camt`` adds camt.053 / camt.052 this way).

The plain-Python parser (``core/``) reads and checks each file; this model
decides where each statement goes and whether it follows on from what the
journal holds, maps its movements to the sync's core transactions and hands
them to ``bank.api.statement.importer``, which creates each line once.

How MT940 statements map onto bank statements: an uploaded file's MT940
statement becomes one ``account.bank.statement`` of the journal, whatever the
days its movements span, named after the bank's statement number, with the
file's opening and closing balances and the file attached (see
``bank_api_statement_importer.py``). A statement met again (same account,
number, opening date and balance) adds its new lines to the same statement.
The bank-API delivery keeps the sync's statement per day instead: there the
bank's statements are daily anyway, and the sync chains the daily balances.

MT942 interim (intraday) reports have no balances: their movements become
statement lines of no statement, keyed exactly as the same movement in the
end-of-day MT940 (the bank's reference, else a hash of the movement). When
that MT940 statement comes, its movements already imported are not created
again: the interim lines join its statement, whose balances then add up.

What the parser tolerates (a bank's header line, a padded type code, the
30th of February) is imported and named, line and field, among the
summary's warnings; what would harm the books (a statement that does not
add up, a truncated file, a break with the journal's statements) stops the
import as before.
"""

import io
import logging
import posixpath
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from odoo import api, models
from odoo.exceptions import UserError
from odoo.fields import Command

from odoo.addons.bank_api_sync.core.dedupe import keyed_transactions
from odoo.addons.bank_api_sync.core.errors import BankResponseError
from odoo.addons.bank_api_sync.core.model import BOOKED, Balance, Transaction
from odoo.addons.bank_api_sync.models.core_texts import in_user_language

from ..core import Mt940Error, PreviousStatement, check_continuity, parse_file
from ..core.accounts import same_account
from .bank_api_statement_importer import STATEMENT_CONTEXT_KEY

_logger = logging.getLogger(__name__)

MT940_EXTENSIONS = (".sta", ".mt940", ".txt", ".940")
ZIP_MAGIC = b"PK\x03\x04"
MAX_ZIP_MEMBERS = 1000
MAX_UNZIPPED_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class StatementFormat:
    """A statement file format the file import reads (see
    ``BankApiMt940Importer._statement_formats``).

    ``parse`` names the importer's method that reads one source:
    ``method(source, encoding, result)`` returns the source's statements, or
    raises :class:`SourceProblem`. ``detects(data)`` tells the format's files
    by their bytes; the format without it takes the files no other claims.
    ``extensions`` are the names a zip's members may have to be read.
    """

    code: str
    name: str  # shown to users: "MT940", "camt.053 / camt.052"
    extensions: tuple
    parse: str
    detects: object = None  # callable(bytes) -> bool, or None


class SourceProblem(Exception):
    """What makes one file of an upload unreadable, already in the user's
    language; the import collects them all, then refuses the upload."""


@dataclass
class Mt940Source:
    """One statement file of an upload (a zip's member included)."""

    name: str
    data: bytes
    attachment: object  # the ir.attachment it came in
    format: StatementFormat = None  # set when read


@dataclass
class PlannedStatement:
    """A parsed statement, the journal it goes to and what that journal
    knows of it."""

    source: Mt940Source
    statement: object  # core Statement
    journal: object  # account.journal
    key: str
    known: bool  # already in the journal, or earlier in the same upload
    odoo_statement: object = None  # the account.bank.statement it filled


@dataclass
class Mt940ImportResult:
    files: int = 0
    formats: dict = field(default_factory=dict)  # format name: files read
    statements_read: int = 0
    statements: object = None  # account.bank.statement that received lines
    lines: object = None  # account.bank.statement.line created
    duplicates: int = 0
    warnings: list = field(default_factory=list)
    matching: Counter = field(default_factory=Counter)  # the matcher's figures


def statement_key(statement):
    """What identifies an MT940 statement when it comes again (an MT942
    report: its account, number and time; no statement keeps it)."""
    account = (statement.account_iban or statement.account).upper()
    if statement.is_interim:
        time = statement.report_time or statement.report_date
        return f"{account}|{statement.statement_number_raw or ''}|MT942|{time}"
    number = "" if statement.statement_number is None else statement.statement_number
    opening = statement.opening_balance
    return f"{account}|{number}|{opening.date.isoformat()}|{opening.amount}"


def statement_order(statement):
    return (
        statement.closing_date or date.min,
        statement.statement_number or 0,
        statement.opening_date or date.min,
    )


def _iso(day):
    return day.isoformat() if day else None


class BankApiMt940Importer(models.AbstractModel):
    _name = "bank.api.mt940.importer"
    _description = "Statement File Importer"

    # -------------------------------------------------------------------------
    # Formats
    # -------------------------------------------------------------------------

    @api.model
    def _statement_formats(self):
        """[StatementFormat] the file import reads, most specific first. A
        format's add-on plugs in by extending this list and adding the
        method its entry names; nothing else of the import changes. MT940
        comes last and takes every file no other format claims."""
        return [
            StatementFormat(
                code="mt940",
                name="MT940",
                extensions=MT940_EXTENSIONS,
                parse="_parse_mt940_source",
            )
        ]

    @api.model
    def _format_of(self, source, formats):
        for statement_format in formats:
            if statement_format.detects is None or statement_format.detects(
                source.data
            ):
                return statement_format
        return formats[-1]

    # -------------------------------------------------------------------------
    # Files
    # -------------------------------------------------------------------------

    @api.model
    def _import_files(self, journal, attachments, encoding=None, import_anyway=False):
        """Import the statement files ``attachments`` (or zips of them) for
        ``journal``, each in its format (``_statement_formats``); returns an
        :class:`Mt940ImportResult`.

        The whole upload is read and checked first: a bad file, a statement
        of an account or currency no journal takes, or (unless
        ``import_anyway``) a break with the statements the journal holds
        raises UserError, and nothing is imported.
        """
        journal.ensure_one()
        result = Mt940ImportResult(
            statements=self.env["account.bank.statement"],
            lines=self.env["account.bank.statement.line"],
        )
        sources = self._sources(attachments, result)
        result.files = len(sources)
        parsed = self._parse_sources(sources, encoding, result)
        result.statements_read = sum(len(statements) for _, statements in parsed)
        planned = self._plan(journal, parsed)
        self._check_continuity(planned, import_anyway, result)
        self._import_planned(planned, result)
        self._file_attachments(planned, attachments)
        self.env["bank.api.balance.snapshot"]._record_journals(
            result.statements.journal_id, "file"
        )
        # Matched in the same run, as a sync's lines are.
        result.matching = self.env["bank.api.matcher"]._match_imported_lines(
            result.lines, f"statement files of journal {journal.id}"
        )
        return result

    @api.model
    def _sources(self, attachments, result):
        """The statement files of the upload, zips opened."""
        if not attachments:
            raise UserError(self.env._("Add the statement file(s) to import."))
        sources = []
        for attachment in attachments:
            data = attachment.raw or b""
            name = attachment.name or attachment.display_name
            if data.startswith(ZIP_MAGIC) or name.lower().endswith(".zip"):
                sources += self._zip_sources(attachment, name, data, result)
            else:
                sources.append(Mt940Source(name, data, attachment))
        return sources

    @api.model
    def _zip_sources(self, attachment, name, data, result):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                members = [info for info in archive.infolist() if not info.is_dir()]
                if len(members) > MAX_ZIP_MEMBERS or (
                    sum(info.file_size for info in members) > MAX_UNZIPPED_BYTES
                ):
                    raise UserError(
                        self.env._(
                            "%(file)s is too large to import at once (at most "
                            "%(files)s files and %(size)s MB unpacked): split it.",
                            file=name,
                            files=MAX_ZIP_MEMBERS,
                            size=MAX_UNZIPPED_BYTES // (1024 * 1024),
                        )
                    )
                extensions = self._statement_extensions()
                sources = []
                for info in members:
                    base = posixpath.basename(info.filename)
                    if info.filename.startswith("__MACOSX/") or base.startswith("."):
                        continue
                    extension = posixpath.splitext(base)[1].lower()
                    if extension and extension not in extensions:
                        result.warnings.append(
                            self.env._(
                                "%(file)s: %(member)s skipped (not a statement "
                                "file: %(extensions)s).",
                                file=name,
                                member=info.filename,
                                extensions=", ".join(extensions),
                            )
                        )
                        continue
                    sources.append(
                        Mt940Source(
                            f"{name}/{info.filename}", archive.read(info), attachment
                        )
                    )
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError):
            # RuntimeError: an encrypted member; NotImplementedError: an
            # unknown compression method.
            raise UserError(
                self.env._(
                    "%(file)s cannot be opened as a zip archive (damaged, "
                    "encrypted or compressed in an unsupported way).",
                    file=name,
                )
            ) from None
        if not sources:
            raise UserError(
                self.env._(
                    "%(file)s holds no statement file (%(extensions)s).",
                    file=name,
                    extensions=", ".join(self._statement_extensions()),
                )
            )
        return sources

    @api.model
    def _statement_extensions(self):
        extensions = []
        for statement_format in self._statement_formats():
            extensions += [
                extension
                for extension in statement_format.extensions
                if extension not in extensions
            ]
        return tuple(extensions)

    @api.model
    def _parse_sources(self, sources, encoding, result=None):
        """[(source, [Statement])]: every file read to its end by the reader
        of its format, or UserError naming each bad file's line and field.
        What a reader tolerated goes to ``result``'s warnings, the formats
        read to its ``formats``."""
        encoding = None if not encoding or encoding == "auto" else encoding
        formats = self._statement_formats()
        parsed = []
        problems = []
        failed_formats = []
        for source in sources:
            source.format = self._format_of(source, formats)
            try:
                statements = getattr(self, source.format.parse)(
                    source, encoding, result
                )
            except SourceProblem as problem:
                problems.append(str(problem))
                if source.format.name not in failed_formats:
                    failed_formats.append(source.format.name)
                continue
            parsed.append((source, statements))
            if result is not None:
                result.formats[source.format.name] = (
                    result.formats.get(source.format.name, 0) + 1
                )
        if problems:
            raise UserError(
                self.env._(
                    "Nothing was imported: these files are not valid %(formats)s. "
                    "Fix or replace them and import again.\n%(problems)s",
                    formats=", ".join(failed_formats),
                    problems="\n".join(problems),
                )
            )
        return parsed

    @api.model
    def _parse_mt940_source(self, source, encoding, result=None):
        """The statements of an MT940 file, or SourceProblem."""
        warnings = []
        try:
            statements = parse_file(source.data, encoding, None, warnings)
        except Mt940Error as error:
            raise SourceProblem(self._problem_text(source, error)) from None
        except LookupError:
            raise UserError(
                self.env._("Unknown character set %(encoding)s.", encoding=encoding)
            ) from None
        if result is not None:
            result.warnings += [
                self._problem_text(source, warning) for warning in warnings
            ]
        return statements

    @api.model
    def _problem_text(self, source, problem):
        """A parse error or warning of ``source``, in the user's language."""
        return self.env._(
            "%(file)s: line %(line)s, field %(field)s: %(reason)s",
            file=source.name,
            line=problem.line,
            field=problem.field,
            reason=self._in_user_language(problem.reason),
        )

    # -------------------------------------------------------------------------
    # Where each statement goes
    # -------------------------------------------------------------------------

    @api.model
    def _target_journals(self, journal):
        """Bank journals that may receive statements of an upload made on
        ``journal``: itself first, then the company's other journals fed by
        statement files (a bank's export may hold several accounts)."""
        others = self.env["account.journal"].search(
            [
                ("company_id", "=", journal.company_id.id),
                ("type", "=", "bank"),
                ("bank_statements_source", "=", "mt940_import"),
                ("bank_account_id", "!=", False),
                ("id", "!=", journal.id),
            ]
        )
        return journal | others

    @api.model
    def _statement_label(self, source, statement):
        return self.env._(
            "%(file)s, statement %(number)s (line %(line)s)",
            file=source.name,
            number=statement.statement_number_raw
            or statement.statement_number
            or statement.reference,
            line=statement.line,
        )

    @api.model
    def _journal_for(self, journal, targets, source, statement):
        """(journal, None) for ``statement``, or (None, problem)."""
        matches = targets.filtered(
            lambda target: target.bank_account_id
            and same_account(statement.account, target.bank_account_id.acc_number)
        )
        if journal in matches:
            target = journal
        elif len(matches) == 1:
            target = matches
        elif matches:
            return None, self.env._(
                "%(statement)s: account %(account)s belongs to several journals "
                "(%(journals)s): import it from the right one.",
                statement=self._statement_label(source, statement),
                account=statement.account,
                journals=", ".join(matches.mapped("display_name")),
            )
        elif not journal.bank_account_id:
            return None, self.env._(
                "%(statement)s: journal %(journal)s has no bank account number to "
                "check account %(account)s against: set it on the journal first.",
                statement=self._statement_label(source, statement),
                journal=journal.display_name,
                account=statement.account,
            )
        else:
            return None, self.env._(
                "%(statement)s: account %(account)s is not the account of journal "
                "%(journal)s (%(journal_account)s), nor of another bank journal "
                "fed by statement files. Import the file into the right journal.",
                statement=self._statement_label(source, statement),
                account=statement.account,
                journal=journal.display_name,
                journal_account=journal.bank_account_id.acc_number,
            )
        currency = target.currency_id or target.company_id.currency_id
        if statement.currency != currency.name:
            return None, self.env._(
                "%(statement)s: the statement is in %(currency)s but journal "
                "%(journal)s keeps %(journal_currency)s.",
                statement=self._statement_label(source, statement),
                currency=statement.currency,
                journal=target.display_name,
                journal_currency=currency.name,
            )
        return target, None

    @api.model
    def _plan(self, journal, parsed):
        """[PlannedStatement] in date order, or UserError naming every
        statement no journal takes."""
        targets = self._target_journals(journal)
        planned = []
        problems = []
        for source, statements in parsed:
            for statement in statements:
                target, problem = self._journal_for(journal, targets, source, statement)
                if problem:
                    problems.append(problem)
                else:
                    key = statement_key(statement)
                    planned.append(
                        PlannedStatement(source, statement, target, key, False)
                    )
        if problems:
            raise UserError(
                self.env._(
                    "Nothing was imported:\n%(problems)s", problems="\n".join(problems)
                )
            )
        known = {
            (statement.journal_id.id, statement.mt940_key)
            for statement in self.env["account.bank.statement"].search(
                [
                    ("journal_id", "in", targets.ids),
                    ("mt940_key", "in", [item.key for item in planned]),
                ]
            )
        }
        for item in planned:
            identity = (item.journal.id, item.key)
            item.known = identity in known
            known.add(identity)  # a second copy in the upload is a repeat
        planned.sort(
            key=lambda item: (item.journal.id, statement_order(item.statement))
        )
        return planned

    # -------------------------------------------------------------------------
    # Continuity with the journal
    # -------------------------------------------------------------------------

    @api.model
    def _journal_previous_statements(self, journal):
        """[(order, key, PreviousStatement)] of the journal's MT940 statements."""
        currency = journal.currency_id or journal.company_id.currency_id
        statements = self.env["account.bank.statement"].search(
            [("journal_id", "=", journal.id), ("mt940_key", "!=", False)]
        )
        return [
            (
                (
                    statement.mt940_closing_date,
                    statement.mt940_statement_number,
                    statement.mt940_opening_date,
                ),
                statement.mt940_key,
                PreviousStatement(
                    statement.mt940_statement_number or None,
                    self._decimal(statement.balance_end_real, currency),
                    statement.mt940_closing_date,
                    currency.name,
                ),
            )
            for statement in statements
        ]

    @api.model
    def _decimal(self, amount, currency):
        return Decimal(f"{currency.round(amount):.{currency.decimal_places}f}")

    @api.model
    def _continuity_issues(self, planned):
        """[(PlannedStatement, ContinuityIssue)]: each new statement against
        the one before it, from the journal or from the upload."""
        issues = []
        journals = {item.journal for item in planned}
        for journal in journals:
            # MT942 reports have no balances to follow on from.
            items = [
                item
                for item in planned
                if item.journal == journal and not item.statement.is_interim
            ]
            new = [item for item in items if not item.known]
            if not new:
                continue
            candidates = self._journal_previous_statements(journal)
            candidates += [
                (
                    statement_order(item.statement),
                    item.key,
                    PreviousStatement.of(item.statement),
                )
                for item in new
            ]
            for item in new:
                own = statement_order(item.statement)
                earlier = [
                    candidate
                    for candidate in candidates
                    if candidate[0] < own and candidate[1] != item.key
                ]
                previous = (
                    max(earlier, key=lambda candidate: candidate[0])[2]
                    if earlier
                    else None
                )
                issues += [
                    (item, issue)
                    for issue in check_continuity(item.statement, previous)
                ]
        return issues

    @api.model
    def _in_user_language(self, reason):
        """What the MT940 core says is wrong, in the user's language."""
        return in_user_language(self.env, "bank_api_sync_mt940", reason)

    @api.model
    def _check_continuity(self, planned, import_anyway, result):
        """Breaks with the journal's statements: errors stop the import unless
        ``import_anyway``; warnings (and overridden errors) go to the result."""
        errors = []
        for item, issue in self._continuity_issues(planned):
            text = self.env._(
                "%(journal)s, %(file)s: %(issue)s",
                journal=item.journal.display_name,
                file=item.source.name,
                issue=self._in_user_language(issue.message),
            )
            if issue.is_error and not import_anyway:
                errors.append(text)
            elif issue.is_error:
                result.warnings.append(
                    self.env._("Imported anyway: %(issue)s", issue=text)
                )
            else:
                result.warnings.append(text)
        if errors:
            raise UserError(
                self.env._(
                    "Nothing was imported: these statements do not follow on from "
                    "the journal's last statement.\n%(problems)s\nImport the "
                    "missing statements first or, if you are sure, tick "
                    "\u201cImport anyway\u201d in the import window.",
                    problems="\n".join(errors),
                )
            )

    # -------------------------------------------------------------------------
    # Import
    # -------------------------------------------------------------------------

    @api.model
    def _statement_values(self, journal, statement, key):
        number = statement.statement_number
        if number is not None:
            name = f"{journal.code} {number}/{statement.closing_date.year}"
        else:
            name = f"{journal.code} {statement.reference or statement.closing_date}"
        return {
            "name": name,
            "reference": statement.reference or False,
            "balance_start": float(statement.opening_balance.amount),
            "balance_end_real": float(statement.closing_balance.amount),
            "mt940_key": key,
            "mt940_statement_number": number or 0,
            "mt940_account": statement.account,
            "mt940_opening_date": statement.opening_date,
            "mt940_closing_date": statement.closing_date,
        }

    @api.model
    def _import_planned(self, planned, result):
        importer = self.env["bank.api.statement.importer"]
        for item in planned:
            statement = item.statement
            transactions = [
                self._core_transaction(statement, transaction)
                for transaction in statement.transactions
            ]
            if not transactions:
                continue
            if statement.is_interim:
                values = {"interim": True}
            else:
                values = self._statement_values(item.journal, statement, item.key)
            imported = importer.with_context(
                **{STATEMENT_CONTEXT_KEY: values}
            )._import_transactions(item.journal, transactions)
            result.duplicates += imported.duplicates
            result.lines |= imported.lines
            confirmed = 0
            if not statement.is_interim:
                confirmed = self._confirm_interim_lines(
                    item, values, transactions, imported, result
                )
            item.odoo_statement = imported.lines.statement_id
            result.statements |= imported.lines.statement_id
            if not imported.created and not item.known and not confirmed:
                result.warnings.append(
                    self.env._(
                        "%(statement)s: every line was already imported, in "
                        "other statements; no statement was made for it.",
                        statement=self._statement_label(item.source, statement),
                    )
                )
        for odoo_statement in result.statements:
            if not odoo_statement.is_complete:
                result.warnings.append(
                    self.env._(
                        "Statement %(name)s: its lines add up to %(computed)s but "
                        "the bank's closing balance is %(closing)s: some of its "
                        "lines were imported earlier into other statements.",
                        name=odoo_statement.name,
                        computed=odoo_statement.currency_id.format(
                            odoo_statement.balance_end
                        ),
                        closing=odoo_statement.currency_id.format(
                            odoo_statement.balance_end_real
                        ),
                    )
                )

    @api.model
    def _confirm_interim_lines(self, item, values, transactions, imported, result):
        """The lines of ``transactions`` imported earlier from MT942 reports
        (no statement) join the statement of this MT940 statement; their
        count."""
        keys = [key for key, _ in keyed_transactions(transactions)]
        interim_lines = self.env["account.bank.statement.line"].search(
            [
                ("journal_id", "=", item.journal.id),
                ("bank_api_unique_key", "in", keys),
                ("statement_id", "=", False),
            ]
        )
        if not interim_lines:
            return 0
        odoo_statement = imported.lines.statement_id or self.env[
            "account.bank.statement"
        ]._mt940_statement(item.journal, values)
        interim_lines.write({"statement_id": odoo_statement.id})
        result.statements |= odoo_statement
        item.odoo_statement = odoo_statement
        result.warnings.append(
            self.env._(
                "%(statement)s: %(count)s line(s) imported earlier from interim "
                "reports are confirmed and now belong to statement %(name)s.",
                statement=self._statement_label(item.source, item.statement),
                count=len(interim_lines),
                name=odoo_statement.name,
            )
        )
        return len(interim_lines)

    @api.model
    def _file_attachments(self, planned, attachments):
        """Each file goes onto the statements it gave lines to; a file that
        gave nothing (imported before) is not kept twice."""
        statements_of = {}
        for item in planned:
            if item.odoo_statement:
                statements_of.setdefault(item.source.attachment, set()).add(
                    item.odoo_statement.id
                )
        unused = self.env["ir.attachment"]
        for attachment in attachments:
            ids = statements_of.get(attachment)
            if not ids:
                unused |= attachment
                continue
            for odoo_statement in self.env["account.bank.statement"].browse(
                sorted(ids)
            ):
                odoo_statement.write({"attachment_ids": [Command.link(attachment.id)]})
        unused.filtered(
            lambda attachment: attachment.res_model in (False, "bank.api.mt940.import")
        ).unlink()

    # -------------------------------------------------------------------------
    # Mapping
    # -------------------------------------------------------------------------

    @api.model
    def _core_transaction(self, statement, transaction):
        """The sync's core Transaction for an MT940 movement. Its key is the
        parser's unique id (the bank reference, else a hash of the movement),
        stable across files, so a movement is never imported twice."""
        details = transaction.details
        return Transaction(
            status=BOOKED,
            amount=transaction.amount,
            currency=transaction.currency,
            booking_date=transaction.booking_date,
            value_date=transaction.value_date,
            transaction_id=None,
            entry_reference=transaction.unique_id,
            end_to_end_id=details.end_to_end_id,
            counterparty_name=details.counterparty_name,
            counterparty_iban=transaction.counterparty_account,
            remittance=details.title or details.description or "",
            bank_transaction_code=transaction.type_code,
            proprietary_code=details.code,
            raw=self._raw(statement, transaction),
        )

    @api.model
    def _raw(self, statement, transaction):
        details = transaction.details
        return {
            "format": "mt940",
            "raw_86": transaction.raw_86,
            "statement": {
                "reference": statement.reference,
                "number": statement.statement_number_raw,
                "account": statement.account,
            },
            "line": transaction.line,
            "value_date": _iso(transaction.value_date),
            "entry_date": _iso(transaction.entry_date),
            "mark": transaction.mark,
            "funds_code": transaction.funds_code,
            "type_code": transaction.type_code,
            "customer_reference": transaction.customer_reference,
            "bank_reference": transaction.bank_reference,
            "supplementary_details": transaction.supplementary_details,
            "details": {
                "variant": details.variant,
                "code": details.code,
                "description": details.description,
                "title": details.title,
                "counterparty_name": details.counterparty_name,
                "counterparty_address": details.counterparty_address,
                "counterparty_account": details.counterparty_account,
                "counterparty_iban": details.counterparty_iban,
                "counterparty_bank_code": details.counterparty_bank_code,
                "end_to_end_id": details.end_to_end_id,
                "mandate_id": details.mandate_id,
                "creditor_id": details.creditor_id,
                "subfields": dict(details.subfields),
                "references": dict(details.references),
            },
        }

    # -------------------------------------------------------------------------
    # Bank APIs that deliver MT940
    # -------------------------------------------------------------------------

    @api.model
    def _api_transactions(self, account, data):
        """([core Transaction], [core Balance]) of the MT940 ``data`` a bank
        API sent for ``account`` (bank.api.account). What the bank sent wrong
        raises BankResponseError: the sync reports the account and goes on."""
        journal = account.journal_id
        encoding = journal.mt940_encoding if journal.mt940_encoding != "auto" else None
        warnings = []
        try:
            statements = parse_file(data, encoding, None, warnings)
        except Mt940Error as error:
            raise BankResponseError(f"transactions (MT940): {error}") from None
        for warning in warnings:
            _logger.warning(
                "MT940 of account %s from the bank read with a tolerance: %s",
                account.id,
                warning,
            )
        return self._api_statement_results(
            account, statements, "MT940", lambda statement: statement.transactions
        )

    @api.model
    def _api_statement_results(self, account, statements, format_name, movements):
        """([core Transaction], [core Balance]) of parsed ``statements`` a bank
        API sent for ``account``, whatever their format: each must be of the
        account's IBAN; ``movements(statement)`` gives the statement's
        transactions to import; the balances are those of the last statement
        that is not an interim report."""
        for statement in statements:
            if account.iban and not same_account(statement.account, account.iban):
                raise BankResponseError(
                    f"transactions ({format_name}): the statement on line "
                    f"{statement.line} is for account {statement.account}, "
                    f"not {account.iban}"
                )
        transactions = [
            self._core_transaction(statement, transaction)
            for statement in statements
            for transaction in movements(statement)
        ]
        balances = []
        statements = [item for item in statements if not item.is_interim]
        if statements:
            last = max(statements, key=statement_order)
            balances.append(
                Balance(
                    "closingBooked",
                    last.closing_balance.amount,
                    last.currency,
                    last.closing_date,
                )
            )
            if last.available_balance is not None:
                balances.append(
                    Balance(
                        "interimAvailable",
                        last.available_balance.amount,
                        last.currency,
                        last.available_balance.date,
                    )
                )
        return transactions, balances
