{
    "name": "Bank API Sync - Aggregator Stand-ins",
    "summary": "Enable Banking and GoCardless stand-ins served by Odoo itself: "
    "the demo connects, syncs and reconciles through both aggregators",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/bank-api-sync/bank_api_sync",
    "author": "bank_api_sync contributors",
    "license": "LGPL-3",
    "depends": [
        "bank_api_sync_sandbox",
        "bank_api_sync_enablebanking",
        "bank_api_sync_gocardless",
    ],
    "external_dependencies": {"python": ["requests", "PyJWT", "cryptography"]},
    "data": [
        "views/bank_api_connection_views.xml",
    ],
    "demo": [
        "demo/bank_api_connection_demo.xml",
    ],
    "installable": True,
    "auto_install": True,
    "application": False,
}
