"""camt.053 / camt.052 read as banks send them, each version's shape."""

from datetime import date
from decimal import Decimal

import pytest

from bank_api_sync_camt.core import CamtError

from .helpers import (
    IBAN,
    VERSIONS,
    balance,
    charges,
    document,
    entry,
    parse,
    party,
    statement,
    tx,
)

COUNTERPARTY = "PL27114020040000300201355387"


@pytest.mark.parametrize("version", VERSIONS)
def test_each_version_reads_account_balances_and_entries(version):
    details = (
        "<NtryDtls>"
        + tx(
            parties=party("Dbtr", "Jan Kowalski", COUNTERPARTY, version),
            remittance="<RmtInf><Ustrd>Faktura FV/1/12/2026</Ustrd></RmtInf>",
        )
        + "</NtryDtls>"
    )
    data = document(
        [
            statement(
                [
                    entry("250.00", version=version, details=details),
                    entry("50.50", "DBIT", version=version, ref="REF2"),
                ],
                opening="1000.00",
                closing="1199.50",
            )
        ],
        version=version,
    )
    [result] = parse(data)
    assert result.message == "camt.053"
    assert result.version == f"001.{version}"
    assert result.account_iban == IBAN
    assert result.currency == "PLN"
    assert result.statement_number == 12
    assert result.opening_balance.amount == Decimal("1000.00")
    assert result.closing_balance.amount == Decimal("1199.50")
    first, second = result.transactions
    assert first.amount == Decimal("250.00")
    assert first.counterparty_name == "Jan Kowalski"
    assert first.counterparty_iban == COUNTERPARTY
    assert first.end_to_end_id == "E2E-1"
    assert first.title == "Faktura FV/1/12/2026"
    assert first.booking_date == date(2026, 12, 1)
    assert first.bank_transaction_code == "PMNT-RCDT-ESCT"
    assert first.unique_id == f"ref:{IBAN}:REF1"
    assert second.amount == Decimal("-50.50")
    assert second.mark == "D"


@pytest.mark.parametrize("version", ("02", "05", "08"))
def test_camt052_report_with_interim_booked_balances(version):
    balances = balance("ITBD", "100.00") + balance("ITBD", "130.00")
    data = document(
        [statement([entry("30.00", version=version)], tag="Rpt", balances=balances)],
        version=version,
        message="052",
    )
    [report] = parse(data)
    assert report.message == "camt.052"
    assert not report.is_interim
    assert (report.opening_balance.amount, report.closing_balance.amount) == (
        Decimal("100.00"),
        Decimal("130.00"),
    )


def test_camt052_without_balances_is_interim_and_unchecked():
    data = document(
        [statement([entry("30.00")], tag="Rpt", balances=balance("ITAV", "5.00"))],
        message="052",
    )
    [report] = parse(data)
    assert report.is_interim
    assert report.available_balance.amount == Decimal("5.00")
    assert report.transactions[0].amount == Decimal("30.00")


@pytest.mark.parametrize("version", ("02", "04", "08"))
def test_batched_entry_gives_one_line_per_transaction(version):
    details = (
        "<NtryDtls><Btch><NbOfTxs>2</NbOfTxs></Btch>"
        + tx(
            "100.00",
            "DBIT",
            "E2E-A",
            party("Cdtr", "Anna Nowak", COUNTERPARTY, version),
        )
        + tx(
            "200.00",
            "DBIT",
            "E2E-B",
            party("Cdtr", "Piotr Zielinski", COUNTERPARTY, version),
        )
        + "</NtryDtls>"
    )
    data = document(
        [
            statement(
                [
                    entry(
                        "300.00", "DBIT", version=version, ref="BATCH1", details=details
                    )
                ],
                closing="700.00",
            )
        ],
        version=version,
    )
    [result] = parse(data)
    lines = result.transactions
    assert [line.amount for line in lines] == [Decimal("-100.00"), Decimal("-200.00")]
    assert [line.counterparty_name for line in lines] == [
        "Anna Nowak",
        "Piotr Zielinski",
    ]
    assert [line.end_to_end_id for line in lines] == ["E2E-A", "E2E-B"]
    assert [line.unique_id for line in lines] == [
        f"ref:{IBAN}:BATCH1/1",
        f"ref:{IBAN}:BATCH1/2",
    ]


@pytest.mark.parametrize("version", ("02", "03", "08"))
def test_batch_less_its_charges_gives_a_charges_line(version):
    details = (
        "<NtryDtls>"
        + tx("100.00", "DBIT", "E2E-A")
        + tx("200.00", "DBIT", "E2E-B")
        + "</NtryDtls>"
    )
    data = document(
        [
            statement(
                [
                    entry(
                        "305.00",
                        "DBIT",
                        version=version,
                        ref="BATCH2",
                        extra="",
                        details=charges("5.00", version) + details,
                    )
                ],
                closing="695.00",
            )
        ],
        version=version,
    )
    [result] = parse(data)
    amounts = [(line.amount, line.is_charges) for line in result.transactions]
    assert amounts == [
        (Decimal("-100.00"), False),
        (Decimal("-200.00"), False),
        (Decimal("-5.00"), True),
    ]
    assert result.transactions[0].charges == Decimal("-5.00")


def test_batch_whose_details_do_not_add_up_stays_one_line():
    details = "<NtryDtls>" + tx("100.00") + tx("150.00") + "</NtryDtls>"
    data = document([statement([entry("300.00", details=details)], closing="1300.00")])
    [line] = parse(data)[0].transactions
    assert line.amount == Decimal("300.00")
    assert line.raw == {"transactions": 2}


def test_reversal_of_a_credit_is_a_debit_from_the_original_debtor():
    details = (
        "<NtryDtls>"
        + tx(
            parties=party("Dbtr", "Jan Kowalski", COUNTERPARTY, "08")
            + party("Cdtr", "Us", IBAN, "08"),
        )
        + "</NtryDtls>"
    )
    data = document(
        [
            statement(
                [
                    entry(
                        "80.00",
                        "DBIT",
                        extra="<RvslInd>true</RvslInd>",
                        details=details,
                    )
                ],
                closing="920.00",
            )
        ]
    )
    [line] = parse(data)[0].transactions
    assert line.reversal
    assert line.mark == "RD"
    assert line.amount == Decimal("-80.00")
    assert line.counterparty_name == "Jan Kowalski"


def test_structured_remittance_creditor_reference_and_return_reason():
    remittance = (
        "<RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp>"
        "<Ref>RF18539007547034</Ref></CdtrRefInf></Strd>"
        "<Ustrd>zwrot</Ustrd></RmtInf>"
    )
    details = (
        "<NtryDtls><TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>"
        f"{remittance}<RtrInf><Rsn><Cd>AC04</Cd></Rsn></RtrInf></TxDtls></NtryDtls>"
    )
    data = document([statement([entry("10.00", details=details)], closing="1010.00")])
    [line] = parse(data)[0].transactions
    assert line.creditor_references == ("RF18539007547034",)
    assert line.title == "RF18539007547034 zwrot"
    assert line.end_to_end_id is None
    assert line.return_reason == "AC04"


def test_pending_entry_is_read_but_not_counted_in_the_balances():
    data = document(
        [
            statement(
                [entry("10.00"), entry("999.00", sts="PDNG", ref="P1")],
                closing="1010.00",
            )
        ]
    )
    [result] = parse(data)
    assert [line.status for line in result.transactions] == ["BOOK", "PDNG"]
    assert [line.amount for line in result.booked_transactions] == [Decimal("10.00")]


def test_balances_that_do_not_add_up_are_refused_naming_the_balance():
    data = document([statement([entry("10.00")], closing="1011.00")])
    with pytest.raises(CamtError, match="do not add up") as caught:
        parse(data)
    assert caught.value.path.endswith("Stmt/Bal")
    assert "1010.00" in str(caught.value)


def test_truncated_file_is_refused_with_its_line():
    data = document([statement([entry("10.00")], closing="1010.00")])
    with pytest.raises(CamtError, match="ends in the middle") as caught:
        parse(data[: len(data) // 2])
    assert caught.value.line > 1


def test_bad_amount_names_the_element_and_the_entry():
    data = document(
        [statement([entry("10.00"), entry("1,5", ref="R-BAD")], closing="1011.50")]
    )
    with pytest.raises(CamtError) as caught:
        parse(data)
    assert caught.value.path == "Document/BkToCstmrStmt/Stmt/Ntry[2]/Amt"
    assert caught.value.entry == "entry 2, ref R-BAD"
    assert "'1,5' is not a number" in str(caught.value)


def test_entry_in_another_currency_is_refused():
    data = document([statement([entry("10.00", currency="EUR")], closing="1010.00")])
    with pytest.raises(CamtError, match="in EUR but the account is kept in PLN"):
        parse(data)


@pytest.mark.parametrize(
    "prolog",
    [
        '<!DOCTYPE Document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>',
        '<!DOCTYPE Document [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
        '<!DOCTYPE Document SYSTEM "http://example.invalid/camt.dtd">',
    ],
)
def test_dtd_and_entities_are_refused(prolog):
    data = document([statement([entry("10.00")], closing="1010.00")]).decode()
    head, rest = data.split("\n", 1)
    attack = f"{head}\n{prolog}\n{rest}".replace(
        "STMT-12", "&b;" if "b " in prolog else "STMT-12"
    )
    with pytest.raises(CamtError, match="document type declaration"):
        parse(attack.encode())


def test_other_iso_messages_are_refused_by_name():
    data = (
        b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">'
        b"<BkToCstmrDbtCdtNtfctn/></Document>"
    )
    with pytest.raises(CamtError, match="camt.054 is not a camt.053"):
        parse(data)


def test_statement_without_closing_balance_is_refused():
    data = document([statement([], balances=balance("OPBD", "1.00"))])
    with pytest.raises(CamtError, match="needs an opening"):
        parse(data)


def test_the_same_movement_twice_without_references_keeps_two_keys():
    data = document(
        [
            statement(
                [entry("10.00", ref=None), entry("10.00", ref=None)], closing="1020.00"
            )
        ]
    )
    first, second = parse(data)[0].transactions
    assert first.unique_id.startswith(f"hash:{IBAN}:")
    assert first.unique_id != second.unique_id
    again = parse(data)[0].transactions
    assert [line.unique_id for line in again] == [first.unique_id, second.unique_id]
