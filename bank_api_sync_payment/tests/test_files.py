import base64
import csv
import io

from lxml import etree

from odoo.tests import tagged
from odoo.tools.misc import file_path

from .common import PaymentOrderCase


@tagged("post_install", "-at_install")
class TestFiles(PaymentOrderCase):
    def generated_file(self, order):
        order.draft2open()
        order.with_user(self.approver).action_bank_api_approve()
        order.open2generated()
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "account.payment.order"), ("res_id", "=", order.id)]
        )
        self.assertEqual(len(attachment), 1)
        return attachment.name, base64.b64decode(attachment.datas)

    def test_elixir_o_file_of_an_approved_order(self):
        bills = self.bill(self.supplier, 1000, "FV/2026/11/0040") | self.bill(
            self.supplier, 10000, "FS 123/2026", split_payment=True
        )
        order = self.order(bills)
        name, content = self.generated_file(order)
        self.assertTrue(name.endswith(".pli"))
        self.assertTrue(content.endswith(b"\r\n"))
        rows = list(csv.reader(io.StringIO(content.decode("cp1250"))))
        self.assertEqual(len(rows), 2)
        by_code = {row[14]: row for row in rows}
        plain, split = by_code["51"], by_code["53"]
        self.assertEqual(plain[:5], ["110", "20261201", "123000", "10901014", "0"])
        self.assertEqual(plain[5], "61109010140000071219812874")
        self.assertEqual(plain[6], "21102028920000000000001234")
        self.assertEqual(
            plain[7], "Firma Testowa Sp. z o.o.|ul. Prosta 1 00-001 Warszawa"
        )
        self.assertEqual(plain[10], "10202892")
        self.assertEqual(plain[11], "FV/2026/11/0040")
        self.assertEqual(split[2], "1230000")
        self.assertEqual(
            split[11].replace("|", ""), "/VAT/2300,00/IDC/5260250274/INV/FS 123/2026"
        )

    def test_pain_001_of_an_approved_order_is_valid_against_its_xsd(self):
        eur = self.env.ref("base.EUR")
        eur.active = True
        journal = self.bank_journal("Bank EUR", "BEUR", "DE89370400440532013000", eur)
        journal.bank_account_id.bank_id = self.env["res.bank"].create(
            {"name": "Commerzbank", "bic": "COBADEFFXXX"}
        )
        mode = self.payment_mode(
            "SEPA", "account_banking_sepa_credit_transfer.sepa_credit_transfer", journal
        )
        supplier = self.partner(
            "Lieferant GmbH", iban="FR1420041010050500013M02606", country="base.fr"
        )
        order = self.order(
            self.bill(supplier, 500, "R-2026-7", currency=eur)
            | self.bill(supplier, 250, "R-2026-8", currency=eur),
            mode=mode,
        )
        name, content = self.generated_file(order)
        self.assertTrue(name.endswith(".xml"))
        schema_path = file_path(
            "account_banking_sepa_credit_transfer/data/pain.001.001.03.xsd"
        )
        # Our own file and OCA's shipped schema: nothing from outside.
        with open(schema_path, "rb") as xsd:
            schema = etree.XMLSchema(etree.parse(xsd))  # noqa: S320
        document = etree.fromstring(content)  # noqa: S320
        schema.assertValid(document)
        namespace = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
        self.assertEqual(
            document.findtext(".//p:GrpHdr/p:CtrlSum", namespaces=namespace), "922.50"
        )
        self.assertEqual(
            document.findtext(".//p:CdtTrfTxInf//p:IBAN", namespaces=namespace),
            "FR1420041010050500013M02606",
        )
