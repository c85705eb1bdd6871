{
    "name": "Bank API Sync benchmark: Sandbox Bank provider for OCA",
    "summary": "Bench only: OCA's online statement import pulling from the "
    "Sandbox Bank (tests/bench/sync_import.py)",
    "version": "18.0.1.0.0",
    "category": "Hidden",
    "author": "bank_api_sync contributors",
    "license": "LGPL-3",
    "depends": ["account_statement_import_online", "bank_api_sync_sandbox"],
    "data": [],
    "installable": True,
}
