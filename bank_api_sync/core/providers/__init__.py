"""Provider clients behind one interface (``base.BankClient``), found by code
in the registry (``registry.build_client``).

The two open standards many banks implement live here and register
themselves on import: Berlin Group NextGenPSD2 (``berlin_group``) and
PolishAPI (``polishapi``). Other providers register from their own add-on's
core.
"""

# Importing the standards' modules registers their clients.
from . import berlin_group, polishapi
from .base import ACCESS_SCOPES, BankClient, ConnectionSettings
from .berlin_group import BerlinGroupClient
from .polishapi import PolishApiClient
from . import registry
from .registry import build_client, client_class, register

__all__ = [
    "ACCESS_SCOPES",
    "BankClient",
    "BerlinGroupClient",
    "ConnectionSettings",
    "PolishApiClient",
    "build_client",
    "client_class",
    "register",
    "registry",
]
