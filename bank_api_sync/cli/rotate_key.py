"""``odoo-bin bank_api_rotate_key -c <conf> -d <db>``: re-encrypt every stored
bank credential under the first configured encryption key, so the old key
can be retired (README, Security)."""

import sys

from odoo import SUPERUSER_ID, api
from odoo.cli import Command
from odoo.modules.registry import Registry
from odoo.tools import config


def rotate_database(env):
    """Rotate one database's secrets; the lines to print and whether every
    secret now reads with the newest key alone."""
    rotated, unreadable = env["bank.api.connection"]._rotate_encryption_key()
    lines = [f"{env.cr.dbname}: {rotated} secret(s) re-encrypted under the newest key."]
    if unreadable:
        lines.append(
            f"{len(unreadable)} secret(s) no configured key reads (left as they "
            "are; enter them again, or add the key they were stored with):"
        )
        lines.extend(f"  {item}" for item in unreadable)
    return lines, not unreadable


class BankApiRotateKey(Command):
    """Re-encrypt every bank credential under the newest encryption key"""

    name = "bank_api_rotate_key"

    def run(self, args):
        config.parse_config(args, setup_logging=True)
        databases = [name for name in (config["db_name"] or "").split(",") if name]
        if not databases:
            sys.exit("Name the database(s): -d <database>[,<database>...]")
        all_readable = True
        for dbname in databases:
            with Registry(dbname).cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                lines, readable = rotate_database(env)
                # The cursor commits on leaving the block: all of this
                # database's secrets move to the new key at once, or none.
            sys.stdout.write("\n".join(lines) + "\n")
            all_readable = all_readable and readable
        if not all_readable:
            sys.exit(1)
