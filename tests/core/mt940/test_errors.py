"""Bad input of any kind raises Mt940Error naming the line and the field, and
parse_file() returns nothing of a file that is broken further down."""

import pytest

from bank_api_sync_mt940.core.errors import Mt940Error
from bank_api_sync_mt940.core.parser import iter_statements, parse_file

from .conftest import parse_text, sample

HEAD = [
    ":20:TEST",
    ":25:/PL61109010140000071219812874",
    ":28C:1/1",
    ":60F:C240131PLN1000,00",
]


def error_of(source, **options):
    with pytest.raises(Mt940Error) as caught:
        if isinstance(source, list):
            parse_text(source, **options)
        else:
            parse_file(source, **options)
    return caught.value


@pytest.mark.parametrize(
    ("name", "line", "field", "words"),
    [
        ("bad_balance.sta", 7, ":62F:", "amount '12,3,4' is not a number"),
        ("bad_date.sta", 5, ":61:", "date '241305' does not exist"),
        ("unknown_mark.sta", 5, ":61:", "debit/credit mark 'X' is not C, D, RC or RD"),
        ("missing_account.sta", 3, ":25:", "missing"),
        ("no_amount.sta", 5, ":61:", "amount missing"),
        ("truncated.sta", 6, ":62F:", "truncated"),
        ("unbalanced.sta", 9, ":62F:", "does not add up"),
        ("currency_mismatch.sta", 7, ":62F:", "currency EUR differs"),
        ("sequence_gap.sta", 9, ":28C:", "statement 2 is missing"),
        ("garbage.sta", 8, ":86:", "binary data"),
    ],
)
def test_bad_sample_names_line_and_field(name, line, field, words):
    error = error_of(sample(name))
    assert (error.line, error.field) == (line, field)
    assert words in error.reason
    assert str(error).startswith(f"line {line}, field {field}: ")


def test_message_reads_as_documented():
    error = error_of(sample("bad_balance.sta"))
    assert str(error) == "line 7, field :62F:: amount '12,3,4' is not a number"


def test_unbalanced_statement_says_by_how_much():
    error = error_of(sample("unbalanced.sta"))
    assert "closing balance 1080,00 PLN" in error.reason
    assert "movements 70,00 PLN = 1070,00 PLN" in error.reason


def test_a_broken_second_statement_gives_no_partial_result():
    text = [*HEAD, ":62F:C240131PLN1000,00", "-", ":20:NEXT", ":25:/PL1"]
    text += [":28C:2/1", ":60F:C240131PLN1000,00", ":61:240201C1,00NTRF"]
    with pytest.raises(Mt940Error):
        parse_text(text)
    # The streaming iterator has yielded the first (good) statement already,
    # which is why importers use parse_file() or validate_file() first.
    streamed = iter_statements("\r\n".join(text).encode())
    assert next(streamed).statement_number == 1
    with pytest.raises(Mt940Error):
        next(streamed)


@pytest.mark.parametrize(
    ("lines", "line", "field", "words"),
    [
        (["X240131PLN1,00"], 4, ":60F:", "debit/credit mark 'X' is not C or D"),
        (["C241331PLN1,00"], 4, ":60F:", "date '241331' does not exist"),
        (["C2401PLN1,00"], 4, ":60F:", "not in the form YYMMDD"),
        (["C240131PL1,00"], 4, ":60F:", "currency 'PL1' is not a 3-letter code"),
        (["C240131PLN1.00"], 4, ":60F:", "decimal comma"),
        (["C240131PLN"], 4, ":60F:", "amount missing"),
        ([""], 4, ":60F:", "balance missing"),
    ],
)
def test_bad_opening_balance(lines, line, field, words):
    text = [*HEAD[:3], ":60F:" + lines[0], ":62F:C240131PLN1,00", "-"]
    error = error_of(text)
    assert (error.line, error.field) == (line, field)
    assert words in error.reason


@pytest.mark.parametrize(
    ("statement_line", "words"),
    [
        ("", "statement line is empty"),
        ("2401XXC1,00NTRF", "value date '2401XX'"),
        ("2402010230C1,00NTRF", "entry date '0230' does not exist"),
        ("240201C1,00", "transaction type code missing"),
        ("240201C1,00XTRF", "transaction type 'XTRF' is not N, F or S"),
        ("240201C1.00NTRF", "decimal comma"),
        ("240201RX1,00NTRF", "debit/credit mark 'RX'"),
        ("240201 C1,00NTRF", "debit/credit mark ' '"),
    ],
)
def test_bad_statement_line(statement_line, words):
    text = [*HEAD, ":61:" + statement_line, ":62F:C240201PLN1001,00", "-"]
    error = error_of(text)
    assert (error.line, error.field) == (5, ":61:")
    assert words in error.reason


@pytest.mark.parametrize(
    ("text", "line", "field", "words"),
    [
        ([], 1, ":20:", "no MT940 statement"),
        (["", "  ", ""], 2, ":20:", "no MT940 statement"),
        (["{1:F01X}{2:I940X}{4:", "-}"], 2, ":20:", "no MT940 statement"),
        (["hello world", *HEAD], 1, ":20:", "expected a field such as ':20:'"),
        ([*HEAD[:3], ":61:240201C1,00NTRF"], 4, ":61:", "before the opening balance"),
        ([*HEAD, ":62F:C240131PLN1000,00", ":61:240201C1,00NTRF"], 6, ":61:", "after"),
        ([*HEAD, ":62F:C240131PLN1000,00", ":62F:C240131PLN1000,00"], 6, ":62F:", ""),
        ([*HEAD, "-"], 5, ":62F:", "ends without a closing balance"),
        ([*HEAD, ":20:NEXT"], 5, ":20:", "has no closing balance"),
        ([*HEAD[:2], ":25:/PL2"], 3, ":25:", "appears twice"),
        ([*HEAD[:2], ":28C:A/1"], 3, ":28C:", "statement number 'A/1'"),
        ([*HEAD[:2], ":28C:1/B"], 3, ":28C:", "sequence number 'B'"),
        ([*HEAD, ":64:C240131PLN1,00"], 5, ":64:", "before the closing balance"),
        (
            [*HEAD, ":62F:C240131PLN1000,00", ":64:C240131EUR1,00"],
            6,
            ":64:",
            "currency EUR differs",
        ),
        (
            [*HEAD, ":62F:C240131PLN1000,00", ":65:C240201USD1,00"],
            6,
            ":65:",
            "currency USD differs",
        ),
        (
            [*HEAD, ":62F:C240131PLN1000,00", ":86:x", ":60F:C240131PLN1,00"],
            7,
            ":60F:",
            "",
        ),
        ([":86:information", *HEAD], 1, ":86:", "outside a statement"),
        ([":20:X", ":25:", ":60F:C240131PLN1,00"], 2, ":25:", "empty"),
    ],
)
def test_structure_errors(text, line, field, words):
    error = error_of(text)
    assert (error.line, error.field) == (line, field)
    assert words in error.reason


def test_statements_of_one_account_must_chain_their_balances():
    text = [*HEAD, ":62F:C240131PLN1000,00", "-"]
    text += [":20:B", HEAD[1], ":28C:2/1", ":60F:C240131PLN999,99"]
    text += [":62F:C240201PLN999,99", "-"]
    error = error_of(text)
    assert (error.line, error.field) == (10, ":60F:")
    assert "is not the closing balance 1000,00 PLN" in error.reason


def test_repeated_statement_number_is_an_error():
    text = [*HEAD, ":62F:C240131PLN1000,00", "-"] * 2
    error = error_of(text)
    assert (error.line, error.field) == (9, ":28C:")
    assert "repeated or out of order" in error.reason


def test_numbering_may_restart_with_a_new_year():
    text = [*HEAD[:2], ":28C:250/1", ":60F:C231229PLN5,00", ":62F:C231229PLN5,00"]
    text += ["-", *HEAD[:2], ":28C:1/1", ":60F:C231229PLN5,00"]
    text += [":61:240102C1,00NTRF", ":62F:C240102PLN6,00", "-"]
    assert [s.statement_number for s in parse_text(text)] == [250, 1]


@pytest.mark.parametrize(
    ("second_page", "line", "field", "words"),
    [
        ([":28C:5/3", ":60M:C240131PLN1000,00"], 9, ":28C:", "page 2 is missing"),
        ([":28C:6/2", ":60M:C240131PLN1000,00"], 9, ":28C:", "next page"),
        ([":28C:5/2", ":60M:C240131PLN999,00"], 10, ":60M:", "intermediate closing"),
        ([":28C:5/2", ":60M:C240131EUR1000,00"], 10, ":60M:", "intermediate closing"),
    ],
)
def test_continuation_pages_must_follow_each_other(second_page, line, field, words):
    text = [*HEAD[:2], ":28C:5/1", ":60F:C240131PLN1000,00", ":62M:C240131PLN1000,00"]
    text += ["-", ":20:P2", HEAD[1], *second_page, ":62F:C240131PLN1000,00", "-"]
    error = error_of(text)
    assert (error.line, error.field) == (line, field)
    assert words in error.reason


def test_bytes_the_forced_encoding_cannot_read():
    data = "\r\n".join([*HEAD, ":61:240201C1,00NTRF", ":86:ok"]).encode() + b"\x98\r\n"
    error = error_of(data, encoding="cp1250")
    assert (error.line, error.field) == (6, ":86:")
    assert "byte 0x98 cannot be read as cp1250" in error.reason


def test_invalid_utf8_far_after_a_utf8_start():
    # The charset is decided at the first non-ASCII text; a later byte that
    # does not fit it is reported where it is.
    first = [
        *HEAD,
        ":61:240201C1,00NTRF",
        ":86:Zażółć gęślą jaźń",
        ":62F:C240201PLN1001,00",
    ]
    text = [*first, "-"]
    number, balance = 2, "1001,00"
    while len("\r\n".join(text)) < 100_000:
        text += [":20:T", HEAD[1], f":28C:{number}/1", f":60F:C240201PLN{balance}"]
        text += [":61:240201C1,00NTRF", ":86:Przelew"]
        balance = f"{1000 + number},00"
        text += [f":62F:C240201PLN{balance}", "-"]
        number += 1
    data = "\r\n".join(text).encode() + b"\r\n:20:T\r\n:25:\xff\r\n"
    error = error_of(data)
    assert (error.line, error.field) == (len(text) + 2, ":25:")
    assert "byte 0xFF cannot be read as utf-8" in error.reason


def test_control_character_inside_a_balance():
    data = "\r\n".join([*HEAD, ":62F:C240131PLN10\x0700,00", "-"]).encode()
    error = error_of(data)
    assert (error.line, error.field) == (5, ":62F:")
    assert "control character U+0007" in error.reason


def test_text_mode_file_is_a_programming_error(tmp_path):
    path = tmp_path / "x.sta"
    path.write_text(":20:X\n")
    with open(path) as file, pytest.raises(TypeError, match="binary mode"):
        parse_file(file)


def test_unknown_encoding_name_is_a_configuration_error():
    with pytest.raises(LookupError, match="unknown encoding"):
        parse_file(b":20:X", encoding="no-such-codec")
