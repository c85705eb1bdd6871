"""Fingerprints of what was approved and of the audit trail.

``content_hash`` is the SHA-256 of a payment order's canonical content (who
is paid, from which account, how much, when and with which title): approving
binds to it, and sending refuses an order whose content no longer hashes the
same. ``chain_hash`` links each audit entry to the one before it, so that an
entry changed or removed behind the application's back (in SQL) shows.
"""

import hashlib
import json
from decimal import Decimal


def _canonical(value):
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, dict):
        return {str(key): _canonical(item) for key, item in sorted(value.items())}
    if isinstance(value, list | tuple):
        return [_canonical(item) for item in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def canonical_json(content) -> str:
    return json.dumps(
        _canonical(content), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


def content_hash(content) -> str:
    """SHA-256 (hex) of ``content``: dicts, lists, strings, numbers, Decimals
    and dates; key order and float-free amounts make it stable."""
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def chain_hash(previous_hash: str | None, entry) -> str:
    """The hash of an audit entry, linked to its predecessor's."""
    return content_hash({"previous": previous_hash or "", "entry": entry})


def first_broken_link(entries):
    """``entries``: (stored hash, previous hash, entry) in order. The index of
    the first one whose hash is not what its content and predecessor give,
    or None when the chain is intact."""
    previous = None
    for index, (stored, stored_previous, entry) in enumerate(entries):
        if (stored_previous or None) != previous or stored != chain_hash(
            previous, entry
        ):
            return index
        previous = stored
    return None
