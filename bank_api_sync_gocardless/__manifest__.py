{
    "name": "Bank API Sync - GoCardless",
    "summary": "Connect Polish and EU banks through GoCardless Bank Account Data "
    "(formerly Nordigen), a licensed PSD2 aggregator, with an existing account",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/bank-api-sync/bank_api_sync",
    "author": "bank_api_sync contributors",
    "license": "LGPL-3",
    "depends": ["bank_api_sync"],
    "external_dependencies": {"python": ["requests"]},
    "data": [
        "security/ir.model.access.csv",
        "views/bank_api_connection_views.xml",
        "views/bank_api_gocardless_institution_views.xml",
    ],
    "installable": True,
    "application": False,
}
