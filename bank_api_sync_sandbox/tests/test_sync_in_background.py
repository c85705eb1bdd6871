from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import SandboxSyncCase


@tagged("post_install", "-at_install")
class TestSyncInBackground(SandboxSyncCase):
    """*Sync in Background*: a first sync too long for a request is handed to
    the scheduled action, which commits it in parts."""

    def window_start(self):
        return self.frozen_at.date() - timedelta(days=self.history_days - 1)

    def test_the_scheduled_action_takes_the_sync_at_once(self):
        self.connection.sudo().next_sync_at = fields.Datetime.now() + timedelta(days=1)
        self.run_scheduler()
        self.assertFalse(self.imported(self.accounts[0]), "not due yet")

        action = self.connection.with_user(self.accountant).action_sync_in_background()

        self.assertEqual(action["params"]["type"], "info")
        # Nothing in the person's request: the scheduler is woken instead.
        self.assertFalse(self.imported(self.accounts[0]))
        cron = self.env.ref("bank_api_sync.ir_cron_bank_api_sync")
        self.assertTrue(
            self.env["ir.cron.trigger"].search(
                [("cron_id", "=", cron.id), ("call_at", "<=", fields.Datetime.now())]
            )
        )
        self.run_scheduler()
        log = self.connection.log_ids[:1]
        self.assertEqual(
            (log.status, log.trigger, log.user_present), ("success", "cron", False)
        )
        for account in self.accounts:
            self.assertLedgerComplete(account, self.window_start())

    def test_only_accounting_users_may_start_it(self):
        employee = new_test_user(
            self.env, login="bas_employee", groups="base.group_user"
        )
        with self.assertRaises(UserError):
            self.connection.with_user(employee).action_sync_in_background()

    def test_an_inactive_scheduled_action_is_said_not_waited_for(self):
        self.env.ref("bank_api_sync.ir_cron_bank_api_sync").active = False
        with self.assertRaisesRegex(UserError, "not active"):
            self.connection.with_user(self.accountant).action_sync_in_background()
