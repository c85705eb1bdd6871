from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import BankApiSyncCase

IBAN = "PL61109010140000071219812874"


@tagged("post_install", "-at_install")
class TestOneBankAccountOneFeed(BankApiSyncCase):
    """An IBAN already fed into a journal is not fed into a second one
    without a reason someone wrote, which is recorded."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.first = cls.bank_account(cls.connection, "acc-1")
        cls.first.action_create_journal()
        cls.second_connection = cls.env["bank.api.connection"].create(
            {"name": "Same Bank Again", "provider": "berlin_group"}
        )
        cls.second = cls.bank_account(cls.second_connection, "acc-2", iban=IBAN)

    @classmethod
    def bank_account(cls, connection, resource_id, iban=IBAN):
        return cls.env["bank.api.account"].create(
            {
                "connection_id": connection.id,
                "name": "Current",
                "resource_id": resource_id,
                # as a bank may write it: spaced
                "iban": " ".join(iban[i : i + 4] for i in range(0, len(iban), 4)),
            }
        )

    def test_a_second_connection_cannot_create_a_second_journal(self):
        journals_before = self.env["account.journal"].search_count([])
        with self.assertRaises(UserError) as refused:
            self.second.with_user(self.account_manager).action_create_journal()
        message = str(refused.exception)
        self.assertIn("already feeds", message)
        self.assertIn(self.first.journal_id.display_name, message)
        self.assertIn(self.company.display_name, message)
        self.assertIn("Main Bank", message)
        self.assertIn("Reason to Feed Twice", message)
        self.assertEqual(self.env["account.journal"].search_count([]), journals_before)
        self.assertFalse(self.second.journal_id)

    def test_nor_be_linked_to_another_journal(self):
        other = self.env["account.journal"].create(
            {"name": "Other Bank", "type": "bank", "code": "BOTH"}
        )
        with self.assertRaisesRegex(UserError, "already feeds"):
            self.second.with_user(self.account_manager).journal_id = other
        self.assertFalse(self.second.journal_id)

    def test_with_a_reason_it_is_allowed_and_recorded(self):
        self.second.with_user(self.account_manager).write(
            {"second_feed_reason": "Moving to the new API, old one ends Friday"}
        )
        self.second.with_user(self.account_manager).action_create_journal()
        journal = self.second.journal_id
        self.assertTrue(journal)
        self.assertNotEqual(journal, self.first.journal_id)
        for record in (self.second_connection, journal):
            bodies = " ".join(record.message_ids.mapped("body"))
            self.assertIn("Moving to the new API, old one ends Friday", bodies)
            self.assertIn(self.first.journal_id.display_name, bodies)
            self.assertIn(self.account_manager.name, bodies)

    def test_an_iban_fed_by_statement_files_counts_too(self):
        partner_bank = self.first.journal_id.bank_account_id
        files_journal = self.env["account.journal"].create(
            {
                "name": "Statement Files",
                "type": "bank",
                "code": "BFIL",
                "bank_account_id": partner_bank.id,
            }
        )
        self.env["account.bank.statement.line"].create(
            {
                "journal_id": files_journal.id,
                "date": "2026-11-20",
                "amount": 5.0,
                "payment_ref": "from a file",
            }
        )
        # The connection's journal is gone from this IBAN: the files remain.
        old = self.first.journal_id
        self.first.journal_id = False
        old.bank_account_id = False
        with self.assertRaisesRegex(UserError, "Statement Files"):
            self.second.action_create_journal()
        # Connecting the files' own journal is one feed, not two.
        self.second.journal_id = files_journal
        self.assertEqual(files_journal.bank_statements_source, "bank_api_sync")

    def test_another_iban_is_not_held_back(self):
        other = self.bank_account(
            self.second_connection, "acc-3", iban="PL27114020040000300201355387"
        )
        other.action_create_journal()
        self.assertTrue(other.journal_id)

    def test_an_archived_connection_feeds_no_more(self):
        self.connection.active = False
        self.second.action_create_journal()
        self.assertTrue(self.second.journal_id)
        self.assertNotEqual(self.second.journal_id, self.first.journal_id)
