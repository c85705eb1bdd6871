"""Writing many records that each get their own value, in one go.

Odoo's ``write`` gives all its records the same value: bulk writers (the
statement import, the reconciler) would need a write per value, each with its
recomputations. Setting the values in the cache the way ``write`` does marks
what depends on them for recomputation once for all the records; the caller
makes the checks its write would have made.
"""


def assign_each(records, field_name, values):
    """Give ``records[i]`` the value ``values[i]`` of ``field_name`` (in the
    cache's format: ids for relational fields), flushed with the next flush."""
    records.modified([field_name], before=True)
    records.env.cache.update(records, records._fields[field_name], values, dirty=True)
    records.modified([field_name])
