"""The add-ons install, upgrade, uninstall and reinstall cleanly, through odoo-bin
on a real database, the way an admin would do it."""

import os
import re
import subprocess

import pytest

pytestmark = pytest.mark.odoo

PROBLEM = re.compile(r" (WARNING|ERROR|CRITICAL) ")
UNINSTALL = """
modules = env["ir.module.module"].search([("name", "in", {addons!r})])
modules.button_immediate_uninstall()
env.cr.commit()
"""


def run_odoo(odoo_env, database, *args, subcommand=None, stdin=None):
    result = subprocess.run(
        odoo_env.odoo_command(
            database, "--log-level=warn", *args, subcommand=subcommand
        ),
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    problems = [line for line in output.splitlines() if PROBLEM.search(line)]
    assert not problems, "\n".join(problems)
    return output


def module_states(odoo_env, database):
    rows = odoo_env.psql(
        "select name || '=' || state from ir_module_module where name like "
        "'bank_api_sync%' order by name",
        database=database,
    )
    return dict(row.split("=") for row in rows.splitlines())


def table_exists(odoo_env, database, table):
    return odoo_env.psql(f"select to_regclass('{table}')", database=database) == table


@pytest.fixture
def database(odoo_ready):
    # Per process: two checkouts may run their tests at the same time.
    name = f"bank_api_sync_lifecycle_{os.getpid()}"
    odoo_ready.create_database(name)
    yield name
    odoo_ready.drop_database(name)


def test_install_upgrade_uninstall_reinstall(odoo_ready, database):
    addons = ",".join(odoo_ready.ADDONS)
    installed = dict.fromkeys(odoo_ready.ADDONS, "installed")

    run_odoo(odoo_ready, database, "-i", addons, "--stop-after-init")
    assert module_states(odoo_ready, database) == installed
    assert table_exists(odoo_ready, database, "bank_api_connection")
    menu = odoo_ready.psql(
        "select m.name->>'en_US' from ir_ui_menu m join ir_model_data d "
        "on d.res_id = m.id and d.model = 'ir.ui.menu' "
        "where d.module = 'bank_api_sync' and d.name = 'bank_api_connection_menu'",
        database=database,
    )
    assert menu == "Bank Connections"

    run_odoo(odoo_ready, database, "-u", addons, "--stop-after-init")
    assert module_states(odoo_ready, database) == installed

    run_odoo(
        odoo_ready,
        database,
        "--no-http",
        subcommand="shell",
        stdin=UNINSTALL.format(addons=list(odoo_ready.ADDONS)),
    )
    assert set(module_states(odoo_ready, database).values()) == {"uninstalled"}
    assert not table_exists(odoo_ready, database, "bank_api_connection")
    assert not table_exists(odoo_ready, database, "bank_api_webhook_event")
    leftover_columns = odoo_ready.psql(
        "select column_name from information_schema.columns "
        "where table_name = 'account_journal' and column_name like 'mt940%'",
        database=database,
    )
    assert leftover_columns == ""

    run_odoo(odoo_ready, database, "-i", addons, "--stop-after-init")
    assert module_states(odoo_ready, database) == installed
