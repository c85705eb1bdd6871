"""Property: statements rendered by the base add-on's MT940 writer read back
the same, in every :86: layout, charset, line break and page size."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bank_api_sync_mt940.core.parser import parse_file
from bank_api_sync_mt940.core.writer import (
    Details86,
    StatementData,
    StatementLine,
    render_bytes,
)

POLISH_LETTERS = "aąbcćdeęfghijklłmnńoóprsśtuwyzźżAĄBCĆDEĘFGHIJKLŁMNŃOÓPRSŚTUWYZŹŻ"
GERMAN_LETTERS = "abcdefghijklmnopqrstuvwxyzäöüßABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÜ"
PUNCTUATION = "0123456789./-,()&'"
REFERENCE_START = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
CODECS = {
    "polish": ("cp1250", "iso-8859-2", "cp852", "utf-8", "utf-8-sig"),
    "german": ("iso-8859-1", "iso-8859-15", "cp1250", "utf-8"),
}


def words(letters, min_size=1, max_size=6, extra=PUNCTUATION):
    """Words of up to 12 characters starting with a letter, one space apart."""
    word = st.builds(
        str.__add__, st.sampled_from(letters), st.text(letters + extra, max_size=11)
    )
    return st.lists(word, min_size=min_size, max_size=max_size).map(" ".join)


def names(letters):
    # Letters only (a dot or a postal code would start an address), at most
    # 51 characters: the German layout holds 54.
    return words(letters, 1, 4, extra="")


def digits(count):
    return st.integers(0, 10**count - 1).map(f"{{:0{count}d}}".format)


def polish_iban(bban):
    check = 98 - int(bban + "252100") % 97
    return f"PL{check:02d}{bban}"


def identifiers(max_size):
    """References as banks write them: capitals, digits and dashes."""
    return st.builds(
        str.__add__,
        st.sampled_from(REFERENCE_START),
        st.text(REFERENCE_START + "-", max_size=max_size - 1),
    )


@st.composite
def movements(draw, language, layout, day):
    letters = POLISH_LETTERS if language == "polish" else GERMAN_LETTERS
    value_date = day + timedelta(days=draw(st.integers(0, 3)))
    entry_date = draw(
        st.none() | st.integers(-3, 3).map(lambda d: value_date + timedelta(days=d))
    )
    cents = draw(st.integers(1, 10**11))
    amount = Decimal(cents).scaleb(-2) * draw(st.sampled_from((1, -1)))
    address = None
    if layout in ("polish", "mbank"):
        address = draw(
            st.none()
            | st.builds(
                "ul. {} {} {:02d}-{:03d} {}".format,
                words(letters, 1, 2, extra=""),
                st.integers(1, 200),
                st.integers(0, 99),
                st.integers(0, 999),
                words(letters, 1, 2, extra=""),
            )
        )
    references = st.none() | identifiers(16)
    sepa_ids = st.none() | identifiers(31)
    details = Details86(
        code=draw(digits(3)),
        description=draw(words(letters, 1, 3, extra="")),
        title=draw(words(letters, 1, 10)),
        counterparty_name=draw(names(letters)),
        counterparty_address=address,
        counterparty_account=draw(digits(24).map(polish_iban)),
        counterparty_bank_code=draw(digits(8)),
        end_to_end_id=draw(sepa_ids) if layout == "german" else None,
        mandate_id=draw(sepa_ids) if layout == "german" else None,
        creditor_id=draw(sepa_ids) if layout == "german" else None,
    )
    return StatementLine(
        value_date=value_date,
        entry_date=entry_date,
        amount=amount,
        type_code=draw(st.sampled_from(("NTRF", "NMSC", "NCHG", "S034", "FCHK"))),
        customer_reference=draw(references),
        bank_reference=draw(references.filter(lambda r: r != "NONREF")),
        supplementary_details=draw(
            st.none() | words(letters, 1, 2).map(lambda t: t[:34].strip())
        ),
        reversal=draw(st.booleans()),
        details=details,
    )


@st.composite
def files(draw):
    layout = draw(st.sampled_from(("polish", "german", "mbank", "plain")))
    language = (
        "german" if layout == "german" else draw(st.sampled_from(("polish", "german")))
    )
    day = draw(st.dates(date(1995, 1, 1), date(2060, 12, 1)))
    balance = Decimal(draw(st.integers(-(10**9), 10**9))).scaleb(-2)
    number = draw(st.integers(1, 9000))
    currency = draw(st.sampled_from(("PLN", "EUR")))
    statements = []
    for _ in range(draw(st.integers(1, 2))):
        lines = draw(st.lists(movements(language, layout, day), max_size=5))
        statement = StatementData(
            account="PL61109010140000071219812874",
            currency=statements[0].currency if statements else currency,
            opening_balance=balance,
            opening_date=day,
            lines=tuple(lines),
            statement_number=number,
            closing_date=max([day, *(line.value_date for line in lines)]),
        )
        statements.append(statement)
        balance = statement.closing_balance
        day = statement.closing_date
        number += 1
    options = {
        "layout": layout,
        "separator": draw(st.sampled_from("^~<")),
        "envelope": draw(st.booleans()),
        "page_size": draw(st.none() | st.integers(1, 3)),
        "newline": draw(st.sampled_from(("\r\n", "\n", "\r"))),
    }
    codec = draw(st.sampled_from(CODECS[language]))
    return statements, options, codec


def expected_details(line, layout):
    details = line.details
    iban = details.counterparty_account
    if layout == "plain":
        return {"title": details.title}
    expected = {
        "code": details.code,
        "description": details.description,
        "title": details.title,
        "counterparty_name": details.counterparty_name,
        "counterparty_iban": iban,
    }
    if layout in ("polish", "mbank"):
        expected["counterparty_address"] = details.counterparty_address
    if layout in ("polish", "german"):
        expected["counterparty_bank_code"] = details.counterparty_bank_code
    if layout == "german":
        expected["end_to_end_id"] = details.end_to_end_id
        expected["mandate_id"] = details.mandate_id
        expected["creditor_id"] = details.creditor_id
    return expected


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(files())
def test_rendered_statements_read_back(case):
    statements, options, codec = case
    data = render_bytes(statements, codec, **options)
    parsed = parse_file(data, encoding=codec)
    assert len(parsed) == len(statements)
    for written, read in zip(statements, parsed, strict=True):
        assert read.account == written.account
        assert read.currency == written.currency
        assert read.statement_number == written.statement_number
        assert read.opening_balance.amount == written.opening_balance
        assert read.opening_date == written.opening_date
        assert read.closing_balance.amount == written.closing_balance
        assert read.closing_date == written.closing_date
        assert len(read.transactions) == len(written.lines)
        for line, transaction in zip(written.lines, read.transactions, strict=True):
            assert transaction.value_date == line.value_date
            assert transaction.entry_date == line.entry_date
            assert transaction.amount == line.amount
            assert transaction.mark.startswith("R") == line.reversal
            assert transaction.type_code == line.type_code
            assert transaction.customer_reference == line.customer_reference
            assert transaction.bank_reference == line.bank_reference
            assert transaction.supplementary_details == line.supplementary_details
            details = transaction.details
            for field, value in expected_details(line, options["layout"]).items():
                assert getattr(details, field) == value, field


@settings(max_examples=40, deadline=None)
@given(files())
def test_utf8_files_read_back_without_naming_the_charset(case):
    statements, options, _ = case
    data = render_bytes(statements, "utf-8", **options)
    parsed = parse_file(data)
    assert [len(s.transactions) for s in parsed] == [len(s.lines) for s in statements]
    titles = [t.title for s in parsed for t in s.transactions]
    assert titles == [line.details.title for s in statements for line in s.lines]
