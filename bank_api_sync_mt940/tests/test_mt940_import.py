import io
import zipfile
from datetime import date
from decimal import Decimal
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from ..core.writer import (
    Details86,
    StatementData,
    StatementLine,
    render_bytes,
)
from ..models.bank_api_mt940_importer import StatementFormat
from .common import Mt940ImportCase

# Per sample (tests/samples/README.md): the journal's account and currency,
# and per MT940 statement (number, opening, closing, lines).
GOOD_SAMPLES = {
    "mbank_cp1250.sta": (
        "PL36 1140 2004 4601 6907 6581 8949",
        "PLN",
        [(61, 48250.17, 56229.67, 3), (62, 56229.67, 57244.66, 2)],
    ),
    "pko_bp_iso88592.sta": (
        "PL95 1020 1026 4486 5354 7902 2452",
        "PLN",
        [(252, 10450.00, 10892.30, 4)],
    ),
    "pekao_cp852.sta": (
        "PL66 1240 1037 6697 6326 1714 0470",
        "PLN",
        [(36, 7320.45, 6480.55, 3), (37, 6480.55, 21480.55, 1)],
    ),
    "ing_cp852.sta": (
        "PL47 1050 1038 1837 0070 9257 4568",
        "PLN",
        [(67, 1520.10, 4960.10, 2)],
    ),
    "santander_utf8_bom.sta": (
        "PL07 1090 1014 7352 5940 9957 5458",
        "PLN",
        [(92, 3200.00, 21558.02, 3)],
    ),
    "millennium_cp852.sta": (
        "PL86 1160 2202 7015 4801 7946 3493",
        "PLN",
        [(12, 100000.00, 116000.00, 3), (13, 116000.00, 117234.56, 1)],
    ),
    "german_iso885915.sta": (
        "DE89 3704 0044 0532 0130 00",
        "EUR",
        [(42, 15420.50, 16625.51, 4)],
    ),
}

# Each bad sample: the line and field its error must name.
BAD_SAMPLES = {
    "bad_balance.sta": (7, ":62F:"),
    "bad_date.sta": (5, ":61:"),
    "unknown_mark.sta": (5, ":61:"),
    "missing_account.sta": (3, ":25:"),
    "no_amount.sta": (5, ":61:"),
    "truncated.sta": (6, ":62F:"),
    "unbalanced.sta": (9, ":62F:"),
    "currency_mismatch.sta": (7, ":62F:"),
    "sequence_gap.sta": (9, ":28C:"),
    "garbage.sta": (8, ":86:"),
}
BAD_ACCOUNT = "PL61 1090 1014 0000 0712 1981 2874"


def zip_of(**members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name.replace("__", "/"), data)
    return buffer.getvalue()


def generated(number, opening, amounts, day, account="PL61109010140000071219812874"):
    """An MT940 file with one statement written by the base add-on's writer."""
    lines = [
        StatementLine(
            value_date=day,
            entry_date=day,
            amount=Decimal(amount),
            bank_reference=f"G{number}-{index}",
            details=Details86(code="020", title=f"Payment {number}/{index}"),
        )
        for index, amount in enumerate(amounts, start=1)
    ]
    statement = StatementData(
        account=f"/{account}",
        currency="PLN",
        opening_balance=Decimal(opening),
        opening_date=day,
        lines=lines,
        statement_number=number,
        closing_date=day,
    )
    return render_bytes([statement], encoding="cp1250")


@tagged("post_install", "-at_install")
class TestMt940Import(Mt940ImportCase):
    def assertImported(self, journal, expected_statements):
        statements = self.statements(journal)
        self.assertEqual(
            [
                (
                    s.mt940_statement_number,
                    s.balance_start,
                    s.balance_end_real,
                    len(s.line_ids),
                )
                for s in statements
            ],
            expected_statements,
        )
        for statement in statements:
            self.assertTrue(statement.is_complete, statement.name)
            self.assertTrue(statement.is_valid, statement.name)
            self.assertEqual(
                statement.name,
                f"{journal.code} {statement.mt940_statement_number}/"
                f"{statement.mt940_closing_date.year}",
            )
            self.assertTrue(statement.attachment_ids)
        return statements

    def line(self, journal, payment_ref):
        lines = self.lines(journal).filtered(
            lambda st_line: st_line.payment_ref == payment_ref
        )
        self.assertEqual(len(lines), 1, payment_ref)
        return lines

    # -- every good sample -------------------------------------------------

    def test_every_good_sample_is_imported(self):
        for number, (name, (account, currency, expected)) in enumerate(
            GOOD_SAMPLES.items()
        ):
            with self.subTest(sample=name), self.env.cr.savepoint():
                journal = self.make_journal(f"GS{number}", account, currency)
                wizard = self.upload(journal, name)
                self.assertEqual(wizard.file_count, 1)
                self.assertEqual(wizard.statement_count, len(expected))
                self.assertEqual(wizard.line_count, sum(e[3] for e in expected))
                self.assertEqual(wizard.duplicate_count, 0)
                self.assertFalse(wizard.warnings)
                statements = self.assertImported(journal, expected)
                self.assertEqual(wizard.statement_ids, statements)
                self.assertEqual(wizard.line_ids, self.lines(journal))
                keys = self.lines(journal).mapped("bank_api_unique_key")
                self.assertTrue(all(key.startswith("ref:") for key in keys))
                self.assertEqual(len(set(keys)), len(keys))
                getattr(self, f"check_{name.split('_')[0]}")(journal)

    def check_mbank(self, journal):
        first = self.line(journal, "ZAPŁATA ZA FAKTURĘ FV/0312/2024")
        self.assertEqual(first.amount, 12300.00)
        self.assertEqual(first.date, date(2024, 3, 11))
        self.assertEqual(
            first.partner_name, "PRZEDSIĘBIORSTWO HANDLOWE ŻURAW SP. Z O.O."
        )
        self.assertEqual(first.account_number, "PL44102010976458800775479449")
        self.assertEqual(first.transaction_type, "NTRF")
        details = first.transaction_details
        self.assertEqual(details["bank_reference"], "240311123456789")
        self.assertIn("Z RACH.:", details["raw_86"])
        self.assertEqual(details["details"]["variant"], "mbank")
        self.assertEqual(details["statement"]["number"], "61/1")
        reversed_fee = self.line(journal, "ZWROT OPŁATY ZA PRZELEW")
        self.assertEqual(reversed_fee.amount, 15.00)
        self.assertEqual(reversed_fee.transaction_details["mark"], "RD")

    def check_pko(self, journal):
        [statement] = self.statements(journal)
        self.assertEqual(statement.mt940_opening_date, date(2023, 12, 28))
        self.assertEqual(statement.mt940_closing_date, date(2024, 1, 2))
        self.assertEqual(statement.reference, "MT940")
        # One statement, movements on several days.
        self.assertEqual(
            sorted(set(statement.line_ids.mapped("date"))),
            [date(2023, 12, 29), date(2024, 1, 2)],
        )
        housing = self.line(journal, "Opłata za usługi serwisowe grudzień 2023")
        self.assertEqual(housing.partner_name, "Spółdzielnia Mieszkaniowa Źródło")
        self.assertEqual(
            housing.transaction_details["details"]["counterparty_address"],
            "ul. Żeromskiego 14 25-370 Kielce",
        )
        self.assertEqual(housing.account_number, "PL76116022020934106634596949")
        split = self.line(
            journal,
            "/VAT/345,00/IDC/5252344078/INV/FV 2023/12/118/TXT/Dostawa materiałów",
        )
        self.assertEqual(split.amount, -1845.20)
        self.assertEqual(split.date, date(2024, 1, 2))
        self.assertEqual(split.transaction_details["value_date"], "2023-12-31")
        reversal = self.line(journal, "Zwrot błędnie zaksięgowanej wpłaty")
        self.assertEqual(reversal.amount, -200.00)
        fee = self.line(journal, "Opłata miesięczna za grudzień")
        self.assertEqual(fee.amount, -12.50)
        self.assertIsNone(fee.transaction_details["entry_date"])
        self.assertEqual(fee.date, date(2024, 1, 2))

    def check_pekao(self, journal):
        line = self.line(journal, "Faktura nr 17/02/2024 Wyrób stolarski")
        self.assertEqual(line.partner_name, "Stolarnia Bęc Józef Wójcik")
        self.assertEqual(line.amount, 1250.00)
        self.assertIn(
            "Zakład Ubezpieczeń Społecznych", self.lines(journal).mapped("partner_name")
        )

    def check_ing(self, journal):
        line = self.line(journal, "FV/2024/04/015 zapłata za usługę transportową")
        self.assertEqual(line.partner_name, "FIRMA TRANSPORTOWA ŁOŚ SP. Z O.O.")
        self.assertEqual(
            line.transaction_details["details"]["counterparty_address"],
            "UL. PORTOWA 8, 81-336 GDYNIA",
        )

    def check_santander(self, journal):
        cards = self.lines(journal).filtered(lambda line: line.amount == -45.99)
        self.assertEqual(len(cards), 2)
        self.assertEqual(set(cards.mapped("partner_name")), {"ŻABKA POLSKA SP. Z O.O."})
        first, second = sorted(cards.mapped("bank_api_unique_key"))
        self.assertEqual(second, f"{first}#2")

    def check_millennium(self, journal):
        names = self.lines(journal).mapped("partner_name")
        self.assertIn("Fundacja Rozwoju Przedsiębiorczości", names)
        self.assertIn("Łukasz Dąbrowski", names)
        # Statement 12 came on two pages: one statement.
        self.assertEqual(len(self.statements(journal)), 2)

    def check_german(self, journal):
        rent = self.line(journal, "Miete Büro Straße des 17. Juni 12, Ladenlokal 3")
        self.assertEqual(rent.amount, -1200.00)
        self.assertEqual(rent.partner_name, "Grundstücksgesellschaft Weiß GbR")
        mueller = self.lines(journal).filtered(
            lambda line: line.partner_name == "Müller & Söhne GmbH"
        )
        self.assertEqual(
            mueller.transaction_details["details"]["end_to_end_id"], "RE-2024-0311"
        )
        debit = self.lines(journal).filtered(
            lambda line: line.transaction_details["details"]["mandate_id"]
        )
        self.assertEqual(debit.transaction_details["details"]["mandate_id"], "M-000042")
        self.assertEqual(
            debit.transaction_details["details"]["creditor_id"], "DE98ZZZ09999999999"
        )
        self.line(journal, "Kontoführung 02/2024 5,00 €")

    def test_a_file_of_several_accounts_fills_each_accounts_journal(self):
        euro = self.make_journal("DBE", "DE89 3704 0044 0532 0130 00", "EUR")
        dollar = self.make_journal("NWU", "GB29 NWBK 6016 1331 9268 19", "USD")
        wizard = self.upload(euro, "swift_envelope.sta")
        self.assertEqual(wizard.statement_count, 3)
        self.assertEqual(wizard.line_count, 3)
        # Statement 156 has no movement: nothing to keep of it.
        self.assertImported(euro, [(155, 100000.00, 123749.25, 2)])
        self.assertImported(dollar, [(37, -500.00, 250.00, 1)])
        self.assertEqual(wizard.statement_ids.journal_id, euro | dollar)
        line = self.line(dollar, "PAYMENT FROM GLOBEX CORPORATION PO 778899 SETTLEMENT")
        self.assertEqual(line.amount, 750.00)

    # -- never twice ---------------------------------------------------------

    def test_importing_the_same_file_again_creates_nothing(self):
        journal = self.make_journal("MBK", GOOD_SAMPLES["mbank_cp1250.sta"][0])
        first = self.upload(journal, "mbank_cp1250.sta")
        again = self.upload(journal, "mbank_cp1250.sta")
        self.assertEqual((again.line_count, again.duplicate_count), (0, 5))
        self.assertFalse(again.warnings)
        self.assertFalse(again.statement_ids)
        self.assertEqual(self.lines(journal), first.line_ids)
        self.assertEqual(len(self.statements(journal)), 2)
        # The file is kept once, on the statements it filled.
        attachments = self.statements(journal).attachment_ids
        self.assertEqual(len(attachments), 1)
        self.assertEqual(attachments.name, "mbank_cp1250.sta")
        self.assertEqual(attachments.res_model, "account.bank.statement")

    def test_an_overlapping_file_creates_only_the_new_lines(self):
        journal = self.make_journal("MBK", GOOD_SAMPLES["mbank_cp1250.sta"][0])
        data = self.sample("mbank_cp1250.sta")
        second_statement = data.index(b"\x01:20:ST240312")
        first = self.upload(journal, ("61.sta", data[:second_statement]))
        self.assertEqual(first.line_count, 3)
        both = self.upload(journal, ("61-62.sta", data))
        self.assertEqual((both.line_count, both.duplicate_count), (2, 3))
        self.assertFalse(both.warnings)
        self.assertImported(
            journal,
            [(61, 48250.17, 56229.67, 3), (62, 56229.67, 57244.66, 2)],
        )
        self.assertEqual(
            self.statements(journal).mapped("attachment_ids.name"),
            ["61.sta", "61-62.sta"],
        )

    def test_the_same_statement_twice_in_one_upload_is_imported_once(self):
        journal = self.make_journal("MBK", GOOD_SAMPLES["mbank_cp1250.sta"][0])
        data = self.sample("mbank_cp1250.sta")
        wizard = self.upload(journal, ("a.sta", data), ("b.sta", data))
        self.assertEqual((wizard.line_count, wizard.duplicate_count), (5, 5))
        self.assertFalse(wizard.warnings)
        self.assertEqual(len(self.statements(journal)), 2)

    # -- refused uploads -------------------------------------------------------

    def test_every_bad_sample_is_refused_naming_line_and_field(self):
        journal = self.make_journal("BAD", BAD_ACCOUNT)
        for name, (line, field) in BAD_SAMPLES.items():
            with self.subTest(sample=name), self.env.cr.savepoint():
                with self.assertRaises(UserError) as caught:
                    self.upload(journal, name)
                message = str(caught.exception)
                self.assertIn(f"{name}: line {line}, field {field}:", message)
                self.assertIn("Nothing was imported", message)
                self.assertFalse(self.lines(journal))
                self.assertFalse(self.statements(journal))

    def test_one_bad_file_stops_the_whole_upload(self):
        journal = self.make_journal("MBK", GOOD_SAMPLES["mbank_cp1250.sta"][0])
        with self.assertRaises(UserError) as caught:
            self.upload(journal, "mbank_cp1250.sta", "unbalanced.sta")
        self.assertIn("unbalanced.sta: line 9, field :62F:", str(caught.exception))
        self.assertNotIn("mbank_cp1250.sta", str(caught.exception))
        self.assertFalse(self.lines(journal))

    def test_a_bad_file_is_explained_in_the_users_language(self):
        self.env["res.lang"]._activate_lang("pl_PL")
        journal = self.make_journal("MBK", GOOD_SAMPLES["mbank_cp1250.sta"][0])
        env = self.env(user=self.accountant, context={"lang": "pl_PL"})
        wizard = env["bank.api.mt940.import"].create(
            {
                "journal_id": journal.id,
                "attachment_ids": [Command.set(self.attachments("unbalanced.sta").ids)],
            }
        )
        with self.assertRaises(UserError) as caught:
            wizard.action_import()
        message = str(caught.exception)
        self.assertIn("Nic nie zaimportowano", message)
        self.assertIn(
            "unbalanced.sta: wiersz 9, pole :62F:: saldo końcowe 1080,00 PLN", message
        )
        self.assertIn("wyciąg się nie bilansuje", message)

    def test_a_statement_of_another_account_is_refused(self):
        journal = self.make_journal("MBK", GOOD_SAMPLES["mbank_cp1250.sta"][0])
        with self.assertRaises(UserError) as caught:
            self.upload(journal, "pko_bp_iso88592.sta")
        message = str(caught.exception)
        self.assertIn("pko_bp_iso88592.sta, statement 252 (line 1)", message)
        self.assertIn("PL95102010264486535479022452 is not the account", message)
        self.assertIn(journal.display_name, message)
        self.assertFalse(self.lines(journal))

    def test_a_journal_without_bank_account_cannot_check_the_statement(self):
        journal = self.env["account.journal"].create(
            {"name": "No account", "code": "NOACC", "type": "bank"}
        )
        with self.assertRaises(UserError) as caught:
            self.upload(journal, "ing_cp852.sta")
        self.assertIn("has no bank account number", str(caught.exception))

    def test_a_statement_in_another_currency_is_refused(self):
        account = GOOD_SAMPLES["mbank_cp1250.sta"][0]
        journal = self.make_journal("MBE", account, "EUR")
        with self.assertRaises(UserError) as caught:
            self.upload(journal, "mbank_cp1250.sta")
        self.assertIn("is in PLN but journal", str(caught.exception))
        self.assertFalse(self.lines(journal))

    def test_only_accountants_import(self):
        journal = self.make_journal("MBK", GOOD_SAMPLES["mbank_cp1250.sta"][0])
        billing = new_test_user(
            self.env, login="mt940_billing", groups="account.group_account_invoice"
        )
        with self.assertRaises(AccessError):
            self.env["bank.api.mt940.import"].with_user(billing).create(
                {"journal_id": journal.id}
            )

    def test_an_empty_upload_asks_for_files(self):
        journal = self.make_journal("MBK", GOOD_SAMPLES["mbank_cp1250.sta"][0])
        wizard = (
            self.env["bank.api.mt940.import"]
            .with_user(self.accountant)
            .create({"journal_id": journal.id})
        )
        with self.assertRaises(UserError):
            wizard.action_import()

    # -- encodings and zips ------------------------------------------------------

    def test_the_journals_encoding_is_used(self):
        account = GOOD_SAMPLES["pekao_cp852.sta"][0]
        journal = self.make_journal("PKA", account, mt940_encoding="cp852")
        wizard = self.upload(journal, "pekao_cp852.sta")
        self.assertEqual(wizard.encoding, "cp852")
        self.assertIn(
            "Stolarnia Bęc Józef Wójcik", wizard.line_ids.mapped("partner_name")
        )

    def test_a_wrong_encoding_forced_on_the_journal_is_obeyed(self):
        # Forced, the charset is not second-guessed: CP852 bytes that
        # Windows-1250 does not define stop the import, naming the charset.
        account = GOOD_SAMPLES["pekao_cp852.sta"][0]
        journal = self.make_journal("PKA", account, mt940_encoding="cp1250")
        with self.assertRaises(UserError) as caught:
            self.upload(journal, "pekao_cp852.sta")
        self.assertIn("pekao_cp852.sta: line 8, field :86:", str(caught.exception))
        self.assertIn("cp1250", str(caught.exception))
        # The upload may choose another charset than the journal's.
        wizard = self.upload(journal, "pekao_cp852.sta", encoding="auto")
        self.assertIn(
            "Stolarnia Bęc Józef Wójcik", wizard.line_ids.mapped("partner_name")
        )

    def test_a_zip_of_statements(self):
        mbank = self.make_journal("MBK", GOOD_SAMPLES["mbank_cp1250.sta"][0])
        pko = self.make_journal("PKO", GOOD_SAMPLES["pko_bp_iso88592.sta"][0])
        archive = zip_of(
            **{
                "march__mbank.sta": self.sample("mbank_cp1250.sta"),
                "pko.mt940": self.sample("pko_bp_iso88592.sta"),
                "statement.pdf": b"%PDF-1.4 not a statement",
            }
        )
        wizard = self.upload(mbank, ("statements.zip", archive))
        self.assertEqual(wizard.file_count, 2)
        self.assertEqual(wizard.line_count, 9)
        self.assertIn("statement.pdf skipped", wizard.warnings)
        self.assertEqual(len(self.statements(mbank)), 2)
        self.assertEqual(len(self.statements(pko)), 1)
        attachment = (self.statements(mbank) | self.statements(pko)).attachment_ids
        self.assertEqual(attachment.name, "statements.zip")

    def test_a_zip_without_statements_is_refused(self):
        journal = self.make_journal("MBK", GOOD_SAMPLES["mbank_cp1250.sta"][0])
        with self.assertRaises(UserError) as caught:
            self.upload(journal, ("docs.zip", zip_of(**{"a.pdf": b"%PDF"})))
        self.assertIn("holds no statement file", str(caught.exception))
        with self.assertRaises(UserError) as caught:
            self.upload(journal, ("broken.zip", b"PK\x03\x04 not really a zip"))
        self.assertIn("cannot be opened as a zip archive", str(caught.exception))

    # -- formats -----------------------------------------------------------------

    def test_the_window_lists_the_formats_and_the_summary_names_them(self):
        journal = self.make_journal("MBK", GOOD_SAMPLES["mbank_cp1250.sta"][0])
        wizard = self.upload(journal, "mbank_cp1250.sta")
        self.assertEqual(wizard.format_summary, "MT940: 1")
        self.assertIn("MT940 (.sta, .mt940, .txt, .940)", wizard.formats_read)

    def test_a_format_plugs_in_through_the_registry(self):
        # A format of another add-on: a registry entry and the method it
        # names, nothing else (here MT940 behind a one-line header).
        importer = type(self.env["bank.api.mt940.importer"])
        registered = importer._statement_formats

        def formats(model):
            test_format = StatementFormat(
                code="test",
                name="Test format",
                extensions=(".tst",),
                parse="_parse_test_source",
                detects=lambda data: data.startswith(b"TEST\n"),
            )
            return [test_format, *registered(model)]

        def parse(model, source, encoding, result=None):
            source.data = source.data[len(b"TEST\n") :]
            return model._parse_mt940_source(source, encoding, result)

        journal = self.make_journal("MBK", GOOD_SAMPLES["mbank_cp1250.sta"][0])
        data = b"TEST\n" + self.sample("mbank_cp1250.sta")
        with (
            patch.object(importer, "_statement_formats", formats),
            patch.object(importer, "_parse_test_source", parse, create=True),
        ):
            wizard = self.upload(
                journal, ("statements.zip", zip_of(**{"day1.tst": data}))
            )
            self.assertEqual(
                (wizard.format_summary, wizard.line_count), ("Test format: 1", 5)
            )
            self.assertIn("Test format (.tst)", wizard.formats_read)
            with self.assertRaises(UserError) as caught:
                self.upload(journal, ("bad.tst", b"TEST\n:20:X\n"))
        self.assertIn("these files are not valid Test format.", str(caught.exception))
        self.assertIn("bad.tst: line", str(caught.exception))

    # -- continuity with the journal -----------------------------------------------

    def test_a_missing_statement_without_money_moved_is_a_warning(self):
        journal = self.make_journal("GEN", BAD_ACCOUNT)
        self.upload(
            journal, ("1.sta", generated(1, "1000.00", ["100.00"], date(2024, 5, 6)))
        )
        wizard = self.upload(
            journal, ("3.sta", generated(3, "1100.00", ["-40.00"], date(2024, 5, 8)))
        )
        self.assertEqual(wizard.line_count, 1)
        self.assertIn("statement(s) 2 are missing", wizard.warnings)
        self.assertIn("no net movement", wizard.warnings)

    def test_a_gap_in_the_money_stops_the_import_unless_forced(self):
        journal = self.make_journal("GEN", BAD_ACCOUNT)
        self.upload(
            journal, ("1.sta", generated(1, "1000.00", ["100.00"], date(2024, 5, 6)))
        )
        gap = ("3.sta", generated(3, "1500.00", ["-40.00"], date(2024, 5, 8)))
        with self.assertRaises(UserError) as caught:
            self.upload(journal, gap)
        message = str(caught.exception)
        self.assertIn("Statement 3 opens with 1500,00 PLN", message)
        self.assertIn("statement 1 closed with 1100,00 PLN", message)
        self.assertIn("Import anyway", message)
        self.assertEqual(len(self.lines(journal)), 1)

        wizard = self.upload(journal, gap, import_anyway=True)
        self.assertEqual(wizard.line_count, 1)
        self.assertIn("Imported anyway", wizard.warnings)
        self.assertEqual(len(self.statements(journal)), 2)

    def test_a_missing_statement_imported_later_fits_in(self):
        journal = self.make_journal("GEN", BAD_ACCOUNT)
        day = date(2024, 5, 6)
        self.upload(journal, ("1.sta", generated(1, "1000.00", ["100.00"], day)))
        self.upload(
            journal, ("3.sta", generated(3, "1100.00", ["5.00"], date(2024, 5, 8)))
        )
        # Statement 2 (money in and out again) is checked against statement
        # 1, not against the later statement 3.
        wizard = self.upload(
            journal,
            ("2.sta", generated(2, "1100.00", ["10.00", "-10.00"], date(2024, 5, 7))),
        )
        self.assertFalse(wizard.warnings)
        self.assertEqual(wizard.line_count, 2)
        self.assertEqual(
            self.statements(journal).mapped("mt940_statement_number"), [1, 2, 3]
        )

    def test_a_statement_already_imported_is_not_a_break(self):
        journal = self.make_journal("MBK", GOOD_SAMPLES["mbank_cp1250.sta"][0])
        self.upload(journal, "mbank_cp1250.sta")
        data = self.sample("mbank_cp1250.sta")
        only_61 = data[: data.index(b"\x01:20:ST240312")]
        wizard = self.upload(journal, ("61 again.sta", only_61))
        self.assertFalse(wizard.warnings)
        self.assertEqual(wizard.duplicate_count, 3)

    # -- the dashboard -----------------------------------------------------------

    def test_files_dropped_on_the_dashboard_card_are_imported(self):
        journal = self.make_journal("MBK", GOOD_SAMPLES["mbank_cp1250.sta"][0])
        attachments = self.attachments("mbank_cp1250.sta")
        # As the card's uploader calls it: no record, the journal in context.
        action = (
            self.env["account.journal"]
            .with_user(self.accountant)
            .with_context(default_journal_id=journal.id, default_move_type="entry")
            .create_document_from_attachment(attachments.ids)
        )
        self.assertEqual(action["res_model"], "bank.api.mt940.import")
        self.assertEqual(action["target"], "new")
        wizard = self.env["bank.api.mt940.import"].browse(action["res_id"])
        self.assertEqual((wizard.state, wizard.line_count), ("done", 5))
        self.assertEqual(len(self.lines(journal)), 5)
        self.assertFalse(
            self.env["account.move"].search(
                [("journal_id", "=", journal.id), ("statement_line_id", "=", False)]
            ),
            "no journal entry was made of the file",
        )
        self.assertEqual(self.statements(journal).attachment_ids, attachments)

    def test_a_bad_file_dropped_on_the_card_says_why(self):
        journal = self.make_journal("MBK", GOOD_SAMPLES["mbank_cp1250.sta"][0])
        attachments = self.attachments("truncated.sta")
        with self.assertRaises(UserError) as caught:
            self.env["account.journal"].with_user(self.accountant).with_context(
                default_journal_id=journal.id
            ).create_document_from_attachment(attachments.ids)
        self.assertIn("truncated.sta: line 6, field :62F:", str(caught.exception))

    def test_other_journals_keep_odoos_drop(self):
        journal = self.env["account.journal"].create(
            {"name": "Misc drop", "code": "MSCD", "type": "general"}
        )
        attachments = self.attachments(("note.txt", b"hello"))
        action = (
            self.env["account.journal"]
            .with_context(default_journal_id=journal.id, default_move_type="entry")
            .create_document_from_attachment(attachments.ids)
        )
        self.assertEqual(action["res_model"], "account.move")

    def test_the_journal_opens_the_wizard(self):
        journal = self.make_journal(
            "MBK", GOOD_SAMPLES["mbank_cp1250.sta"][0], mt940_encoding="cp1250"
        )
        action = journal.with_user(self.accountant).action_open_mt940_import()
        with Form(
            self.env["bank.api.mt940.import"]
            .with_user(self.accountant)
            .with_context(**action["context"])
        ) as form:
            self.assertEqual(form.journal_id, journal)
            self.assertEqual(form.encoding, "cp1250")
            form.attachment_ids.add(self.attachments("mbank_cp1250.sta"))
        wizard = form.save()
        wizard.action_import()
        self.assertEqual((wizard.state, wizard.line_count), ("done", 5))
        from_list = (
            self.env["bank.api.mt940.import"]
            .with_user(self.accountant)
            .with_context(active_model="account.journal", active_ids=journal.ids)
            .create({})
        )
        self.assertEqual(from_list.journal_id, journal)
