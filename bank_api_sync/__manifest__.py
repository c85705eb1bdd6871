{
    "name": "Bank API Sync",
    "summary": "Connect company bank accounts to Odoo accounting through bank APIs",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/bank-api-sync/bank_api_sync",
    "author": "bank_api_sync contributors",
    "license": "LGPL-3",
    "depends": ["account", "mail"],
    "external_dependencies": {"python": ["requests", "cryptography"]},
    "data": [
        "security/bank_api_sync_security.xml",
        "security/ir.model.access.csv",
        "views/bank_api_connection_views.xml",
        "views/bank_api_sync_menus.xml",
    ],
    "demo": ["demo/bank_api_connection_demo.xml"],
    "assets": {
        "web.assets_tests": ["bank_api_sync/static/tests/tours/*.js"],
    },
    "installable": True,
    "application": False,
}
