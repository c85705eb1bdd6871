"""Answers Odoo looks up again and again during a bulk reconciliation."""

from contextlib import contextmanager

_MEMO = "bank_api_sync.lookups"


@contextmanager
def lookups_remembered(cr):
    """Within this block, each lookup routed through ``remembered`` runs once
    per question: a bulk reconciliation asks the same ones (the analytic
    distribution of an account and partner, the fiscal position of a partner)
    for every item or entry it writes, and the answers cannot change
    meanwhile."""
    if _MEMO in cr.cache:
        yield
        return
    cr.cache[_MEMO] = {}
    try:
        yield
    finally:
        cr.cache.pop(_MEMO, None)


def remembered(env, kind, key, lookup):
    """``lookup()``, or its answer to the same question earlier in the block;
    outside a ``lookups_remembered`` block, simply ``lookup()``."""
    memo = env.cr.cache.get(_MEMO)
    if memo is None:
        return lookup()
    key = (kind, env.uid, env.company.id, tuple(env.companies.ids), key)
    if key not in memo:
        memo[key] = lookup()
    return memo[key]
