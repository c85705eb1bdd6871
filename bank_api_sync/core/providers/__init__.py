"""Provider clients behind one interface (see ``base.BankClient``).

``build_client(settings, budget, **options)`` returns the client for
``settings.provider``; ``PROVIDERS`` lists the (code, label) pairs a
selection field offers.
"""

from .base import BankClient, ConnectionSettings
from .berlin_group import BerlinGroupClient
from .polishapi import PolishApiClient
from .sandbox import SandboxClient

CLIENTS = {
    "sandbox": SandboxClient,
    "berlin_group": BerlinGroupClient,
    "polishapi": PolishApiClient,
}

PROVIDERS = [
    ("sandbox", "Sandbox Bank"),
    ("berlin_group", "Berlin Group NextGenPSD2"),
    ("polishapi", "PolishAPI"),
]


def build_client(settings, budget, **options) -> BankClient:
    """The client for ``settings.provider``; ``options`` go to its constructor
    (``http``, ``clock``, ``sleep``, ``session``, ...). ValueError for an
    unknown provider."""
    try:
        client_class = CLIENTS[settings.provider]
    except KeyError:
        known = ", ".join(CLIENTS)
        raise ValueError(
            f"Unknown bank API provider {settings.provider!r} (known: {known})."
        ) from None
    return client_class(settings, budget, **options)


__all__ = [
    "CLIENTS",
    "PROVIDERS",
    "BankClient",
    "BerlinGroupClient",
    "ConnectionSettings",
    "PolishApiClient",
    "SandboxClient",
    "build_client",
]
