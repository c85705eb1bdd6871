{
    "name": "Bank API Sync - Enable Banking",
    "summary": "Connect Polish and EU banks through Enable Banking, a licensed "
    "PSD2 aggregator: no payment-institution licence of your own needed",
    "version": "18.0.1.1.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/bank-api-sync/bank_api_sync",
    "author": "bank_api_sync contributors",
    "license": "LGPL-3",
    "depends": ["bank_api_sync"],
    "external_dependencies": {"python": ["requests", "PyJWT", "cryptography"]},
    "data": [
        "security/ir.model.access.csv",
        "views/bank_api_connection_views.xml",
        "views/bank_api_enablebanking_aspsp_views.xml",
    ],
    "installable": True,
    "application": False,
}
