"""Numbers in MT940 are ASCII digits of a bounded length (issue 16, finding 8):
a statement number with a superscript digit or thousands of digits, or
written in other scripts' digits, is the parser's own error naming the line
and the field, never a ValueError of Python nor a number silently accepted."""

import pytest

from bank_api_sync_mt940.core.errors import Mt940Error

from .conftest import parse_text

HEAD = [":20:TEST", ":25:/PL61109010140000071219812874"]
TAIL = [":60F:C240131PLN1000,00", ":62F:C240131PLN1000,00", "-"]


@pytest.mark.parametrize(
    ("number", "words"),
    [
        ("12\u00b2", "statement number '12\u00b2' is not a number"),
        ("9" * 5000, "is not a number"),
        ("\u0663\u0664", "is not a number"),  # Arabic-Indic 3 and 4
        ("\uff11\uff12", "is not a number"),  # full-width 1 and 2
        ("12/\u00b9", "sequence number '\u00b9' is not a number"),
        ("12/" + "1" * 5000, "sequence number"),
        ("12/\u0661", "sequence number"),
    ],
    ids=["superscript", "5000-digits", "arabic", "full-width", "seq-superscript",
         "seq-5000-digits", "seq-arabic"],
)  # fmt: skip
def test_statement_number_is_ascii_digits(number, words):
    with pytest.raises(Mt940Error) as caught:
        parse_text([*HEAD, ":28C:" + number, *TAIL])
    error = caught.value
    assert (error.line, error.field) == (3, ":28C:")
    assert words in error.reason
    assert len(str(error)) < 300  # the message names the number, shortened


@pytest.mark.parametrize(
    ("field", "value"),
    [
        (":60F:", "C2401\u00b931PLN1000,00"),
        (":60F:", "C\u0662\u0664\u0660\u0661\u0663\u0661PLN1000,00"),
        (":60F:", "C240131PLN\u0661000,00"),
    ],
)
def test_balance_numbers_are_ascii_digits(field, value):
    text = [*HEAD, ":28C:1", field + value, ":62F:C240131PLN1000,00", "-"]
    with pytest.raises(Mt940Error) as caught:
        parse_text(text)
    assert (caught.value.line, caught.value.field) == (4, field)
