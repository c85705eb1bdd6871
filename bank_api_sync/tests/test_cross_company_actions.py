from odoo import Command, models
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tests.common import new_test_user
from odoo.tools import mute_logger

from ..models.account_move import BULK_IMPORT
from .common import BankApiSyncCase

OUR_CODE = "odoo.addons.bank_api_sync."


def public_methods_of_ours(env, our_code=OUR_CODE):
    """{model: {method}}: every method callable over RPC (public, not the
    ORM's own) that the add-on whose code starts with ``our_code`` defines or
    overrides, on any model."""
    found = {}
    for model_name in env.registry:
        for klass in type(env[model_name]).mro():
            if not klass.__module__.startswith(our_code):
                continue
            for name, value in vars(klass).items():
                if (
                    not name.startswith("_")
                    and callable(value)
                    and not hasattr(models.BaseModel, name)
                ):
                    found.setdefault(model_name, set()).add(name)
    return found


class CrossCompanyCase(BankApiSyncCase):
    """Company A's records and a manager of company B; other add-ons walk
    their own public methods with ``assertEveryPublicMethodRefuses``."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.env["res.company"].create({"name": "Company B"})
        cls.intruder = new_test_user(
            cls.env,
            login="bas_company_b_manager",
            groups="base.group_user,account.group_account_manager,"
            "account.group_account_user",
            company_id=cls.other_company.id,
            company_ids=[cls.other_company.id],
        )
        cls.connection.write(
            {"base_url": "https://api.bank.example/psd2", "state": "connected"}
        )
        cls.journal = cls.env["account.journal"].create(
            {"name": "Company A Bank", "type": "bank", "code": "BXC"}
        )
        cls.bank_account = cls.env["bank.api.account"].create(
            {
                "connection_id": cls.connection.id,
                "name": "Current",
                "resource_id": "acc-a-1",
                "iban": "PL61109010140000071219812874",
            }
        )
        cls.line = cls.env["account.bank.statement.line"].create(
            {
                "journal_id": cls.journal.id,
                "date": "2026-11-20",
                "amount": 100.0,
                "payment_ref": "Company A's money",
            }
        )
        cls.proposal = cls.env["bank.api.match.proposal"].create(
            {"statement_line_id": cls.line.id, "kind": "invoice"}
        )
        cls.kept_aside = cls.env["bank.api.rejected.transaction"].create(
            {
                "connection_id": cls.connection.id,
                "account_id": cls.bank_account.id,
                "reason": "the currency QQQ is unknown to Odoo",
                "raw_data": '{"transactionAmount": {"currency": "QQQ"}}',
            }
        )

    def records_of_company_a(self):
        """What an intruder would name over RPC, per model; wizards are his
        own, pointing at company A's records."""
        as_intruder = self.env(user=self.intruder)
        return {
            "bank.api.connection": lambda: self.connection,
            "bank.api.account": lambda: self.bank_account,
            "account.journal": lambda: self.journal,
            "account.bank.statement.line": lambda: self.line,
            "account.move": lambda: self.line.move_id,
            "bank.api.match.proposal": lambda: self.proposal,
            "bank.api.cash.position": lambda: self.env["bank.api.cash.position"].search(
                [("account_id", "=", self.bank_account.id)]
            ),
            "bank.api.rejected.transaction": lambda: self.kept_aside,
            "bank.api.sync.log": lambda: self.env["bank.api.sync.log"].create(
                {
                    "connection_id": self.connection.id,
                    "trigger": "manual",
                    "started_at": "2026-11-20 08:00:00",
                }
            ),
            "bank.api.sync.period": lambda: as_intruder["bank.api.sync.period"].create(
                {"connection_id": self.connection.id}
            ),
            "bank.api.manual.reconcile.wizard": lambda: as_intruder[
                "bank.api.manual.reconcile.wizard"
            ].create({"statement_line_id": self.line.id}),
            "bank.api.pilot.report": lambda: as_intruder["bank.api.pilot.report"]
            .with_context(default_journal_ids=[])
            .create({"journal_ids": [Command.set(self.journal.ids)]}),
            "bank.api.go.live": lambda: as_intruder["bank.api.go.live"].create(
                {"journal_ids": [Command.set(self.journal.ids)]}
            ),
            "bank.api.reconcile.screen": lambda: as_intruder[
                "bank.api.reconcile.screen"
            ].create({"statement_line_id": self.line.id}),
            "bank.api.reconcile.screen.row": lambda: as_intruder[
                "bank.api.reconcile.screen.row"
            ].create(
                {
                    "screen_id": as_intruder["bank.api.reconcile.screen"]
                    .create({"statement_line_id": self.line.id})
                    .id,
                    "row_type": "proposal",
                    "proposal_id": self.proposal.id,
                }
            ),
        }

    def assertEveryPublicMethodRefuses(self, our_code):
        """Every public method of the add-on at ``our_code`` raises
        AccessError for the intruder (returns the methods walked)."""
        methods = public_methods_of_ours(self.env, our_code)
        factories = self.records_of_company_a()
        self.assertFalse(
            set(methods) - set(factories),
            "a model of ours has public methods this test does not walk yet",
        )
        for model_name, names in sorted(methods.items()):
            for name in sorted(names):
                for context in ({}, {BULK_IMPORT: True}):
                    with (
                        self.subTest(model=model_name, method=name, context=context),
                        self.env.cr.savepoint(),
                        self.assertRaises(AccessError),
                    ):
                        record = factories[model_name]()
                        as_intruder = record.with_user(self.intruder).with_context(
                            **context
                        )
                        getattr(as_intruder, name)()
        return methods


@tagged("post_install", "-at_install")
class TestCrossCompanyActions(CrossCompanyCase):
    """A user of another company gets AccessError from every public method
    of ours, over any record of this company, before a bank is called or
    anything is written."""

    @mute_logger("odoo.models", "odoo.addons.base.models.ir_rule")
    def test_every_public_method_refuses_another_company(self):
        logs_before = self.connection.log_ids
        methods = self.assertEveryPublicMethodRefuses(OUR_CODE)
        self.assertIn("action_sync_now", methods["bank.api.connection"])
        self.assertEqual(self.connection.log_ids, logs_before)
        self.assertEqual(self.connection.state, "connected")
        self.assertFalse(self.bank_account.journal_id)
        self.assertEqual(self.kept_aside.state, "new")
