"""Make each add-on's plain-Python core importable without Odoo.

An add-on's ``__init__`` imports its Odoo models, so ``import bank_api_sync``
would need Odoo. Registering the add-on folders as bare packages lets
``bank_api_sync.core`` (and the other cores) be imported on their own, which
is also how these tests prove that the cores never import Odoo.
"""

import sys
import types
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
ADDONS = tuple(
    sorted(
        path.parent.name for path in REPO_ROOT.glob("bank_api_sync*/__manifest__.py")
    )
)

for _addon in ADDONS:
    if _addon not in sys.modules:
        _package = types.ModuleType(_addon)
        _package.__path__ = [str(REPO_ROOT / _addon)]
        sys.modules[_addon] = _package
