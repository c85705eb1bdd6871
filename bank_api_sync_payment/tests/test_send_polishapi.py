from datetime import timedelta
from unittest.mock import patch

from odoo.tests import tagged

from odoo.addons.bank_api_sync.core.providers import PolishApiClient

from .common import TODAY, PaymentOrderCase


class StandInPolishBank:
    """What a PolishAPI bank answers to payments, in place of
    ``PolishApiClient._post`` (no PolishAPI bank runs in these tests; the
    fields are checked against the specification by the plain-Python tests
    with a fake bank over HTTP). It remembers what it was asked."""

    def __init__(self):
        self.asked = []  # (operation, fields, request_id)
        self.status = "inProgress"

    def post(self, client, service, operation, fields, **options):
        assert service == "payments", service
        self.asked.append((operation, fields, options.get("request_id")))
        if operation == "bundle":
            return {"bundleId": "pl-bundle-1", "bundleStatus": "inProgress"}
        if operation == "domestic":
            return {"paymentId": "pl-pay-1", "generalStatus": "submitted"}
        if operation == "getBundle":
            return {"bundleId": fields["bundleId"], "bundleStatus": self.status}
        raise AssertionError(f"unexpected operation {operation}")


@tagged("post_install", "-at_install")
class TestSendPolishApi(PaymentOrderCase):
    """An approved order sent through a PolishAPI connection: the order never
    names the provider, the PolishAPI client's payment operations carry it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.connection = cls.env["bank.api.connection"].create(
            {
                "name": "Bank Polski",
                "provider": "polishapi",
                "base_url": "https://api.bank.example",
                "client_id": "tpp-client",
                "bank_api_payments_scope": True,
            }
        )
        cls.connection.sudo().write(
            {
                "state": "connected",
                "consent_valid_until": TODAY + timedelta(days=60),
            }
        )
        cls.env["bank.api.account"].create(
            {
                "connection_id": cls.connection.id,
                "name": "Rachunek bieżący",
                "resource_id": "61109010140000071219812874",
                "journal_id": cls.journal.id,
            }
        )
        cls.elixir_mode.bank_api_send_by_api = True

    def setUp(self):
        super().setUp()
        self.bank = StandInPolishBank()
        bank = self.bank
        patcher = patch.object(
            PolishApiClient,
            "_post",
            lambda client, *args, **kwargs: bank.post(client, *args, **kwargs),
        )
        patcher.start()
        self.addCleanup(patcher.stop)

    def approved_order(self):
        bills = self.bill(self.supplier, 1000, "FV/2026/11/0070") | self.bill(
            self.supplier, 2000, "FV/2026/11/0071", split_payment=True
        )
        order = self.order(bills)
        order.draft2open()
        order.with_user(self.approver).action_bank_api_approve()
        return order, bills

    def test_an_order_is_a_bundle_whose_status_is_asked_with_get_bundle(self):
        order, bills = self.approved_order()
        order.with_user(self.preparer).action_bank_api_send()
        self.assertEqual(order.state, "uploaded")
        self.assertEqual(order.bank_api_bank_payment_id, "pl-bundle-1")
        self.assertEqual(order.bank_api_bank_state, "sent")
        self.assertEqual(set(bills.mapped("payment_state")), {"in_payment"})
        ((operation, fields, request_id),) = self.bank.asked
        self.assertEqual(operation, "bundle")
        self.assertEqual(fields["tppBundleId"], order._bank_api_idempotency_key())
        self.assertEqual(fields["transfersTotalAmount"], "3690.00")
        split = [t for t in fields["domesticTransfers"] if t.get("splitPayment")]
        self.assertEqual(
            split[0]["transactionInfoSp"]["spTaxIdentificationNumber"], "5260250274"
        )
        self.assertTrue(request_id)
        order.with_user(self.preparer).action_bank_api_check_status()
        self.assertEqual(order.bank_api_bank_state, "sent")
        self.bank.status = "done"
        order.with_user(self.preparer).action_bank_api_check_status()
        self.assertEqual(order.bank_api_bank_status, "done")
        self.assertEqual(order.bank_api_bank_state, "executed")
        self.assertEqual(self.events(order)[-2:], ["sent", "executed"])

    def test_a_cancelled_bundle_opens_the_bills_again(self):
        order, bills = self.approved_order()
        order.with_user(self.preparer).action_bank_api_send()
        self.bank.status = "cancelled"
        order.with_user(self.preparer).action_bank_api_check_status()
        self.assertEqual(order.bank_api_bank_state, "rejected")
        self.assertEqual(set(bills.mapped("payment_state")), {"not_paid"})
