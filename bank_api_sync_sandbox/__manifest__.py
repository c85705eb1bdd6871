{
    "name": "Bank API Sync - Sandbox Bank",
    "summary": "A Berlin Group bank served over real HTTP by Odoo itself: "
    "try bank connections, the sync and matching without a real bank",
    "version": "18.0.1.2.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/bank-api-sync/bank_api_sync",
    "author": "bank_api_sync contributors",
    "license": "LGPL-3",
    "depends": ["bank_api_sync", "bank_api_sync_mt940", "bank_api_sync_camt"],
    "external_dependencies": {"python": ["requests"]},
    "data": [
        "views/bank_api_connection_views.xml",
    ],
    "demo": [
        "demo/bank_api_connection_demo.xml",
        "demo/bank_api_matching_demo.xml",
    ],
    "assets": {
        "web.assets_tests": ["bank_api_sync_sandbox/static/tests/tours/*.js"],
    },
    "installable": True,
    "application": False,
}
