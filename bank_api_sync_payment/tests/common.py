from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.tests.common import TransactionCase, new_test_user

from ..core.fake_whitelist import FakeWhiteList, FakeWhiteListServer

TODAY = date(2026, 12, 1)
COMPANY_IBAN = "PL61109010140000071219812874"
LISTED_IBAN = "PL21102028920000000000001234"
UNLISTED_IBAN = "PL91116022020000000123456789"
SUPPLIER_NIP = "5260250274"
OTHER_NIP = "7740001454"


class PaymentOrderCase(TransactionCase):
    """A Polish company paying vendor bills from a PLN account, the people of
    the four-eyes rule, and a stand-in VAT white list over real HTTP."""

    frozen_at = TODAY

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.pln = cls.env.ref("base.PLN")
        cls.pln.active = True
        cls.company = cls.env.company
        cls.company.write(
            {
                "currency_id": cls.pln.id,
                "name": "Firma Testowa Sp. z o.o.",
                "street": "ul. Prosta 1",
                "zip": "00-001",
                "city": "Warszawa",
            }
        )
        cls.register = FakeWhiteList(today=date.today)
        cls.register.register(SUPPLIER_NIP, LISTED_IBAN, "Dostawca S.A.")
        server = FakeWhiteListServer(cls.register).start()
        cls.addClassCleanup(server.stop)
        cls.env["ir.config_parameter"].sudo().set_param(
            "bank_api_sync_payment.whitelist_url", server.url
        )
        groups = "base.group_user,account.group_account_invoice,"
        cls.preparer = new_test_user(
            cls.env,
            login="bas_pay_preparer",
            groups=groups + "bank_api_sync_payment.group_payment_preparer",
        )
        cls.approver = new_test_user(
            cls.env,
            login="bas_pay_approver",
            groups=groups + "bank_api_sync_payment.group_payment_approver",
        )
        cls.manager = new_test_user(
            cls.env,
            login="bas_pay_manager",
            groups=groups + "bank_api_sync_payment.group_payment_manager",
        )
        cls.accounting_manager = new_test_user(
            cls.env,
            login="bas_pay_accounting_manager",
            groups="base.group_user,account.group_account_manager",
        )
        limits = cls.env["bank.api.payment.approval.limit"]
        for user in (cls.approver, cls.manager):
            limits.create({"user_id": user.id, "amount_limit": 100000})
        cls.journal = cls.bank_journal("Bank PLN", "BPLN", COMPANY_IBAN, cls.pln)
        cls.elixir_mode = cls.payment_mode(
            "Elixir-O", "bank_api_sync_payment.account_payment_method_elixir_o"
        )
        cls.tax = cls.env["account.tax"].create(
            {
                "name": "VAT 23% purchases",
                "amount": 23,
                "type_tax_use": "purchase",
                "company_id": cls.company.id,
            }
        )
        cls.expense = cls.env["account.account"].search(
            [("account_type", "=", "expense"), ("company_ids", "in", cls.company.id)],
            limit=1,
        )
        cls.supplier = cls.partner("Dostawca S.A.", SUPPLIER_NIP, LISTED_IBAN)
        cls.unlisted = cls.partner("Hurtownia Sp. j.", OTHER_NIP, UNLISTED_IBAN)

    def setUp(self):
        super().setUp()
        self.register.requests.clear()
        self.register.checks_by_day.clear()
        if self.frozen_at:
            frozen = freeze_time(self.frozen_at)
            self.clock = frozen.start()
            self.addCleanup(frozen.stop)

    @classmethod
    def bank_journal(cls, name, code, iban, currency):
        partner_bank = cls.env["res.partner.bank"].create(
            {"acc_number": iban, "partner_id": cls.company.partner_id.id}
        )
        return cls.env["account.journal"].create(
            {
                "name": name,
                "code": code,
                "type": "bank",
                "currency_id": currency.id,
                "bank_account_id": partner_bank.id,
            }
        )

    @classmethod
    def payment_mode(cls, name, method_xmlid, journal=None):
        method = cls.env.ref(method_xmlid)
        journal = journal or cls.journal
        if method not in journal.outbound_payment_method_line_ids.payment_method_id:
            journal.outbound_payment_method_line_ids = [
                Command.create({"payment_method_id": method.id})
            ]
        return cls.env["account.payment.mode"].create(
            {
                "name": name,
                "payment_method_id": method.id,
                "bank_account_link": "fixed",
                "fixed_journal_id": journal.id,
                "payment_order_ok": True,
                "default_date_prefered": "now",
            }
        )

    @classmethod
    def partner(cls, name, nip=None, iban=None, country="base.pl"):
        return cls.env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "vat": nip and f"PL{nip}",
                "country_id": cls.env.ref(country).id,
                "street": "ul. Długa 5",
                "zip": "80-001",
                "city": "Gdańsk",
                "bank_ids": [Command.create({"acc_number": iban})] if iban else [],
            }
        )

    @classmethod
    def bill(cls, partner, net, ref, currency=None, split_payment=False):
        bill = cls.env["account.move"].create(
            {
                "move_type": "in_invoice",
                "partner_id": partner.id,
                "ref": ref,
                "invoice_date": TODAY,
                "currency_id": (currency or cls.pln).id,
                "bank_api_split_payment": split_payment,
                "partner_bank_id": partner.bank_ids[:1].id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Goods",
                            "quantity": 1,
                            "price_unit": net,
                            "account_id": cls.expense.id,
                            "tax_ids": [Command.set(cls.tax.ids)],
                        }
                    )
                ],
            }
        )
        bill.action_post()
        return bill

    def order(self, bills, mode=None, user=None):
        """A draft order built by ``user`` (the preparer) from ``bills``."""
        env = self.env(user=user or self.preparer)
        order = env["account.payment.order"].create(
            {
                "payment_mode_id": (mode or self.elixir_mode).id,
                "payment_type": "outbound",
            }
        )
        items = (
            env["account.move"]
            .browse(bills.ids)
            .line_ids.filtered(
                lambda item: item.account_id.account_type == "liability_payable"
            )
        )
        items.create_payment_line_from_move_line(order)
        return order

    def as_user(self, record, user):
        return record.with_user(user)

    def events(self, order):
        return order.bank_api_audit_ids.sorted("id").mapped("event")
