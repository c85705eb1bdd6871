"""The cores of the add-ons this one builds on, imported by name.

Inside Odoo the add-ons are packages of ``odoo.addons``; in plain Python
(tests/core, the benchmarks, the command line run from tests) they are
top-level packages (tests/conftest.py maps them). A relative import cannot
reach into another add-on in both worlds, so the modules this core uses from
the base's core and the MT940 add-on's are imported here, beside wherever
this add-on itself was imported from: one module object each, shared with
the add-ons themselves (one provider registry, one set of error classes).
"""

import importlib

# "odoo.addons" inside Odoo; "" when the add-ons are top-level packages.
_PARENT = __name__.rpartition(".bank_api_sync_sandbox.")[0]


def core_module(addon: str, name: str):
    """``addon``'s core module ``name`` (e.g. "providers.registry")."""
    module = f"{addon}.core.{name}"
    return importlib.import_module(f"{_PARENT}.{module}" if _PARENT else module)


berlin_group = core_module("bank_api_sync", "providers.berlin_group")
certificates = core_module("bank_api_sync", "certificates")
pki = core_module("bank_api_sync", "pki")
maintenance = core_module("bank_api_sync", "maintenance")
model = core_module("bank_api_sync", "model")
redaction = core_module("bank_api_sync", "redaction")
signing = core_module("bank_api_sync", "signing")
registry = core_module("bank_api_sync", "providers.registry")
mt940_writer = core_module("bank_api_sync_mt940", "writer")
