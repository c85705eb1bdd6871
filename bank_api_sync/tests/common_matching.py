from odoo import Command

from .common import BankApiSyncCase


class MatchingSetup:
    """Reconciliation models, accounts and helpers for the matching tests."""

    @classmethod
    def setup_matching(cls, company):
        env = cls.env
        cls.fee_account = cls.account("620000", "expense")
        cls.write_off_account = cls.account("443000", "expense")
        # Only our models: the ones the chart of accounts created would
        # answer first.
        env["account.reconcile.model"].search(
            [("company_id", "=", company.id), ("rule_type", "!=", "writeoff_button")]
        ).active = False
        cls.invoice_model = env["account.reconcile.model"].create(
            {
                "name": "Match bank payments",
                "rule_type": "invoice_matching",
                "sequence": 1,
                "auto_reconcile": True,
                "past_months_limit": 0,
                "allow_payment_tolerance": True,
                "payment_tolerance_type": "fixed_amount",
                "payment_tolerance_param": 1.0,
                "line_ids": [
                    Command.create(
                        {
                            "account_id": cls.write_off_account.id,
                            "amount_type": "percentage",
                            "amount_string": "100",
                            "label": "Payment difference",
                        }
                    )
                ],
            }
        )
        cls.fee_model = env["account.reconcile.model"].create(
            {
                "name": "Bank fees",
                "rule_type": "writeoff_suggestion",
                "sequence": 5,
                "auto_reconcile": True,
                "bank_api_fee_codes": "NCHG, PMNT-MDOP-CHRG",
                "bank_api_fee_keywords": "prowizja\nopłata za prowadzenie rachunku",
                "bank_api_fee_max_amount": 500,
                "line_ids": [
                    Command.create(
                        {
                            "account_id": cls.fee_account.id,
                            "amount_type": "percentage",
                            "amount_string": "100",
                            "label": "Bank fee",
                        }
                    )
                ],
            }
        )

    @classmethod
    def account(cls, code, account_type):
        account = cls.env["account.account"].search(
            [("code", "=", code), ("company_ids", "in", cls.env.company.id)], limit=1
        )
        return account or cls.env["account.account"].search(
            [
                ("account_type", "=", account_type),
                ("company_ids", "in", cls.env.company.id),
            ],
            limit=1,
        )

    @classmethod
    def partner(cls, name, iban=None, vat=None, virtual_account=None):
        values = {"name": name, "is_company": True, "vat": vat}
        if iban:
            values["bank_ids"] = [Command.create({"acc_number": iban})]
        if virtual_account:
            values["bank_api_virtual_account"] = virtual_account
        return cls.env["res.partner"].create(values)

    @classmethod
    def invoice(
        cls,
        partner,
        amount,
        number=None,
        invoice_date="2026-11-02",
        currency=None,
        move_type="out_invoice",
        **values,
    ):
        if number:
            # Numbered by hand, in a journal of their own: Odoo's sequence of
            # the default journal would continue from them.
            values.setdefault("journal_id", cls.numbered_journal().id)
        move = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_date": invoice_date,
                "currency_id": (currency or cls.env.company.currency_id).id,
                **({"name": number} if number else {}),
                **values,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Goods",
                            "price_unit": amount,
                            "quantity": 1,
                            "tax_ids": [],
                        }
                    )
                ],
            }
        )
        move.action_post()
        return move

    @classmethod
    def numbered_journal(cls):
        journal = cls.env["account.journal"].search(
            [("code", "=", "FV"), ("company_id", "=", cls.env.company.id)]
        )
        sales = cls.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", cls.env.company.id)], limit=1
        )
        return journal or cls.env["account.journal"].create(
            {
                "name": "Numbered invoices",
                "type": "sale",
                "code": "FV",
                "default_account_id": sales.default_account_id.id,
            }
        )

    def bank_line(self, amount, title, journal=None, date="2026-11-20", **values):
        return self.env["account.bank.statement.line"].create(
            {
                "journal_id": (journal or self.journal).id,
                "date": date,
                "amount": amount,
                "payment_ref": title,
                **values,
            }
        )

    def match(self, *lines):
        lines = self.env["account.bank.statement.line"].concat(*lines)
        stats = self.env["bank.api.matcher"]._match_statement_lines(lines)
        self.env.invalidate_all()
        return stats

    def assertReconciledWith(self, line, *invoices, how="auto"):
        self.assertTrue(line.is_reconciled, line.bank_api_match_notes)
        self.assertEqual(line.bank_api_reconciled_how, how)
        for invoice in invoices:
            self.assertIn(invoice.payment_state, ("paid", "in_payment"), invoice.name)
        counterparts = line.move_id.line_ids.matched_debit_ids.debit_move_id
        counterparts |= line.move_id.line_ids.matched_credit_ids.credit_move_id
        self.assertEqual(
            counterparts.move_id.filtered(lambda move: move.is_invoice(True)),
            self.env["account.move"].concat(*invoices),
        )

    def assertNotReconciled(self, line, *invoices):
        self.assertFalse(line.is_reconciled)
        self.assertFalse(line.bank_api_reconciled_how)
        _liquidity, suspense, others = line._seek_for_lines()
        self.assertTrue(suspense)
        self.assertFalse(others)
        for invoice in invoices:
            self.assertEqual(invoice.payment_state, "not_paid", invoice.name)


class BankApiMatchingCase(MatchingSetup, BankApiSyncCase):
    """A bank journal in the company's currency and our reconcile models."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.vat = "PL7010203056"
        cls.journal = cls.env["account.journal"].create(
            {"name": "Matching Bank", "type": "bank", "code": "BMT"}
        )
        cls.setup_matching(cls.company)
