"""The base add-on's core modules this core uses, imported by name (inside
Odoo under ``odoo.addons``, in plain Python as top-level packages; the same
pattern as the Sandbox Bank's core): one provider registry, one set of error
classes, shared with the base."""

import importlib

_PARENT = __name__.rpartition(".bank_api_sync_payment.")[0]


def core_module(addon: str, name: str):
    module = f"{addon}.core.{name}"
    return importlib.import_module(f"{_PARENT}.{module}" if _PARENT else module)


berlin_group = core_module("bank_api_sync", "providers.berlin_group")
errors = core_module("bank_api_sync", "errors")
polishapi = core_module("bank_api_sync", "providers.polishapi")
