{
    "name": "Bank API Sync - Webhooks",
    "summary": "Signed bank notifications (Standard Webhooks): stored first, "
    "then balances updated and new transactions synced within seconds",
    "version": "18.0.1.1.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/bank-api-sync/bank_api_sync",
    "author": "bank_api_sync contributors",
    "license": "LGPL-3",
    "depends": ["bank_api_sync"],
    "data": [
        "security/bank_api_sync_webhook_security.xml",
        "security/ir.model.access.csv",
        "views/bank_api_webhook_event_views.xml",
        "views/bank_api_connection_views.xml",
        "views/bank_api_sync_webhook_menus.xml",
        "data/ir_cron_data.xml",
    ],
    "installable": True,
}
