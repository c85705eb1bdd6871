from odoo.tests import HttpCase, tagged

from .common import SandboxSyncCase


@tagged("post_install", "-at_install")
class TestDashboardSyncNow(HttpCase, SandboxSyncCase):
    frozen_at = None  # the browser and its session live in real time

    def test_sync_now_on_the_bank_journal_card_imports_the_lines(self):
        journal = self.accounts[0].journal_id
        # Synced before: Sync Now runs at once (a first sync, in the background).
        self.mark_synced_before()
        self.start_tour(
            "/odoo/action-account.open_account_journal_dashboard_kanban",
            "bank_api_sync_sandbox_dashboard_sync_now",
            login="bas_account_manager",
        )
        self.assertTrue(self.imported(self.accounts[0]))
        log = self.connection.log_ids[:1]
        self.assertEqual((log.trigger, log.user_present), ("manual", True))
        self.assertEqual(
            {
                r.header("PSU-IP-Address")
                for r in self.bank.request_log
                if "/v1/accounts/" in r.path
            },
            {"127.0.0.1"},
        )
        self.assertEqual(journal.bank_statements_source, "bank_api_sync")
