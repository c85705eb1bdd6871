"""Where the set-up keeps Odoo, and how the harness drives odoo-bin.

Shared by setup/run_tests.py and the life-cycle tests in tests/integration.
"""

import fcntl
import os
import socket
import subprocess
import tempfile
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
TEMPLATE_LOCK = Path(tempfile.gettempdir()) / f"{TEMPLATE_DB}.lock"


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
    takes about 20 s, cloning the database 0.3 s. Returns False on failure.

    The template is shared by every checkout on the machine (worktrees run
    their tests at the same time): it is built under another name and renamed
    when complete, so nobody clones or drops a half-built one, and a lock makes
    a second checkout wait for the build in progress."""
    query = "select state from ir_module_module where name = 'account'"
    with open(TEMPLATE_LOCK, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if psql(query, database=TEMPLATE_DB) == "installed":
            return True
        print(f"Building the template database {TEMPLATE_DB} (once, about 30 s)...")
        building = f"{TEMPLATE_DB}_build_{os.getpid()}"
        drop_database(building)
        command = odoo_command(
            building,
            "-i", "account", "--without-demo=all", "--stop-after-init",
            "--log-level=warn",
        )  # fmt: skip
        if subprocess.run(command, check=False).returncode:
            drop_database(building)
            return False
        drop_database(TEMPLATE_DB)
        psql(f'ALTER DATABASE "{building}" RENAME TO "{TEMPLATE_DB}"')
        if (FILESTORE / building).exists():
            (FILESTORE / building).rename(FILESTORE / TEMPLATE_DB)
        return psql(query, database=TEMPLATE_DB) == "installed"


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
