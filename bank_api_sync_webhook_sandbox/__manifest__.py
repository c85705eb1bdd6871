{
    "name": "Bank API Sync - Webhooks from the Sandbox Bank",
    "summary": "Glue installed with both the webhook and the Sandbox Bank add-ons: "
    "the Sandbox Bank signs and sends webhooks to Odoo, and a customer payment "
    "booked at the bank lands in the journal, matched, seconds later",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/bank-api-sync/bank_api_sync",
    "author": "bank_api_sync contributors",
    "license": "LGPL-3",
    "depends": ["bank_api_sync_webhook", "bank_api_sync_sandbox"],
    "data": ["views/bank_api_connection_views.xml"],
    "demo": ["demo/bank_api_sync_webhook_sandbox_demo.xml"],
    "installable": True,
    "auto_install": True,
}
