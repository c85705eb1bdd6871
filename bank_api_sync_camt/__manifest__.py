{
    "name": "Bank API Sync - camt.053 / camt.052",
    "summary": "Import ISO 20022 camt.053 statements and camt.052 reports",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/bank-api-sync/bank_api_sync",
    "author": "bank_api_sync contributors",
    "license": "LGPL-3",
    "depends": ["bank_api_sync_mt940"],
    "data": [],
    "installable": True,
}
