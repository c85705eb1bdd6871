"""Where the set-up keeps Odoo, and how the harness drives odoo-bin.

Shared by setup/run_tests.py and the life-cycle tests in tests/integration.
"""

import os
import socket
import subprocess
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
VENV_PYTHON = REPO_ROOT / ".venv" / "bin" / "python"
ODOO_CONF = REPO_ROOT / "var" / "odoo.conf"
FILESTORE = REPO_ROOT / "var" / "data" / "filestore"
# Every add-on of the repository: a top-level folder with a manifest. A new
# add-on (a provider, a format) is picked up by the set-up, lint and tests
# without editing a list.
ADDONS = tuple(
    sorted(
        path.parent.name for path in REPO_ROOT.glob("bank_api_sync*/__manifest__.py")
    )
)
TEMPLATE_DB = "bank_api_sync_test_template"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def odoo_command(database, *args, subcommand=None):
    """odoo-bin with the project's configuration, on a free HTTP port."""
    return [
        str(VENV_PYTHON), "-m", "odoo", *([subcommand] if subcommand else []),
        "-c", str(ODOO_CONF), "-d", database, "--http-port", str(free_port()), *args,
    ]  # fmt: skip


def psql(sql, database="postgres"):
    return subprocess.run(
        ["psql", "-d", database, "-Atqc", sql],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()


def ensure_template():
    """A database with `account` installed, built once: installing `account`
    takes about 20 s, cloning the database 0.3 s. Returns False on failure."""
    query = "select state from ir_module_module where name = 'account'"
    if psql(query, database=TEMPLATE_DB) == "installed":
        return True
    print(f"Building the template database {TEMPLATE_DB} (once, about 30 s)...")
    drop_database(TEMPLATE_DB)
    command = odoo_command(
        TEMPLATE_DB,
        "-i", "account", "--without-demo=all", "--stop-after-init", "--log-level=warn",
    )  # fmt: skip
    return subprocess.run(command, check=False).returncode == 0


def create_database(name):
    """A fresh database with `account` installed, cloned from the template."""
    drop_database(name)
    if not ensure_template():
        raise RuntimeError(f"could not build the template database {TEMPLATE_DB}")
    subprocess.run(["createdb", "-T", TEMPLATE_DB, name], check=True)


def drop_database(name):
    subprocess.run(
        ["dropdb", "--if-exists", "--force", name],
        env={**os.environ, "PGOPTIONS": "-c client_min_messages=warning"},
        check=False,
    )
    subprocess.run(["rm", "-rf", str(FILESTORE / name)], check=False)
