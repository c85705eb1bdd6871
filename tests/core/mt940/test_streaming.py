"""Statements come one by one, from bytes, paths or files, whatever the
line breaks, without memory growing with the number of statements."""

import io
import tracemalloc
from datetime import date, timedelta
from decimal import Decimal

import pytest

from bank_api_sync_mt940.core.parser import (
    iter_statements,
    parse_file,
    validate_file,
)
from bank_api_sync_mt940.core.writer import (
    Details86,
    StatementData,
    StatementLine,
    render_bytes,
)

from .conftest import parse_text, sample


def statements(count, per_statement=10, account="PL61109010140000071219812874"):
    day = date(2024, 1, 1)
    balance = Decimal("1000.00")
    result = []
    for number in range(1, count + 1):
        lines = tuple(
            StatementLine(
                value_date=day,
                amount=Decimal(index + 1),
                bank_reference=f"R{number}-{index}",
                details=Details86(
                    code="020",
                    title=f"Zapłata za fakturę {number}/{index}",
                    counterparty_name="Spółdzielnia Źródło",
                    counterparty_account="PL38109013620000000112233445",
                ),
            )
            for index in range(per_statement)
        )
        statement = StatementData(
            account, "PLN", balance, day - timedelta(days=1), lines, number
        )
        result.append(statement)
        balance = statement.closing_balance
        day += timedelta(days=1)
    return result


class CountingFile(io.BytesIO):
    """A file that remembers how much was read from it."""

    def __init__(self, data):
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


def test_first_statement_arrives_before_the_file_is_read():
    data = render_bytes(statements(2000), "cp1250")
    file = CountingFile(data)
    first = next(iter_statements(file))
    assert first.statement_number == 1
    assert file.bytes_read < len(data) / 10


def peak_memory(data):
    tracemalloc.start()
    try:
        count = 0
        for statement in iter_statements(io.BytesIO(data)):
            count += len(statement.transactions)
        return tracemalloc.get_traced_memory()[1], count
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_number_of_statements():
    small = render_bytes(statements(150), "cp1250")
    large = render_bytes(statements(600), "cp1250")
    peak_small, count_small = peak_memory(small)
    peak_large, count_large = peak_memory(large)
    assert (count_small, count_large) == (1500, 6000)
    assert peak_large < peak_small * 1.3


@pytest.mark.parametrize("kind", ["bytes", "bytearray", "memoryview", "path", "file"])
def test_sources(kind):
    path = sample("ing_cp852.sta")
    data = path.read_bytes()
    source = {
        "bytes": data,
        "bytearray": bytearray(data),
        "memoryview": memoryview(data),
        "path": path,
        "file": io.BytesIO(data),
    }[kind]
    (statement,) = parse_file(source)
    assert statement.closing_balance.amount == Decimal("4960.10")


def test_validate_file_checks_everything_and_keeps_nothing():
    summary = validate_file(sample("mbank_cp1250.sta"))
    assert summary.statements == 2
    assert summary.transactions == 5
    assert summary.accounts == ("PL36114020044601690765818949",)
    assert summary.encoding == "cp1250"


LINES = [
    ":20:T",
    ":25:/PL61109010140000071219812874",
    ":28C:1/1",
    ":60F:C240131PLN1000,00",
    ":61:2402010201C100,00NTRFNONREF//B1",
    ":86:020^20Zapłata za fakturę",
    "^32Jan Kowalski",
    ":62F:C240201PLN1100,00",
    "-",
]


@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"])
def test_any_line_break(newline):
    (statement,) = parse_file(newline.join(LINES).encode("utf-8"))
    (transaction,) = statement.transactions
    assert transaction.title == "Zapłata za fakturę"
    assert transaction.counterparty_name == "Jan Kowalski"
    assert transaction.line == 5


def test_trailing_spaces_blank_lines_and_tolerated_control_characters():
    lines = [line + "   " for line in LINES]
    text = "\x01" + "\r\n\r\n".join(lines) + "\r\n\x03\r\n\r\n\x1a"
    (statement,) = parse_file(text.encode("utf-8"))
    assert statement.reference == "T"
    assert statement.closing_balance.amount == Decimal("1100.00")
    assert statement.transactions[0].title == "Zapłata za fakturę"
    assert statement.transactions[0].line == 9  # blank lines are counted


def test_fields_a_statement_does_not_need_are_skipped():
    lines = [*LINES[:4], ":NS:22Kontoinhaber", ":34F:PLN0,00", *LINES[4:]]
    (statement,) = parse_text(lines)
    assert len(statement.transactions) == 1


def test_envelope_with_the_first_field_on_its_line():
    text = "{1:F01BANKPLPWAXXX0000000000}{2:I940BANKPLPWXXXXN}{4::20:T\r\n"
    text += "\r\n".join(LINES[1:-1]) + "\r\n-}"
    (statement,) = parse_file(text.encode("utf-8"))
    assert statement.reference == "T"
    assert statement.line == 1


def test_statement_level_information():
    lines = [*LINES[:4], ":86:Wyciąg dzienny", *LINES[4:-1], ":86:Koniec", "-"]
    (statement,) = parse_text(lines)
    assert statement.information == "Wyciąg dzienny\nKoniec"
    assert statement.transactions[0].title == "Zapłata za fakturę"


def test_statement_without_20_starts_at_25():
    (statement,) = parse_text(LINES[1:])
    assert statement.reference == ""
    assert statement.line == 1


def test_unique_ids_agree_between_daily_files_and_a_monthly_file():
    """Re-importing the same movements from a file cut differently (daily
    statements, then one for the whole period) finds the same ids."""
    days = [date(2024, 12, 30), date(2024, 12, 31), date(2025, 1, 2)]
    card = Details86(code="073", title="Żabka Poznań", counterparty_name="ŻABKA")
    movements = [
        [StatementLine(day, Decimal("-9.99"), day, details=card) for _ in range(2)]
        + [StatementLine(day, Decimal(index + 1), day) for index in range(2)]
        for day in days
    ]
    account = "PL61109010140000071219812874"
    daily = []
    balance = Decimal(100)
    for number, (day, lines) in enumerate(zip(days, movements, strict=True), 1):
        statement = StatementData(account, "PLN", balance, day, tuple(lines), number)
        daily.append(statement)
        balance = statement.closing_balance
    monthly = StatementData(
        account,
        "PLN",
        Decimal(100),
        days[0],
        tuple(line for lines in movements for line in lines),
        statement_number=12,
    )
    daily_ids = [
        t.unique_id for s in parse_file(render_bytes(daily)) for t in s.transactions
    ]
    monthly_ids = [
        t.unique_id
        for s in parse_file(render_bytes([monthly], layout="mbank"))
        for t in s.transactions
    ]
    assert len(set(daily_ids)) == 12
    assert daily_ids[1] == daily_ids[0] + "#2"  # the same card payment twice
    # The mBank layout writes other :86: text: ids differ; the same layout
    # gives the same ids.
    assert monthly_ids != daily_ids
    same_layout = [
        t.unique_id for s in parse_file(render_bytes([monthly])) for t in s.transactions
    ]
    assert same_layout == daily_ids
    # Two overlapping daily files: the shared statement has the same ids.
    first = parse_file(render_bytes(daily[:2]))
    second = parse_file(render_bytes(daily[1:]))
    assert [t.unique_id for t in first[1].transactions] == [
        t.unique_id for t in second[0].transactions
    ]


def test_text_line_starting_with_a_brace_is_text():
    lines = [*LINES[:5], ":86:Zamówienie", "{nr 15}", *LINES[7:]]
    (statement,) = parse_text(lines)
    assert statement.transactions[0].title == "Zamówienie {nr 15}"
