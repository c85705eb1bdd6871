{
    "name": "Bank API Sync - Payments",
    "summary": "Vendor bills paid in bulk from OCA payment orders: checks, the "
    "Polish VAT white list, split payment, Elixir-O, four-eyes approval "
    "and an audit trail",
    "version": "18.0.1.2.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/bank-api-sync/bank_api_sync",
    "author": "bank_api_sync contributors",
    "license": "LGPL-3",
    "depends": [
        "bank_api_sync",
        "account_payment_order",
        "account_banking_sepa_credit_transfer",
    ],
    "external_dependencies": {"python": ["requests", "schwifty"]},
    "data": [
        "security/bank_api_sync_payment_security.xml",
        "security/ir.model.access.csv",
        "data/account_payment_method_data.xml",
        "data/ir_config_parameter_data.xml",
        "views/account_payment_order_views.xml",
        "views/account_payment_line_views.xml",
        "views/account_move_views.xml",
        "views/account_payment_mode_views.xml",
        "views/bank_api_connection_views.xml",
        "views/bank_api_payment_audit_views.xml",
        "views/bank_api_payment_approval_limit_views.xml",
        "views/bank_api_whitelist_check_views.xml",
        "wizards/bank_api_payment_refuse_views.xml",
        "views/bank_api_sync_payment_menus.xml",
    ],
    "demo": ["demo/bank_api_sync_payment_demo.xml"],
    "assets": {
        "web.assets_tests": ["bank_api_sync_payment/static/tests/tours/*.js"],
    },
    "installable": True,
}
