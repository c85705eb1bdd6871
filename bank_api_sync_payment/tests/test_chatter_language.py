from odoo.tests import tagged

from odoo.addons.mail.tools.discuss import Store

from .common import PaymentOrderCase


@tagged("post_install", "-at_install")
class TestChatterLanguage(PaymentOrderCase):
    """The order's chatter reads in each reader's language and number
    format, whoever wrote it."""

    def read_chatter(self, order, user):
        """The bodies of ``order``'s messages as the web client gets them
        for ``user`` (what its chatter shows), newest first."""
        messages = order.with_user(user).with_context(lang=user.lang).message_ids
        data = Store(messages, for_current_user=True).get_result()
        body = {message["id"]: message["body"] for message in data["mail.message"]}
        return [body[message.id] for message in messages]

    def test_a_refusal_by_an_english_approver_reads_in_polish_for_the_preparer(
        self,
    ):
        # The Polish format of the Polish demo: a space between thousands.
        self.env["res.lang"]._activate_lang("pl_PL").write(
            {"grouping": "[3,0]", "thousands_sep": " "}
        )
        self.approver.lang = "en_US"
        self.preparer.lang = "pl_PL"
        bills = self.bill(self.supplier, 1000, "FV/2026/11/0001") | self.bill(
            self.supplier, 2000, "FV/2026/11/0002"
        )
        order = self.order(bills)
        order.draft2open()
        action = order.with_user(self.approver).action_bank_api_refuse()
        self.env[action["res_model"]].with_user(self.approver).with_context(
            **action["context"]
        ).create(
            {"reason": "<script>alert(1)</script> FV/2026/11/0002 is disputed"}
        ).action_refuse()

        message = order.message_ids[0]
        stored = (
            "Refused (2 payment(s), 3,690.00 PLN in total): &lt;script&gt;"
            "alert(1)&lt;/script&gt; FV/2026/11/0002 is disputed"
        )
        self.assertIn(stored, message.body)
        self.assertIn(stored, self.read_chatter(order, self.approver)[0])
        polish = self.read_chatter(order, self.preparer)[0]
        self.assertIn(
            "Odrzucone (płatności: 2, łącznie 3 690,00 PLN): &lt;script&gt;"
            "alert(1)&lt;/script&gt; FV/2026/11/0002 is disputed",
            polish,
        )
        self.assertNotIn("<script>", polish)
        # The stored body stays English: a search finds it in English.
        self.assertEqual(
            order.search([("message_ids.body", "ilike", "in total")]), order
        )
