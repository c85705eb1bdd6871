"""The PolishAPI version became a choice of the covered versions (2.1.1,
2.1.2) or Other with the path version in its own field: a version typed
before that is none of the covered ones is kept as Other, unchanged."""

COVERED = ("v2_1_1.1", "v2_1_2.1")


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        "ALTER TABLE bank_api_connection "
        "ADD COLUMN IF NOT EXISTS polishapi_version_other varchar"
    )
    cr.execute(
        """
        UPDATE bank_api_connection
           SET polishapi_version_other = polishapi_version,
               polishapi_version = 'other'
         WHERE polishapi_version IS NOT NULL
           AND polishapi_version != ''
           AND polishapi_version NOT IN %s
        """,
        (COVERED,),
    )
    cr.execute(
        "UPDATE bank_api_connection SET polishapi_version = %s "
        "WHERE polishapi_version = ''",
        (COVERED[0],),
    )
