"""The Sandbox Bank embedded in the Odoo server process.

A sandbox connection without an API URL talks to this bank: it is started on a
free loopback port the first time a connection needs it, and lives as long as
the process. Its ledger is seeded, so every process (and every restart) serves
the same transactions with the same ids.
"""

import threading

from .bank import SandboxBank

EMBEDDED_SEED = 2026
EMBEDDED_PER_DAY = 6

_lock = threading.Lock()
_bank = None


def embedded_sandbox() -> SandboxBank:
    global _bank
    with _lock:
        if _bank is None:
            _bank = SandboxBank(
                seed=EMBEDDED_SEED, port=0, per_day=EMBEDDED_PER_DAY
            ).start()
        return _bank


def embedded_sandbox_url() -> str:
    return embedded_sandbox().url
