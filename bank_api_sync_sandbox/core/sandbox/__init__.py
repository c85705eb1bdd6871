"""The sandbox bank: a Berlin Group NextGenPSD2 bank served over real HTTP,
which speaks PolishAPI 2.1.1 too (``polishapi.py``, under ``/v2_1_1.1/``).

Run it with ``python -m odoo.addons.bank_api_sync_sandbox.core.sandbox --port 8070``
or use ``SandboxBank`` from Python (see ``bank.py``).
"""

from .auth import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from .bank import LoggedRequest, SandboxBank
from .faults import FAULTS
from .ledger import DEFAULT_ACCOUNTS, SandboxAccount

__all__ = [
    "DEFAULT_ACCOUNTS",
    "DEFAULT_CLIENT_ID",
    "DEFAULT_CLIENT_SECRET",
    "FAULTS",
    "LoggedRequest",
    "SandboxAccount",
    "SandboxBank",
]
