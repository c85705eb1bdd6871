"""The base add-on's core modules this core uses, imported by name.

Inside Odoo the add-ons are packages of ``odoo.addons``; in plain Python
(tests/core) they are top-level packages (tests/conftest.py maps them). The
modules are imported beside wherever this add-on was imported from, so that
there is one provider registry and one set of error classes.
"""

import importlib

# "odoo.addons" inside Odoo; "" when the add-ons are top-level packages.
_PARENT = __name__.rpartition(".bank_api_sync_gocardless.")[0]


def core_module(name: str):
    """The base add-on's core module ``name`` (e.g. "providers.registry")."""
    module = f"bank_api_sync.core.{name}"
    return importlib.import_module(f"{_PARENT}.{module}" if _PARENT else module)


base = core_module("providers.base")
errors = core_module("errors")
http = core_module("http")
helpers = core_module("providers.helpers")
model = core_module("model")
registry = core_module("providers.registry")
