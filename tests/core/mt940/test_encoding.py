"""The charset of a file is detected (or forced) and Polish and German
letters come out right whatever the bank used."""

import pytest

from bank_api_sync_mt940.core.encoding import detect_encoding
from bank_api_sync_mt940.core.errors import Mt940Error
from bank_api_sync_mt940.core.parser import parse_file

POLISH = "Zapłata za fakturę nr 12/2024 - Spółdzielnia Mieszkaniowa Źródło, Łódź"
POLISH_UPPER = "PRZELEW PRZYCHODZĄCY OD: ŻÓŁTA ŁÓDŹ SP. Z O.O. UL. ŚWIĘTA 1 GDAŃSK"
GERMAN = "Überweisung an Müller & Söhne, Straße des 17. Juni, Gebühr 5,00 €"


def statement_text(title):
    return "\r\n".join(
        [
            ":20:T",
            ":25:/PL61109010140000071219812874",
            ":28C:1/1",
            ":60F:C240131PLN0,00",
            ":61:240201C1,00NTRFNONREF",
            f":86:020^00PRZELEW^20{title[:35]}^21{title[35:70]}",
            ":62F:C240201PLN1,00",
            "-",
        ]
    )


@pytest.mark.parametrize("codec", ["cp1250", "iso-8859-2", "cp852", "utf-8"])
@pytest.mark.parametrize("text", [POLISH, POLISH_UPPER])
def test_polish_text_is_detected_in_each_charset(codec, text):
    assert detect_encoding(text.encode(codec)) == codec
    (statement,) = parse_file(statement_text(text).encode(codec))
    assert statement.encoding == codec
    assert statement.transactions[0].title == text


@pytest.mark.parametrize("codec", ["iso-8859-1", "iso-8859-15"])
def test_german_text_in_latin_charsets(codec):
    text = GERMAN if codec == "iso-8859-15" else GERMAN.replace("€", "EUR")
    (statement,) = parse_file(statement_text(text).encode(codec))
    assert statement.transactions[0].title == text
    # Without a euro sign ISO-8859-1 and -15 read German the same way.
    assert statement.encoding in ("iso-8859-15", "iso-8859-1")


def test_euro_sign_tells_iso_8859_15_from_iso_8859_1():
    assert detect_encoding(GERMAN.encode("iso-8859-15")) == "iso-8859-15"


def test_utf8_with_byte_order_mark():
    data = b"\xef\xbb\xbf" + statement_text(POLISH).encode("utf-8")
    assert detect_encoding(data) == "utf-8-sig"
    (statement,) = parse_file(data)
    assert statement.encoding == "utf-8-sig"
    assert statement.reference == "T"
    assert statement.transactions[0].title == POLISH


def test_pure_ascii_needs_no_decision():
    assert detect_encoding(b":20:X\r\n") == "ascii"
    (statement,) = parse_file(statement_text("Payment 1").encode("ascii"))
    assert statement.encoding == "ascii"


def test_forced_encoding_wins_over_detection():
    data = statement_text(POLISH).encode("cp852")
    (statement,) = parse_file(data, encoding="cp852")
    assert statement.encoding == "cp852"
    assert statement.transactions[0].title == POLISH
    # Forced wrong, the bytes do not read as text: the error says so.
    with pytest.raises(Mt940Error, match="pass the right encoding") as caught:
        parse_file(data, encoding="cp1250")
    assert (caught.value.line, caught.value.field) == (6, ":86:")
    (auto,) = parse_file(data, encoding="auto")
    assert auto.encoding == "cp852"


def test_charset_decided_at_the_first_non_ascii_text_far_into_the_file():
    ascii_part = [
        ":20:T",
        ":25:/PL61109010140000071219812874",
        ":28C:1/1",
        ":60F:C240131PLN0,00",
    ]
    for _ in range(3000):  # about 100 KB of ASCII before the first letter
        ascii_part += [":61:240201C1,00NTRFNONREF", ":86:020^20Payment"]
    title = "Spółdzielnia Źródło, Łódź, ul. Świętej Anny"
    last = [":61:240201C1,00NTRFNONREF", f":86:020^20{title}"]
    text = "\r\n".join([*ascii_part, *last, ":62F:C240201PLN3001,00", "-"])
    assert len(text) > 3 * 65536 / 2
    (statement,) = parse_file(text.encode("iso-8859-2"))
    assert statement.encoding == "iso-8859-2"
    assert statement.transactions[-1].title == title


def test_utf8_character_cut_by_a_read_chunk():
    head = ":20:T\r\n:25:/PL61109010140000071219812874\r\n:28C:1/1\r\n"
    head += ":60F:C240131PLN0,00\r\n:61:240201C1,00NTRFNONREF\r\n:86:"
    filler = "x" * (65536 - len(head) - 1)  # "ż" starts on the chunk's last byte
    data = (head + filler + "ż\r\n:62F:C240201PLN1,00\r\n-\r\n").encode("utf-8")
    assert data[65535:65537] == "ż".encode()
    (statement,) = parse_file(data)
    assert statement.encoding == "utf-8"
    assert statement.transactions[0].title.endswith("xż")


@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"])
def test_line_break_cut_by_a_read_chunk(newline):
    # Whatever the line breaks, line numbers stay right across chunks.
    lines = [":20:T", ":25:/PL61109010140000071219812874", ":28C:1/1"]
    lines += [":60F:C240131PLN0,00"]
    while len(newline.join(lines)) < 70_000:
        lines += [":61:240201C1,00NTRFNONREF", ":86:Przelew"]
    lines += [":62F:C240201PLNoops"]
    with pytest.raises(Mt940Error) as caught:
        parse_file(newline.join(lines).encode())
    assert caught.value.line == len(lines)
    assert caught.value.field == ":62F:"
