from odoo import fields, models

from .core_texts import LANGUAGE_NEUTRAL, body_text


class MailMessage(models.Model):
    _inherit = "mail.message"

    bank_api_body_source = fields.Json(
        string="Body (Language-Neutral)",
        readonly=True,
        copy=False,
        help=LANGUAGE_NEUTRAL,
    )

    def write(self, vals):
        # An edited body is the editor's text: it reads as written.
        if "body" in vals and "bank_api_body_source" not in vals:
            vals = dict(vals, bank_api_body_source=False)
        return super().write(vals)

    def _to_store(self, store, /, *, fields=None, **kwargs):
        super()._to_store(store, fields=fields, **kwargs)
        if fields is not None and "body" not in fields:
            return
        # sudo: mail.message - the source of a message the reader reads
        for message in self.sudo().filtered("bank_api_body_source"):
            store.add(
                message, {"body": body_text(self.env, message.bank_api_body_source)}
            )


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def _get_message_create_valid_field_names(self):
        # What post_text keeps of a message, to render it for each reader.
        return super()._get_message_create_valid_field_names() | {
            "bank_api_body_source"
        }
