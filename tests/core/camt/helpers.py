"""camt documents for the tests, written from the ISO 20022 message
definitions of camt.053 / camt.052 (versions 001.02 to 001.08): the
elements whose shape changed between versions (the entry's status, the
related parties, the charges) are written as each version defines them."""

from bank_api_sync_camt.core import parse_file

IBAN = "PL61109010140000071219812874"
VERSIONS = ("02", "03", "04", "05", "06", "07", "08")


def status(code, version):
    """``Sts``: a code up to version 07, a choice ``Sts/Cd`` from 08."""
    if version >= "08":
        return f"<Sts><Cd>{code}</Cd></Sts>"
    return f"<Sts>{code}</Sts>"


def party(role, name, iban, version):
    """``Dbtr/Nm`` up to 07, ``Dbtr/Pty/Nm`` (Party40Choice) from 08."""
    who = f"<Nm>{name}</Nm>"
    if version >= "08":
        who = f"<Pty>{who}</Pty>"
    return (
        f"<{role}>{who}</{role}><{role}Acct><Id><IBAN>{iban}</IBAN></Id></{role}Acct>"
    )


def charges(amount, version, currency="PLN"):
    """``Chrgs/Amt`` in 02, ``Chrgs/Rcrd/Amt`` with its indicator from 03."""
    if version == "02":
        return f'<Chrgs><Amt Ccy="{currency}">{amount}</Amt></Chrgs>'
    return (
        f'<Chrgs><TtlChrgsAndTaxAmt Ccy="{currency}">{amount}</TtlChrgsAndTaxAmt>'
        f'<Rcrd><Amt Ccy="{currency}">{amount}</Amt><CdtDbtInd>DBIT</CdtDbtInd>'
        "<ChrgInclInd>true</ChrgInclInd></Rcrd></Chrgs>"
    )


def balance(code, amount, mark="CRDT", day="2026-12-01", currency="PLN"):
    return (
        f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>"
        f'<Amt Ccy="{currency}">{amount}</Amt><CdtDbtInd>{mark}</CdtDbtInd>'
        f"<Dt><Dt>{day}</Dt></Dt></Bal>"
    )


def entry(
    amount,
    mark="CRDT",
    version="08",
    sts="BOOK",
    ref="REF1",
    day="2026-12-01",
    details="",
    extra="",
    currency="PLN",
):
    reference = f"<AcctSvcrRef>{ref}</AcctSvcrRef>" if ref else ""
    return (
        f'<Ntry><Amt Ccy="{currency}">{amount}</Amt><CdtDbtInd>{mark}</CdtDbtInd>'
        f"{extra}{status(sts, version)}"
        f"<BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt>"
        f"{reference}"
        "<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd>"
        "</Fmly></Domn></BkTxCd>"
        f"{details}</Ntry>"
    )


def tx(
    amount=None, mark="CRDT", end_to_end="E2E-1", parties="", remittance="", ref=None
):
    refs = f"<AcctSvcrRef>{ref}</AcctSvcrRef>" if ref else ""
    money = (
        f'<Amt Ccy="PLN">{amount}</Amt><CdtDbtInd>{mark}</CdtDbtInd>'
        if amount is not None
        else ""
    )
    return (
        f"<TxDtls><Refs>{refs}<EndToEndId>{end_to_end}</EndToEndId></Refs>{money}"
        f"<RltdPties>{parties}</RltdPties>{remittance}</TxDtls>"
    )


def statement(
    entries,
    opening="1000.00",
    closing="1000.00",
    tag="Stmt",
    balances=None,
    number="12",
    account=IBAN,
):
    if balances is None:
        balances = balance("OPBD", opening) + balance("CLBD", closing)
    return (
        f"<{tag}><Id>STMT-{number}</Id><ElctrncSeqNb>{number}</ElctrncSeqNb>"
        "<CreDtTm>2026-12-01T18:00:00+01:00</CreDtTm>"
        f"<Acct><Id><IBAN>{account}</IBAN></Id><Ccy>PLN</Ccy></Acct>"
        f"{balances}{''.join(entries)}</{tag}>"
    )


def document(statements, version="08", message="053"):
    root = "BkToCstmrStmt" if message == "053" else "BkToCstmrAcctRpt"
    namespace = f"urn:iso:std:iso:20022:tech:xsd:camt.{message}.001.{version}"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<Document xmlns="{namespace}">\n'
        f"<{root}><GrpHdr><MsgId>MSG-1</MsgId>"
        "<CreDtTm>2026-12-01T18:00:00+01:00</CreDtTm></GrpHdr>\n"
        + "\n".join(statements)
        + f"\n</{root}>\n</Document>\n"
    ).encode()


def parse(data, **options):
    return parse_file(data, **options)
