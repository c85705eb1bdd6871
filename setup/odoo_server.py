"""A real Odoo server with workers on a scratch database, for the tests and
benchmarks that need requests served at the same time (an HttpCase serves
one request at a time on the test's own cursor, so it cannot show a race).

Shared by tests/bench/webhook_load.py and tests/integration.
"""

import configparser
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import odoo_env
import requests

HEALTH_ROUTE = "/web/health"
START_TIMEOUT = 120  # seconds for Odoo to answer after its start

# Run in `odoo shell`: a connection receiving webhooks with the given secret.
WEBHOOK_CONNECTION_SCRIPT = """
import json
connection = env["bank.api.connection"].create(
    {"name": %(name)r, "provider": "berlin_group", "environment": "sandbox"}
)
connection.write({"webhook_enabled": True, "webhook_secret": %(secret)r})
env.cr.commit()
print("SERVER_SETUP " + json.dumps(
    {"connection_id": connection.id, "token": connection.webhook_token}
))
"""


def prepare_webhook_database(database, secret, name="Webhook test"):
    """A clone of the template with bank_api_sync_webhook and one connection
    receiving webhooks; returns {"connection_id", "token"}."""
    odoo_env.create_database(database)
    install = odoo_env.odoo_command(
        database, "-i", "bank_api_sync_webhook", "--without-demo=all",
        "--stop-after-init", "--log-level=warn", "--no-http",
    )  # fmt: skip
    subprocess.run(install, check=True, cwd=odoo_env.REPO_ROOT, timeout=900)
    shell = odoo_env.odoo_command(
        database, "--log-level=warn", "--no-http", subcommand="shell"
    )
    done = subprocess.run(
        shell,
        input=WEBHOOK_CONNECTION_SCRIPT % {"secret": secret, "name": name},
        capture_output=True,
        text=True,
        check=False,
        cwd=odoo_env.REPO_ROOT,
        timeout=300,
    )
    for line in done.stdout.splitlines():
        if line.startswith("SERVER_SETUP "):
            return json.loads(line.removeprefix("SERVER_SETUP "))
    raise RuntimeError(
        f"could not create the connection (odoo shell failed): {done.stderr[-4000:]}"
    )


def odoo_bin():
    parser = configparser.ConfigParser()
    parser.read(odoo_env.ODOO_CONF)
    for path in parser["options"]["addons_path"].split(","):
        candidate = Path(path.strip()).parent.parent / "odoo-bin"
        if candidate.is_file():
            return candidate
    raise RuntimeError(f"no odoo-bin beside the addons path of {odoo_env.ODOO_CONF}")


def start_odoo(database, workers):
    """odoo-bin with workers in its own process group, no cron; returns the
    process and its base URL. Its log is var/<database>.log."""
    command = odoo_env.odoo_command(
        database,
        f"--workers={workers}",
        "--max-cron-threads=0",
        f"--gevent-port={odoo_env.free_port()}",
        f"--db-filter=^{database}$",
        "--log-level=warn",
    )
    # The master spawns the gevent process as `python sys.argv[0] gevent`:
    # with `-m odoo` that is odoo/__main__.py, which cannot start alone and
    # would be respawned in a loop. odoo-bin can.
    command[1:3] = [str(odoo_bin())]
    port = command[command.index("--http-port") + 1]
    log = open(odoo_env.REPO_ROOT / "var" / f"{database}.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        command, cwd=odoo_env.REPO_ROOT, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    process.log_file = log
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Odoo stopped at start; see {log.name}")
        try:
            if requests.get(base_url + HEALTH_ROUTE, timeout=2).status_code == 200:
                return process, base_url
        except requests.RequestException:
            pass
        time.sleep(0.5)
    stop_odoo(process)
    raise RuntimeError(f"Odoo did not answer in {START_TIMEOUT} s; see {log.name}")


def stop_odoo(process):
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)  # the master, its workers, gevent
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    process.log_file.close()
