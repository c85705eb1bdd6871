"""The matching's reasons and notes are stored language-neutral (JSON
sources rendered in each reader's language): the texts stored before, in
the language of whoever ran the matching, are kept as they were, as plain
texts in the new sources (their old columns are left in place)."""

from odoo.tools import SQL
from odoo.tools.sql import column_exists

COPIES = (
    ("bank_api_match_proposal", "reason", "reason_source"),
    ("bank_api_match_proposal", "ambiguity", "ambiguity_source"),
    (
        "account_bank_statement_line",
        "bank_api_match_notes",
        "bank_api_match_notes_source",
    ),
    (
        "account_bank_statement_line",
        "bank_api_auto_reason",
        "bank_api_auto_reason_source",
    ),
)


def migrate(cr, version):
    if not version:
        return
    for table, old, source in COPIES:
        if not column_exists(cr, table, old):
            continue
        old_column, source_column = SQL.identifier(old), SQL.identifier(source)
        cr.execute(
            SQL(
                "UPDATE %s SET %s = to_jsonb(%s) "
                "WHERE %s IS NOT NULL AND %s != '' AND %s IS NULL",
                SQL.identifier(table),
                source_column,
                old_column,
                old_column,
                old_column,
                source_column,
            )
        )
