"""The MT940 add-on's writer (used by the Sandbox Bank) writes what banks
write: the parser's round-trip test covers the content, these the form."""

from datetime import date
from decimal import Decimal

import pytest

from bank_api_sync_mt940.core.parser import parse_file
from bank_api_sync_mt940.core.writer import (
    Details86,
    StatementData,
    StatementLine,
    format_amount,
    render,
    render_61,
)

DAY = date(2024, 12, 31)


@pytest.mark.parametrize(
    ("amount", "text"),
    [("1500", "1500,00"), ("0.5", "0,50"), ("-12.345", "12,345"), ("7.10", "7,10")],
)
def test_amounts_use_a_decimal_comma(amount, text):
    assert format_amount(Decimal(amount)) == text


def test_statement_line_marks_and_references():
    line = StatementLine(DAY, Decimal("-5"), date(2025, 1, 2), bank_reference="B1")
    assert render_61(line) == ["2412310102D5,00NTRFNONREF//B1"]
    reversal = StatementLine(DAY, Decimal("-5"), reversal=True, funds_code="N")
    assert render_61(reversal) == ["241231RCN5,00NTRFNONREF"]
    with pytest.raises(ValueError, match="longer than 16"):
        render_61(StatementLine(DAY, Decimal(1), customer_reference="X" * 17))


def test_pages_and_envelope():
    lines = tuple(StatementLine(DAY, Decimal(i + 1)) for i in range(3))
    statement = StatementData(
        "PL61109010140000071219812874", "PLN", Decimal(0), DAY, lines, 7
    )
    text = render([statement], envelope=True, page_size=2, newline="\n")
    assert text.startswith("{1:F01SANDPLPWAXXX0000000000}{2:I940SANDPLPWXXXXN}{4:\n")
    assert ":62M:C241231PLN3,00\n-\n:20:" in text
    assert ":28C:7/2\n:60M:C241231PLN3,00\n" in text
    assert text.endswith(":62F:C241231PLN6,00\n-}\n")
    (parsed,) = parse_file(text.encode())
    assert (parsed.pages, parsed.closing_balance.amount) == (2, Decimal("6.00"))


def test_86_lines_never_start_like_a_field():
    title = "a" * 60 + ":20:" + "b" * 60 + "-" + "c" * 70
    statement = StatementData(
        "PL61109010140000071219812874",
        "PLN",
        Decimal(0),
        DAY,
        (StatementLine(DAY, Decimal(1), details=Details86(title=title)),),
    )
    for layout in ("polish", "german", "mbank", "plain"):
        text = render([statement], layout=layout)
        body = text.split(":86:", 1)[1].split(":62F:")[0]
        for line in body.split("\r\n")[1:]:
            assert not line.startswith((":", "-", "{")), (layout, line)
            assert len(line) <= 65
