"""Plain-Python core of bank_api_sync.

Nothing under this package imports Odoo: the provider framework and the
clients of the open standards (``providers``), the HTTP layer and the matching
engine live here and are unit-tested with plain pytest. The Odoo models in
``bank_api_sync.models`` are thin glue around it.
"""
