"""Whatever bytes come in, the camt parser returns statements or raises its
own CamtError naming a line and a path: never another exception."""

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bank_api_sync_camt.core import CamtError, parse_file

SAMPLES = Path(__file__).resolve().parents[3] / "bank_api_sync_camt/tests/samples"
SAMPLE = (SAMPLES / "camt053_v02_statement1.xml").read_bytes()
TOKENS = [
    b"<Ntry>",
    b"</Ntry>",
    b"<Amt Ccy='PLN'>",
    b"</Amt>",
    b"<CdtDbtInd>DBIT</CdtDbtInd>",
    b"<Sts><Cd>PDNG</Cd></Sts>",
    b"<Dt>2026-02-30</Dt>",
    b"<RvslInd>true</RvslInd>",
    b"<!DOCTYPE a>",
    b"&amp;",
    b"&x;",
    b"\xef\xbc\x91",
    b"1,5",
    b"-",
    b"",
]


def _parse(data):
    try:
        statements = parse_file(data)
    except CamtError as error:
        assert error.line >= 0 and error.path
        return
    for statement in statements:
        assert statement.account


@settings(max_examples=150, deadline=None)
@given(st.integers(0, len(SAMPLE)), st.sampled_from(TOKENS), st.integers(0, 40))
def test_a_token_put_anywhere_gives_statements_or_camt_error(position, token, cut):
    _parse(SAMPLE[:position] + token + SAMPLE[position + cut :])


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_give_camt_error(data):
    _parse(data)
