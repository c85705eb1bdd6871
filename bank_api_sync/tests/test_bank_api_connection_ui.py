from odoo.tests import HttpCase, tagged

from .common import BankApiSyncCase


@tagged("post_install", "-at_install")
class TestBankApiConnectionUi(HttpCase, BankApiSyncCase):
    def test_manager_opens_connections_from_the_configuration_menu(self):
        self.start_tour(
            "/odoo", "bank_api_sync_connection_menu", login="bas_account_manager"
        )

    def test_accountant_opens_the_connections_action_read_only(self):
        self.start_tour(
            "/odoo/bank-connections",
            "bank_api_sync_connection_readonly",
            login="bas_accountant",
        )
