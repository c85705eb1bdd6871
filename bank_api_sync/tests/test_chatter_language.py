from decimal import Decimal

from odoo.tests import TransactionCase, tagged

from odoo.addons.mail.tools.discuss import Store

from ..core.matching.texts import Text
from ..models.core_texts import post_text


@tagged("post_install", "-at_install")
class TestChatterLanguage(TransactionCase):
    """A chatter message written from a template reads in each reader's
    language and number format; its values stay text."""

    def read_chatter(self, message, lang):
        """``message``'s body as the web client gets it for a reader in
        ``lang``."""
        data = Store(
            message.with_context(lang=lang), for_current_user=True
        ).get_result()
        return data["mail.message"][0]["body"]

    def test_an_html_message_keeps_its_tags_and_escapes_its_values(self):
        self.env["res.lang"]._activate_lang("pl_PL").write(
            {"grouping": "[3,0]", "thousands_sep": " "}
        )
        partner = self.env["res.partner"].create(
            {"name": "<script>alert(1)</script> Kowalski & Syn"}
        )
        reason = Text(
            "partial payment: %(paid)s of %(residual)s %(currency)s",
            paid=Decimal("1332.49"),
            residual=Decimal("1500.00"),
            currency="PLN",
        )
        message = post_text(
            partner,
            Text("<b>%(name)s</b>: %(reason)s", name=partner.name, reason=reason),
            html=True,
        )
        name = "<b>&lt;script&gt;alert(1)&lt;/script&gt; Kowalski &amp; Syn</b>"
        english = name + ": partial payment: 1,332.49 of 1,500.00 PLN"
        self.assertIn(english, message.body)
        self.assertIn(english, self.read_chatter(message, "en_US"))
        polish = self.read_chatter(message, "pl_PL")
        self.assertIn(name + ": płatność częściowa: 1 332,49 z 1 500,00 PLN", polish)
        self.assertNotIn("<script>", polish)

    def test_a_person_editing_the_message_is_read_as_edited(self):
        self.env["res.lang"]._activate_lang("pl_PL")
        partner = self.env["res.partner"].create({"name": "Nowak PHU"})
        # A comment (as a connection's blocking is): its author may edit it.
        message = post_text(
            partner,
            Text("Bank sync failed: %(message)s", message="timeout"),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertIn(
            "Synchronizacja z bankiem nie powiodła się: timeout",
            self.read_chatter(message, "pl_PL"),
        )
        partner._message_update_content(message, "Checked: the bank was down.")
        self.assertFalse(message.bank_api_body_source)
        self.assertIn(
            "Checked: the bank was down.", self.read_chatter(message, "pl_PL")
        )
