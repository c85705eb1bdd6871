"""Shared helpers of the MT940 core tests."""

from pathlib import Path

from bank_api_sync_mt940.core.parser import parse_file

SAMPLES = Path(__file__).resolve().parents[3] / "bank_api_sync_mt940/tests/samples"


def sample(name):
    return SAMPLES / name


def parse_text(text, encoding="utf-8", **options):
    """Statements of MT940 ``text`` (lines joined by CRLF, as banks do)."""
    if not isinstance(text, str):
        text = "\r\n".join(text)
    return parse_file(text.encode(encoding), **options)
