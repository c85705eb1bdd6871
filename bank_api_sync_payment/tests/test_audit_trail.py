from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import PaymentOrderCase


@tagged("post_install", "-at_install")
class TestAuditTrail(PaymentOrderCase):
    def setUp(self):
        super().setUp()
        self.order_ = self.order(self.bill(self.supplier, 100, "FV/2026/11/0030"))
        self.order_.draft2open()
        self.entry = self.order_.bank_api_audit_ids.sorted("id")[-1]

    def test_nobody_changes_or_deletes_an_entry(self):
        audit = self.env["bank.api.payment.audit"]
        for user in (self.manager, self.accounting_manager):
            entry = self.entry.with_user(user)
            for operation in ("write", "create", "unlink"):
                self.assertFalse(
                    audit.with_user(user).has_access(operation),
                    f"{user.login} may {operation} audit entries",
                )
            with self.assertRaisesRegex(UserError, "cannot be changed"):
                entry.write({"note": "nothing happened"})
            with self.assertRaisesRegex(UserError, "cannot be deleted"):
                entry.unlink()
        self.assertTrue(audit.with_user(self.accounting_manager).has_access("read"))
        # Not even the superuser, through the ORM.
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            self.entry.sudo().write({"user_id": self.manager.id})
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            self.entry.sudo().unlink()
        with self.assertRaisesRegex(UserError, "written by the payment order only"):
            self.env["bank.api.payment.audit"].sudo().create(
                {
                    "order_id": self.order_.id,
                    "company_id": self.company.id,
                    "event": "approved",
                    "user_id": self.manager.id,
                    "at": "2026-12-01 10:00:00",
                    "content_hash": "x",
                    "entry_hash": "x",
                }
            )

    def test_an_entry_changed_in_sql_shows_as_a_broken_trail(self):
        self.assertEqual(self.order_.bank_api_trail_problem, "Intact")
        self.env.cr.execute(
            "UPDATE bank_api_payment_audit SET user_id = %s WHERE id = %s",
            [self.manager.id, self.entry.id],
        )
        self.env.invalidate_all()
        self.assertIn("Broken at the entry", self.order_.bank_api_trail_problem)
        self.assertIn("submitted", self.order_.bank_api_trail_problem)

    def test_each_entry_carries_who_when_and_the_contents_hash(self):
        self.assertEqual(self.entry.event, "submitted")
        self.assertEqual(self.entry.user_id, self.preparer)
        self.assertEqual(str(self.entry.at), "2026-12-01 00:00:00")
        self.assertEqual(self.entry.content_hash, self.order_.bank_api_content_hash)
        self.assertEqual(len(self.entry.content_hash), 64)
        self.assertEqual(self.entry.amount_total, 123)
