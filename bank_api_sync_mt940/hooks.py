def uninstall_hook(env):
    """Journals fed by MT940 files fall back to Odoo's 'Undefined Yet' source:
    the selection value would otherwise outlive the add-on."""
    env["account.journal"].with_context(active_test=False).search(
        [("bank_statements_source", "=", "mt940_import")]
    ).write({"bank_statements_source": "undefined"})
