{
    "name": "Bank API Sync - MT940",
    "summary": "Import SWIFT MT940 bank statements (Polish and German variants)",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/bank-api-sync/bank_api_sync",
    "author": "bank_api_sync contributors",
    "license": "LGPL-3",
    "depends": ["bank_api_sync"],
    "data": [
        "views/account_journal_views.xml",
    ],
    "uninstall_hook": "uninstall_hook",
    "installable": True,
}
