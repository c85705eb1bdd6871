import subprocess
import sys

import pytest

from ..conftest import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "setup"))
import odoo_env


@pytest.fixture(scope="session")
def odoo_ready():
    """These tests need the set-up's Odoo and PostgreSQL: missing is a failure,
    never a skip (run setup/test, which prepares both)."""
    if not odoo_env.ODOO_CONF.exists():
        pytest.fail(
            f"{odoo_env.ODOO_CONF} is missing: run setup/test once to create it"
        )
    probe = subprocess.run(
        [str(odoo_env.VENV_PYTHON), "-c", "import odoo.tools"],
        capture_output=True,
        text=True,
        check=False,
    )
    if probe.returncode:
        pytest.fail(f"Odoo is not importable by .venv/bin/python: {probe.stderr}")
    if subprocess.run(["pg_isready", "-q"], check=False).returncode:
        pytest.fail("PostgreSQL does not answer (pg_isready)")
    return odoo_env
