from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import BankApiSyncCase


@tagged("post_install", "-at_install")
class TestBankApiConnectionAccess(BankApiSyncCase):
    def test_accountant_reads_connections(self):
        connections = self.env["bank.api.connection"].with_user(self.accountant)
        found = connections.search([("name", "=", "Main Bank")])
        self.assertEqual(found, self.connection)
        self.assertEqual(found.read(["provider", "state"])[0]["state"], "draft")

    def test_accountant_cannot_create_change_or_delete(self):
        connections = self.env["bank.api.connection"].with_user(self.accountant)
        with self.assertRaises(AccessError):
            connections.create({"name": "Other Bank"})
        with self.assertRaises(AccessError):
            self.connection.with_user(self.accountant).write({"name": "Renamed"})
        with self.assertRaises(AccessError):
            self.connection.with_user(self.accountant).unlink()

    def test_account_manager_manages_connections(self):
        connections = self.env["bank.api.connection"].with_user(self.account_manager)
        created = connections.create(
            {
                "name": "Second Bank",
                "provider": "polishapi",
                "environment": "production",
            }
        )
        self.assertEqual(created.state, "draft")
        self.assertEqual(created.company_id, self.company)
        created.write({"name": "Second Bank PLN"})
        self.assertEqual(created.display_name, "Second Bank PLN")
        created.unlink()
        self.assertFalse(created.exists())

    def test_sandbox_connections_say_so_in_their_name(self):
        self.assertEqual(self.connection.display_name, "Main Bank (Sandbox)")

    def test_connections_of_another_company_stay_invisible(self):
        other_company = self.env["res.company"].create({"name": "Other Company"})
        foreign = self.env["bank.api.connection"].create(
            {
                "name": "Foreign Bank",
                "provider": "berlin_group",
                "company_id": other_company.id,
            }
        )
        visible = (
            self.env["bank.api.connection"]
            .with_user(self.accountant)
            .search([("name", "in", ("Main Bank", "Foreign Bank"))])
        )
        self.assertEqual(visible, self.connection)
        self.accountant.write({"company_ids": [(4, other_company.id)]})
        visible_in_both = (
            self.env["bank.api.connection"]
            .with_user(self.accountant)
            .with_context(allowed_company_ids=[self.company.id, other_company.id])
            .search([("name", "in", ("Main Bank", "Foreign Bank"))])
        )
        self.assertEqual(visible_in_both, self.connection | foreign)
