{
    "name": "Bank API Sync - Payments through the Sandbox Bank",
    "summary": "Glue installed with both the payments and the Sandbox Bank add-ons: "
    "the demo's vendor bills paid through the Sandbox Bank, and the payments' "
    "end-to-end tests against it",
    "version": "18.0.1.1.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/bank-api-sync/bank_api_sync",
    "author": "bank_api_sync contributors",
    "license": "LGPL-3",
    "depends": ["bank_api_sync_payment", "bank_api_sync_sandbox"],
    "demo": ["demo/bank_api_sync_payment_sandbox_demo.xml"],
    "installable": True,
    "auto_install": True,
}
