from odoo.tests.common import TransactionCase, new_test_user


class BankApiSyncCase(TransactionCase):
    """Users and a connection most tests of the add-on start from."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.company.partner_id.tz = "UTC"
        cls.accountant = new_test_user(
            cls.env,
            login="bas_accountant",
            password="bas_accountant",
            groups="base.group_user,account.group_account_user",
        )
        cls.account_manager = new_test_user(
            cls.env,
            login="bas_account_manager",
            password="bas_account_manager",
            groups="base.group_user,account.group_account_manager,account.group_account_user",
        )
        cls.connection = cls.env["bank.api.connection"].create(
            {"name": "Main Bank", "provider": "berlin_group", "environment": "sandbox"}
        )
