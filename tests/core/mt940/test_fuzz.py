"""Whatever the bytes, the parser answers with statements or Mt940Error
naming a line and a field: never another exception, never a traceback."""

from hypothesis import given, settings
from hypothesis import strategies as st

from bank_api_sync_mt940.core.errors import Mt940Error
from bank_api_sync_mt940.core.parser import parse_file

from .conftest import SAMPLES

GOOD_SAMPLES = sorted(
    path.read_bytes()
    for path in SAMPLES.glob("*.sta")
    if not path.name.startswith(("bad_", "garbage", "missing", "no_", "truncated"))
    and path.name not in ("unbalanced.sta", "unknown_mark.sta")
    and "mismatch" not in path.name
    and "gap" not in path.name
)
TOKENS = [
    b":20:", b":21:", b":25:", b":28C:", b":60F:", b":60M:", b":61:", b":86:",
    b":62F:", b":62M:", b":64:", b":65:", b"-", b"-}", b"{1:", b"{4:", b"\r\n",
    b"\n", b"\r", b"C", b"D", b"RC", b"PLN", b"240229", b"0229", b"1,00",
    b"NTRF", b"//", b"^20", b"~32", b"?20", b"SVWZ+", b"; TYT.: ", b"\xc5\xbc",
    b"\xb3", b"\x00", b" ",
    b":34F:", b":13D:", b":90D:", b":90C:", b":940:", b"2406111230+0200",
    b"240230", b"0231", b"N TRF", b" NMSC", b"\xc2\xb2", b"\xd9\xa3",
]  # fmt: skip


def assert_answers_cleanly(data):
    """Strict, tolerant (warnings listened for) and check mode (problems
    collected): statements or Mt940Error naming line and field, nothing else."""
    for options in ({}, {"warnings": []}, {"warnings": [], "problems": []}):
        try:
            statements = parse_file(data, **options)
        except Mt940Error as error:
            assert error.line >= 1
            assert error.field
            assert str(error).startswith(f"line {error.line}, field {error.field}: ")
            assert "\n" not in str(error)
        else:
            assert isinstance(statements, list)
        for item in [*options.get("warnings", ()), *options.get("problems", ())]:
            assert item.line >= 1
            assert item.field


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(GOOD_SAMPLES), st.data())
def test_mutated_samples(original, data):
    start = data.draw(st.integers(0, len(original)))
    end = data.draw(st.integers(start, min(len(original), start + 40)))
    inserted = data.draw(st.binary(max_size=20) | st.sampled_from(TOKENS))
    assert_answers_cleanly(original[:start] + inserted + original[end:])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(TOKENS) | st.binary(max_size=8), max_size=60))
def test_token_soup(pieces):
    assert_answers_cleanly(b"".join(pieces))


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes(data):
    assert_answers_cleanly(data)
