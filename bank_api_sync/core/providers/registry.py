"""Which client serves which provider.

A provider's core registers its client class when it is imported
(``register("acme", AcmeClient)`` after the class), under the code its Odoo
add-on adds to the connection's provider field. The Odoo glue, the benchmarks
and the tests ask ``client_class(code)`` or ``build_client(settings, ...)``
and never name a provider themselves.
"""

_CLIENTS = {}


def register(code: str, client_class) -> None:
    """Make ``client_class`` the client of the provider ``code``. A code has
    one client: registering another class under it raises ValueError (two
    add-ons claiming one code)."""
    known = _CLIENTS.get(code)
    if known is not None and known is not client_class:
        raise ValueError(
            f"Bank API provider {code!r} is already served by "
            f"{known.__module__}.{known.__qualname__}."
        )
    _CLIENTS[code] = client_class


def client_class(code: str):
    """The client class of provider ``code``; ValueError when none is
    registered (its add-on is not installed, or its core not imported)."""
    try:
        return _CLIENTS[code]
    except KeyError:
        known = ", ".join(sorted(_CLIENTS)) or "none"
        raise ValueError(
            f"Unknown bank API provider {code!r} (registered: {known})."
        ) from None


def codes() -> tuple:
    """The registered provider codes, sorted."""
    return tuple(sorted(_CLIENTS))


def build_client(settings, budget, **options):
    """The client of ``settings.provider``; ``options`` go to its constructor
    (``http``, ``clock``, ``sleep``, ``session``, ...)."""
    return client_class(settings.provider)(settings, budget, **options)
