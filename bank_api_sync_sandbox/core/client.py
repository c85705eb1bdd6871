"""The Sandbox Bank's client: a Berlin Group client with the sandbox's defaults.

The sandbox names, in a booked transaction's ``entryReference``, the id of
the pending transaction it replaces; this client exposes it as
``Transaction.pending_reference``. Registered as provider ``sandbox``.
"""

from .sandbox.auth import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from .siblings import berlin_group, registry

DEFAULT_BASE_URL = "http://127.0.0.1:8070"


class SandboxClient(berlin_group.BerlinGroupClient):
    pending_link_field = "entryReference"

    def __init__(self, settings, budget, http=None, **options):
        # Blank settings take the sandbox's public defaults (in place: the
        # caller keeps reading consent_id and tokens from the same object).
        settings.base_url = settings.base_url or DEFAULT_BASE_URL
        settings.client_id = settings.client_id or DEFAULT_CLIENT_ID
        settings.client_secret = settings.client_secret or DEFAULT_CLIENT_SECRET
        super().__init__(settings, budget, http, **options)


registry.register("sandbox", SandboxClient)
