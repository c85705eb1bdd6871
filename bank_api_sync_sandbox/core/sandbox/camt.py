"""The sandbox bank's transaction list as camt.053 (``Accept:
application/xml``).

NextGenPSD2 lets a bank answer ``GET /v1/accounts/{id}/transactions`` as an
ISO 20022 camt.053 document when the client asks for ``application/xml``.
The sandbox serves the same days, balances and booked movements as its MT940
answer (see mt940.py: one statement per day, the booked balance at the end of
the day before and at the end of the day), in a camt.053.001.08 document:
each movement an entry (``Ntry``) whose ``AcctSvcrRef`` is the JSON
``transactionId``, with its end-to-end id, counterparty and remittance in
its transaction details.
"""

from xml.sax.saxutils import escape, quoteattr

from . import mt940
from .server import Response, tpp_error

MEDIA_TYPE = "application/xml"
NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"


def wants_camt(request) -> bool:
    """Whether the client asked for XML (camt.053) rather than JSON."""
    accept = request.header("Accept") or ""
    types = [part.split(";")[0].strip().lower() for part in accept.split(",")]
    return MEDIA_TYPE in types and "application/json" not in types


def _amount(amount, currency):
    return f"<Amt Ccy={quoteattr(currency)}>{abs(amount):.2f}</Amt>"


def _mark(amount):
    return "CRDT" if amount >= 0 else "DBIT"


def _balance(code, amount, currency, day):
    return (
        f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>"
        f"{_amount(amount, currency)}<CdtDbtInd>{_mark(amount)}</CdtDbtInd>"
        f"<Dt><Dt>{day.isoformat()}</Dt></Dt></Bal>"
    )


def _entry(line, currency):
    details = line.details
    credit = line.amount >= 0
    role = "Dbtr" if credit else "Cdtr"
    parties = ""
    if details.counterparty_name:
        parties += (
            f"<{role}><Pty><Nm>{escape(details.counterparty_name)}</Nm></Pty></{role}>"
        )
    if details.counterparty_account:
        parties += (
            f"<{role}Acct><Id><IBAN>{escape(details.counterparty_account)}"
            f"</IBAN></Id></{role}Acct>"
        )
    end_to_end = escape(details.end_to_end_id or "NOTPROVIDED")
    remittance = (
        f"<RmtInf><Ustrd>{escape(details.title)}</Ustrd></RmtInf>"
        if details.title
        else ""
    )
    reference = escape(line.supplementary_details or line.bank_reference or "")
    return (
        f"<Ntry>{_amount(line.amount, currency)}"
        f"<CdtDbtInd>{_mark(line.amount)}</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>"
        f"<BookgDt><Dt>{line.entry_date.isoformat()}</Dt></BookgDt>"
        f"<ValDt><Dt>{line.value_date.isoformat()}</Dt></ValDt>"
        f"<AcctSvcrRef>{reference}</AcctSvcrRef>"
        f"<NtryDtls><TxDtls><Refs><EndToEndId>{end_to_end}</EndToEndId></Refs>"
        f"{_amount(line.amount, currency)}<CdtDbtInd>{_mark(line.amount)}</CdtDbtInd>"
        f"<RltdPties>{parties}</RltdPties>{remittance}</TxDtls></NtryDtls></Ntry>"
    )


def _statement(iban, statement, today):
    currency = statement.currency
    day = statement.closing_date
    balances = _balance(
        "OPBD", statement.opening_balance, currency, statement.opening_date
    ) + _balance("CLBD", statement.closing_balance, currency, day)
    if statement.available_balance is not None:
        balances += _balance("ITAV", statement.available_balance, currency, today)
    entries = "".join(_entry(line, currency) for line in statement.lines)
    return (
        f"<Stmt><Id>{escape(statement.reference)}</Id>"
        f"<ElctrncSeqNb>{statement.statement_number}</ElctrncSeqNb>"
        f"<CreDtTm>{day.isoformat()}T23:59:59</CreDtTm>"
        f"<Acct><Id><IBAN>{escape(iban)}</IBAN></Id>"
        f"<Ccy>{escape(currency)}</Ccy></Acct>{balances}{entries}</Stmt>"
    )


def document(bank, account, date_from, date_to) -> bytes:
    """The camt.053 document of the days ``date_from`` to ``date_to``."""
    today = bank.today()
    statements = mt940.statements(bank, account, date_from, date_to)
    body = "".join(_statement(account.iban, item, today) for item in statements)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<Document xmlns="{NAMESPACE}"><BkToCstmrStmt><GrpHdr>'
        f"<MsgId>{escape(account.resource_id)}-{date_from:%Y%m%d}-{date_to:%Y%m%d}"
        f"</MsgId><CreDtTm>{today.isoformat()}T23:59:59</CreDtTm></GrpHdr>"
        f"{body}</BkToCstmrStmt></Document>"
    ).encode()


def transactions_response(bank, account, date_from, date_to, status) -> Response:
    """The camt.053 answer to a transaction list asked as XML."""
    if status != "booked":
        return tpp_error(
            400,
            "PARAMETER_NOT_SUPPORTED",
            "camt.053 carries booked transactions only: ask for "
            "bookingStatus=booked (pending ones are served as JSON).",
        )
    body = document(bank, account, date_from, date_to)
    return Response(200, body, content_type=MEDIA_TYPE)
