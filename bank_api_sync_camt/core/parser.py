"""Read camt.053 (bank to customer statement) and camt.052 (account report)
files, versions 001.02 to 001.08, by local element names.

:func:`iter_statements` yields each statement as soon as its ``Stmt`` (or
``Rpt``) element closes; entries are turned into lines and dropped as they
are read, so memory holds one statement's lines, never the file's XML.
:func:`parse_file` returns them all or raises :class:`CamtError`: an
importer never sees half a file.

Each booked statement is checked: its opening booked balance (OPBD, else
PRCD; for camt.052 also the first of two ITBD) plus its booked entries must
be its closing booked balance (CLBD, else the last ITBD). Pending and
information entries are read but not counted. A camt.052 report without
both balances is interim (like MT942): nothing to check its lines against.

With ``problems=[]`` (the command-line check) the checks that do not stop
the reading collect there instead of raising: an entry that cannot be read
(it is then left out, and its statement's balances are not checked), a
balance or entry in another currency, balances that do not add up. What
stops the reading itself (XML that is not well-formed or unsafe, another
message, a statement without its balances) still raises.

A batched entry with several transaction details gives one line per
``TxDtls`` when each has an amount and they add up to the entry's amount,
or to it less the entry's charges (then the charges are a line of their
own); otherwise the entry is one line, its details kept in ``raw``.
"""

import hashlib
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from .errors import CamtError, _lt
from .model import BOOKED, Balance, Statement, Transaction
from .xmlstream import CHUNK, XmlProblem, XmlStream

__all__ = ["CamtError", "is_xml", "iter_statements", "parse_file"]

XML_STARTS = (b"<", b"\xef\xbb\xbf<", b"\xff\xfe<", b"\xfe\xff\x00<")

MESSAGES = {
    "BkToCstmrStmt": ("camt.053", "Stmt"),
    "BkToCstmrAcctRpt": ("camt.052", "Rpt"),
}
OTHER_MESSAGES = {
    "BkToCstmrDbtCdtNtfctn": "camt.054",
    "CstmrCdtTrfInitn": "pain.001",
    "CstmrDrctDbtInitn": "pain.008",
}
VERSION = re.compile(r"camt\.05[23]\.(\d{3}\.\d{2})")
AMOUNT = re.compile(r"[0-9]{1,18}(\.[0-9]{0,5})?", re.ASCII)
DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", re.ASCII)
DIGITS = re.compile(r"[0-9]{1,18}", re.ASCII)
CURRENCY = re.compile(r"[A-Z]{3}", re.ASCII)
OPENING_CODES = ("OPBD", "PRCD")
AVAILABLE_CODES = ("CLAV", "ITAV")
MAX_LINES_PER_STATEMENT = 2_000_000


def _entry_label(number, reference):
    if reference:
        return f"entry {number}, ref {reference}"
    return f"entry {number}"


class _Problem(Exception):
    def __init__(self, node, reason):
        super().__init__(reason)
        self.node = node
        self.reason = reason


def _refuse(node, reason):
    raise _Problem(node, reason)


def _text(node, *names, required=False):
    value = node.value(*names)
    if value is None and required:
        _refuse(node, _lt("%(element)s is missing", element="/".join(names)))
    return value


def _amount(node):
    """Signed-less Decimal of an ``Amt``-like element, and its currency."""
    text = node.value() or ""
    if not AMOUNT.fullmatch(text):
        _refuse(node, _lt("amount %(amount)r is not a number", amount=text))
    currency = node.attrib.get("Ccy", "")
    if not CURRENCY.fullmatch(currency):
        _refuse(
            node, _lt("currency %(currency)r is not a currency code", currency=currency)
        )
    return Decimal(text), currency


def _sign(node, names=("CdtDbtInd",), default=None):
    indicator = node.value(*names)
    if indicator is None and default is not None:
        return default
    if indicator not in ("CRDT", "DBIT"):
        _refuse(
            node.child(*names) or node,
            _lt(
                "credit/debit indicator %(value)r is neither CRDT nor DBIT",
                value=indicator,
            ),
        )
    return 1 if indicator == "CRDT" else -1


def _day(node):
    """The date of a ``Dt``/``DtTm`` choice (a date-time keeps its local date)."""
    text = node.value("Dt") or node.value("DtTm")
    if text is None:
        _refuse(node, _lt("neither Dt nor DtTm is given"))
    match = DAY.match(text)
    try:
        if not match:
            raise ValueError
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        _refuse(node, _lt("date %(value)r does not exist", value=text))


def _time(text, node):
    if text is None:
        return None
    try:
        if not DAY.match(text):
            raise ValueError
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        _refuse(node, _lt("date and time %(value)r is not ISO 8601", value=text))


def _party(node, role):
    """(name, IBAN, other account) of the ``role`` (Dbtr/Cdtr) of RltdPties:
    ``Dbtr/Nm`` up to version 07, ``Dbtr/Pty/Nm`` from 08."""
    if node is None:
        return None, None, None
    name = node.value(role, "Pty", "Nm") or node.value(role, "Nm")
    iban = node.value(f"{role}Acct", "Id", "IBAN")
    other = node.value(f"{role}Acct", "Id", "Othr", "Id")
    return name, iban.replace(" ", "").upper() if iban else None, other


def _bank_code(node):
    code = node.child("BkTxCd")
    if code is None:
        return None, None
    domain = code.value("Domn", "Cd")
    family = code.value("Domn", "Fmly", "Cd")
    sub_family = code.value("Domn", "Fmly", "SubFmlyCd")
    proprietary = code.value("Prtry", "Cd")
    parts = [part for part in (domain, family, sub_family) if part]
    return ("-".join(parts) or proprietary), proprietary


class _Details:
    """What a ``TxDtls`` says, by the same names whatever the version."""

    __slots__ = (
        "account_servicer_reference",
        "additional_info",
        "amount",
        "bank_code",
        "counterparty",
        "creditor_references",
        "end_to_end_id",
        "node",
        "original",
        "proprietary_code",
        "return_reason",
        "transaction_id",
        "unstructured",
    )

    def __init__(self, node, entry_sign, credit_side):
        self.node = node
        refs = node.child("Refs")
        self.account_servicer_reference = refs and refs.value("AcctSvcrRef")
        end_to_end = refs and refs.value("EndToEndId")
        self.end_to_end_id = None if end_to_end == "NOTPROVIDED" else end_to_end
        self.transaction_id = refs and refs.value("TxId")
        amount_node = node.child("Amt") or node.child("AmtDtls", "TxAmt", "Amt")
        self.amount = None
        if amount_node is not None:
            value, currency = _amount(amount_node)
            sign = _sign(node, default=entry_sign)
            self.amount = (value * sign, currency)
        instructed = node.child("AmtDtls", "InstdAmt", "Amt")
        self.original = _amount(instructed) if instructed is not None else None
        parties = node.child("RltdPties")
        self.counterparty = _party(parties, "Dbtr" if credit_side else "Cdtr")
        remittance = node.child("RmtInf")
        self.unstructured = (
            tuple(
                text
                for text in (item.value() for item in remittance.all("Ustrd"))
                if text
            )
            if remittance is not None
            else ()
        )
        references = []
        if remittance is not None:
            for structured in remittance.all("Strd"):
                for info in structured.all("CdtrRefInf"):
                    reference = info.value("Ref")
                    if reference:
                        references.append(reference)
                extra = structured.value("AddtlRmtInf")
                if extra:
                    references.append(extra)
        self.creditor_references = tuple(references)
        self.bank_code, self.proprietary_code = _bank_code(node)
        self.return_reason = node.value("RtrInf", "Rsn", "Cd") or node.value(
            "RtrInf", "Rsn", "Prtry"
        )
        self.additional_info = node.value("AddtlTxInf")


def _charges(entry):
    """Signed total of an entry's charges: ``Chrgs/Amt`` (version 02) or
    ``Chrgs/Rcrd/Amt`` (03 on); a charge without indicator is debited."""
    total = Decimal(0)
    for charges in entry.all("Chrgs"):
        records = charges.all("Rcrd") or [charges]
        for record in records:
            amount = record.child("Amt")
            if amount is None:
                continue
            value, _currency = _amount(amount)
            total += value * _sign(record, default=-1)
    return total


class _Assembler:
    """Turns finished elements into statements."""

    def __init__(self, warnings, problems=None):
        self.ready = []
        self.problems = problems  # None: the first problem raises
        self.unreadable = set()  # id(statement node) with an entry left out
        self.message = None
        self.version = None
        self.statement_tag = None
        self.lines = {}  # id(statement node) -> [Transaction]
        self.entries = {}  # id(statement node) -> number of entries
        self.occurrences = {}
        self.warnings = warnings
        self.current_entry = None

    # -- events ------------------------------------------------------------

    def start(self, node, stack, ns):
        if not stack:
            if node.tag != "Document":
                raise XmlProblem(
                    node.line,
                    node.path,
                    _lt(
                        "not an ISO 20022 document (its root is %(tag)s)", tag=node.tag
                    ),
                )
            match = VERSION.search(ns)
            self.version = match[1] if match else None
        elif len(stack) == 1:
            if node.tag in MESSAGES:
                self.message, self.statement_tag = MESSAGES[node.tag]
            else:
                raise XmlProblem(
                    node.line,
                    node.path,
                    _lt(
                        "%(message)s is not a camt.053 statement or a camt.052 report",
                        message=OTHER_MESSAGES.get(node.tag, node.tag),
                    ),
                )
        elif node.tag == "Ntry" and stack[-1].tag == self.statement_tag:
            self.current_entry = (stack[-1].counts["Ntry"], node)

    def end(self, node, stack):
        if node.tag == "Ntry" and stack and stack[-1].tag == self.statement_tag:
            self.current_entry = None
            statement = stack[-1]
            number = statement.counts["Ntry"]
            self.entries[id(statement)] = self.entries.get(id(statement), 0) + 1
            lines = self.lines.setdefault(id(statement), [])
            try:
                lines += self._entry_lines(node, statement, number)
            except CamtError as error:
                if self.problems is None:
                    raise
                self.problems.append(error)
                self.unreadable.add(id(statement))
            if len(lines) > MAX_LINES_PER_STATEMENT:
                _refuse(
                    node,
                    _lt(
                        "more than %(count)s lines in one statement",
                        count=MAX_LINES_PER_STATEMENT,
                    ),
                )
            return True
        if node.tag == self.statement_tag and len(stack) == 2:
            self.ready.append(self._statement(node))
            return True
        if node.tag == "Document" and not stack and self.message is None:
            raise XmlProblem(node.line, node.path, _lt("the document holds no message"))
        return False

    # -- statements --------------------------------------------------------

    def _account(self, statement):
        account = statement.child("Acct")
        if account is None:
            _refuse(statement, _lt("Acct is missing"))
        iban = account.value("Id", "IBAN")
        identification = iban or account.value("Id", "Othr", "Id")
        if not identification:
            _refuse(
                account,
                _lt("the account has neither an IBAN nor another identification"),
            )
        iban = iban.replace(" ", "").upper() if iban else None
        currency = account.value("Ccy")
        if currency is not None and not CURRENCY.fullmatch(currency):
            _refuse(
                account.child("Ccy"),
                _lt("currency %(currency)r is not a currency code", currency=currency),
            )
        return identification.replace(" ", ""), iban, currency

    def _balance(self, node):
        code = node.value("Tp", "CdOrPrtry", "Cd") or node.value(
            "Tp", "CdOrPrtry", "Prtry"
        )
        amount_node = node.child("Amt")
        if amount_node is None:
            _refuse(node, _lt("Amt is missing"))
        amount, currency = _amount(amount_node)
        sign = _sign(node)
        date_node = node.child("Dt")
        if date_node is None:
            _refuse(node, _lt("Dt is missing"))
        return Balance(
            code or "",
            "C" if sign > 0 else "D",
            _day(date_node),
            currency,
            amount * sign,
            node.line,
        )

    def _balances(self, statement):
        balances = [self._balance(node) for node in statement.all("Bal")]
        opening = next((b for b in balances if b.code in OPENING_CODES), None)
        closing = next((b for b in balances if b.code == "CLBD"), None)
        interim = [b for b in balances if b.code == "ITBD"]
        if opening is None and interim and (closing is not None or len(interim) > 1):
            opening = interim[0]
        if closing is None and interim and interim[-1] is not opening:
            closing = interim[-1]
        available = next(
            (b for b in reversed(balances) if b.code in AVAILABLE_CODES), None
        )
        forward = tuple(b for b in balances if b.code == "FWAV")
        return balances, opening, closing, available, forward

    def _statement(self, node):
        lines = self.lines.pop(id(node), [])
        entries = self.entries.pop(id(node), 0)
        reference = _text(node, "Id", required=True)
        account, iban, account_currency = self._account(node)
        raw_number = node.value("LglSeqNb") or node.value("ElctrncSeqNb")
        if raw_number is not None and not DIGITS.fullmatch(raw_number):
            _refuse(
                node.child("LglSeqNb") or node.child("ElctrncSeqNb"),
                _lt(
                    "sequence number %(value)r is not a number of at most 18 digits",
                    value=raw_number,
                ),
            )
        balances, opening, closing, available, forward = self._balances(node)
        if self.message == "camt.053" and (opening is None or closing is None):
            _refuse(
                node,
                _lt(
                    "a camt.053 statement needs an opening (OPBD or PRCD) and a "
                    "closing (CLBD) booked balance"
                ),
            )
        period = node.child("FrToDt")
        from_time = _time(period and period.value("FrDtTm"), period)
        to_time = _time(period and period.value("ToDtTm"), period)
        statement = Statement(
            message=self.message,
            version=self.version,
            reference=reference,
            account=account,
            account_iban=iban,
            account_currency=account_currency,
            statement_number=int(raw_number) if raw_number else None,
            statement_number_raw=raw_number,
            opening_balance=opening,
            closing_balance=closing,
            available_balance=available,
            forward_balances=forward,
            transactions=lines,
            line=node.line,
            creation_time=_time(node.value("CreDtTm"), node),
            from_date=from_time.date() if from_time else None,
            to_date=to_time.date() if to_time else None,
            entries=entries,
            information=node.value("AddtlStmtInf") or node.value("AddtlRptInf"),
            balances=tuple(balances),
        )
        self._check(node, statement)
        return statement

    def _report(self, error):
        if self.problems is None:
            raise error
        self.problems.append(error)

    def _check(self, node, statement):
        currency = statement.currency
        for balance in statement.balances:
            if balance.currency != currency:
                self._report(
                    CamtError(
                        node.line,
                        node.path,
                        _lt(
                            "balance %(code)s (line %(line)s) is in %(currency)s "
                            "but the account is kept in %(account_currency)s",
                            code=balance.code,
                            line=balance.line,
                            currency=balance.currency,
                            account_currency=currency,
                        ),
                    )
                )
        for line in statement.transactions:
            if line.currency != currency:
                self._report(
                    CamtError(
                        line.line,
                        f"{node.path}/Ntry",
                        _lt(
                            "the entry is in %(currency)s but the account is kept in "
                            "%(account_currency)s",
                            currency=line.currency,
                            account_currency=currency,
                        ),
                        _entry_label(
                            line.entry_number, line.account_servicer_reference
                        ),
                    )
                )
        if statement.is_interim or id(node) in self.unreadable:
            # An entry left out (check mode) would only make them not add up.
            self.unreadable.discard(id(node))
            return
        opening = statement.opening_balance
        closing = statement.closing_balance
        booked = sum(
            (line.amount for line in statement.booked_transactions), Decimal(0)
        )
        if opening.amount + booked != closing.amount:
            self._report(
                CamtError(
                    closing.line,
                    f"{node.path}/Bal",
                    _lt(
                        "the balances do not add up: opening %(opening)s %(code)s + "
                        "booked entries %(movements)s = %(computed)s, but the closing "
                        "balance %(closing_code)s is %(closing)s",
                        opening=opening.amount,
                        code=opening.code,
                        movements=booked,
                        computed=opening.amount + booked,
                        closing_code=closing.code,
                        closing=closing.amount,
                    ),
                )
            )

    # -- entries -----------------------------------------------------------

    def _entry_lines(self, node, statement, number):
        account, _iban, _currency = self._account(statement)
        reference = node.value("AcctSvcrRef")
        try:
            return self._lines(node, account, number, reference)
        except _Problem as problem:
            raise CamtError(
                problem.node.line,
                problem.node.path,
                problem.reason,
                _entry_label(number, reference),
            ) from None

    def _lines(self, node, account, number, reference):
        amount_node = node.child("Amt")
        if amount_node is None:
            _refuse(node, _lt("Amt is missing"))
        value, currency = _amount(amount_node)
        sign = _sign(node)
        reversal = (node.value("RvslInd") or "").lower() in ("true", "1")
        status = (
            node.value("Sts", "Cd") or node.value("Sts", "Prtry") or node.value("Sts")
        )
        if status is None:
            _refuse(node, _lt("Sts (the entry's status) is missing"))
        booking = node.child("BookgDt")
        value_day = node.child("ValDt")
        booking_date = _day(booking) if booking is not None else None
        value_date = _day(value_day) if value_day is not None else booking_date
        if value_date is None:
            if status == BOOKED:
                _refuse(node, _lt("a booked entry needs a booking or a value date"))
            value_date = date.min
        credit_side = (sign > 0) != reversal  # the original movement was a credit
        details = [
            _Details(tx, sign, credit_side)
            for entry_details in node.all("NtryDtls")
            for tx in entry_details.all("TxDtls")
        ]
        charges = _charges(node)
        entry_code, entry_proprietary = _bank_code(node)
        common = {
            "value_date": value_date,
            "entry_date": booking_date,
            "currency": currency,
            "mark": ("R" if reversal else "") + ("C" if sign > 0 else "D"),
            "status": status,
            "reversal": reversal,
            "entry_number": number,
            "line": node.line,
            "entry_reference": node.value("NtryRef"),
            "charges": charges,
            "additional_info": node.value("AddtlNtryInf"),
        }
        amount = value * sign
        split = self._split(details, amount, currency, charges)
        if split is None:
            first = details[0] if len(details) == 1 else None
            return [
                self._line(
                    common,
                    account,
                    amount,
                    reference,
                    first,
                    entry_code,
                    entry_proprietary,
                    raw={"transactions": len(details)} if len(details) > 1 else {},
                )
            ]
        lines = []
        for index, tx in enumerate(details, 1):
            tx_reference = tx.account_servicer_reference
            key_reference = (
                tx_reference
                if tx_reference and tx_reference != reference
                else f"{reference}/{index}"
                if reference
                else None
            )
            lines.append(
                self._line(
                    common,
                    account,
                    tx.amount[0],
                    key_reference,
                    tx,
                    entry_code,
                    entry_proprietary,
                    batch_index=index,
                )
            )
        if split:
            lines.append(
                self._line(
                    common,
                    account,
                    split,
                    f"{reference}/charges" if reference else None,
                    None,
                    entry_code,
                    entry_proprietary,
                    is_charges=True,
                )
            )
        return lines

    def _split(self, details, amount, currency, charges):
        """None: one line for the entry; else the amount of a charges line
        (0: none) after one line per transaction detail."""
        if len(details) < 2:
            return None
        if any(tx.amount is None or tx.amount[1] != currency for tx in details):
            return None
        total = sum((tx.amount[0] for tx in details), Decimal(0))
        if total == amount:
            return Decimal(0)
        if charges and total + charges == amount:
            return charges
        return None

    def _line(
        self,
        common,
        account,
        amount,
        reference,
        tx,
        entry_code,
        entry_proprietary,
        batch_index=None,
        is_charges=False,
        raw=None,
    ):
        name, iban, other = tx.counterparty if tx is not None else (None, None, None)
        values = dict(
            common,
            amount=amount,
            account_servicer_reference=reference if not is_charges else None,
            end_to_end_id=tx.end_to_end_id if tx else None,
            transaction_id=tx.transaction_id if tx else None,
            counterparty_name=name,
            counterparty_iban=iban,
            counterparty_account=other,
            unstructured=tx.unstructured if tx else (),
            creditor_references=tx.creditor_references if tx else (),
            bank_transaction_code=(tx.bank_code if tx and tx.bank_code else entry_code),
            proprietary_code=(
                tx.proprietary_code if tx and tx.proprietary_code else entry_proprietary
            ),
            return_reason=tx.return_reason if tx else None,
            batch_index=batch_index,
            is_charges=is_charges,
            original_amount=tx.original[0] if tx and tx.original else None,
            original_currency=tx.original[1] if tx and tx.original else None,
            unique_id="",
            raw=raw or {},
        )
        if tx is not None and tx.additional_info:
            values["additional_info"] = tx.additional_info
        if is_charges:
            values["additional_info"] = "Charges (%s)" % (
                common["additional_info"] or "batch"
            )
        line = Transaction(**values)
        line.unique_id = self._unique_id(account, line, reference)
        return line

    def _unique_id(self, account, line, reference):
        """The bank's reference when it gives one (the same movement in
        another file has it too), else a hash of what the line says, with
        the count of identical lines of the day."""
        if reference:
            return f"ref:{account}:{reference}"
        content = "\x1f".join(
            str(part or "")
            for part in (
                account,
                line.value_date.isoformat(),
                line.entry_date.isoformat() if line.entry_date else "",
                line.amount,
                line.currency,
                line.mark,
                line.status,
                line.entry_reference,
                line.end_to_end_id,
                line.transaction_id,
                line.counterparty_name,
                line.counterparty_iban,
                "\n".join(line.creditor_references + line.unstructured),
                line.batch_index,
                line.is_charges,
            )
        )
        digest = hashlib.sha256(content.encode("utf-8")).hexdigest()[:32]
        key = f"hash:{account}:{digest}"
        count = self.occurrences.get(key, 0) + 1
        self.occurrences[key] = count
        return key if count == 1 else f"{key}:{count}"


def _chunks(source):
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        for start in range(0, len(data), CHUNK):
            yield data[start : start + CHUNK]
        return
    if isinstance(source, str | Path):
        with open(source, "rb") as handle:
            yield from iter(lambda: handle.read(CHUNK), b"")
        return
    yield from iter(lambda: source.read(CHUNK), b"")


def is_xml(data):
    """Whether a file's first bytes are XML's (then camt, not MT940)."""
    return data.lstrip(b" \t\r\n").startswith(XML_STARTS)


def iter_statements(source, warnings=None, problems=None):
    """Yield the :class:`~.model.Statement` objects of ``source`` (bytes, a
    path or a binary file object) one by one; :class:`CamtError` (line,
    element path and entry in its message) at the first problem, or, when
    ``problems`` is a list, the problems that do not stop the reading
    collected there (see the module's docstring)."""
    assembler = _Assembler(warnings, problems)
    stream = XmlStream(assembler.start, assembler.end)
    seen = False
    try:
        for chunk in _chunks(source):
            stream.feed(chunk)
            if assembler.ready:
                seen = True
                yield from assembler.ready
                assembler.ready.clear()
        stream.feed(b"", True)
    except XmlProblem as problem:
        raise CamtError(
            problem.line, problem.path, problem.reason, _current(assembler)
        ) from None
    except _Problem as problem:
        raise CamtError(
            problem.node.line, problem.node.path, problem.reason, _current(assembler)
        ) from None
    if not seen and not assembler.ready and assembler.message is None:
        raise CamtError(1, "(document)", _lt("the file holds no XML element"))
    yield from assembler.ready
    assembler.ready.clear()


def _current(assembler):
    if assembler.current_entry is None:
        return None
    number, entry = assembler.current_entry
    return _entry_label(number, entry.value("AcctSvcrRef"))


def parse_file(source, warnings=None, problems=None):
    """All statements of ``source`` as a list, or :class:`CamtError`."""
    return list(iter_statements(source, warnings, problems))
