from odoo.fields import Command
from odoo.tests.common import TransactionCase, new_test_user
from odoo.tools import file_open

SAMPLES = "bank_api_sync_mt940/tests/samples"


class Mt940ImportCase(TransactionCase):
    """An accountant, the currencies of the samples, and helpers to make an
    MT940 journal and upload files into it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.accountant = new_test_user(
            cls.env,
            login="mt940_accountant",
            groups="base.group_user,account.group_account_user",
        )
        cls.env["res.currency"].with_context(active_test=False).search(
            [("name", "in", ("PLN", "EUR", "USD"))]
        ).active = True

    @classmethod
    def make_journal(cls, code, account, currency="PLN", **values):
        """A bank journal fed by MT940 files, for bank account ``account``."""
        currency = cls.env["res.currency"].search([("name", "=", currency)])
        partner = cls.company.partner_id
        partner_bank = cls.env["res.partner.bank"].search(
            [
                ("sanitized_acc_number", "=", account.replace(" ", "").upper()),
                ("partner_id", "=", partner.id),
            ]
        ) or cls.env["res.partner.bank"].create(
            {"acc_number": account, "partner_id": partner.id}
        )
        return cls.env["account.journal"].create(
            {
                "name": f"MT940 {code}",
                "code": code,
                "type": "bank",
                "currency_id": currency != cls.company.currency_id and currency.id,
                "bank_account_id": partner_bank.id,
                "bank_statements_source": "mt940_import",
                **values,
            }
        )

    @staticmethod
    def sample(name):
        with file_open(f"{SAMPLES}/{name}", "rb") as file:
            return file.read()

    def attachments(self, *files, user=None):
        """ir.attachment records as the upload widget makes them; ``files``
        are sample names or (name, bytes) pairs."""
        env = self.env(user=user or self.accountant)
        return env["ir.attachment"].create(
            [
                {
                    "name": file if isinstance(file, str) else file[0],
                    "raw": self.sample(file) if isinstance(file, str) else file[1],
                    "res_model": "bank.api.mt940.import",
                }
                for file in files
            ]
        )

    def upload(self, journal, *files, user=None, **values):
        """The wizard of ``journal`` with ``files``, imported."""
        env = self.env(user=user or self.accountant)
        wizard = env["bank.api.mt940.import"].create(
            {
                "journal_id": journal.id,
                "attachment_ids": [
                    Command.set(self.attachments(*files, user=user).ids)
                ],
                **values,
            }
        )
        action = wizard.action_import()
        self.assertEqual(action["res_id"], wizard.id)
        self.assertEqual(wizard.state, "done")
        return wizard

    def lines(self, journal):
        return self.env["account.bank.statement.line"].search(
            [("journal_id", "=", journal.id)], order="internal_index, id"
        )

    def statements(self, journal):
        return self.env["account.bank.statement"].search(
            [("journal_id", "=", journal.id)], order="mt940_closing_date, id"
        )
