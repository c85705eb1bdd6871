from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from .common import BankApiSyncCase


@tagged("post_install", "-at_install")
class TestConsentAuthorization(BankApiSyncCase):
    """The state a bank hands back: whose, how long, how often."""

    def setUp(self):
        super().setUp()
        self.authorizations = self.env["bank.api.consent.authorization"]
        self.manager_env = self.env(user=self.account_manager)

    def start(self):
        return self.authorizations.with_env(self.manager_env)._start(self.connection)

    def redeem(self, state, env=None):
        authorizations = self.authorizations.with_env(env or self.manager_env)
        authorization, refused = authorizations._redeem(state)
        return refused or authorization.connection_id

    def test_a_state_works_once_for_its_user(self):
        state = self.start()
        self.assertEqual(len(state), 43)  # 32 random bytes
        stored = self.authorizations.search([])
        self.assertNotEqual(stored.state_hash, state)
        self.assertEqual(stored.user_id, self.account_manager)
        accountant_env = self.env(user=self.accountant)
        self.assertEqual(self.redeem(state, accountant_env), "other_user")
        self.assertEqual(self.redeem(state), self.connection)
        self.assertEqual(self.redeem(state), "replayed")

    def test_made_up_or_oversized_states_are_unknown(self):
        self.start()
        for state in (None, "", "made-up", "x" * 5000, ["list"]):
            self.assertEqual(self.redeem(state), "unknown")

    def test_a_state_goes_stale_after_15_minutes(self):
        now = fields.Datetime.now()
        with freeze_time(now):
            state = self.start()
        with freeze_time(now + timedelta(minutes=16)):
            self.assertEqual(self.redeem(state), "stale")
            self.assertEqual(self.redeem(state), "replayed")  # and it is spent

    def test_a_company_the_user_left_cannot_complete_it(self):
        state = self.start()
        elsewhere = self.env["res.company"].create({"name": "Elsewhere"})
        self.account_manager.write(
            {"company_ids": [(6, 0, elsewhere.ids)], "company_id": elsewhere.id}
        )
        self.assertEqual(self.redeem(state), "other_company")

    def test_expired_states_are_forgotten_a_day_later(self):
        now = fields.Datetime.now()
        with freeze_time(now):
            self.start()
        with freeze_time(now + timedelta(days=2)):
            self.authorizations._gc_expired()
        self.assertFalse(self.authorizations.search([]))
