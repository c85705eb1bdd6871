"""Run every check of the project and end with one line CI reads: `N passed, N failed`.

Steps, each counted in the summary:
  lint     ruff (lint and format) and pylint-odoo's mandatory checks on the add-ons
  pytest   tests/: the plain-Python core (no database) and the add-on life cycle
           (install, upgrade, uninstall through odoo-bin on scratch databases)
  odoo     the add-ons' own tests through Odoo's runner, on a fresh database
           cloned from a cached template that has `account` installed

A skipped Odoo test counts as a failure: Odoo skips browser tests silently when
Chromium or websocket-client is missing, and a green run must mean they ran.
"""

import argparse
import os
import re
import signal
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from odoo_env import (
    ADDONS,
    REPO_ROOT,
    create_database,
    drop_database,
    odoo_command,
)

VENV_BIN = REPO_ROOT / ".venv" / "bin"
RESULTS_DIR = REPO_ROOT / "var" / "test-results"

ODOO_REPORT = re.compile(
    r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database"
)
# A test run that prints nothing for this long is stuck (a thread that never
# ends, a lock never released): its stacks are dumped and it is stopped, so
# that the run ends with the cause instead of running into CI's own limit.
SILENCE_LIMIT = int(os.environ.get("BANK_API_SYNC_TEST_SILENCE_LIMIT", 900))
# Chromium opens spare connections to the test server and may leave one idle
# past its read timeout on a loaded machine; the server (Python's http.server,
# through werkzeug) then logs "Request timed out" at ERROR for a request that
# was never sent. It says nothing about our code, so it fails no run.
BROWSER_IDLE_SOCKET = re.compile(r"^127\.0\.0\.1 - - \[.*\] Request timed out: ")
ODOO_LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) \S+ "
    r"(?P<logger>[\w.]+): (?P<message>.*)"
)


@dataclass
class Tally:
    passed: int = 0
    failed: int = 0
    failures: list = field(default_factory=list)

    def ok(self, count=1):
        self.passed += count

    def fail(self, what, count=1):
        self.failed += count
        self.failures.append(what)


class SilenceWatchdog:
    """Stops a process that printed nothing for ``limit`` seconds: SIGQUIT
    first (Odoo answers it by logging every thread's stack), then SIGKILL."""

    def __init__(self, proc, limit):
        self.proc = proc
        self.limit = limit
        self.fired = False
        self._last = time.monotonic()
        self._done = threading.Event()
        threading.Thread(target=self._watch, daemon=True).start()

    def heard(self):
        self._last = time.monotonic()

    def stop(self):
        self._done.set()

    def _watch(self):
        while not self._done.wait(5):
            if time.monotonic() - self._last < self.limit:
                continue
            self.fired = True
            print(f"\nNo output for {self.limit} s: dumping stacks, then stopping")
            self.proc.send_signal(signal.SIGQUIT)
            if not self._done.wait(15):
                self.proc.kill()
            return


def banner(title):
    print(f"\n\033[1m=== {title} ===\033[0m", flush=True)


def run(cmd, **kwargs):
    print("$ " + " ".join(str(c) for c in cmd), flush=True)
    return subprocess.run(cmd, cwd=REPO_ROOT, check=False, **kwargs)


def run_lint(tally):
    banner("lint")
    paths = [*ADDONS, "tests", "setup"]
    checks = {
        "ruff check": [VENV_BIN / "ruff", "check", *paths],
        "ruff format": [VENV_BIN / "ruff", "format", "--check", *paths],
        "add-on READMEs": [
            VENV_BIN / "python",
            REPO_ROOT / "setup" / "addon_readme.py",
            "--check",
        ],
        "pylint-odoo": [
            VENV_BIN / "pylint",
            f"--rcfile={REPO_ROOT / 'setup' / 'pylintrc-mandatory'}",
            *ADDONS,
        ],
    }
    for name, cmd in checks.items():
        if run(cmd).returncode == 0:
            tally.ok()
        else:
            tally.fail(f"lint: {name}")


def run_pytest(tally, pytest_args):
    banner("pytest: core and add-on life cycle")
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    junit = RESULTS_DIR / "pytest.xml"
    junit.unlink(missing_ok=True)
    result = run(
        [VENV_BIN / "python", "-m", "pytest", f"--junitxml={junit}", *pytest_args]
    )
    if not junit.exists():
        tally.fail(f"pytest did not run (exit status {result.returncode})")
        return
    suite = ET.parse(junit).getroot()
    suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
    total = int(suite.get("tests", 0))
    failed = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
    skipped = int(suite.get("skipped", 0))
    tally.ok(total - failed - skipped)
    if failed:
        tally.fail("pytest: failed tests (see above)", failed)
    if skipped:
        # Our tests never skip: a skip means a dependency went missing.
        tally.fail("pytest: skipped tests", skipped)
    if total == 0:
        tally.fail("pytest collected no test")


def run_odoo_tests(tally, test_tags, keep_db):
    banner("odoo: add-on tests through Odoo's test runner")
    database = f"bank_api_sync_test_{os.getpid()}"
    try:
        create_database(database)
    except (RuntimeError, subprocess.CalledProcessError) as error:
        tally.fail(f"odoo: could not create the test database {database}: {error}")
        return
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    log_path = RESULTS_DIR / "odoo-tests.log"
    cmd = odoo_command(
        database,
        "-i",
        ",".join(ADDONS),
        "--without-demo=all",
        "--test-enable",
        "--test-tags",
        test_tags,
        "--stop-after-init",
        "--log-level=info",
    )
    started = time.monotonic()
    print("$ " + " ".join(str(c) for c in cmd), flush=True)
    report = None
    skipped = []
    problems = []
    with (
        open(log_path, "w", encoding="utf-8") as log,
        subprocess.Popen(
            cmd,
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        ) as proc,
    ):
        watchdog = SilenceWatchdog(proc, SILENCE_LIMIT)
        for line in proc.stdout:
            watchdog.heard()
            log.write(line)
            match = ODOO_LOG_LINE.match(line)
            if not match:
                if problems and line.strip():
                    print(line, end="")  # traceback of the last problem
                continue
            level, message = match["level"], match["message"]
            if found := ODOO_REPORT.search(message):
                report = tuple(int(n) for n in found.groups())
            if message.startswith("skipped "):
                skipped.append(message)
            if message.startswith("Starting ") or level in ("ERROR", "CRITICAL"):
                print(line, end="", flush=True)
            if BROWSER_IDLE_SOCKET.search(message):
                continue
            if level in ("WARNING", "ERROR", "CRITICAL") and not found:
                problems.append(line.rstrip())
                if level == "WARNING":
                    print(line, end="", flush=True)
        returncode = proc.wait()
        watchdog.stop()
    if watchdog.fired:
        tally.fail(
            f"odoo: the test run printed nothing for {SILENCE_LIMIT} s and was "
            "stopped (its threads' stacks are in the log)"
        )
    print(f"(Odoo's full log: {log_path}, {time.monotonic() - started:.0f} s)")

    if report is None:
        tally.fail(f"odoo: the test run did not complete (exit status {returncode})")
    else:
        failed, errors, total = report
        tally.ok(total - failed - errors - len(skipped))
        if failed or errors:
            tally.fail("odoo: failed tests (see above)", failed + errors)
        if total == 0:
            tally.fail("odoo: no Odoo test ran (are the add-ons' tests tagged?)")
    if skipped:
        for message in skipped:
            print(f"SKIPPED (counted as failed): {message}")
        tally.fail(
            "odoo: skipped tests (Chromium or websocket-client missing?)", len(skipped)
        )
    if report and not (report[0] or report[1]) and problems:
        # An error or warning outside any failing test: a view, access or
        # data problem Odoo only logs. Runbot fails on these too.
        tally.fail(f"odoo: {len(problems)} warning/error line(s) in the log")
    if returncode and report and not (report[0] or report[1]):
        tally.fail(f"odoo: exited with status {returncode}")

    if keep_db or tally.failed:
        print(f"Test database kept: {database}")
    else:
        drop_database(database)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only",
        choices=("lint", "pytest", "odoo"),
        action="append",
        help="run only these steps (repeatable); default: all",
    )
    parser.add_argument(
        "--test-tags",
        default=",".join(f"/{addon}" for addon in ADDONS),
        help="Odoo --test-tags, e.g. /bank_api_sync:TestConnectionAccess",
    )
    parser.add_argument(
        "--keep-db", action="store_true", help="keep the Odoo test database"
    )
    parser.add_argument("pytest_args", nargs="*", help="extra arguments for pytest")
    args = parser.parse_args()
    steps = args.only or ["lint", "pytest", "odoo"]

    tally = Tally()
    if "lint" in steps:
        run_lint(tally)
    if "pytest" in steps:
        run_pytest(tally, args.pytest_args)
    if "odoo" in steps:
        run_odoo_tests(tally, args.test_tags, args.keep_db)

    banner("summary")
    for failure in tally.failures:
        print(f"FAILED: {failure}")
    print(f"{tally.passed} passed, {tally.failed} failed", flush=True)
    return 1 if tally.failed or not tally.passed else 0


if __name__ == "__main__":
    sys.exit(main())
