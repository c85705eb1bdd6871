from odoo.tests import Form, TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestMt940JournalSettings(TransactionCase):
    def test_bank_journal_can_be_fed_by_mt940_files(self):
        sources = dict(
            self.env["account.journal"]
            ._fields["bank_statements_source"]
            ._description_selection(self.env)
        )
        self.assertEqual(sources.get("mt940_import"), "Statement File Import")

        manager = new_test_user(
            self.env,
            login="bas_mt940_manager",
            groups="account.group_account_manager,account.group_account_user",
        )
        with Form(self.env["account.journal"].with_user(manager)) as journal_form:
            journal_form.name = "mBank PLN"
            journal_form.type = "bank"
            journal_form.code = "MBK"
            journal_form.bank_statements_source = "mt940_import"
            journal_form.mt940_encoding = "cp1250"
        journal = journal_form.save()
        self.assertEqual(journal.bank_statements_source, "mt940_import")
        self.assertEqual(journal.mt940_encoding, "cp1250")

    def test_encoding_is_detected_unless_chosen(self):
        journal = self.env["account.journal"].create(
            {"name": "Other bank", "type": "bank", "code": "OTB"}
        )
        self.assertEqual(journal.mt940_encoding, "auto")
