"""The Sandbox Bank embedded in the Odoo server process.

A sandbox connection without an API URL talks to this bank: it is started on a
free loopback port the first time a connection needs it, and lives as long as
the process. Its ledger is seeded, so every process (and every restart)
serves the same transactions with the same ids; with a state file, the
consents and tokens it granted survive restarts too.
"""

import threading
from datetime import date

from .bank import SandboxBank

EMBEDDED_SEED = 2026
EMBEDDED_PER_DAY = 6
# A fixed first day: balances then never depend on the day the bank started.
EMBEDDED_LEDGER_START = date(2026, 1, 1)

_lock = threading.Lock()
_bank = None


def embedded_sandbox(state_file: str | None = None) -> SandboxBank:
    global _bank
    with _lock:
        if _bank is None:
            _bank = SandboxBank(
                seed=EMBEDDED_SEED,
                port=0,
                per_day=EMBEDDED_PER_DAY,
                ledger_start=EMBEDDED_LEDGER_START,
                state_file=state_file,
            ).start()
        return _bank


def embedded_sandbox_url(state_file: str | None = None) -> str:
    return embedded_sandbox(state_file).url
