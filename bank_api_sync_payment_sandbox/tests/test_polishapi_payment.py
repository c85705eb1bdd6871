import dataclasses
from unittest.mock import patch
from urllib.parse import parse_qs, urlsplit

from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.bank_api_sync_payment.tests.common import PaymentOrderCase
from odoo.addons.bank_api_sync_sandbox.core.sandbox import SandboxBank

HTTP_LOGGER = "odoo.addons.bank_api_sync.core.http"
RETURN_LOGGER = "odoo.addons.bank_api_sync.controllers.consent_return"


@tagged("post_install", "-at_install")
class TestPolishApiPayment(HttpCase, PaymentOrderCase):
    """A PolishAPI bank (the Sandbox Bank's PolishAPI personality, over real
    HTTP) that wants the customer to authorise each payment: Send to Bank
    opens the bank's page, the preparer approves the payment there, the bank
    sends them back to Odoo, which trades the authorisation for the
    payment's token, initiates the payment with it and asks its status."""

    frozen_at = None  # a browser session and a bank on the real clock

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.connection = cls.env["bank.api.connection"].create(
            {
                "name": "PolishAPI Bank",
                "provider": "polishapi",
                "environment": "sandbox",
                "client_id": "tpp-client",
                "polishapi_tpp_id": "PSDPL-KNF-0000001",
                "bank_api_payments_scope": True,
            }
        )
        cls.account_manager = cls.env["res.users"].search(
            [("login", "=", "bas_pay_accounting_manager")]
        )

    def setUp(self):
        super().setUp()
        self.bank = SandboxBank(seed=3, per_day=1).start()
        self.addCleanup(self.bank.stop)
        self.env["ir.config_parameter"].sudo().set_param(
            "web.base.url", self.base_url()
        )
        self.connection.base_url = self.bank.url
        # Connected through the bank's page, as a person connects it.
        page = self.connection.with_user(self.account_manager).action_connect()["url"]
        self.authenticate(self.account_manager.login, self.account_manager.login)
        self.come_back(self.decide_at_the_bank(page, "approve"))
        self.env.invalidate_all()
        self.assertEqual(self.connection.state, "connected")
        pln = self.connection.account_ids.filtered(
            lambda account: account.currency_id.name == "PLN"
        )
        pln.action_create_journal()
        self.api_mode = self.payment_mode(
            "PolishAPI transfers",
            "bank_api_sync_payment.account_payment_method_elixir_o",
            pln.journal_id,
        )
        self.api_mode.bank_api_send_by_api = True
        self.authenticate(self.preparer.login, self.preparer.login)

    def decide_at_the_bank(self, page_url, decision):
        """The customer's answer at the bank's page: where it sends them."""
        self.assertTrue(page_url.startswith(f"{self.bank.url}/polishapi/login?"))
        page = self.opener.get(page_url, timeout=10)
        self.assertIn("Approve", page.text)
        state = parse_qs(urlsplit(page_url).query)["state"][0]
        answer = self.opener.post(
            page_url,
            data={"state": state, "decision": decision},
            allow_redirects=False,
            timeout=10,
        )
        self.assertEqual(answer.status_code, 302)
        return answer.headers["Location"]

    def come_back(self, location):
        """The browser follows the bank's redirect into Odoo."""
        self.assertTrue(
            location.startswith(f"{self.base_url()}/bank_api_sync/consent/return?")
        )
        answer = self.url_open(location, allow_redirects=False)
        self.assertEqual(answer.status_code, 303)
        self.env.invalidate_all()
        return answer.headers["Location"]

    def approved_order(self):
        bills = self.bill(self.supplier, 1000, "FV/2026/11/0060") | self.bill(
            self.supplier, 2000, "FV/2026/11/0061", split_payment=True
        )
        order = self.order(bills, mode=self.api_mode)
        order.draft2open()
        order.with_user(self.approver).action_bank_api_approve()
        return order, bills

    def send(self, order):
        """Send to Bank: the action opening the bank's page."""
        action = order.with_user(self.preparer).action_bank_api_send()
        self.assertEqual(action["type"], "ir.actions.act_url")
        return action["url"]

    def pis_authorizations(self):
        return [
            entry
            for entry in self.bank.request_log
            if entry.path.endswith("/authorize") and b'"scope": "pis"' in entry.body
        ]

    def test_authorised_at_the_bank_then_initiated_and_executed(self):
        order, bills = self.approved_order()
        page = self.send(order)
        self.assertEqual(order.state, "open")  # nothing sent before the customer
        self.assertEqual(self.bank.polishapi.payments, {})
        (asked,) = self.pis_authorizations()
        self.assertIn(b"pis:bundle", asked.body)
        back_location = self.decide_at_the_bank(page, "approve")
        back = self.come_back(back_location)
        self.assertTrue(back.endswith(f"/odoo/account.payment.order/{order.id}"))
        self.assertEqual(order.state, "uploaded")
        self.assertEqual(order.bank_api_bank_state, "sent")
        self.assertEqual(set(bills.mapped("payment_state")), {"in_payment"})
        (bundle,) = self.bank.polishapi.payments.values()
        self.assertEqual(order.bank_api_bank_payment_id, "bundle-0001")
        self.assertEqual(
            bundle["body"]["tppBundleId"], order._bank_api_idempotency_key()
        )
        transfers = bundle["body"]["domesticTransfers"]
        self.assertEqual(
            sorted(t["transferData"]["amount"] for t in transfers),
            ["1230.00", "2460.00"],
        )
        self.assertIn(
            "/VAT/460,00/IDC/5260250274/INV/FV/2026/11/0061",
            [t["transferData"]["description"] for t in transfers],
        )
        # The payment's own token, kept encrypted for its status.
        self.assertTrue(order.sudo().bank_api_payment_token_encrypted)
        order.with_user(self.preparer).action_bank_api_check_status()
        self.assertEqual(order.bank_api_bank_status, "done")
        self.assertEqual(order.bank_api_bank_state, "executed")
        self.assertEqual(self.events(order)[-2:], ["sent", "executed"])
        # The return link works once: the order is not sent twice.
        with mute_logger(RETURN_LOGGER):
            again = self.url_open(back_location, allow_redirects=False)
        self.assertEqual(again.status_code, 400)
        self.assertEqual(len(self.bank.polishapi.payments), 1)

    def test_a_cancelled_bundle_opens_the_bills_again(self):
        order, bills = self.approved_order()
        page = self.send(order)
        self.come_back(self.decide_at_the_bank(page, "approve"))
        (bundle,) = self.bank.polishapi.payments.values()
        bundle["status"] = "cancelled"
        order.with_user(self.preparer).action_bank_api_check_status()
        self.assertEqual(order.bank_api_bank_state, "rejected")
        self.assertEqual(order.state, "cancel")
        self.assertEqual(set(bills.mapped("payment_state")), {"not_paid"})
        self.assertEqual(self.events(order)[-2:], ["bank_rejected", "cancelled"])

    def test_an_expired_payment_authorisation_is_said_as_such(self):
        order, _bills = self.approved_order()
        page = self.send(order)
        self.come_back(self.decide_at_the_bank(page, "approve"))
        for token in self.bank.polishapi.access:
            self.bank.polishapi.access[token] = self.bank.now()
        with self.assertRaisesRegex(UserError, "no longer accepts the authorisation"):
            order.with_user(self.preparer).action_bank_api_check_status()
        self.assertEqual(order.bank_api_bank_state, "sent")

    def test_nothing_is_paid_before_the_customer_authorises(self):
        """Send to Bank only asks the bank for the customer's authorisation:
        nothing is initiated on the connection's own consent."""
        order, _bills = self.approved_order()
        self.send(order)
        self.assertEqual(self.bank.polishapi.payments, {})
        self.assertFalse(
            [e for e in self.bank.request_log if "/payments/" in e.path],
            "nothing is initiated before the customer authorises it",
        )

    def test_refused_at_the_bank_leaves_the_order_approved_not_sent(self):
        order, bills = self.approved_order()
        page = self.send(order)
        location = self.decide_at_the_bank(page, "deny")
        self.assertIn("error=access_denied", location)
        back = self.come_back(location)
        self.assertTrue(back.endswith(f"/odoo/account.payment.order/{order.id}"))
        self.assertEqual(order.state, "open")
        self.assertEqual(order.bank_api_approval_state, "approved")
        self.assertFalse(order.bank_api_bank_payment_id)
        self.assertEqual(set(bills.mapped("payment_state")), {"not_paid"})
        self.assertEqual(self.bank.polishapi.payments, {})
        self.assertIn(
            "refused or cancelled at the bank's page",
            order.message_ids[0].body,
        )
        self.assertNotIn("sent", self.events(order))

    def test_a_retry_after_a_timeout_pays_once(self):
        """The bank takes the payment but answers too late: the order stays
        approved with the reason; sent again and authorised again, the same
        TPP id gets the bank's payment back: one payment at the bank."""
        order, _bills = self.approved_order()
        connections = type(self.env["bank.api.connection"])
        settings = connections._client_settings

        def impatient(connection, *args, **kwargs):
            return dataclasses.replace(
                settings(connection, *args, **kwargs), timeout=1.0, max_retries=0
            )

        page = self.send(order)
        self.bank.set_fault("timeout", times=1, delay=2, path="/bundle")
        with (
            patch.object(connections, "_client_settings", impatient),
            mute_logger(HTTP_LOGGER),
        ):
            self.come_back(self.decide_at_the_bank(page, "approve"))
        self.assertEqual(order.state, "open")
        self.assertFalse(order.bank_api_bank_payment_id)
        self.assertIn("did not take the payment", order.message_ids[0].body)
        self.assertEqual(len(self.bank.polishapi.payments), 1)  # it has it
        page = self.send(order)
        self.come_back(self.decide_at_the_bank(page, "approve"))
        self.assertEqual(order.state, "uploaded")
        self.assertEqual(len(self.bank.polishapi.payments), 1)
        self.assertEqual(
            order.bank_api_bank_payment_id, next(iter(self.bank.polishapi.payments))
        )
        self.assertEqual(len(self.pis_authorizations()), 2)
